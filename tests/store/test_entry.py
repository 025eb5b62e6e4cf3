"""An LAO's own entry (store/entry.py) on SQLite and PostgreSQL: who may, when, drafts per domain, refused
stale saves, submit with rescoring, reopening as a new revision, and the history."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import text

from store import entry
from store.access import PermissionDenied, Scope
from store.manage import set_round_state

YEAR = 2569
ADMIN = Scope(role="admin", user="root")


def scalar(db, sql, **p):
    with db.connect() as conn:
        return conn.execute(text(sql), p).scalar()


@pytest.fixture
def lao(db):
    """A sub-district administrative organisation that has not started the open round."""
    return scalar(db, "SELECT l.code FROM lao l WHERE l.type = 'sao' AND NOT EXISTS (SELECT 1 FROM submission s "
                      "WHERE s.lao_code = l.code AND s.year = :y) ORDER BY l.code LIMIT 1", y=YEAR)


def staff(code):
    return Scope(role="lao", lao_code=code, user=f"staff-{code}")


def filled(form, domain=None, frame="100", delivered="90", **explain):
    """Figures for one domain (or all) much like last round's, so no warning needs explaining."""
    codes = [c for c in form.indicators.index if domain is None or form.indicators.at[c, "domain"] == domain]
    rows = {}
    for c in codes:
        measure, last = form.indicators.at[c, "measure"], form.last
        if measure == "ratio":
            seen = c in last.index and pd.notna(last.at[c, "frame"]) and last.at[c, "frame"] > 0
            f = last.at[c, "frame"] if seen else float(frame)
            share = last.at[c, "pct"] / 100 if seen and pd.notna(last.at[c, "pct"]) else 0.9
            rows[c] = (f"{f:g}", f"{f * share:g}")
        else:
            rows[c] = ("1", "1" if measure == "yesno" else "9")
    return pd.DataFrame({"frame_raw": [r[0] for r in rows.values()], "delivered_raw": [r[1] for r in rows.values()],
                         "not_done": False, "explanation": [explain.get(c.replace(".", "_")) for c in rows]},
                        index=pd.Index(list(rows), name="code"))


def test_only_the_lao_itself_and_administrators_open_its_form(db, lao):
    assert entry.load_form(db, staff(lao), lao, YEAR).state == "not_started"
    assert entry.load_form(db, ADMIN, lao, YEAR) is not None
    for other in (Scope(), Scope(role="lao", lao_code="6999999", user="x"), Scope(role="executive", user="e"),
                  Scope(role="monitor", province_code=lao[1:3], user="m")):
        with pytest.raises(PermissionDenied):
            entry.load_form(db, other, lao, YEAR)


def test_a_domain_saved_as_a_draft_survives_and_moves_no_cache_after_the_first_save(db, lao):
    me = staff(lao)
    form = entry.load_form(db, me, lao, YEAR)
    version = scalar(db, "SELECT MAX(id) FROM change_log")
    mark = entry.save(db, me, form, 1, filled(form, 1), form.mark(1))
    assert scalar(db, "SELECT MAX(id) FROM change_log") == version + 1          # "entry-started": state changed
    again = entry.load_form(db, me, lao, YEAR)
    assert again.state == "draft" and again.mark(1) == mark
    assert set(again.figures.index) == set(filled(form, 1).index)
    entry.save(db, me, again, 2, filled(again, 2), again.mark(2))
    assert scalar(db, "SELECT MAX(id) FROM change_log") == version + 1          # a further draft save: no new version
    assert scalar(db, "SELECT COUNT(*) FROM result WHERE lao_code = :c AND year = :y", c=lao, y=YEAR) == 0


def test_a_draft_begun_moves_the_open_rounds_version_and_not_the_last_ones(db, lao):
    from store.dataset import log_change
    from store.queries import data_version, round_version

    before = {y: round_version(db, y) for y in (YEAR - 1, YEAR)}
    me = staff(lao)
    form = entry.load_form(db, me, lao, YEAR)
    entry.save(db, me, form, 1, filled(form, 1), form.mark(1))
    assert round_version(db, YEAR) == data_version(db) > before[YEAR]
    assert round_version(db, YEAR - 1) == before[YEAR - 1]         # the form's peer statistics stay cached
    with db.begin() as conn:
        log_change(conn, me.user, "user-password", me.user)          # a first sign-in touches no figures
    assert round_version(db, YEAR - 1) == before[YEAR - 1] and data_version(db) > round_version(db, YEAR)
    with db.begin() as conn:
        now = log_change(conn, "admin", "import", "submission revisions, years 2568, 2569")    # for no one round
    assert round_version(db, YEAR - 1) == round_version(db, YEAR) == now


