"""The words of one LAO's scorecard: who it is, the one-minute summary, and what each indicator to fix
needs. Shared by the `lao` page, its workbook and the council PDF, so all three say the same thing.
No Streamlit here (the command-line report uses it too).

Every function takes a `scoring.scorecard.Scorecard` (or one of its rows) and a language ('th'|'en').
"""
from __future__ import annotations

import re

import pandas as pd

from scoring.laotypes import BY_CODE, display_name, type_name
from scoring.peers import SIZE_LABELS
from scoring.rules import OUTCOME_LABELS
from scoring.scorecard import ABSENT, NO_SUBMISSION, Scorecard

from .format import area_names, indicator_label, is_missing, num, pct
from .i18n import t, year_label
from .links import report_url


# --- identity ---------------------------------------------------------------------------------------

def lao_name(card: Scorecard, lang: str) -> str:
    lao = card.lao
    return display_name(lao["name_th"], lao["type"], lang, lao.get("name_en"))


def other_name(row: dict, lang: str) -> str:
    """The name of another LAO (a search match, a nearby LAO) from its registry fields."""
    name_en = row.get("name_en")
    return display_name(row["name_th"], row["type"], lang, None if is_missing(name_en) else name_en)


def district_label(card: Scorecard, lang: str) -> str | None:
    lao = card.lao
    if lang == "th":
        name = lao.get("district_th")
        if not name:
            return None
        return name if name.startswith(("เขต", "อำเภอ")) else f"อำเภอ{name}"
    return f"{lao['district_en']} District" if lao.get("district_en") else None


def province_label(card: Scorecard, lang: str) -> str:
    lao = card.lao
    if lang == "th":
        name = lao["province_th"]
        return name if lao["province_code"] == "10" else f"จังหวัด{name}"
    return lao["province_en"] if lao["province_code"] == "10" else f"{lao['province_en']} Province"


def identity_parts(card: Scorecard, lang: str) -> list[str]:
    parts = [type_name(card.lao["type"], lang), district_label(card, lang), province_label(card, lang),
             t("lao_code_label", lang, code=card.lao["lao_code"])]
    return [p for p in parts if p]


def match_labels(codes, laos: pd.DataFrame, districts: pd.DataFrame, provinces: pd.DataFrame,
                 lang: str) -> list[tuple[str, str]]:
    """(code, 'อบต.คลองท่อมใต้ · คลองท่อม · กระบี่ · 6810404') for search matches, best first."""
    reg = laos.set_index("lao_code").loc[list(codes)].reset_index()
    dist, prov = area_names(districts, "district", lang), area_names(provinces, "province", lang)
    out = []
    for r in reg.to_dict("records"):
        where = [x for x in (dist.get(r["district_code"]), prov.get(r["province_code"])) if not is_missing(x)]
        out.append((r["lao_code"], " · ".join([other_name(r, lang), *map(str, where), r["lao_code"]])))
    return out


def type_plural(code: str, lang: str) -> str:
    """'อบต.' / 'SAOs', 'Subdistrict Municipalities': the type as a group of LAOs."""
    if lang == "th":
        return type_name(code, "th", short=True)
    short = BY_CODE[code].short_en
    return short[:-1] + "ies" if short.endswith("y") else short + "s"


def peer_group_label(card: Scorecard, lang: str) -> str:
    o = card.overall
    kind = type_plural(card.lao["type"], lang)
    if o.basis == "type_band":
        return t("lao_group_band", lang, type=kind, band=SIZE_LABELS[lang][o.band])
    return t("lao_group_type", lang, type=kind)


def domain_label(row, lang: str) -> str:
    return f"{row['domain']}. {row[f'name_{lang}']}"


def outcome_label(outcome, lang: str) -> str:
    if is_missing(outcome):
        return t("lao_not_scored", lang)
    if outcome == ABSENT:
        return t("lao_absent", lang)
    if outcome == NO_SUBMISSION:
        return t("lao_no_submission", lang)
    return OUTCOME_LABELS[lang].get(outcome, str(outcome))


def round_name(card: Scorecard, year: int) -> str:
    """A round on an axis or column that spans rounds: 2569* when it is not published yet (provisional_star
    says what * means)."""
    return f"{int(year)}*" if int(year) in card.provisional_years else str(int(year))


def file_stem(card: Scorecard) -> str:
    return f"scorecard-{card.lao['lao_code']}-{card.year}"


def online_note(card: Scorecard, lang: str) -> tuple[str, str | None]:
    """(what to say about seeing the report online, its public address or None). A link only for a
    published round when the site has a public address; an unpublished round needs a sign-in."""
    if card.round_state != "published":
        return t("lao_online_signin", lang), None
    url = report_url(card.lao["lao_code"], card.year, lang)
    if url is None:
        return t("lao_online_elsewhere", lang, code=card.lao["lao_code"], year=year_label(card.year, lang)), None
    return t("lao_public_link", lang), url


# --- one-minute summary -----------------------------------------------------------------------------

