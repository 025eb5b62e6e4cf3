"""Targets that differ by LAO type for the same indicator (the programme's forms are per type)."""
from __future__ import annotations

import pandas as pd
import pytest

from scoring import catalogue
from scoring.engine import score_submissions
from scoring.errors import ValidationError


def record(**over):
    base = dict(code="1.04", name_th="ถนน", name_en="Roads", measure="ratio", target=85,
                applies_to=["city", "subdistrict_mun"], frame_th="ก", frame_en="a", delivered_th="ข",
                delivered_en="b", provenance="illustrative")
    return base | over


def test_the_shipped_catalogue_has_a_target_per_type():
    ind = catalogue.load(2566).indicators
    assert ind.at["1.04", "target"] == 85 and ind.at["1.04", "targets"] == "subdistrict_mun=75"
    typed = catalogue.typed_targets(ind.reset_index().assign(year=2566)).set_index(["code", "type"])["target"]
    assert typed[("1.04", "city")] == 85 and typed[("1.04", "subdistrict_mun")] == 75
    assert typed[("1.05", "city")] == 90 and typed[("1.05", "subdistrict_mun")] == 85


@pytest.mark.parametrize("targets, ok", [({"subdistrict_mun": 75}, True), ("subdistrict_mun=75; city=90", True),
                                         ({"sao": 70}, False), ("subdistrict_mun=lots", False),
                                         ({"subdistrict_mun": 0}, False), ({"subdistrict_mun": 101}, False)])
def test_per_type_targets_are_checked(targets, ok):
    if ok:
        frame = catalogue.validate_records([record(targets=targets)])
        assert "subdistrict_mun=75" in frame.at["1.04", "targets"]
    else:
        with pytest.raises(ValidationError) as err:
            catalogue.validate_records([record(targets=targets)])
        assert [p.column for p in err.value.problems] == ["targets"]


def test_the_same_figures_pass_for_one_type_and_fail_for_another():
    cat = pd.DataFrame({"year": [2566], "code": ["1.04"], "domain": [1], "measure": ["ratio"], "target": [85.0],
                        "applies_to": ["city;subdistrict_mun"], "targets": ["subdistrict_mun=75"]})
    subs = pd.DataFrame({"submission_id": [1, 2], "lao_code": ["3000001", "5000001"], "year": 2566,
                         "type": ["city", "subdistrict_mun"]})
    values = pd.DataFrame({"submission_id": [1, 2], "indicator_code": "1.04", "frame": 100.0, "delivered": 80.0})
    out = score_submissions(values, subs, cat).set_index("lao_code")
    assert out.at["3000001", "outcome"] == "fail" and out.at["5000001", "outcome"] == "pass"
    assert out["pct"].tolist() == [80.0, 80.0]
