"""Official catalogue import: replace a year's indicators, create the round, rescore, refuse lost codes."""
from __future__ import annotations

import pytest

from scoring import catalogue
from scoring.errors import ValidationError
from store.catalogue_import import import_catalogue

from .fingerprint import table_fingerprint
from .helpers import pristine_fingerprint, read, scalar


def _table(year: int = 2569):
    return catalogue.load(year).indicators.reset_index()


def test_a_new_year_gets_its_catalogue_before_its_round(db, tmp_path):
    path = tmp_path / "cat.xlsx"
    table = _table()
    table.loc[table["code"] == "1.05", "targets"] = "subdistrict_mun=88"      # a per-type target column
    table.to_excel(path, index=False)
    report = import_catalogue(db, path, 2570, who="tester")
    assert (report.year, report.indicators, report.replaced, report.round_created) == (2570, 53, 0, False)
    assert scalar(db, "SELECT COUNT(*) FROM round WHERE year = 2570") == 0      # `round open` starts it
    assert read(db, "SELECT code, lao_type, target FROM indicator_target WHERE year = 2570 ORDER BY code"
                ).values.tolist() == [["1.04", "subdistrict_mun", 75.0], ["1.05", "subdistrict_mun", 88.0]]
    got = read(db, "SELECT code, domain, measure, target, applies_to FROM indicator WHERE year = 2570 ORDER BY code")
    assert got["code"].tolist() == sorted(_table()["code"]) and got["domain"].between(1, 8).all()
    assert read(db, "SELECT action, who FROM change_log ORDER BY id DESC").iloc[0].tolist() == \
        ["import-catalogue", "tester"]


def test_replacing_a_year_rescores_it(db, tmp_path):
    fails = scalar(db, "SELECT COUNT(*) FROM result WHERE year = 2569 AND indicator_code = '1.03' AND outcome = 'fail'")
    assert fails > 0
    table = _table()
    table.loc[table["code"] == "1.03", "target"] = 1.0          # almost everything passes now
    path = tmp_path / "cat.csv"
    table.to_csv(path, index=False)
    report = import_catalogue(db, path, 2569, who="tester")
    assert report.replaced == 53 and not report.round_created and report.scored_rows > 0
    assert scalar(db, "SELECT target FROM indicator WHERE year = 2569 AND code = '1.03'") == 1.0
    assert scalar(db, "SELECT COUNT(*) FROM result WHERE year = 2569 AND indicator_code = '1.03' "
                      "AND outcome = 'fail'") < fails


def test_refuses_to_drop_codes_that_have_submissions(db, tmp_path):
    before = pristine_fingerprint(db)
    table = _table()
    path = tmp_path / "cat.csv"
    table[~table["code"].isin(["1.08", "2.03"])].to_csv(path, index=False)
    with pytest.raises(ValidationError) as exc:
        import_catalogue(db, path, 2569, who="tester")
    assert sorted(c for p in exc.value.problems for c in ("1.08", "2.03") if c in p.message.en) == ["1.08", "2.03"]
    assert table_fingerprint(db) == before


def test_invalid_table_lists_spreadsheet_rows(db, tmp_path):
    before = pristine_fingerprint(db)
    table = _table().astype(object)
    table.loc[2, "measure"] = "percent"
    table.loc[5, "target"] = "abc"
    path = tmp_path / "cat.csv"
    table.to_csv(path, index=False)
    with pytest.raises(ValidationError) as exc:
        import_catalogue(db, path, 2571, who="tester")
    assert [(p.row, p.column) for p in exc.value.problems] == [(4, "measure"), (7, "target")]
    assert table_fingerprint(db) == before
