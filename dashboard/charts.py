"""Plotly figures other than maps (those are in geo/). No Streamlit here: figures in, figures out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Colour-blind-safe (Okabe-Ito); meaning never rests on colour alone: labels and order carry it too.
OUTCOME_COLOURS = {"pass": "#0072B2", "fail": "#E69F00", "not_done": "#CC79A7", "no_service": "#BBBBBB"}
BASE = dict(template="none", margin=dict(l=10, r=10, t=30, b=10), font=dict(family="Sarabun, Loma, sans-serif"))


def short(text: str, n: int = 26) -> str:
    """Axis labels stay readable on a phone; the table alternative carries the full name."""
    return text if len(text) <= n else text[: n - 1] + "…"


def trend(df: pd.DataFrame, x: str, y: str, title: str = "", y_title: str = "") -> go.Figure:
    fig = go.Figure(go.Scatter(x=df[x].astype(str), y=df[y], mode="lines+markers+text",
                               text=[f"{v:.1f}%" for v in df[y]], textposition="top center"))
    fig.update_layout(**BASE, title=title, height=300, yaxis=dict(title=y_title, rangemode="tozero"),
                      xaxis=dict(type="category"))
    return fig


def quartile_boxes(dist: pd.DataFrame, label: str, title: str = "", x_title: str = "") -> go.Figure:
    """Box plots from precomputed quartiles: the spread of thousands of LAOs in a few numbers."""
    fig = go.Figure(go.Box(y=dist[label], q1=dist["q1"], median=dist["median"], q3=dist["q3"],
                           lowerfence=dist["min"], upperfence=dist["max"], orientation="h",
                           marker_color="#0072B2", hoverinfo="all"))
    fig.update_layout(**BASE, title=title, height=60 + 38 * len(dist), xaxis=dict(title=x_title, range=[0, 100]),
                      yaxis=dict(autorange="reversed"))
    return fig


def ranked_bars(df: pd.DataFrame, label: str, value: str, title: str = "", x_title: str = "",
                text: pd.Series | None = None, height: int | None = None) -> go.Figure:
    fig = go.Figure(go.Bar(x=df[value], y=df[label].map(short), orientation="h", marker_color="#0072B2",
                           hovertext=df[label], hoverinfo="text+x",
                           text=text if text is not None else [f"{v:.1f}%" for v in df[value]],
                           textposition="auto"))
    fig.update_layout(**BASE, title=title, height=height or 80 + 28 * len(df),
                      xaxis=dict(title=x_title, range=[0, 100]), yaxis=dict(autorange="reversed", automargin=True))
    return fig


def outcome_stack(df: pd.DataFrame, label: str, names: dict[str, str], title: str = "") -> go.Figure:
    """Stacked shares of outcomes per row, in the fixed order pass, fail, not done, no service."""
    fig = go.Figure()
    total = df[list(OUTCOME_COLOURS)].sum(axis=1).where(lambda s: s > 0)
    for o, colour in OUTCOME_COLOURS.items():
        share = 100 * df[o] / total
        fig.add_bar(x=share, y=df[label].map(short), orientation="h", name=names[o], marker_color=colour,
                    hovertext=df[label],
                    text=[f"{v:.0f}%" if v >= 6 else "" for v in share.fillna(0)], textposition="inside")
    fig.update_layout(**BASE, barmode="stack", title=title, height=90 + 30 * len(df),
                      xaxis=dict(range=[0, 100], ticksuffix="%"), yaxis=dict(autorange="reversed", automargin=True),
                      legend=dict(orientation="h", y=-0.15))
    return fig
