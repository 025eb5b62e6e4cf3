"""Cached data access: the only module that mixes Streamlit and the database.

Every cached function takes the data version (the newest change-log id) as its first argument (`v`), so
a commit from the admin page shows on every page at once, without a restart.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from geo import diskcache
from store import (
    accounts,
    eligibility,
    entry,
    evidence,
    queries,
    reminders,
    review,
    sessions,
    settings,
    signin,
    steps,
    trail,
)
from store import contacts as contacts_store
from store import entry_workbook as entry_workbook_file
from store.access import PUBLIC, PermissionDenied, Scope
from store.db import make_engine
from store.manage import RoundError  # noqa: F401  (pages catch it: a round change that is not allowed)

from . import entry_workbook as entry_workbook_writer
from .links import public_base

diskcache.DIRECTORY = settings.path("LAO_CACHE_DIR")


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    return make_engine()


def scope() -> Scope:
    """The signed-in user's scope; the public until someone signs in."""
    return st.session_state.get("scope", PUBLIC)


def version() -> int:
    return queries.data_version(engine())


# Streamlit leaves parameters whose names start with "_" out of the cache key, so the data version is
# a plain `v`: a commit changes it and every cached read is fetched again.
_cache = st.cache_data(show_spinner=False, max_entries=256, ttl=3600)


@_cache
def meta(v: int) -> dict[str, str]:
    return queries.meta(engine())


@_cache
def rounds(v: int, scope: Scope) -> pd.DataFrame:
    return queries.rounds(engine(), scope)


@_cache
def provinces(v: int) -> pd.DataFrame:
    return queries.provinces(engine())


@_cache
def districts(v: int) -> pd.DataFrame:
    return queries.districts(engine())


@_cache
def laos(v: int) -> pd.DataFrame:
    return queries.laos(engine())


@_cache
def has_laos(v: int) -> bool:
    """Whether the registry is loaded (every run asks: a boolean is cheaper to hand out than the registry)."""
    return not queries.laos(engine()).empty


@_cache
def catalogue(v: int, year: int | None = None) -> pd.DataFrame:
    return queries.catalogue(engine(), year)


@_cache
def summaries(v: int, scope: Scope, year: int | None = None, domain: str | None = None,
              province: str | None = None, lao: str | None = None) -> pd.DataFrame:
    return queries.summaries(engine(), scope, year=year, domain=domain, province=province, lao=lao)


@_cache
def overview(v: int, scope: Scope, year: int, type_code: str, region: str, domain: str, leave_out: tuple = ()):
    """The overview's figures for one view (dashboard.overview_figures), once per data version and view.
    `leave_out`: rounds the figures may not use (an unpublished one, for someone who sees only part of it)."""
    from . import overview_figures
    return overview_figures.build(laos(v), provinces(v), _usable(summaries(v, scope, domain=domain), leave_out),
                                  year, type_code, region)


@_cache
def overview_districts(v: int, scope: Scope, year: int, type_code: str, region: str, domain: str,
                       leave_out: tuple = ()) -> pd.DataFrame:
    from . import overview_figures
    return overview_figures.districts(laos(v), provinces(v), _usable(summaries(v, scope, domain=domain), leave_out),
                                      year, type_code, region)


@_cache
def province_tables(v: int, scope: Scope, year: int, code: str, type_code: str, lang: str, partial: bool,
                    with_previous: bool):
    """The province page's tables for one view (dashboard.province_figures), once per data version and view."""
    from . import province_figures
    return province_figures.build(
        laos(v), provinces(v), summaries(v, scope, year=year, domain="all"),
        summaries(v, scope, year=year - 1, province=code, domain="all") if with_previous else None,
        summaries(v, scope, year=year, province=code), submissions(v, scope, year, code),
        districts(v).set_index("district_code")[f"name_{lang}"], code, type_code, partial)


def _usable(rows: pd.DataFrame, leave_out: tuple) -> pd.DataFrame:
    return rows[~rows["year"].isin(leave_out)] if leave_out else rows


@_cache
def results(v: int, scope: Scope, year: int | None = None, indicator: str | None = None,
            province: str | None = None, lao: str | None = None, outcome: str | None = None) -> pd.DataFrame:
    return queries.results(engine(), scope, year=year, indicator=indicator, province=province, lao=lao,
                           outcome=outcome)


