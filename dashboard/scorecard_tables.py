"""Display tables of one LAO's scorecard: translated headers, display strings, "–" for a missing figure.
The page shows them, the workbook writes them (`sheets`) and the council PDF prints them.

Every builder takes a `scoring.scorecard.Scorecard` and a language ('th' or 'en').
"""
from __future__ import annotations

import pandas as pd

from scoring.rules import OUTCOME_LABELS
from scoring.scorecard import Scorecard

from .format import MISSING, indicator_label, is_missing, num, pct, points
from .i18n import t, year_label
from .scorecard_text import (
    current_text,
    domain_label,
    identity_parts,
    lao_name,
    nearby_text,
    needed_text,
    online_note,
    outcome_label,
    peer_group_label,
    peers_text,
    round_name,
    target_text,
)
from .theme import OUTCOME_CSS


def _with_unit(v, unit, measure) -> str:
    if is_missing(v):
        return MISSING
    return f"{num(v)} {unit}" if measure == "ratio" and unit else num(v)


def _labels(frame: pd.DataFrame, lang: str, with_code: bool = True) -> list[str]:
    return [indicator_label(c if with_code else None, n, p)
            for c, n, p in zip(frame["code"], frame[f"name_{lang}"], frame["provenance"])]


def indicator_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    """The official table, one row per indicator, display strings (plus `domain` for grouping)."""
    ind = card.indicators
    unit = ind[f"unit_{lang}"]
    return pd.DataFrame({
        "domain": ind["domain"].astype(int),
        t("col_code", lang): ind["code"],
        t("col_indicator", lang): _labels(ind, lang, with_code=False),
        t("col_target", lang): [target_text(m, tg, u, lang) for m, tg, u in zip(ind["measure"], ind["target"], unit)],
        t("col_frame", lang): [_with_unit(v, u, m) for v, u, m in zip(ind["frame"], unit, ind["measure"])],
        t("col_delivered", lang): [_with_unit(v, u, m) for v, u, m in zip(ind["delivered"], unit, ind["measure"])],
        t("lao_col_pct", lang): [num(p, 2) if m == "ratio" else MISSING for p, m in zip(ind["pct"], ind["measure"])],
        t("outcome_col", lang): [outcome_label(o, lang) for o in ind["outcome"]],
    })


def tinted(frame: pd.DataFrame, lang: str, columns: list[str]):
    """`frame` as a Styler whose outcome cells in `columns` carry the outcome's tint (failures stand out);
    the words stay, so colour only repeats them."""
    by_label = {OUTCOME_LABELS[lang][o]: css for o, css in OUTCOME_CSS.items()}
    return frame.style.map(lambda v: by_label.get(v, ""), subset=columns).hide(axis="index")


def fix_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    fix = card.fix_first
    cols = [t("lao_col_rank", lang), t("col_indicator", lang), t("lao_col_now", lang), t("lao_col_needed", lang),
            t("lao_col_peers", lang), t("lao_col_nearby", lang)]
    if fix.empty:
        return pd.DataFrame(columns=cols)
    recs = fix.to_dict("records")
    return pd.DataFrame({
        cols[0]: fix["rank"].to_numpy(),
        cols[1]: _labels(fix, lang),
        cols[2]: [current_text(r, lang) for r in recs],
        cols[3]: [needed_text(r, lang) for r in recs],
        cols[4]: [peers_text(r, lang, card) for r in recs],
        cols[5]: [nearby_text(r, lang) for r in recs],
    })


def domain_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    d = card.domains
    return pd.DataFrame({
        t("lao_col_domain", lang): [domain_label(r, lang) for _, r in d.iterrows()],
        t("lao_col_judged", lang): d[["n_pass", "n_fail", "n_not_done"]].fillna(0).sum(axis=1).astype(int),
        t("lao_col_passed", lang): d["n_pass"].fillna(0).astype(int),
        t("lao_col_rate", lang): d["pass_rate"].map(pct),
        t("lao_col_peer_median", lang): d["peer_median"].map(pct),
        t("lao_col_vs_peers", lang): d["vs_peers"].map(lambda v: points(v, lang)),
    })


def trend_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    """Domains (and overall) × years: pass rate, '–' where nothing was judged, 'no submission' where
    the LAO did not submit (never 0)."""
    tr = card.trend
    names = {r["domain"]: domain_label(r, lang) for _, r in card.domains.iterrows()}
    names["all"] = t("lao_overall", lang)
    rows = []
    for dom in [*card.domains["domain"], "all"]:
        part = tr[tr["domain"] == dom].set_index("year")
        row = {t("lao_col_domain", lang): names[dom]}
        for y in card.years:
            row[round_name(card, y)] = (pct(part.at[y, "pass_rate"]) if part.at[y, "submitted"] else
                                        t("lao_no_submission", lang))
        rows.append(row)
    return pd.DataFrame(rows)


def change_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    ch = card.changes
    return pd.DataFrame({
        t("lao_col_change", lang): [t(f"lao_change_{c}", lang) for c in ch["change"]],
        t("col_indicator", lang): _labels(ch, lang),
        year_label(card.prev_year, lang) if card.prev_year else MISSING: [outcome_label(o, lang) for o in ch["before"]],
        year_label(card.year, lang): [outcome_label(o, lang) for o in ch["now"]],
    })


def history_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    h = card.history
    out = pd.DataFrame({t("col_indicator", lang): _labels(h, lang)})
    for y in card.years:
        out[str(y)] = [outcome_label(o, lang) for o in h[y]]
    return out


def overview_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    o = card.overall
    note, url = online_note(card, lang)
    items = [
        (t("lao_col_lao", lang), lao_name(card, lang)),
        (t("col_code", lang), card.lao["lao_code"]),
        (t("lao_col_identity", lang), " · ".join(identity_parts(card, lang)[:-1])),
        (t("year", lang), year_label(card.year, lang)),
        (t("lao_metric_rate", lang), pct(o.pass_rate)),
        (t("lao_col_counts", lang), t("lao_counts", lang, n_pass=o.n_pass, n_fail=o.n_fail, n_not_done=o.n_not_done,
                                      n_no_service=o.n_no_service)),
        (t("lao_metric_percentile", lang), MISSING if is_missing(o.percentile) else f"{o.percentile:.0f}"),
        (t("lao_col_group", lang), f"{peer_group_label(card, lang)} ({o.n_peers:,})"),
        (t("lao_metric_change", lang), points(o.change, lang)),
        (t("lao_public_url", lang), url or note),
    ]
    return pd.DataFrame(items, columns=[t("lao_col_item", lang), t("lao_col_value", lang)])


def sheets(card: Scorecard, lang: str) -> dict[str, pd.DataFrame]:
    """The whole scorecard as workbook sheets, one per part (store.spreadsheet.sheets_to_xlsx writes them)."""
    return {
        t("lao_sheet_summary", lang): overview_rows(card, lang),
        t("lao_sheet_domains", lang): domain_rows(card, lang),
        t("lao_sheet_indicators", lang): indicator_rows(card, lang).drop(columns="domain"),
        t("lao_sheet_fix", lang): fix_rows(card, lang),
        t("lao_sheet_trend", lang): trend_rows(card, lang),
        t("lao_sheet_history", lang): history_rows(card, lang),
    }
