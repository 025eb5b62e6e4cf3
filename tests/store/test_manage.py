"""Administrator operations (store.manage): round changes follow the allowed steps, every change is
logged (who, what, file, rows) and moves the data version; uploads commit all or nothing."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import text

from sample_data.round_file import round_frame
from store import manage, queries
from store.access import PUBLIC, Scope

ADMIN = Scope(role="admin", user="somsri")


def state(db, year: int) -> str:
    with db.connect() as conn:
        return conn.execute(text("SELECT state FROM round WHERE year = :y"), {"y": year}).scalar_one()


def last_log(db) -> dict:
    with db.connect() as conn:
        row = conn.execute(text("SELECT who, action, detail, file_name, n_rows FROM change_log "
                                "ORDER BY id DESC LIMIT 1")).mappings().one()
    return dict(row)


def test_round_goes_open_closed_published_and_each_step_is_logged(db):
    v0 = queries.data_version(db)
    assert manage.set_round_state(db, ADMIN, 2569, "closed") == "open"
    assert state(db, 2569) == "closed"
    assert last_log(db)["who"] == "somsri" and last_log(db)["action"] == "round-closed"
    assert manage.set_round_state(db, ADMIN, 2569, "open") == "closed"          # reopening is allowed
    manage.set_round_state(db, ADMIN, 2569, "closed")
    manage.set_round_state(db, ADMIN, 2569, "published")
    assert state(db, 2569) == "published"
    assert "2569: closed -> published" in last_log(db)["detail"]
    assert queries.data_version(db) == v0 + 4


@pytest.mark.parametrize("year, target", [(2569, "published"), (2568, "open"), (2568, "closed"), (2569, "open")])
def test_steps_that_are_not_allowed_are_refused_and_not_logged(db, year, target):
    v0 = queries.data_version(db)
    with pytest.raises(manage.RoundError) as err:
        manage.set_round_state(db, ADMIN, year, target)
    assert err.value.text("th")
    assert queries.data_version(db) == v0


def test_only_one_round_is_open_at_a_time(db):
    with pytest.raises(manage.RoundError, match="still open"):
        manage.open_new_round(db, ADMIN, 2570, date(2027, 10, 15), date(2027, 12, 15))
    manage.set_round_state(db, ADMIN, 2569, "closed")
    manage.open_new_round(db, ADMIN, 2570, date(2027, 10, 15), date(2027, 12, 15))
    assert state(db, 2570) == "open"
    assert last_log(db)["action"] == "round-new"
    with pytest.raises(manage.RoundError, match="exists"):
        manage.open_new_round(db, ADMIN, 2570, date(2027, 10, 15), date(2027, 12, 15))
    with pytest.raises(manage.RoundError):
        manage.set_round_state(db, ADMIN, 2569, "open")


def test_window_dates_can_move_but_not_backwards(db):
    manage.set_window(db, ADMIN, 2569, date(2026, 10, 15), date(2026, 12, 31))
    rounds = queries.rounds(db, ADMIN).set_index("year")
    assert str(rounds.at[2569, "window_close"])[:10] == "2026-12-31"
    assert "2026-12-31" in last_log(db)["detail"]
    with pytest.raises(manage.RoundError):
        manage.set_window(db, ADMIN, 2569, date(2026, 12, 31), date(2026, 10, 1))


def test_a_good_file_commits_logs_and_shows_up(db):
    with db.connect() as conn:
        codes = [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l LEFT JOIN submission s ON s.lao_code = l.code AND s.year = 2569 "
            "WHERE l.province_code = '30' AND s.id IS NULL ORDER BY l.code LIMIT 3"))]
    assert len(codes) == 3                                     # not started before
    content = round_frame(db, 2569, codes).to_csv(index=False).encode()
    before = queries.submissions(db, ADMIN, 2569, "30").set_index("lao_code").loc[codes, "state"]
    assert set(before) == {"not_started"}
    v0 = queries.data_version(db)
    check = manage.check_file(db, ADMIN, "submissions", content, "C:\\Users\\x\\โคราช.csv")
    assert check.ok and check.file_name == "โคราช.csv" and queries.data_version(db) == v0
    done = manage.commit_file(db, ADMIN, "submissions", content, "โคราช.csv")
    assert done.committed and done.rows == check.rows
    assert queries.data_version(db) == v0 + 1
    log = last_log(db)
    assert (log["who"], log["action"], log["file_name"], log["n_rows"]) == ("somsri", "import", "โคราช.csv", done.rows)
    after = queries.submissions(db, ADMIN, 2569, "30").set_index("lao_code").loc[codes, "state"]
    assert set(after) == {"submitted"}
    assert len(queries.summaries(db, ADMIN, year=2569, lao=codes[0])) > 0          # scored in the same step


def test_registry_file_check_then_commit(db):
    from pathlib import Path

    content = (Path(__file__).resolve().parents[2] / "sample_data" / "examples" / "dla_registry_sample.csv").read_bytes()
    check = manage.check_file(db, ADMIN, "registry", content, "dla.csv")
    assert check.ok, check.problems[:3]
    assert check.facts["laos"] == check.facts["new"] + check.facts["known"]
    n_before = len(queries.laos(db))
    done = manage.commit_file(db, ADMIN, "registry", content, "dla.csv")
    assert done.committed and done.facts["new"] == check.facts["new"]
    assert len(queries.laos(db)) == n_before + check.facts["new"]
    assert last_log(db)["action"] == "import-laos"


def test_catalogue_import_needs_an_unpublished_round(db):
    from store.exports import frame

    cat = queries.catalogue(db, 2569)
    table = cat[["code", "domain", "name_th", "name_en", "measure", "target", "applies_to", "frame_th", "frame_en",
                 "delivered_th", "delivered_en", "provenance", "source"]]
    content = table.to_csv(index=False).encode()
    check = manage.check_catalogue(db, ADMIN, 2569, content, "cat.csv")
    assert check.ok, [p.message.en for p in check.problems[:5]]
    done = manage.commit_catalogue(db, ADMIN, 2569, content, "cat.csv")
    assert done.committed and last_log(db)["action"] == "import-catalogue"
    assert len(frame(db, "catalogue", 2569)) == len(cat)
    refused = manage.check_catalogue(db, ADMIN, 2568, content, "cat.csv")
    assert not refused.ok and "published" in refused.problems[0].message.en


def test_exports_are_for_administrators_and_formula_safe(db):
    from store.spreadsheet import to_csv_bytes

    df = manage.export_frame(db, ADMIN, "laos")
    assert list(df.columns) == ["lao_code", "name_th", "type", "province_code", "district_code"]
    nasty = pd.DataFrame({"name_th": ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "+1", "ปกติ"]})
    assert to_csv_bytes(nasty).decode("utf-8-sig").splitlines()[1:] == [
        "\"'=HYPERLINK(\"\"http://x\"\")\"", "'+cmd|' /C calc'!A0", "+1", "ปกติ"]     # a number is not a formula
    assert queries.change_log(db, PUBLIC).empty