@_cache
def indicator_outcomes(v: int, scope: Scope, year: int) -> pd.DataFrame:
    return queries.indicator_outcomes(engine(), scope, year)


@_cache
def submissions(v: int, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    return queries.submissions(engine(), scope, year, province)


@_cache
def values(v: int, scope: Scope, lao: str, year: int) -> pd.DataFrame:
    return queries.values(engine(), scope, lao, year)


def clear() -> None:
    st.cache_data.clear()


@_cache
def indicator_history(v: int, scope: Scope, indicator: str) -> pd.DataFrame:
    return queries.indicator_history(engine(), scope, indicator)


@_cache
def corrections(v: int) -> pd.DataFrame:
    """Corrections of published rounds, for the methodology page (public record)."""
    return queries.corrections(engine())


# --- administrators (pages/admin.py). Writes go through store.manage, which refuses anyone but an
# administrator itself; each logs its change, so data.version() moves and every cache above misses.
@_cache
def change_log(v: int, scope: Scope, limit: int = 200) -> pd.DataFrame:
    return queries.change_log(engine(), scope, limit)


@_cache
def round_overview(v: int, scope: Scope) -> pd.DataFrame:
    return queries.round_overview(engine(), scope)


def admin(operation: str, scope: Scope, *args, **kw):
    """Run a store.manage operation (check_file, commit_file, check_catalogue, commit_catalogue,
    set_round_state, set_window, open_new_round, export_frame) on the app's database."""
    from store import manage

    if operation not in manage.OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}")
    return getattr(manage, operation)(engine(), scope, *args, **kw)


@_cache
def province_answers(v: int, scope: Scope, year: int, province: str) -> pd.DataFrame:
    """The figures of a province's current submissions (province page: identical-answer flags)."""
    from store.queries_province import answers
    return answers(engine(), scope, year, province)


# --- lao page: one LAO's scorecard ---------------------------------------------------------------
@_cache
def lao_round_states(v: int) -> pd.DataFrame:
    """Every round's year and state (not its data), so an unpublished year gets a clear message."""
    from store.queries_lao import round_states
    return round_states(engine())


@st.cache_resource(show_spinner=False, max_entries=4)
def lao_search_index(v: int):
    """The registry as a search index (built once per data version, shared, never copied)."""
    from scoring.search import build_index
    return build_index(laos(v), districts(v), provinces(v))


@_cache
def lao_peer_summaries(v: int, scope: Scope, year: int, lao_type: str) -> pd.DataFrame:
    """Pass rates of every LAO of one type in one round (the same for every scorecard of the type)."""
    from store.queries_lao import peer_summaries
    return peer_summaries(engine(), scope, year, lao_type)


@_cache
def lao_scorecard(v: int, scope: Scope, lao: str, year: int):
    """The scorecard (scoring.scorecard.Scorecard) of one LAO and round, or None for an unknown LAO."""
    from scoring.scorecard import build
    from store.queries_lao import scorecard_inputs
    inputs = scorecard_inputs(engine(), scope, lao, year,
                              peers_fn=lambda y, t: lao_peer_summaries(v, scope, y, t))
    return None if inputs is None else build(inputs)


@_cache
def lao_report_pdf(v: int, scope: Scope, lao: str, year: int, lang: str) -> bytes:
    """The council report PDF (built only when someone asks for it)."""
    from dashboard.report import build_pdf
    return build_pdf(lao_scorecard(v, scope, lao, year), lang, steps=lao_steps(v, scope, lao, year))


@_cache
def lao_scorecard_xlsx(v: int, scope: Scope, lao: str, year: int, lang: str) -> bytes:
    from dashboard.scorecard_tables import sheets
    from store.spreadsheet import sheets_to_xlsx
    return sheets_to_xlsx(sheets(lao_scorecard(v, scope, lao, year), lang))


# Refusals the pages name (so pages import no store module).
EntryError, Conflict, PermissionDenied = entry.EntryError, entry.Conflict, PermissionDenied
entry_window = entry.window


# --- entry (pages/entry.py): an LAO's own form is read fresh each run (drafts change all the time); what
# is the same for every LAO of a type is cached. Writes go through store.entry, which checks scope and window.
def entry_form(scope: Scope, lao: str, year: int):
    return entry.load_form(engine(), scope, lao, year)


