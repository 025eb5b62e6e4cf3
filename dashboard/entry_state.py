"""What one browser tab holds of an LAO's form while it is being filled in: the figures as typed (kept
across domain tabs and reruns, never lost when a domain's fields are not on screen), the version of each
domain the tab was loaded with (so a save based on an older one is refused by store.entry), and the
message of the last action. Read again from the database on the first visit, after a submit or reopen,
and when the user asks for the latest figures."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from store.entry import WHOLE_FORM, Form

from .entry_text import figure

FIELDS = {"f": "frame_raw", "d": "delivered_raw", "nd": "not_done", "x": "explanation"}


def _key(form: Form) -> str:
    return f"entry:{form.lao['code']}:{form.year}"


def state(form: Form) -> dict:
    """This tab's copy of the form: loaded from `form` on the first visit or when asked (`reload`). Never
    replaced silently: if someone else saved meanwhile, this tab's next save is refused and says so."""
    key = _key(form)
    held = st.session_state.get(key)
    if held is None or held.get("reload"):
        held = {"marks": dict(form.marks), "flash": None, "reload": False,
                "values": {code: _typed(form, code) for code in form.indicators.index}}
        st.session_state[key] = held
        for widget in [k for k in st.session_state if str(k).startswith(f"e{form.lao['code']}{form.year}_")]:
            del st.session_state[widget]
    return held


def saved(held: dict, domain: int | None, event: int) -> None:
    """After this tab's save: its version of the domain moves on (a first save also begins a draft)."""
    held["marks"][0 if domain is None else int(domain)] = event


def forget(form: Form) -> None:
    """Drop this tab's copy: the next run reads the form from the database again."""
    st.session_state.pop(_key(form), None)
    for widget in [k for k in st.session_state if str(k).startswith(f"e{form.lao['code']}{form.year}_")]:
        del st.session_state[widget]


def _typed(form: Form, code: str) -> dict:
    fig = form.figures
    if code not in fig.index:
        return {"f": "", "d": "", "nd": False, "x": ""}
    r = fig.loc[code]
    return {"f": figure(r["frame"]), "d": figure(r["delivered"]), "nd": bool(r["not_done"]),
            "x": "" if r["explanation"] is None or pd.isna(r["explanation"]) else str(r["explanation"])}


def widget_key(form: Form, code: str, field: str) -> str:
    return f"e{form.lao['code']}{form.year}_{code}_{field}"


def bind(form: Form, held: dict, code: str, field: str) -> str:
    """The widget key of one field, primed with the tab's value the first time the field is on screen."""
    key = widget_key(form, code, field)
    if key not in st.session_state:
        st.session_state[key] = held["values"][code][field]
    return key


def remember(form: Form, held: dict, code: str, field: str) -> None:
    """on_change: keep what was typed in the tab's copy. A "saved" message goes: it is no longer true."""
    held["values"][code][field] = st.session_state[widget_key(form, code, field)]
    if held.get("flash") and held["flash"][0] == "ok":
        held["flash"] = None


def figures(held: dict, codes) -> pd.DataFrame:
    """The typed figures of `codes` in the shape scoring.entry.check and store.entry.save take."""
    rows = {c: {FIELDS[k]: v for k, v in held["values"][c].items()} for c in codes}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(FIELDS.values()))
    out["not_done"] = out["not_done"].astype(bool)
    out.index.name = "code"
    return out


def mark(held: dict, domain: int | None) -> int:
    marks = held["marks"]
    if domain is None:
        return max(marks.values(), default=0)
    return max(marks.get(int(domain), 0), marks.get(WHOLE_FORM, 0))
