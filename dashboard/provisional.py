"""A round that is not yet published, seen truthfully.

Its figures are provisional, and every page, chart and report says so. Someone who sees only part of it (an
LAO's staff, a province's monitor) never gets a figure over their own rows labelled as the province's, the
region's or the nation's, nor "not submitted" for LAOs they may not see: such comparisons are withheld with the
reason until the round is published (executives and administrators see everything, so they get them all).
"""
from __future__ import annotations

import streamlit as st

from . import data
from .context import View
from .i18n import year_label


def state(view: View, year: int | None) -> str | None:
    """open | closed | published, or None for a year without a round."""
    if year is None:
        return None
    states = data.lao_round_states(view.v)
    found = states.loc[states["year"] == int(year), "state"]
    return None if found.empty else str(found.iloc[0])


def is_provisional(view: View, year: int | None) -> bool:
    return state(view, year) not in (None, "published")


def partial(view: View, year: int | None) -> bool:
    """Whether this user sees only part of a provisional round (so comparisons beyond it are withheld)."""
    return is_provisional(view, year) and not view.scope.sees_everything


def years(view: View) -> set[int]:
    """The rounds not yet published (for marking them on charts that span rounds)."""
    states = data.lao_round_states(view.v)
    return {int(y) for y in states.loc[states["state"] != "published", "year"]}


def mark(view: View, year: int | None) -> None:
    """The page's notice for a provisional round (nothing for a published one)."""
    if is_provisional(view, year):
        st.warning(view.tr("provisional_round", year=year_label(int(year), view.lang)),
                   icon=":material/hourglass_top:")


def withheld(view: View, what: str) -> None:
    """Say why a comparison is not shown: `what` names it (a message key's tail: withheld_<what>)."""
    st.info(view.tr(f"withheld_{what}"), icon=":material/visibility_off:")


def label(view: View, year: int, text: str) -> str:
    """A chart or table title, marked when its round is provisional."""
    return f"{text} ({view.tr('provisional_short')})" if is_provisional(view, year) else text


def left_out(view: View) -> tuple[int, ...]:
    """The rounds a figure across LAOs may not use for this user (see `comparable`), as a cache key."""
    return () if view.scope.sees_everything else tuple(sorted(years(view)))


def comparable(view: View, rows):
    """Rows (with a year column) that a figure across LAOs may use: for a user who sees only part of an
    unpublished round, that round's rows are their own, not the nation's, so they are left out."""
    out = left_out(view)
    return rows[~rows["year"].astype(int).isin(out)] if out else rows


def year_names(view: View, values) -> tuple[list[str], bool]:
    """Rounds on an axis that spans rounds: 2569* for a provisional one, and whether any was marked (then
    the chart's caption says what * means: `star_note`)."""
    marked = years(view)
    names = [f"{int(y)}*" if int(y) in marked else str(int(y)) for y in values]
    return names, any(int(y) in marked for y in values)


def star_note(view: View, any_marked: bool) -> None:
    if any_marked:
        st.caption(view.tr("provisional_star"))