def summary_lines(card: Scorecard, lang: str, top: int = 3) -> list[str]:
    """A few plain sentences a council member understands in a minute."""
    o, name = card.overall, lao_name(card, lang)
    if not card.has_results:
        return [t("lao_no_results", lang, name=name, year=year_label(card.year, lang))]
    lines = [t("lao_sum_result", lang, year=year_label(card.year, lang), name=name, n_pass=o.n_pass,
               n_judged=o.n_judged, rate=pct(o.pass_rate)),
             t("lao_sum_other", lang, n_fail=o.n_fail, n_not_done=o.n_not_done, n_no_service=o.n_no_service)]
    if o.ranked:
        lines.append(t("lao_sum_peers", lang, p=f"{o.percentile:.0f}", group=peer_group_label(card, lang),
                       n=f"{o.n_peers:,}", median=pct(o.peer_median)))
    if card.prev_year is not None and not is_missing(o.change):
        n_up = int((card.changes["change"] == "newly_passed").sum())
        n_down = int((card.changes["change"] == "newly_failed").sum())
        key = "lao_sum_up" if o.change > 0.05 else "lao_sum_down" if o.change < -0.05 else "lao_sum_same"
        lines.append(t(key, lang, prev=year_label(card.prev_year, lang), delta=f"{abs(o.change):.1f}",
                       before=pct(o.prev_pass_rate), n_up=n_up, n_down=n_down))
    elif card.prev_year is not None:
        lines.append(t("lao_sum_no_prev", lang, prev=year_label(card.prev_year, lang)))
    lines += _domain_lines(card, lang)
    fix = card.fix_first.head(top)
    if len(fix):
        items = "; ".join(indicator_label(c, n, p) for c, n, p in
                          zip(fix["code"], fix[f"name_{lang}"], fix["provenance"]))
        lines.append(t("lao_sum_fix", lang, n=len(card.fix_first), items=items))
    else:
        lines.append(t("lao_sum_all_pass", lang))
    return lines


def _domain_lines(card: Scorecard, lang: str) -> list[str]:
    dom = card.domains.dropna(subset=["vs_peers"])
    if not len(dom):
        return []
    worst = dom.sort_values(["vs_peers", "domain"]).iloc[0]
    best = dom.sort_values(["vs_peers", "domain"], ascending=[False, True]).iloc[0]
    if worst["vs_peers"] >= 0:
        return [t("lao_sum_domains_ok", lang)]
    return [t("lao_sum_domains", lang, best=domain_label(best, lang), worst=domain_label(worst, lang),
              gap=f"{abs(worst['vs_peers']):.0f}")]


# --- what each indicator to fix needs -----------------------------------------------------------------

def _strip_unit(label: str) -> str:
    return re.sub(r"\s*\([^()]*\)\s*$", "", str(label or "")).strip()


def target_text(measure: str, target: float, unit: str | None, lang: str) -> str:
    if measure == "ratio":
        return f"{num(target)}%"
    if measure == "count":
        return f"{num(target)} {unit or ''}".strip()
    return t("lao_target_yes", lang)


def needed_text(row, lang: str) -> str:
    """What it takes to reach the target, in the indicator's own unit ("12 more km"; whole units for
    things that are counted, as scoring.fixfirst rounds them)."""
    what = _strip_unit(row[f"delivered_{lang}"])
    unit = row[f"unit_{lang}"] or ""
    dec = int(row["decimals"]) if not is_missing(row["decimals"]) else 1
    if row["measure"] == "yesno":
        return t("lao_need_yesno", lang, what=what)
    if is_missing(row["needed"]):
        return t("lao_need_figures", lang)
    fmt = dict(what=what, unit=unit, n=num(row["needed"], dec), goal=num(row["goal"], dec),
               f=num(row["frame"]), d=num(row["delivered"]))
    if row["measure"] == "count":
        return t("lao_need_count", lang, **fmt).replace("  ", " ")
    key = "lao_need_ratio_not_done" if is_missing(row["delivered"]) else "lao_need_ratio"
    return t(key, lang, **fmt).replace("  ", " ")


def nearby_text(row, lang: str) -> str:
    if not row["nearby"]:
        return t("lao_nearby_none", lang)
    names = ", ".join(other_name(r, lang) for r in row["nearby"])
    where = t(f"lao_nearby_{row['nearby_scope']}", lang, n=row["nearby_n"])
    return f"{names} ({where})"


def current_text(row, lang: str) -> str:
    label = outcome_label(row["outcome"], lang)
    if row["measure"] == "ratio" and not is_missing(row["pct"]):
        return t("lao_current_ratio", lang, outcome=label, pct=pct(row["pct"]), target=pct(row["target"], 0))
    if row["measure"] == "count" and not is_missing(row["delivered"]):
        return t("lao_current_count", lang, outcome=label, d=num(row["delivered"]), target=num(row["target"]),
                 unit=row[f"unit_{lang}"] or "")
    return label


def peers_text(row, lang: str, card: Scorecard) -> str:
    kind = type_plural(card.lao["type"], lang)
    return t("lao_peer_pass", lang, n=f"{row['peer_pass']:,}", of=f"{row['peer_judged']:,}", type=kind,
             share=f"{100 * row['peer_share']:.0f}")
