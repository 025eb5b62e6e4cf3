"""Catalogue files: the shipped years are valid, and broken files get clear, complete errors."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from scoring.catalogue import CATALOGUE_DIR, available_years, domains, from_table, load
from scoring.errors import ValidationError
from scoring.laotypes import TYPE_CODES


def test_shipped_catalogues():
    assert available_years() == [2565, 2566, 2567, 2568, 2569]
    assert list(domains().index) == list(range(1, 9))
    for y in range(2566, 2570):
        assert len(load(y).indicators) == 53
    c65, c66 = set(load(2565).codes), set(load(2566).codes)
    assert c66 - c65 and c65 - c66                     # at least one added and one retired
    assert load(2568).indicators.at["7.03", "target"] != load(2567).indicators.at["7.03", "target"]


def test_every_type_has_indicators_and_sets_differ_by_type():
    ind = load(2566).indicators
    per_type = {t: set(ind.index[ind["applies_to"].str.split(";").map(lambda a: t in a)]) for t in TYPE_CODES}
    assert all(len(s) >= 20 for s in per_type.values())
    assert per_type["pao"] != per_type["sao"]


def test_provenance_is_verified_only_where_the_facts_say_so():
    ind = load(2566).indicators
    verified = ind[ind["provenance"] == "verified"]
    assert set(verified["domain"]) == {1}
    assert verified["source"].notna().all()
    assert set(ind["provenance"]) == {"verified", "illustrative"}


@pytest.fixture
def catdir(tmp_path) -> Path:
    for f in CATALOGUE_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


def test_broken_yaml_is_reported(catdir):
    (catdir / "2569.yaml").write_text("year: 2569\nindicators: [\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid YAML"):
        load(2569, catdir)


def test_every_problem_is_listed_with_its_field(catdir):
    (catdir / "2569.yaml").write_text("""year: 2569
based_on: 2568
retire: ["9.99"]
indicators:
  - code: "1.5"
    name_th: x
  - code: "3.50"
    name_th: ทดสอบ
    name_en: test
    measure: stars
    target: -5
    applies_to: [sao, village]
    frame_th: a
    frame_en: a
    delivered_th: b
    delivered_en: b
    provenance: verified
""", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load(2569, catdir)
    assert "retires 9.99" in str(err.value)
    (catdir / "2569.yaml").write_text((catdir / "2569.yaml").read_text().replace('retire: ["9.99"]\n', ""))
    with pytest.raises(ValidationError) as err:
        load(2569, catdir)
    cols = {p.column for p in err.value.problems}
    assert {"code", "measure", "target", "applies_to", "source"} <= cols
    assert any("ตัวชี้วัด" in p.message.th or "รหัส" in p.message.th for p in err.value.problems)


def test_missing_year_and_circular_chain(catdir):
    with pytest.raises(ValidationError, match="no catalogue file for year 2570"):
        load(2570, catdir)
    (catdir / "2565.yaml").write_text("year: 2565\nbased_on: 2566\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="circular"):
        load(2566, catdir)


def test_official_catalogue_from_a_table():
    ind = load(2566).indicators.reset_index().rename(columns={"code": "indicator_code"})
    cat = from_table(ind, 2570)
    assert len(cat.indicators) == 53
    bad = ind.copy()
    bad.loc[0, "domain"] = 7
    bad.loc[1, "measure"] = "?"
    with pytest.raises(ValidationError) as err:
        from_table(bad, 2570)
    assert {p.column for p in err.value.problems} == {"measure"}
    bad.loc[1, "measure"] = "ratio"
    with pytest.raises(ValidationError) as err:
        from_table(bad, 2570)
    assert err.value.problems[0].row == 1 and err.value.problems[0].column == "domain"
    with pytest.raises(ValidationError, match="missing column"):
        from_table(pd.DataFrame({"indicator_code": ["1.01"]}), 2570)


def test_countable_units_are_marked_and_default_to_not_countable():
    ind = load(2566).indicators
    assert ind.at["1.03", "countable"] and ind.at["1.16", "countable"] and ind.at["1.10", "countable"]
    assert not ind.at["1.01", "countable"] and not ind.at["1.14", "countable"]       # km, m²
    assert ind["countable"].map(type).eq(bool).all()


@pytest.mark.parametrize("value, expected", [(True, True), ("yes", True), (1, True), ("TRUE", True), ("ใช่", True),
                                             (False, False), ("no", False), (0, False), (None, False), ("", False)])
def test_countable_from_a_table(value, expected):
    table = load(2566).indicators.reset_index().head(2).assign(countable=value)
    assert (from_table(table, 2566).indicators["countable"] == expected).all()


@pytest.mark.parametrize("value", ["maybe", 2, "จุด"])
def test_a_countable_that_is_not_yes_or_no_is_refused_with_row_and_field(value):
    table = load(2566).indicators.reset_index().head(2).assign(countable=value)
    with pytest.raises(ValidationError) as err:
        from_table(table, 2566)
    assert {(p.row, p.column) for p in err.value.problems} == {(1, "countable"), (2, "countable")}
