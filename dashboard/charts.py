"""Plotly figures other than maps (those are in geo/). No Streamlit here: figures in, figures out.
Colours and fonts come from dashboard.theme; every figure is shown beside a table of the same figures."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from scoring.rates import share
from scoring.scorecard import Scorecard

from .format import pct, short
from .i18n import t
from .scorecard_text import domain_label
from .theme import BLACK, BLUE, OKABE_ITO, OUTCOME_COLOURS, PLOTLY_BASE as BASE


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
                           marker_color=BLUE, hoverinfo="all"))
    fig.update_layout(**BASE, title=title, height=60 + 38 * len(dist), xaxis=dict(title=x_title, range=[0, 100]),
                      yaxis=dict(autorange="reversed"))
    return fig


def ranked_bars(df: pd.DataFrame, label: str, value: str, title: str = "", x_title: str = "",
                text: pd.Series | None = None, height: int | None = None) -> go.Figure:
    fig = go.Figure(go.Bar(x=df[value], y=df[label].map(short), orientation="h", marker_color=BLUE,
                           hovertext=df[label], hoverinfo="text+x",
                           text=text if text is not None else [f"{v:.1f}%" for v in df[value]],
                           textposition="auto"))
    fig.update_layout(**BASE, title=title, height=height or 80 + 28 * len(df),
                      xaxis=dict(title=x_title, range=[0, 100]), yaxis=dict(autorange="reversed", automargin=True))
    return fig


def outcome_stack(df: pd.DataFrame, label: str, names: dict[str, str], title: str = "") -> go.Figure:
    """Stacked shares of outcomes per row, in the fixed order pass, fail, not done, no service."""
    fig = go.Figure()
    total = df[list(OUTCOME_COLOURS)].sum(axis=1)
    for o, colour in OUTCOME_COLOURS.items():
        part = 100 * share(df[o], total)
        fig.add_bar(x=part, y=df[label].map(short), orientation="h", name=names[o], marker_color=colour,
                    hovertext=df[label],
                    text=[f"{v:.0f}%" if v >= 6 else "" for v in part.fillna(0)], textposition="inside")
    fig.update_layout(**BASE, barmode="stack", title=title, height=90 + 30 * len(df),
                      xaxis=dict(range=[0, 100], ticksuffix="%"), yaxis=dict(autorange="reversed", automargin=True),
                      legend=dict(orientation="h", y=-0.15))
    return fig


# --- one LAO's scorecard (the PDF draws its own, in dashboard/report/pdf_charts.py) ---------------------

SCORECARD_LAYOUT = {**BASE, "margin": dict(l=10, r=10, t=40, b=10), "legend": dict(orientation="h", y=-0.12)}


def scorecard_domains(card: Scorecard, lang: str) -> go.Figure:
    """The LAO's pass rate per domain (bars, value printed) against the peer median (diamonds)."""
    d = card.domains
    labels = [short(domain_label(r, lang), 30) for _, r in d.iterrows()]
    fig = go.Figure()
    fig.add_bar(y=labels, x=d["pass_rate"], orientation="h", name=t("lao_chart_lao", lang),
                marker_color=OKABE_ITO[0], text=[pct(v, 0) for v in d["pass_rate"]], textposition="inside",
                insidetextanchor="start",
                hovertext=[domain_label(r, lang) for _, r in d.iterrows()], hoverinfo="text+x")
    fig.add_scatter(y=labels, x=d["peer_median"], mode="markers", name=t("lao_chart_median", lang),
                    marker=dict(symbol="diamond", size=13, color=OKABE_ITO[1], line=dict(color=BLACK, width=1.5)))
    fig.update_layout(**SCORECARD_LAYOUT, height=90 + 42 * len(d), title=t("lao_domains_title", lang),
                      xaxis=dict(range=[0, 105], ticksuffix="%"), yaxis=dict(autorange="reversed"))
    return fig


def scorecard_trend(card: Scorecard, lang: str) -> go.Figure:
    """Pass rate per round: overall as a line, and every domain as a row of labelled cells (a
    single-hue scale, values printed; a round without a submission is left blank and says so)."""
    from plotly.subplots import make_subplots
    years = [str(y) for y in card.years]
    tr = card.trend
    rows = [*card.domains["domain"], "all"]
    names = {r["domain"]: short(domain_label(r, lang), 34) for _, r in card.domains.iterrows()}
    names["all"] = t("lao_overall", lang)
    z, text = [], []
    for dom in rows:
        part = tr[tr["domain"] == dom].set_index("year")
        z.append([part.at[y, "pass_rate"] if part.at[y, "submitted"] else None for y in card.years])
        text.append([pct(part.at[y, "pass_rate"], 0) if part.at[y, "submitted"] else t("lao_no_submission", lang)
                     for y in card.years])
    fig = make_subplots(rows=2, cols=1, row_heights=[0.3, 0.7], vertical_spacing=0.08)
    overall = tr[(tr["domain"] == "all") & tr["submitted"]]
    fig.add_scatter(x=overall["year"].astype(str), y=overall["pass_rate"], mode="lines+markers+text",
                    name=t("lao_overall", lang), line=dict(color=BLACK, width=3), marker=dict(size=9),
                    text=[pct(v, 0) for v in overall["pass_rate"]], textposition="top center", row=1, col=1)
    fig.add_heatmap(x=years, y=[names[d] for d in rows], z=z, text=text, texttemplate="%{text}",
                    colorscale="Blues", zmin=0, zmax=100, showscale=False, xgap=3, ygap=3,
                    hovertemplate="%{y} · %{x}: %{text}<extra></extra>", row=2, col=1)
    fig.update_layout(**SCORECARD_LAYOUT, height=560, showlegend=False, title=t("lao_trend_title", lang))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years)
    fig.update_yaxes(range=[0, 110], ticksuffix="%", row=1, col=1)
    fig.update_yaxes(autorange="reversed", row=2, col=1)
    return fig