def entry_peers(year: int, lao_type: str) -> pd.DataFrame:
    """What LAOs of a type reached in a round (for the form's warnings), cached on that round's own version:
    thousands of drafts begun in the open round do not make the last round's 6 s statistics be built again."""
    return _entry_peers(queries.round_version(engine(), year), year, lao_type)


@_cache
def _entry_peers(v: int, year: int, lao_type: str) -> pd.DataFrame:
    return entry.peer_stats(engine(), year, lao_type)


def entry_save(scope: Scope, form, domain, figures: pd.DataFrame, based_on: int, action: str = "save") -> int:
    return entry.save(engine(), scope, form, domain, figures, based_on, action=action)


def entry_submit(scope: Scope, form, name: str, position: str, based_on: int, peers: pd.DataFrame) -> int:
    return entry.submit(engine(), scope, form, name, position, based_on, peers=peers)


def entry_reopen(scope: Scope, form, based_on: int) -> int:
    return entry.reopen(engine(), scope, form, based_on)


def entry_workbook(form, lang: str) -> bytes:
    return entry_workbook_writer.workbook(form, lang)


def entry_read_workbook(form, content: bytes, name: str) -> pd.DataFrame:
    return entry_workbook_file.read((content, name), form.lao["code"], form.year, list(form.indicators.index))


# --- sign-in (dashboard/auth.py): accounts, limits and sessions live in the database ---------------------
SESSION_COOKIE = sessions.COOKIE


def sign_in(username: str, password: str, client: str, other):
    return signin.sign_in(engine(), username, password, client, other=other)


def start_session(**who) -> str:
    return sessions.start(engine(), **who)


def resolve_session(token: str):
    return sessions.resolve(engine(), token)


def cookie_token(cookie: str | None) -> str | None:
    return sessions.unsign(engine(), cookie) if cookie else None


def end_session(token: str | None) -> None:
    sessions.end(engine(), token)


def end_file_sessions(file_user: str) -> None:
    sessions.end_file_user(engine(), file_user)


def accounts_list(scope: Scope) -> pd.DataFrame:
    return accounts.users(engine(), scope)


def account_add(scope: Scope, name: str, role: str, *, lao=None, province=None, email=None) -> str:
    """A new account with a one-time password (returned once, to hand over; its owner then chooses one)."""
    password = accounts.new_otp()
    accounts.add(engine(), scope, name, role, password, lao=lao, province=province, email=email, one_time=True)
    return password


def account_set_active(scope: Scope, name: str, active: bool) -> None:
    accounts.set_active(engine(), scope, name, active)


def account_reset(scope: Scope, name: str) -> str:
    return accounts.reset(engine(), scope, name)


def account_unlock(scope: Scope, name: str) -> int:
    return signin.unlock(engine(), scope, name)


def accounts_provision(scope: Scope) -> pd.DataFrame:
    return accounts.provision_laos(engine(), scope)


def account(user_id: int):
    with engine().connect() as conn:
        return accounts.by_id(conn, user_id)


def change_password(user_id: int, old: str, new: str, keep_session: str | None = None) -> None:
    accounts.change_password(engine(), user_id, old, new, keep_session=keep_session)


# --- faults (dashboard/app.py): after a database fault, pooled connections may point at a file that was
# replaced or a server that restarted; dropping them makes the next script run connect afresh.
def reset_connections() -> None:
    engine().dispose()


# --- the round's paper trail (evidence, steps after submission, review, round conditions, reminders, contact
# e-mails): store.trail decides who may read or write what, and every write logs its change (so the data
# version moves). Reads many users share (counts, states, conditions, a scorecard's steps) are cached; one
# LAO's own trail (its files, comments, revisions) is read fresh on each run.
TrailError, NotAllowed = trail.TrailError, trail.NotAllowed
STEPS, REVIEW_STATES, REMINDER_REASONS = trail.STEPS, review.REVIEW_STATES, reminders.REASONS
CONDITIONS, CONDITIONS_READING = eligibility.CONDITIONS, eligibility.READING
EVIDENCE_KINDS = evidence.KIND_NAMES


def evidence_list(scope: Scope, lao: str, year: int, include_removed: bool = False) -> pd.DataFrame:
    return evidence.attachments(engine(), scope, lao, year, include_removed=include_removed)


def evidence_limits() -> tuple[int, int]:
    """(bytes per file, bytes per LAO and round)."""
    return evidence.limits()


