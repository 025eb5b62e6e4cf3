"""Plotly figures other than maps (those are in geo/). No Streamlit here: figures in, figures out.
Colours and fonts come from dashboard.theme; every figure is shown beside a table of the same figures."""
from __future__ import annotations

import unicodedata

import pandas as pd
import plotly.graph_objects as go

from scoring.rates import share
from scoring.scorecard import Scorecard

from .format import pct
from .i18n import t
from .scorecard_text import domain_label, round_name
from .theme import BLACK, BLUE, OKABE_ITO, OUTCOME_COLOURS, text_on
from .theme import PLOTLY_BASE as BASE


def trend(df: pd.DataFrame, x: str, y: str, title: str = "", y_title: str = "") -> go.Figure:
    fig = go.Figure(go.Scatter(x=df[x].astype(str), y=df[y], mode="lines+markers+text",
                               text=[f"{v:.1f}%" for v in df[y]], textposition="top center"))
    fig.update_layout(**BASE, title=title, height=300, yaxis=dict(title=y_title, rangemode="tozero"),
                      xaxis=dict(type="category"))
    return fig


def wrap_label(text: str, width: int = 30, lines: int = 3) -> str:
    """A chart label on up to `lines` lines of about `width` characters, broken between words (Thai words
    too), so labels that begin alike (1.04, 1.05 ...) still read apart; the table beside the chart carries
    the full text of one still longer."""
    text = str(text)
    if visible_length(text) <= width:
        return text
    from .report.thai_text import wrap  # pythainlp: loaded only when a long label needs it
    parts = wrap(text, width, visible_length)
    if len(parts) > lines:
        parts = [*parts[:lines - 1], parts[lines - 1] + "…"]
    return "<br>".join(parts)


def visible_length(text: str) -> int:
    """Characters that take room on a line (Thai vowel and tone marks above or below do not)."""
    return sum(1 for c in text if unicodedata.category(c) != "Mn")


def quartile_boxes(dist: pd.DataFrame, label: str, title: str = "", x_title: str = "") -> go.Figure:
    """Box plots from precomputed quartiles: the spread of thousands of LAOs in a few numbers. The axis
    runs a little past 0 and 100 so whiskers that end there are drawn whole."""
    fig = go.Figure(go.Box(y=dist[label], q1=dist["q1"], median=dist["median"], q3=dist["q3"],
                           lowerfence=dist["min"], upperfence=dist["max"], orientation="h",
                           marker_color=BLUE, hoverinfo="all"))
    fig.update_layout(**BASE, title=title, height=60 + 38 * len(dist),
                      xaxis=dict(title=x_title, range=[-2, 102], tickvals=[0, 20, 40, 60, 80, 100]),
                      yaxis=dict(autorange="reversed", automargin=True))
    return fig


def ranked_bars(df: pd.DataFrame, label: str, value: str, title: str = "", x_title: str = "",
                text: pd.Series | None = None, height: int | None = None) -> go.Figure:
    fig = go.Figure(go.Bar(x=df[value], y=df[label].map(wrap_label), orientation="h", marker_color=BLUE,
                           hovertext=df[label], hoverinfo="text+x",
                           text=text if text is not None else [f"{v:.1f}%" for v in df[value]],
                           textposition="auto"))
    # a floor on the height and automargin: with one or two bars the axis title sat on the tick labels
    fig.update_layout(**BASE, title=title, height=height or max(150, 80 + 28 * len(df) + 14 * _extra_lines(df[label])),
                      xaxis=dict(title=x_title, range=[0, 100], automargin=True),
                      yaxis=dict(autorange="reversed", automargin=True))
    return fig


def _extra_lines(labels: pd.Series) -> int:
    return sum(wrap_label(x).count("<br>") for x in labels)


def outcome_stack(df: pd.DataFrame, label: str, names: dict[str, str], x_title: str = "") -> go.Figure:
    """Each row's judged outcomes stacked left to right in the order pass, fail, not done, as shares of the
    LAOs that had to carry the indicator out, so the pass segment is the pass rate the rows are sorted by;
    no-service LAOs are outside the pass rate and only in the hover text and the table. The legend runs in
    the stack's order; a segment too narrow for its label is left unlabelled rather than rotated."""
    fig = go.Figure()
    judged = ("pass", "fail", "not_done")
    total = df[list(judged)].sum(axis=1)
    labels = df[label].map(wrap_label)
    for o in judged:
        part = 100 * share(df[o], total)
        fig.add_bar(x=part, y=labels, orientation="h", name=names[o], marker_color=OUTCOME_COLOURS[o],
                    customdata=list(zip(df[label], df[o], df["no_service"], strict=True)),
                    hovertemplate=f"%{{customdata[0]}}<br>{names[o]}: %{{x:.1f}}% (%{{customdata[1]}})<br>"
                                  f"{names['no_service']}: %{{customdata[2]}}<extra></extra>",
                    text=[f"{v:.0f}%" for v in part.fillna(0)], textposition="inside",
                    textangle=0, textfont=dict(color=text_on(OUTCOME_COLOURS[o])))
    fig.update_layout(**BASE, barmode="stack", height=110 + 30 * len(df) + 14 * _extra_lines(df[label]),
                      uniformtext=dict(minsize=11, mode="hide"),
                      xaxis=dict(range=[0, 100], ticksuffix="%", title=x_title),
                      yaxis=dict(autorange="reversed", automargin=True),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, traceorder="normal"))
    return fig


# --- one LAO's scorecard (the PDF draws its own, in dashboard/report/pdf_charts.py) ---------------------

SCORECARD_LAYOUT = {**BASE, "margin": dict(l=10, r=10, t=40, b=10), "legend": dict(orientation="h", y=-0.12)}


def scorecard_domains(card: Scorecard, lang: str) -> go.Figure:
    """The LAO's pass rate per domain (bars, value printed) against the peer median (diamonds)."""
    d = card.domains
    labels = [wrap_label(domain_label(r, lang), 30, 2) for _, r in d.iterrows()]
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
    years = [round_name(card, y) for y in card.years]
    tr = card.trend
    rows = [*card.domains["domain"], "all"]
    names = {r["domain"]: wrap_label(domain_label(r, lang), 34, 2) for _, r in card.domains.iterrows()}
    names["all"] = t("lao_overall", lang)
    z, text = [], []
    for dom in rows:
        part = tr[tr["domain"] == dom].set_index("year")
        z.append([part.at[y, "pass_rate"] if part.at[y, "submitted"] else None for y in card.years])
        text.append([pct(part.at[y, "pass_rate"], 0) if part.at[y, "submitted"] else t("lao_no_submission", lang)
                     for y in card.years])
    fig = make_subplots(rows=2, cols=1, row_heights=[0.3, 0.7], vertical_spacing=0.08)
    overall = tr[(tr["domain"] == "all") & tr["submitted"]]
    fig.add_scatter(x=[round_name(card, y) for y in overall["year"]], y=overall["pass_rate"], mode="lines+markers+text",
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
