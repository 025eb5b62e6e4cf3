"""The words and tables of the entry form (pages/entry.py): what each figure is, last round beside it, the
outcome it would get, completeness, and the history. No Streamlit here."""
from __future__ import annotations

import json

import pandas as pd

from scoring.rules import OUTCOME_LABELS
from store.entry import ACTIONS_EN, ACTIONS_TH, Form
from store.trail import TRAIL_ACTIONS

from .format import is_missing, num, pct
from .i18n import date_label, t, year_label
from .scorecard_text import target_text
from .trail_text import event_action, event_detail

OUTCOME_MARK = {"pass": "✓", "fail": "✗", "not_done": "!", "no_service": "○"}


def figure(value) -> str:
    """A stored figure as it is typed back into a field (no thousands separators, no trailing .0)."""
    return "" if is_missing(value) else f"{float(value):.10g}"


def target(row: pd.Series, lang: str) -> str:
    return t("entry_target", lang, target=target_text(row["measure"], row["target"], row.get(f"unit_{lang}"), lang))


def last_round(form: Form, code: str, lang: str) -> str:
    if code not in form.last.index:
        return t("entry_last_none", lang, year=year_label(form.year - 1, lang))
    r = form.last.loc[code]
    outcome = OUTCOME_LABELS[lang].get(r["outcome"], "–") if isinstance(r["outcome"], str) else "–"
    return t("entry_last", lang, year=year_label(form.year - 1, lang), frame=num(r["frame"]),
             delivered=num(r["delivered"]), pct=pct(r["pct"]), outcome=outcome)


def outcome(row: pd.Series, lang: str, would: bool = True) -> str:
    """The outcome the figures get (`would`: while entering): mark, words (never colour alone), percentage."""
    if row["status"] != "complete" or not isinstance(row["outcome"], str):
        return t("entry_outcome_pending", lang) if would else "–"
    label = f"{OUTCOME_MARK[row['outcome']]} {OUTCOME_LABELS[lang][row['outcome']]}"
    shown = "" if is_missing(row["pct"]) or row["outcome"] in ("no_service", "not_done") else f" ({pct(row['pct'])})"
    return t("entry_outcome", lang, outcome=label + shown) if would else label + shown


def domain_option(domain: int, names: pd.Series, summary: pd.DataFrame, lang: str) -> str:
    r = summary.loc[domain]
    finished = r["complete"] == r["n"] and not r["problems"] and not r["unexplained"]
    done = "✓" if finished else f"{r['complete']}/{r['n']}"
    return f"{domain}. {names[domain]} ({done})"


def history_rows(form: Form, lang: str) -> pd.DataFrame:
    """Every save, submit and reopen: when, who, what, and the figures it changed (old → new)."""
    actions = ACTIONS_TH if lang == "th" else ACTIONS_EN
    rows = []
    for e in form.history.itertuples():
        detail = json.loads(e.detail) if isinstance(e.detail, str) and e.detail else {}
        if e.action in TRAIL_ACTIONS:
            what = event_detail(e.action, detail if isinstance(detail, dict) else {}, lang)
        elif isinstance(detail, list):
            what = "; ".join(f"{c['indicator']} {_field(c['field'], lang)}: {_value(c['old'])} → {_value(c['new'])}"
                             for c in detail[:40]) + (" …" if len(detail) > 40 else "")
        else:
            what = "; ".join(f"{v}" for v in detail.values())
        rows.append({t("entry_col_at", lang): _stamp(e.at, lang), t("entry_col_who", lang): e.who,
                     t("entry_col_action", lang): event_action(e.action, lang) if e.action in TRAIL_ACTIONS
                     else actions.get(e.action, e.action),
                     t("entry_col_domain", lang): "–" if is_missing(e.domain) else str(int(e.domain)),
                     t("entry_col_revision", lang): "–" if is_missing(e.revision) else str(int(e.revision)),
                     t("entry_col_changes", lang): what or "–"})
    return pd.DataFrame(rows, columns=[t(k, lang) for k in ("entry_col_at", "entry_col_who", "entry_col_action",
                                                            "entry_col_domain", "entry_col_revision",
                                                            "entry_col_changes")])


def _field(field: str, lang: str) -> str:
    return t(f"entry_field_{field}", lang)


def _value(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "✓" if v else "–"
    return num(v) if isinstance(v, (int, float)) else str(v)


def _stamp(value, lang: str) -> str:
    ts = pd.Timestamp(value)
    return f"{date_label(ts.to_pydatetime(), lang)} {ts:%H:%M}"


def figures_table(form: Form, checked: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The submitted figures as a read-only table: code, outcome, (1), (2), then the long indicator name (so a
    phone shows what matters first)."""
    ind = form.indicators
    return pd.DataFrame({
        t("col_code", lang): list(ind.index),
        t("outcome_col", lang): [outcome(checked.loc[c], lang, would=False) for c in ind.index],
        "(1)": [num(v) for v in checked["frame"]],
        "(2)": [num(v) for v in checked["delivered"]],
        t("col_indicator", lang): [ind.at[c, f"name_{lang}"] for c in ind.index]})
