"""The monitors' review of submitted LAOs: review?year=Y lists the province's submissions with their review
state; review?year=Y&lao=CODE shows one LAO's newest submission, what changed since the revision before,
its evidence, steps and comment thread, and lets a monitor of its province mark it checked or return it
for correction. A page of its own (not a part of `submissions`), so a review has a link that the province
page's anomaly flags, a reminder or a colleague can open, and the contract's url paths stay as they were.
Monitors, executives (reading) and administrators; LAO staff read the comments on their `entry` form."""
from __future__ import annotations

import re

import streamlit as st

from dashboard import filters, nav
from dashboard import review_view as rv
from dashboard.context import View

CODE = re.compile(r"^\d{7}$")


def render(view: View) -> None:
    tr, scope = view.tr, view.scope
    st.title(tr("review_title"))
    if scope.role == "lao":
        st.info(tr("review_lao_here"), icon=":material/rate_review:")
        nav.link("entry", tr("review_lao_go"), {"lao": scope.lao_code}, icon=":material/edit_note:")
        return
    if scope.role not in ("monitor", "executive", "admin"):
        st.info(tr("review_who"), icon=":material/lock:")
        return
    year = filters.round_year(view, "open")
    if year is None:
        return
    raw = st.query_params.get("lao")       # not the sticky choice of the scorecard: the queue is the default
    if raw and CODE.match(str(raw)):
        rv.one(view, str(raw), year)
    else:
        if raw:
            st.warning(tr("lao_unknown", code=str(raw)[:20]))
        rv.queue(view, year)
