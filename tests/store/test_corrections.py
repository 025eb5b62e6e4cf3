"""Published rounds (issue 12.7): an import into one is refused unless it is an administrator's
correction with a reason; the correction is logged with its year and reason, listed by
queries.corrections, and the rows a catalogue or registry import replaces are kept in row_history."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard.cli import main
from scoring import catalogue
from scoring.errors import ValidationError
from store import manage, queries
from store.access import Scope
from store.catalogue_import import import_catalogue
from store.imports import import_submissions
from store.registry import import_registry

from .fingerprint import table_fingerprint
from .helpers import EXAMPLES, pristine_fingerprint, read, rows_for, scalar

PUBLISHED, OPEN = 2568, 2569
ADMIN = Scope(role="admin", user="somsri")
REASON = "สถจ. แจ้งว่าตัวเลขของ อปท. นี้บันทึกผิด (หนังสือที่ มท 0800/123)"


def published_file(db, tmp_path, name="fix.csv"):
    path = tmp_path / name
    path.write_bytes(rows_for(db, ["6810101"], year=PUBLISHED).to_csv(index=False).encode())
    return path


def last_log(db) -> dict:
    return read(db, "SELECT who, action, file_name, year, reason FROM change_log ORDER BY id DESC").iloc[0].to_dict()


def test_an_import_into_a_published_round_is_refused_without_a_reason(db, tmp_path):
    before = pristine_fingerprint(db)
    for reason in (None, "", "   "):
        with pytest.raises(ValidationError) as exc:
            import_submissions(db, published_file(db, tmp_path), who="t", correction=reason)
        p = exc.value.problems[0]
        assert (p.row, p.column) == (None, "year") and "2568 is published" in p.message.en
        assert "เผยแพร่แล้ว" in p.message.th and exc.value.facts["published"] == [PUBLISHED]
    assert table_fingerprint(db) == before


def test_a_correction_with_a_reason_is_imported_and_logged_with_its_year(db, tmp_path):
    report = import_submissions(db, published_file(db, tmp_path), who="somsri", correction=f"  {REASON} ")
    assert report.published == (PUBLISHED,) and report.correction == REASON
    assert REASON in report.summary("th") and "correction of a published round" in report.summary("en")
    assert last_log(db) == {"who": "somsri", "action": "import", "file_name": "fix.csv", "year": PUBLISHED,
                            "reason": REASON}
    listed = queries.corrections(db)
    got = listed[["year", "who", "reason", "file_name"]].to_numpy().tolist()
    assert got == [[PUBLISHED, "somsri", REASON, "fix.csv"]]


def test_a_reason_for_an_unpublished_round_is_not_a_correction(db, tmp_path):
    path = tmp_path / "open.csv"
    path.write_bytes(rows_for(db, ["6810101"], year=OPEN).to_csv(index=False).encode())
    report = import_submissions(db, path, who="t", correction="no need")
    assert report.correction is None and any("not recorded as a correction" in w.message.en for w in report.warnings)
    assert last_log(db)["reason"] is None and last_log(db)["year"] == OPEN
    assert queries.corrections(db).empty


def test_a_correction_changes_one_published_round_at_a_time(db, tmp_path):
    both = pd.concat([rows_for(db, ["6810101"], year=PUBLISHED), rows_for(db, ["6810101"], year=OPEN)])
    path = tmp_path / "two.csv"
    path.write_bytes(both.to_csv(index=False).encode())
    with pytest.raises(ValidationError, match="one published round at a time"):
        import_submissions(db, path, who="t", correction=REASON)


def test_a_reason_with_control_characters_is_refused(db, tmp_path):
    with pytest.raises(ValidationError, match="reason must be at most 500 characters"):
        import_submissions(db, published_file(db, tmp_path), who="t", correction="แก้\x1b[31m")


def test_the_admin_check_asks_for_a_reason_then_commits_the_correction(db, tmp_path):
    content = published_file(db, tmp_path).read_bytes()
    check = manage.check_file(db, ADMIN, "submissions", content, "fix.csv")
    assert not check.ok and check.facts["published"] == [PUBLISHED]
    check = manage.check_file(db, ADMIN, "submissions", content, "fix.csv", correction=REASON)
    assert check.ok and check.facts["published"] == [PUBLISHED] and not check.committed
    v0 = queries.data_version(db)
    done = manage.commit_file(db, ADMIN, "submissions", content, "fix.csv", correction=REASON)
    assert done.committed and done.facts["correction"] == REASON and queries.data_version(db) == v0 + 1
    assert last_log(db)["reason"] == REASON and last_log(db)["who"] == "somsri"


def test_the_command_line_takes_the_reason(db, tmp_path, capsys):
    url = db.url.render_as_string(hide_password=False)
    path = str(published_file(db, tmp_path))
    assert main(["--db", url, "import", path]) == 2
    assert "2568 is published" in capsys.readouterr().err
    assert main(["--db", url, "import", path, "--correction", REASON, "--who", "cli"]) == 0
    assert "correction of a published round, reason: " + REASON in capsys.readouterr().out
    assert last_log(db)["reason"] == REASON and last_log(db)["who"] == "cli"


def catalogue_csv(year: int) -> bytes:
    table = catalogue.load(year).indicators.reset_index()
    table.loc[table["code"] == "1.03", "target"] = 1.0
    return table.to_csv(index=False).encode()


def test_a_published_catalogue_changes_only_as_a_correction_and_its_rows_are_kept(db):
    content = catalogue_csv(PUBLISHED)
    refused = manage.commit_catalogue(db, ADMIN, PUBLISHED, content, "cat.csv")
    assert not refused.ok and "published" in refused.problems[0].message.en
    old = read(db, "SELECT * FROM indicator WHERE year = :y AND code = '1.03'", y=PUBLISHED).iloc[0]
    done = manage.commit_catalogue(db, ADMIN, PUBLISHED, content, "cat.csv", correction=REASON)
    assert done.committed and done.facts["correction"] == REASON
    assert scalar(db, "SELECT target FROM indicator WHERE year = :y AND code = '1.03'", y=PUBLISHED) == 1.0
    log = last_log(db)
    assert (log["action"], log["year"], log["reason"]) == ("import-catalogue", PUBLISHED, REASON)
    assert queries.corrections(db)["file_name"].tolist() == ["cat.csv"]
    change = scalar(db, "SELECT MAX(id) FROM change_log")
    kept = read(db, "SELECT entity, entity_key, before FROM row_history WHERE change_id = :c ORDER BY entity_key",
                c=change)
    assert len(kept[kept["entity"] == "indicator"]) == 53
    row = json.loads(kept.set_index("entity_key").loc[f"{PUBLISHED} 1.03", "before"])
    assert row["target"] == old["target"] and row["name_th"] == old["name_th"]


def test_an_open_round_catalogue_import_keeps_history_without_a_reason(db):
    report = import_catalogue(db, (catalogue_csv(OPEN), "cat.csv"), OPEN, who="t")
    assert report.correction is None and last_log(db)["reason"] is None and last_log(db)["year"] == OPEN
    change = scalar(db, "SELECT MAX(id) FROM change_log")
    assert scalar(db, "SELECT COUNT(*) FROM row_history WHERE change_id = :c AND entity = 'indicator'", c=change) == 53


def test_a_registry_import_keeps_the_rows_it_replaces(db, tmp_path):
    name = read(db, "SELECT name_th FROM lao WHERE code = '5810101'").iloc[0, 0]
    path = tmp_path / "dla.csv"
    path.write_text("จังหวัด,อำเภอ,ตำบล,รหัส อปท.,ประเภท อปท.,อปท.\nกระบี่,เมืองกระบี่,ไสไทย,5810101,เทศบาลตำบล,ไสไทยใหม่\n",
                    encoding="utf-8")
    report = import_registry(db, path, who="t")
    assert report.updated == ["5810101"]
    change = scalar(db, "SELECT MAX(id) FROM change_log")
    kept = read(db, "SELECT entity, entity_key, before FROM row_history WHERE change_id = :c", c=change)
    assert kept[["entity", "entity_key"]].to_numpy().tolist() == [["lao", "5810101"]]
    assert json.loads(kept.loc[0, "before"])["name_th"] == name


def test_a_registry_dry_run_reports_and_changes_nothing(db):
    before = pristine_fingerprint(db)
    report = import_registry(db, EXAMPLES / "dla_registry_sample.csv", who="t", dry_run=True)
    assert report.dry_run and report.inserted == ["6130408"] and "dry run" in report.summary("en")
    assert table_fingerprint(db) == before