def evidence_add_file(scope: Scope, lao: str, year: int, content: bytes, name: str, *, indicator: str | None = None,
                      step: str | None = None, label: str | None = None) -> int:
    return evidence.add_file(engine(), scope, lao, year, content, name, indicator=indicator, step=step, label=label)


def evidence_add_link(scope: Scope, lao: str, year: int, url: str, *, indicator: str | None = None,
                      step: str | None = None, label: str | None = None) -> int:
    return evidence.add_link(engine(), scope, lao, year, url, indicator=indicator, step=step, label=label)


def evidence_download(scope: Scope, attachment_id: int):
    """store.evidence.Download (content, file_name, content_type) for those who may read that LAO's round."""
    return evidence.download(engine(), scope, attachment_id)


def evidence_remove(scope: Scope, attachment_id: int) -> None:
    evidence.remove(engine(), scope, attachment_id)


def trail_steps(scope: Scope, lao: str, year: int, history: bool = False) -> pd.DataFrame:
    """One LAO's steps after submission as its own staff and its reviewers see them (with documents)."""
    return steps.steps(engine(), scope, lao, year, history=history)


@_cache
def lao_steps(v: int, scope: Scope, lao: str, year: int) -> pd.DataFrame:
    """The steps on a scorecard and in its council report (public once the round is published)."""
    return steps.steps(engine(), scope, lao, year)


def step_record(scope: Scope, lao: str, year: int, step: str, done_on, *, detail: str | None = None,
                url: str | None = None, file: tuple[bytes, str] | None = None, attachment_id: int | None = None) -> int:
    return steps.record_step(engine(), scope, lao, year, step, done_on, detail=detail, url=url, file=file,
                             attachment_id=attachment_id)


@_cache
def step_counts(v: int, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    return steps.step_counts(engine(), scope, year, province)


@_cache
def steps_recorded(v: int, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    """The current record of every step of every LAO in scope: lao_code, step, done_on, evidenced."""
    with engine().connect() as conn:
        return steps.current_steps(conn, scope, year, province)


@_cache
def review_states(v: int, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    return review.review_states(engine(), scope, year, province)


@_cache
def review_counts(v: int, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    return review.review_counts(engine(), scope, year, province)


def review_comments(scope: Scope, lao: str, year: int) -> pd.DataFrame:
    return review.comments(engine(), scope, lao, year)


def review_revisions(scope: Scope, lao: str, year: int) -> pd.DataFrame:
    return review.revisions(engine(), scope, lao, year)


def review_changes(scope: Scope, lao: str, year: int, old: int | None = None, new: int | None = None) -> pd.DataFrame:
    return review.revision_changes(engine(), scope, lao, year, old, new)


def review_check(scope: Scope, lao: str, year: int, revision: int) -> None:
    review.mark_checked(engine(), scope, lao, year, revision)


def review_return(scope: Scope, lao: str, year: int, revision: int, comments) -> None:
    review.return_for_correction(engine(), scope, lao, year, revision, comments)


def review_comment(scope: Scope, lao: str, year: int, body: str, indicator: str | None = None) -> int:
    return review.comment(engine(), scope, lao, year, body, indicator)


@_cache
def round_conditions(v: int, scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    return eligibility.round_conditions(engine(), scope, year, province)


@_cache
def lao_conditions(v: int, scope: Scope, lao: str, year: int) -> dict:
    return eligibility.lao_conditions(engine(), scope, lao, year)


@_cache
def conditions_export(v: int, scope: Scope, year: int, province: str | None, lang: str) -> pd.DataFrame:
    return eligibility.conditions_export(engine(), scope, year, province, lang)


def reminders_due(scope: Scope, year: int, province: str | None = None) -> pd.DataFrame:
    return reminders.due(engine(), scope, year, province)


def reminders_send(scope: Scope, year: int, province: str | None = None, dry_run: bool = False):
    """store.reminders.RunReport of one run (dry: what would go); the message links the form when the site
    has a public address."""
    return reminders.send(engine(), scope, year, province, dry_run=dry_run, link_base=public_base())


def contacts(scope: Scope, province: str | None = None) -> pd.DataFrame:
    return contacts_store.contacts(engine(), scope, province)


def contact_set(scope: Scope, lao: str, email: str | None) -> str | None:
    return contacts_store.set_contact(engine(), scope, lao, email)
