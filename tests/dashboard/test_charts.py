"""The scorecard's plotly figures (dashboard.charts): traces, titles and printed values."""
from __future__ import annotations

from dashboard import charts
from dashboard.i18n import messages
from dashboard.theme import OKABE_ITO
from scoring.scorecard import build
from tests.scoring.test_scorecard import inputs


def test_domain_figure_shows_the_lao_against_its_peers():
    card = build(inputs())
    fig = charts.scorecard_domains(card, "th")
    bar, median = fig.data
    assert bar.type == "bar" and median.type == "scatter" and bar.marker.color == OKABE_ITO[0]
    assert len(bar.y) == len(card.domains) and all(t.endswith("%") or t == "–" for t in bar.text)
    assert fig.layout.title.text == messages()["lao_domains_title"]["th"]


def test_trend_figure_says_when_a_round_has_no_submission():
    card = build(inputs())
    fig = charts.scorecard_trend(card, "en")
    line, cells = fig.data
    assert line.type == "scatter" and cells.type == "heatmap"
    assert messages()["lao_no_submission"]["en"] in {t for row in cells.text for t in row}
    assert list(cells.x) == [str(y) for y in card.years]
