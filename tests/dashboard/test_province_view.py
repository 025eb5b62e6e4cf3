"""How the province page shows scoring.compare's figures (dashboard.province_view): symbols, marks,
names and colours, on the small frames of tests/scoring/test_compare.py."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import province_view as pv
from dashboard.theme import BLACK, MARK_CSS, VIRIDIS, WHITE
from scoring import compare as cmp
from scoring.laotypes import display_name
from tests.scoring.test_compare import _province, _results, nation_frame, summary


def test_markers_show_the_highest_and_lowest_of_a_row_that_differs_enough():
    dom = pd.DataFrame([summary("a", 4, 0, domain="1"), summary("b", 2, 2, domain="1"),
                        summary("a", 1, 1, domain="2"), summary("b", 1, 1, domain="2")])
    text = pv.mark_extremes(cmp.compare_domains(dom, ["b", "a"]), ["b", "a"])
    assert text.at["1", "a"] == "100.0 ▲" and text.at["1", "b"] == "50.0 ▼"
    assert text.at["2", "a"] == "50.0" and text.at["3", "a"] == "–"


def test_matrix_view_shows_outcomes_as_symbols():
    view = pv.matrix_view(_results())
    assert view.loc["a", "1.01"] == "✗" and view.loc["b", "1.02"] == "!" and view.loc["c", "2.01"] == ""
    assert view.loc["a", "n_fail"] == 2


def test_heat_css_colours_values_and_leaves_gaps_blank():
    css = pv.heat_css(pd.DataFrame({"x": [0.0, 100.0, np.nan]}))
    assert css["x"].iloc[0].startswith(f"background-color: {VIRIDIS[0]}") and f"color: {WHITE}" in css["x"].iloc[0]
    assert VIRIDIS[-1] in css["x"].iloc[1] and f"color: {BLACK}" in css["x"].iloc[1]
    assert css["x"].iloc[2] == ""


def test_outcome_text_and_table_view():
    text = pv.outcome_text(pd.DataFrame({"a": ["pass", None]}), {"pass": "ผ่าน"})
    assert text["a"].tolist() == ["✓ ผ่าน", ""]
    laos, dom, prev, states = _province()
    ranks = cmp.peer_ranks(nation_frame(dom[dom["domain"] == "all"].to_dict("records")))
    t = cmp.lao_table(laos, dom, prev, ranks, states).assign(district="d")
    v = pv.table_view(t, "th", lambda c: f"lao?lao={c}", str.upper).set_index("lao_code")
    assert v.at["lao?lao=a", "state"] == "SUBMITTED" and v.at["lao?lao=a", "type"] == "อบต."
    assert v.at["lao?lao=a", "peers"] == "2 ⚠" and v.at["lao?lao=d", "peers"] == "–"
    assert v.at["lao?lao=a", "name"] == "อบต.a" and list(v.columns[:3]) == ["name", "pass_rate", "change"]
    assert pv.table_view(t, "en", str, str).set_index("lao_code").at["c", "name"] == display_name("c", "pao", "en")


def test_mark_css_tints_marked_cells_and_differing_rows():
    frame = pd.DataFrame({"a": ["80.0 ▲", "50.0", "x"], "b": ["40.0 ▼", "50.0", "y"], "d": ["", "", "≠"]})
    css = pv.mark_css(frame)
    assert css.at[0, "a"] == MARK_CSS["▲"] and css.at[0, "b"] == MARK_CSS["▼"]
    assert (css.loc[1] == "").all() and (css.loc[2] == MARK_CSS["≠"]).all()