def test_a_save_based_on_an_older_version_is_refused_naming_who_and_when(db, lao):
    form = entry.load_form(db, staff(lao), lao, YEAR)
    entry.save(db, staff(lao), form, 1, filled(form, 1), form.mark(1), who="somsri")
    with pytest.raises(entry.Conflict) as refused:
        entry.save(db, ADMIN, form, 1, filled(form, 1, frame="5"), form.mark(1), who="somchai")
    assert refused.value.who == "somsri" and "somsri" in refused.value.text("th") and "domain 1" in refused.value.text("en")
    entry.save(db, ADMIN, form, 3, filled(form, 3), form.mark(3))              # another domain: not in the way


def test_two_simultaneous_saves_of_one_domain_one_is_refused(db, lao):
    form = entry.load_form(db, staff(lao), lao, YEAR)
    outcomes, start = [], threading.Barrier(2)

    def attempt(who):
        start.wait()
        try:
            entry.save(db, staff(lao), form, 1, filled(form, 1), form.mark(1), who=who)
            outcomes.append("saved")
        except entry.Conflict:
            outcomes.append("refused")
    threads = [threading.Thread(target=attempt, args=(w,)) for w in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["refused", "saved"]


@pytest.mark.parametrize("field, value, says", [("delivered_raw", "150", "more than (1)"), ("frame_raw", "-3", "negative"),
                                                ("frame_raw", "lots", "not a number"), ("frame_raw", "1e400", "not a number")])
def test_invalid_figures_are_refused_and_nothing_is_written(db, lao, field, value, says):
    form = entry.load_form(db, staff(lao), lao, YEAR)
    bad = filled(form, 1)
    bad.iloc[0, bad.columns.get_loc(field)] = value
    with pytest.raises(entry.EntryError) as refused:
        entry.save(db, staff(lao), form, 1, bad, form.mark(1))
    assert says in " ".join(p.en for p in refused.value.problems) and bad.index[0] in refused.value.problems[0].en
    assert scalar(db, "SELECT COUNT(*) FROM submission WHERE lao_code = :c AND year = :y", c=lao, y=YEAR) == 0


def test_control_characters_in_an_explanation_are_refused(db, lao):
    form = entry.load_form(db, staff(lao), lao, YEAR)
    bad = filled(form, 1)
    bad.iloc[0, bad.columns.get_loc("explanation")] = "ok\r=HYPERLINK(\"http://x\")"
    with pytest.raises(entry.EntryError, match="control"):
        entry.save(db, staff(lao), form, 1, bad, form.mark(1))


def test_submit_needs_every_figure_and_the_executive_then_rescores_at_once(db, lao):
    me = staff(lao)
    form = entry.load_form(db, me, lao, YEAR)
    entry.save(db, me, form, 1, filled(form, 1), form.mark(1))
    half = entry.load_form(db, me, lao, YEAR)
    with pytest.raises(entry.EntryError, match="not ready"):
        entry.submit(db, me, half, "นายสมชาย ใจดี", "นายกองค์การบริหารส่วนตำบล", half.mark())
    entry.save(db, me, half, None, filled(half), half.mark(), action="upload")
    full = entry.load_form(db, me, lao, YEAR)
    with pytest.raises(entry.EntryError, match="name and position"):
        entry.submit(db, me, full, " ", "นายก", full.mark())
    version = scalar(db, "SELECT MAX(id) FROM change_log")
    entry.submit(db, me, full, "นายสมชาย ใจดี", "นายกองค์การบริหารส่วนตำบล", full.mark())
    done = entry.load_form(db, me, lao, YEAR)
    assert done.state == "submitted" and done.counted_revision == 1
    assert done.current["certified_name"] == "นายสมชาย ใจดี"
    assert scalar(db, "SELECT MAX(id) FROM change_log") > version                 # every page's caches move
    n = scalar(db, "SELECT COUNT(*) FROM result WHERE lao_code = :c AND year = :y", c=lao, y=YEAR)
    assert n == len(done.indicators) and scalar(db, "SELECT pass_rate FROM summary WHERE lao_code = :c AND year = :y "
                                                    "AND domain = 'all'", c=lao, y=YEAR) is not None


def test_reopening_makes_a_new_revision_while_the_submitted_one_keeps_counting(db, lao):
    me = staff(lao)
    form = entry.load_form(db, me, lao, YEAR)
    entry.save(db, me, form, None, filled(form), form.mark(), action="upload")
    form = entry.load_form(db, me, lao, YEAR)
    entry.submit(db, me, form, "นายสมชาย ใจดี", "นายก อบต.", form.mark())
    before = scalar(db, "SELECT pass_rate FROM summary WHERE lao_code = :c AND year = :y AND domain = 'all'", c=lao, y=YEAR)
    form = entry.load_form(db, me, lao, YEAR)
    entry.reopen(db, me, form, form.mark())
    draft = entry.load_form(db, me, lao, YEAR)
    assert draft.state == "draft" and draft.current["revision"] == 2 and draft.counted_revision == 1
    assert len(draft.figures) == len(form.figures)                               # copied into the new draft
    worse = filled(draft, 1)
    worse["delivered_raw"] = "0"
    entry.save(db, me, draft, 1, worse.assign(explanation="น้ำท่วมทั้งปี"), draft.mark(1))
    assert scalar(db, "SELECT pass_rate FROM summary WHERE lao_code = :c AND year = :y AND domain = 'all'",
                  c=lao, y=YEAR) == before                                       # the draft does not count yet
    draft = entry.load_form(db, me, lao, YEAR)
    entry.submit(db, me, draft, "นายสมชาย ใจดี", "นายก อบต.", draft.mark())
    assert scalar(db, "SELECT revision FROM submission WHERE lao_code = :c AND year = :y AND counted", c=lao, y=YEAR) == 2
    actions = entry.load_form(db, me, lao, YEAR).history["action"].tolist()
    assert actions == ["submit", "save", "reopen", "submit", "upload"]


def test_the_window_is_enforced_by_the_server(db, lao):
    form = entry.load_form(db, staff(lao), lao, YEAR)
    late = datetime.combine(form.window_close + timedelta(days=1), datetime.min.time())
    with pytest.raises(entry.EntryError, match="closed"):
        entry.save(db, staff(lao), form, 1, filled(form, 1), form.mark(1), now=late)
    early = datetime.combine(form.window_open - timedelta(days=1), datetime.min.time())
    with pytest.raises(entry.EntryError, match="not opened"):
        entry.save(db, staff(lao), form, 1, filled(form, 1), form.mark(1), now=early)
    set_round_state(db, ADMIN, YEAR, "closed")
    with pytest.raises(entry.EntryError, match="closed"):
        entry.save(db, staff(lao), form, 1, filled(form, 1), form.mark(1))
    entry.save(db, ADMIN, form, 1, filled(form, 1), form.mark(1))               # administrators may, and it shows
    assert entry.load_form(db, ADMIN, lao, YEAR).history["action"].tolist() == ["save-late"]


def test_the_history_keeps_old_and_new_figures(db, lao):
    form = entry.load_form(db, staff(lao), lao, YEAR)
    entry.save(db, staff(lao), form, 1, filled(form, 1), form.mark(1))
    form = entry.load_form(db, staff(lao), lao, YEAR)
    changed = filled(form, 1)
    first = changed.index[0]
    changed.loc[first, "delivered_raw"] = "1"
    changed.loc[first, "explanation"] = "ถนนพังจากน้ำท่วม"
    entry.save(db, staff(lao), form, 1, changed, form.mark(1))
    detail = entry.load_form(db, staff(lao), lao, YEAR).history.iloc[0]["detail"]
    assert f'"indicator": "{first}", "field": "delivered"' in detail and '"new": 1.0' in detail
    assert "ถนนพังจากน้ำท่วม" in detail


def test_window_status():
    d = date(2026, 6, 15)
    assert entry.window("open", date(2026, 6, 1), date(2026, 7, 31), d) == "open"
    assert entry.window("open", date(2026, 6, 20), date(2026, 7, 31), d) == "not_yet"
    assert entry.window("open", date(2026, 5, 1), date(2026, 6, 1), d) == "closed"
    assert entry.window("closed", date(2026, 6, 1), date(2026, 7, 31), d) == "closed"


def test_peer_figures_are_those_of_the_type_s_counted_results(db):
    """The form's peer warning reads every counted result of one LAO type: the share at 100 % and the median
    frame per indicator, here checked against the same figures worked out from the tables in pandas."""
    with db.connect() as conn:
        rows = pd.read_sql(text(
            "SELECT v.indicator_code AS code, v.frame, r.pct, s.counted FROM lao l JOIN submission s "
            "ON s.lao_code = l.code AND s.year = 2568 JOIN indicator_value v ON v.submission_id = s.id JOIN result r "
            "ON r.year = s.year AND r.lao_code = l.code AND r.indicator_code = v.indicator_code "
            "WHERE l.type = 'sao' AND r.outcome IN ('pass', 'fail')"), conn)
    rows = rows[rows["counted"].astype(bool)]
    assert len(rows) > 100
    got = entry.peer_stats(db, 2568, "sao")
    want = rows.assign(perfect=rows["pct"] >= 100).groupby("code").agg(
        perfect_share=("perfect", "mean"), median_frame=("frame", "median"))
    pd.testing.assert_frame_equal(got.sort_index(), want.sort_index(), check_dtype=False)
    assert entry.peer_stats(db, 2568, "no such type").empty
