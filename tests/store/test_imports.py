"""Submission import: every rejection docs/design.md lists (database unchanged), success paths, dry runs,
encodings and XLSX. Runs on SQLite and PostgreSQL through the `db` fixture."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from scoring.errors import ValidationError
from store import imports
from store.imports import import_submissions, validate_submissions
from store.materialise import rescore

from .fingerprint import table_fingerprint
from .helpers import EXAMPLES, pristine_fingerprint, read, rows_for, scalar, write_csv

SAO, PAO, IN_PROGRESS = "6810101", "2810101", "5810501"


def _base(db) -> pd.DataFrame:
    return rows_for(db, [SAO, PAO])


def _row_of(df, lao, code) -> int:
    return int(df.index[(df["lao_code"] == lao) & (df["indicator_code"] == code)][0])


def _set(df, i, **values):
    for k, v in values.items():
        df.loc[i, k] = v
    return i + 2                                  # spreadsheet row of data index i


# (name, mutate(df) -> (row, column, fragment of the English message))
def _unknown_lao(df):
    return _set(df, 0, lao_code="6819999"), "lao_code", "unknown LAO code 6819999"


def _malformed_lao(df):
    return _set(df, 1, lao_code="68101"), "lao_code", "must be 7 digits"


def _unknown_indicator(df):
    return _set(df, 2, indicator_code="1.13"), "indicator_code", "not in that year's catalogue"   # retired after 2565


def _not_applicable(df):
    i = int(df.index[df["lao_code"] == PAO][0])
    return _set(df, i, indicator_code="1.01"), "indicator_code", "does not apply to this LAO's type"


def _year_without_catalogue(df):
    return _set(df, 3, year="2570"), "year", "no indicator catalogue for year 2570"


def _ce_year(df):
    return _set(df, 3, year="2026"), "year", "looks like C.E."


def _non_numeric(df):
    return _set(df, 4, frame="สิบ"), "frame", "is not a number"


def _nan_text(df):
    return _set(df, 4, delivered="NaN"), "delivered", "is not a number"


def _non_finite(df):
    return _set(df, 5, delivered="inf"), "delivered", "not a finite number"


def _negative(df):
    return _set(df, 6, frame="-3"), "frame", "negative value -3"


def _absurd(df):
    return _set(df, 6, frame="1e13"), "frame", "implausibly large"


def _frame_missing(df):
    return _set(df, 7, frame=""), "frame", "frame (1) is empty"


def _delivered_over_frame(df):
    i = _row_of(df, SAO, "1.03")                          # a ratio indicator
    return _set(df, i, frame="10", delivered="10.5"), "delivered", "greater than the frame"


def _yesno_frame(df):
    return _set(df, _row_of(df, SAO, "4.06"), frame="2"), "frame", "must be 0 or 1"


def _yesno_delivered(df):
    return _set(df, _row_of(df, SAO, "5.05"), delivered="0.5"), "delivered", "must be 0 or 1"


def _bad_url(df):
    df["evidence_url"] = ""
    return _set(df, 8, evidence_url="javascript:alert(1)"), "evidence_url", "http:// or https://"


REJECTIONS = [_unknown_lao, _malformed_lao, _unknown_indicator, _not_applicable, _year_without_catalogue, _ce_year,
              _non_numeric, _nan_text, _non_finite, _negative, _absurd, _frame_missing, _delivered_over_frame,
              _yesno_frame, _yesno_delivered, _bad_url]


def _rejected(db, source) -> ValidationError:
    before = pristine_fingerprint(db)
    with pytest.raises(ValidationError) as exc:
        import_submissions(db, source, who="tester")
    assert table_fingerprint(db) == before, "a rejected import must change nothing"
    return exc.value


@pytest.mark.parametrize("mutate", REJECTIONS, ids=lambda f: f.__name__.strip("_"))
def test_each_rejection_is_listed_by_row_and_column(db, tmp_path, mutate):
    df = _base(db)
    row, column, fragment = mutate(df)
    err = _rejected(db, write_csv(tmp_path, df))
    hits = [p for p in err.problems if p.row == row and p.column == column and fragment in p.message.en]
    assert hits, err.report("en")
    assert all(p.message.th and p.message.th != p.message.en for p in err.problems)


def test_duplicate_rows_are_both_listed(db, tmp_path):
    df = _base(db)
    df = pd.concat([df, df.iloc[[3]]], ignore_index=True)
    err = _rejected(db, write_csv(tmp_path, df))
    dup_rows = sorted(p.row for p in err.problems if "appear on rows" in p.message.en)
    assert dup_rows == [5, len(df) + 1]
    assert f"rows 5, {len(df) + 1}" in err.problems[0].message.en


@pytest.mark.parametrize("drop", ["lao_code", "year", "indicator_code", "frame", "delivered"])
def test_missing_required_column(db, tmp_path, drop):
    err = _rejected(db, write_csv(tmp_path, _base(db).drop(columns=drop)))
    assert [(p.row, p.column) for p in err.problems] == [(None, drop)]
    assert "required column" in err.problems[0].message.en


def test_unreadable_and_oversized_files(db, tmp_path, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"lao_code,year\n\xff\xfe\xdb,2569\n")
    assert "UTF-8" in _rejected(db, bad).report("en")
    monkeypatch.setenv("LAO_UPLOAD_MAX_MB", "0.001")
    assert "limit" in _rejected(db, write_csv(tmp_path, _base(db))).report("en")


def test_every_problem_is_listed_in_row_order(db, tmp_path):
    df = _base(db)
    _set(df, 9, frame="x")
    _set(df, 2, lao_code="6819999")
    _set(df, 2, delivered="-1")
    _set(df, 5, year="2570")
    err = _rejected(db, write_csv(tmp_path, df))
    assert [(p.row, p.column) for p in err.problems] == [(4, "lao_code"), (4, "delivered"), (7, "year"),
                                                         (11, "frame")]


def test_failure_while_writing_rolls_everything_back(db, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(imports, "rescore_in", boom)
    before = pristine_fingerprint(db)
    with pytest.raises(RuntimeError):
        import_submissions(db, write_csv(tmp_path, _base(db)), who="tester")
    assert table_fingerprint(db) == before


def test_import_makes_new_revision_and_keeps_history(db, tmp_path):
    df = _base(db)
    n_values = scalar(db, "SELECT COUNT(*) FROM indicator_value")
    report = import_submissions(db, write_csv(tmp_path, df, "krabi.csv"), who="tester")
    assert (report.rows, report.laos, report.years, report.revisions, report.replaced) == (len(df), 2, (2569,), 2, 2)
    subs = read(db, "SELECT lao_code, revision, state, is_current, source_file, submitted_by, submitted_at "
                    "FROM submission WHERE year = 2569 AND lao_code IN ('6810101', '2810101') "
                    "ORDER BY lao_code, revision")
    assert subs["revision"].tolist() == [1, 2, 1, 2]
    assert [bool(x) for x in subs["is_current"]] == [False, True, False, True]
    new = subs[subs["revision"] == 2]
    assert set(new["state"]) == {"submitted"} and set(new["source_file"]) == {"krabi.csv"}
    assert set(new["submitted_by"]) == {"tester"} and new["submitted_at"].notna().all()
    assert scalar(db, "SELECT COUNT(*) FROM indicator_value") == n_values + len(df)
    log = read(db, "SELECT who, action, file_name, n_rows FROM change_log ORDER BY id DESC").iloc[0]
    assert (log["who"], log["action"], log["file_name"], log["n_rows"]) == ("tester", "import", "krabi.csv", len(df))
    again = import_submissions(db, write_csv(tmp_path, df, "krabi.csv"), who="tester")
    assert again.replaced == 2
    assert scalar(db, "SELECT MAX(revision) FROM submission WHERE lao_code = '6810101' AND year = 2569") == 3
    assert scalar(db, "SELECT COUNT(*) FROM submission WHERE lao_code = '6810101' AND year = 2569 "
                      "AND is_current") == 1


def test_import_rescores_a_fail_into_a_pass(db, tmp_path):
    def outcome():
        return read(db, "SELECT outcome, pct FROM result WHERE year = 2569 AND lao_code = :l "
                        "AND indicator_code = '1.03'", l=SAO).iloc[0]

    def summary(domain):
        return read(db, "SELECT n_pass, n_fail FROM summary WHERE year = 2569 AND lao_code = :l AND domain = :d",
                    l=SAO, d=domain).iloc[0].tolist()

    assert outcome()["outcome"] == "fail"
    d1, total = summary("1"), summary("all")
    others = read(db, "SELECT * FROM result WHERE year = 2569 AND lao_code <> :l ORDER BY lao_code, indicator_code",
                  l=SAO)
    df = rows_for(db, [SAO])
    i = _row_of(df, SAO, "1.03")
    df.loc[i, "delivered"] = df.loc[i, "frame"]
    import_submissions(db, write_csv(tmp_path, df), who="tester")
    assert outcome()["outcome"] == "pass" and outcome()["pct"] == pytest.approx(100)
    assert summary("1") == [d1[0] + 1, d1[1] - 1] and summary("all") == [total[0] + 1, total[1] - 1]
    after = read(db, "SELECT * FROM result WHERE year = 2569 AND lao_code <> :l ORDER BY lao_code, indicator_code",
                 l=SAO)
    pd.testing.assert_frame_equal(others, after)


def test_partial_rescore_equals_a_full_rescore(db, tmp_path):
    def scores():
        return [read(db, f"SELECT * FROM {t} WHERE year = 2569 ORDER BY lao_code, {k}")
                for t, k in (("result", "indicator_code"), ("summary", "domain"))]

    import_submissions(db, write_csv(tmp_path, rows_for(db, [SAO, PAO, IN_PROGRESS])), who="tester")
    partial = scores()
    rescore(db, 2569)
    for a, b in zip(partial, scores()):
        pd.testing.assert_frame_equal(a, b)


def test_in_progress_lao_becomes_submitted_and_scored(db, tmp_path):
    assert scalar(db, "SELECT COUNT(*) FROM result WHERE year = 2569 AND lao_code = :l", l=IN_PROGRESS) == 0
    df = rows_for(db, [IN_PROGRESS])
    import_submissions(db, write_csv(tmp_path, df), who="tester")
    assert scalar(db, "SELECT state FROM submission WHERE lao_code = :l AND year = 2569 AND is_current",
                  l=IN_PROGRESS) == "submitted"
    assert scalar(db, "SELECT COUNT(*) FROM result WHERE year = 2569 AND lao_code = :l", l=IN_PROGRESS) == len(df)


def test_dry_run_changes_nothing(db, tmp_path):
    before = pristine_fingerprint(db)
    df = _base(db)
    report = import_submissions(db, write_csv(tmp_path, df), who="tester", dry_run=True)
    assert report.dry_run and report.revisions == 2 and report.rows == len(df)
    assert "dry run" in report.summary("en") and "ทดลอง" in report.summary("th")
    assert table_fingerprint(db) == before


def test_dry_run_still_reports_problems(db, tmp_path):
    df = _base(db)
    _set(df, 0, lao_code="6819999")
    with pytest.raises(ValidationError):
        import_submissions(db, write_csv(tmp_path, df), who="tester", dry_run=True)


def _stored_values(db, source_file) -> pd.DataFrame:
    return read(db, "SELECT s.lao_code, v.indicator_code, v.frame, v.delivered, v.evidence_url, v.note "
                    "FROM indicator_value v JOIN submission s ON s.id = v.submission_id "
                    "WHERE s.is_current AND s.year = 2569 AND s.source_file = :f ORDER BY 1, 2",
                f=source_file)


@pytest.mark.parametrize("name,encoding", [
    ("submissions_2569_krabi.csv", None),
    ("submissions_2569_krabi.csv", "utf-8-sig"),
    ("submissions_2569_krabi_th_windows874.csv", None),
    ("submissions_2569_krabi.xlsx", None),
])
def test_example_files_in_every_format_import_the_same(db, tmp_path, name, encoding):
    path = EXAMPLES / name
    if encoding:                                              # the same content saved with a BOM
        path = tmp_path / f"bom-{name}"
        path.write_bytes((EXAMPLES / name).read_text(encoding="utf-8").encode(encoding))
    report = import_submissions(db, path, who="tester")
    assert report.laos == 4 and report.years == (2569,)
    got = _stored_values(db, path.name)
    expected = pd.read_csv(EXAMPLES / "submissions_2569_krabi.csv", dtype={"lao_code": str, "indicator_code": str})
    assert len(got) == len(expected) == report.rows
    assert got["indicator_code"].tolist() == expected.sort_values(["lao_code", "indicator_code"])[
        "indicator_code"].tolist()
    exp = expected.set_index(["lao_code", "indicator_code"]).sort_index()
    np.testing.assert_allclose(got["frame"], exp["frame"])
    np.testing.assert_allclose(got["delivered"].astype(float), exp["delivered"].astype(float))
    note = got.set_index(["lao_code", "indicator_code"]).loc[("2810101", "1.09"), "note"]
    assert note == 'ตรวจนับถนน "ลาดยาง" ทุกสาย, ปรับปรุงแล้ว'


def test_thai_headers_utf8(db, tmp_path):
    df = _base(db).rename(columns={"lao_code": "รหัส อปท.", "year": "ปี", "indicator_code": "รหัสตัวชี้วัด",
                                   "frame": "กรอบการประเมิน (1)", "delivered": "การจัดบริการสาธารณะ (2)"})
    assert import_submissions(db, write_csv(tmp_path, df), who="tester").revisions == 2


def test_thai_header_in_problem_column(db, tmp_path):
    df = _base(db).rename(columns={"lao_code": "รหัส อปท."})
    _set(df, 0, **{"รหัส อปท.": "6819999"})
    err = _rejected(db, write_csv(tmp_path, df))
    assert err.problems[0].column == "รหัส อปท."


def test_missing_indicator_warns_and_counts_as_not_done(db, tmp_path):
    df = rows_for(db, [SAO])
    gone = df.loc[0, "indicator_code"]
    report = import_submissions(db, write_csv(tmp_path, df.drop(index=0)), who="tester")
    assert any(gone in w.message.en and "not carried out" in w.message.en for w in report.warnings)
    assert report.missing.to_dict("records") == [{"lao_code": SAO, "year": 2569, "indicator_code": gone}]
    assert scalar(db, "SELECT outcome FROM result WHERE year = 2569 AND lao_code = :l AND indicator_code = :c",
                  l=SAO, c=gone) == "not_done"


def test_unknown_columns_are_ignored_with_a_warning(db, tmp_path):
    df = _base(db).assign(ชื่อ_อปท="กระบี่")
    report = import_submissions(db, write_csv(tmp_path, df), who="tester")
    assert any(w.column == "ชื่อ_อปท" and "ignored" in w.message.en for w in report.warnings)


def test_spreadsheet_quirks_are_understood(db, tmp_path):
    df = rows_for(db, [SAO])
    i = _row_of(df, SAO, "1.10")
    df.loc[i, "indicator_code"] = "1.1"                    # Excel turned the code 1.10 into the number 1.1
    j = _row_of(df, SAO, "1.03")
    df.loc[j, ["frame", "delivered"]] = ["1,234", "1,000.5"]   # thousands separators
    import_submissions(db, write_csv(tmp_path, df), who="tester")
    got = read(db, "SELECT v.indicator_code, v.frame, v.delivered FROM indicator_value v JOIN submission s "
                   "ON s.id = v.submission_id WHERE s.is_current AND s.lao_code = :l AND s.year = 2569 "
                   "AND v.indicator_code IN ('1.03', '1.10') ORDER BY 1", l=SAO)
    assert got["indicator_code"].tolist() == ["1.03", "1.10"]
    assert got.iloc[0][["frame", "delivered"]].tolist() == [1234.0, 1000.5]


def test_closed_round_warns(db, tmp_path):
    with db.begin() as conn:
        conn.execute(text("UPDATE round SET state = 'closed' WHERE year = 2569"))
    report = import_submissions(db, write_csv(tmp_path, rows_for(db, [SAO])), who="tester")
    assert any("closed" in w.message.en and "ปิด" in w.message.th for w in report.warnings)


def test_validate_submissions_for_the_preview(db):
    from store.upload import read_table
    df = read_table((rows_for(db, [SAO]).to_csv(index=False).encode(), "p.csv"))
    with db.connect() as conn:
        clean, warnings = validate_submissions(conn, df)
    assert clean["row"].tolist()[:2] == [2, 3] and set(clean["lao_code"]) == {SAO}
    assert clean["year"].dtype.kind == "i" and clean["frame"].dtype.kind == "f"
    assert {"type", "measure"} <= set(clean.columns) and warnings == []


def test_report_summaries(db, tmp_path):
    report = import_submissions(db, write_csv(tmp_path, _base(db), "r.csv"), who="tester")
    assert "imported" in report.summary("en") and "r.csv" in report.summary("en")
    assert "นำเข้าแล้ว" in report.summary("th") and report.summary() == report.summary("th")
