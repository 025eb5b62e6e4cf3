"""Flags for monitors (scoring.anomalies) on hand-made frames."""
from __future__ import annotations

import numpy as np
import pandas as pd

from scoring import anomalies as an


def nation(perfect_codes, n=30, province="30"):
    """n SAOs of one size band; the given ones pass all 10 indicators, the rest fail 3."""
    codes = [f"63{i:05d}" for i in range(n)]
    ok = np.isin(codes, perfect_codes)
    return pd.DataFrame({"lao_code": codes, "type": "sao", "size_band": "M", "province_code": province,
                         "n_pass": np.where(ok, 10, 7), "n_fail": np.where(ok, 0, 3), "n_not_done": 0,
                         "pass_rate": np.where(ok, 100.0, 70.0)})


def results(code, pcts):
    return pd.DataFrame({"lao_code": code, "indicator_code": [f"1.{i:02d}" for i in range(len(pcts))], "pct": pcts})


MEASURES = pd.Series({f"1.{i:02d}": "ratio" for i in range(10)} | {"1.09": "yesno"})


def test_perfect_needs_rare_peers_and_full_delivery():
    nat = nation(["6300000", "6300001"])                     # 2 of 30 pass everything: under 10%
    res = pd.concat([results("6300000", [100] * 9 + [100]), results("6300001", [100] * 5 + [90] * 4 + [100])])
    out = an.perfect(nat, res, MEASURES, "30")
    assert out["lao_code"].tolist() == ["6300000"]
    assert out["kind"].tolist() == ["perfect"] and out["full_share"].iloc[0] == 100
    assert out["peer_share"].iloc[0] == 100 * 2 / 30 and out["n_peers"].iloc[0] == 30
    # without results only the pass-everything-where-peers-do-not condition is applied
    assert an.perfect(nat)["lao_code"].tolist() == ["6300000", "6300001"]


def test_perfect_is_not_flagged_where_many_peers_pass_everything():
    nat = nation([f"63{i:05d}" for i in range(5)])           # 5 of 30 = 17%
    assert an.perfect(nat).empty
    assert an.perfect(nation(["6300000"]), province="81").empty    # other provinces' LAOs are not listed


def test_jumps_both_ways_at_the_threshold():
    cur = pd.DataFrame({"lao_code": ["a", "b", "c", "d"], "pass_rate": [90.0, 20.0, 60.0, np.nan]})
    prev = pd.DataFrame({"lao_code": ["a", "b", "c", "d"], "pass_rate": [60.0, 80.0, 40.0, 10.0]})
    out = an.jumps(cur, prev)
    assert out["lao_code"].tolist() == ["a", "b"] and out["change"].tolist() == [30.0, -60.0]
    assert out["previous"].tolist() == [60.0, 80.0]
    assert an.jumps(cur, prev.iloc[:0]).empty


def answers(code, district, values, type_="sao"):
    return pd.DataFrame({"lao_code": code, "type": type_, "district_code": district,
                         "indicator_code": [f"1.{i:02d}" for i in range(len(values))],
                         "frame": [v[0] for v in values], "delivered": [v[1] for v in values]})


def test_identical_answers_within_a_district():
    base = [(100.0 + i, 80.0 + i) for i in range(19)] + [(50.0, np.nan)]
    other = [(100.0 + i, 70.0) for i in range(20)]
    near = base[:19] + [(7.0, 7.0)]                        # 19 of 20 the same: 95%
    df = pd.concat([answers("a", "3001", base), answers("b", "3001", base), answers("c", "3001", near),
                    answers("d", "3002", base), answers("e", "3001", other)])
    out = an.identical(df).set_index("lao_code")
    assert sorted(out.index) == ["a", "b", "c"]                          # d is in another district, e differs
    assert out.at["a", "n_same"] == 2 and out.at["a", "same_as"] == "b, c"
    assert out.at["c", "same_share"] == 95 and out.at["a", "same_share"] == 95
    assert an.identical(df, share=0.99).set_index("lao_code")["same_as"].to_dict() == {"a": "b", "b": "a"}


def test_identical_needs_enough_answers():
    few = [(1.0, 1.0)] * 5
    df = pd.concat([answers("a", "3001", few), answers("b", "3001", few)])
    assert an.identical(df).empty


def test_for_province_combines_and_orders_flags():
    nat = nation(["6300000"])
    res = results("6300000", [100] * 10)
    cur = nat[["lao_code", "pass_rate"]]
    prev = cur.assign(pass_rate=np.where(cur["lao_code"] == "6300005", 20.0, cur["pass_rate"]))
    base = [(100.0 + i, 80.0 + i) for i in range(12)]
    ans = pd.concat([answers("6300007", "3001", base), answers("6300008", "3001", base)])
    out = an.for_province(nat, cur, prev, res, MEASURES, ans, "30")
    assert out[["lao_code", "kind"]].values.tolist() == [["6300000", "perfect"], ["6300005", "jump"],
                                                         ["6300007", "identical"], ["6300008", "identical"]]
    only = an.for_province(nat, cur, None, res, MEASURES, ans, "30", laos=["6300008"])
    assert only["lao_code"].tolist() == ["6300008"]
    assert list(out.columns) == an.COLUMNS
