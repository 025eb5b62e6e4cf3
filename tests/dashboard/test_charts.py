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


# --- item 14.5: charts say what they are sorted by ---------------------------------------------------------

import pandas as pd  # noqa: E402

from dashboard.theme import OUTCOME_COLOURS  # noqa: E402

NAMES = {"pass": "ผ่าน", "fail": "ไม่ผ่าน", "not_done": "ไม่ได้ดำเนินการ", "no_service": "ไม่มีบริการ"}


def stack_rows() -> pd.DataFrame:
    # sorted by pass rate (pass / judged): 40 % then 60 %; shares of all LAOs would read 20 % then 50 %
    return pd.DataFrame({"label": ["1.04 ร้อยละของถนนในความรับผิดชอบที่ได้รับการบำรุงรักษาให้อยู่ในสภาพดี",
                                   "1.05 ร้อยละของถนนในความรับผิดชอบที่มีไฟฟ้าส่องสว่างเพียงพอ"],
                         "pass": [20, 30], "fail": [25, 15], "not_done": [5, 5], "no_service": [50, 50]})


def test_stacked_bars_are_shares_of_the_judged_so_the_pass_segment_is_the_sorted_pass_rate():
    fig = charts.outcome_stack(stack_rows(), "label", NAMES)
    assert [t.name for t in fig.data] == [NAMES["pass"], NAMES["fail"], NAMES["not_done"]]   # stack order
    passed = fig.data[0]
    assert list(passed.x) == [40.0, 60.0] and list(passed.text) == ["40%", "60%"]
    assert all(abs(sum(t.x[i] for t in fig.data) - 100) < 1e-9 for i in range(2))
    assert fig.layout.legend.traceorder == "normal"                  # the legend reads like the stack
    assert all(t.textangle == 0 for t in fig.data)                    # never rotated
    assert fig.layout.uniformtext.mode == "hide"                     # too narrow: no label, not a tiny one
    assert [t.marker.color for t in fig.data] == [OUTCOME_COLOURS[o] for o in ("pass", "fail", "not_done")]
    assert "ไม่มีบริการ" in passed.hovertemplate


def test_long_labels_wrap_between_words_and_keep_what_tells_them_apart():
    a, b = (charts.wrap_label(x) for x in stack_rows()["label"])
    assert "<br>" in a and a.startswith("1.04 ") and b.startswith("1.05 ")
    assert a.replace("<br>", "") == stack_rows()["label"][0]         # nothing cut: wrapped whole
    assert all(charts.visible_length(line) <= 36 for line in a.split("<br>"))
    assert charts.wrap_label("สั้น") == "สั้น"


def test_box_plot_whiskers_at_100_are_not_clipped():
    dist = pd.DataFrame({"g": ["a"], "min": [0.0], "q1": [50.0], "median": [80.0], "q3": [95.0], "max": [100.0]})
    fig = charts.quartile_boxes(dist, "g")
    low, high = fig.layout.xaxis.range
    assert low < 0 and high > 100
