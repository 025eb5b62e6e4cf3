"""Words and display tables of one LAO's scorecard, shared by the `lao` page, its XLSX download and
the council PDF, so all three say the same thing. No Streamlit here (the CLI report imports it).

Every function takes a `scoring.scorecard.Scorecard` and a language ('th' or 'en').
"""
from __future__ import annotations

import io
import math
import re
from urllib.parse import urlencode

import pandas as pd

from store import settings
from scoring.laotypes import BY_CODE, display_name, type_name
from scoring.peers import SIZE_LABELS
from scoring.rules import OUTCOME_LABELS
from scoring.scorecard import ABSENT, NO_SUBMISSION, Scorecard
from store.spreadsheet import neutralise

from .i18n import t, year_label

DEFAULT_PUBLIC_URL = "http://localhost:8501"


# --- small formatters -------------------------------------------------------------------------------

def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def number(v, decimals: int | None = None) -> str:
    """1,234 / 3.6 / 2.45: whole numbers without decimals, others with up to two."""
    if _nan(v):
        return "–"
    v = float(v)
    if decimals is None:
        decimals = 0 if abs(v - round(v)) < 1e-9 else (1 if abs(v * 10 - round(v * 10)) < 1e-6 else 2)
    return f"{v:,.{decimals}f}"


def percent(v, decimals: int = 1) -> str:
    return "–" if _nan(v) else f"{float(v):.{decimals}f}%"


def points(v, lang: str) -> str:
    """A change in percentage points, with its sign in words as well as symbols."""
    if _nan(v):
        return "–"
    return t("lao_points", lang, value=f"{float(v):+.1f}")


def outcome_label(outcome, lang: str) -> str:
    if _nan(outcome):
        return t("lao_not_scored", lang)
    if outcome == ABSENT:
        return t("lao_absent", lang)
    if outcome == NO_SUBMISSION:
        return t("lao_no_submission", lang)
    return OUTCOME_LABELS[lang].get(outcome, str(outcome))


def indicator_name(code: str, name: str, provenance: str, with_code: bool = True) -> str:
    """Illustrative indicators carry the ✳ mark wherever they are named (as ui.indicator_label)."""
    mark = "" if provenance == "verified" else "\u00a0✳"   # no-break space: the mark stays with the word
    return f"{code} {name}{mark}" if with_code else f"{name}{mark}"


def _strip_unit(label: str) -> str:
    return re.sub(r"\s*\([^()]*\)\s*$", "", str(label or "")).strip()


# --- identity ---------------------------------------------------------------------------------------

def lao_name(card: Scorecard, lang: str) -> str:
    lao = card.lao
    return display_name(lao["name_th"], lao["type"], lang, lao.get("name_en"))


def other_name(row: dict, lang: str) -> str:
    name_en = row.get("name_en")
    return display_name(row["name_th"], row["type"], lang, None if _nan(name_en) else name_en)


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
    dist = districts.set_index("district_code")[f"name_{lang}"]
    prov = provinces.set_index("province_code")[f"name_{lang}"]
    out = []
    for r in reg.to_dict("records"):
        where = [x for x in (dist.get(r["district_code"]), prov.get(r["province_code"])) if not _nan(x)]
        name = other_name(r, lang)
        out.append((r["lao_code"], " · ".join([name, *map(str, where), r["lao_code"]])))
    return out


def public_url(lao_code: str, year: int, lang: str = "th", base: str | None = None) -> str:
    """The public scorecard (published rounds, no sign-in): LAO_PUBLIC_URL + /lao?lao=CODE&year=Y."""
    base = (base or settings.raw("LAO_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")
    params = {"lao": lao_code, "year": year}
    if lang != "th":
        params["lang"] = lang
    return f"{base}/lao?{urlencode(params)}"


def type_plural(code: str, lang: str) -> str:
    """'อบต.' / 'SAOs', 'Subdistrict Municipalities': the type as a group of LAOs."""
    if lang == "th":
        return type_name(code, "th", short=True)
    short = BY_CODE[code].short_en
    return short[:-1] + "ies" if short.endswith("y") else short + "s"


def peer_group_label(card: Scorecard, lang: str) -> str:
    o = card.overall
    kind = type_plural(card.lao["type"], lang)
    if o.get("basis") == "type_band":
        return t("lao_group_band", lang, type=kind, band=SIZE_LABELS[lang][o["band"]])
    return t("lao_group_type", lang, type=kind)


# --- one-minute summary -----------------------------------------------------------------------------

def summary_lines(card: Scorecard, lang: str, top: int = 3) -> list[str]:
    """A few plain sentences a council member understands in a minute."""
    o, name = card.overall, lao_name(card, lang)
    if not card.has_results:
        return [t("lao_no_results", lang, name=name, year=year_label(card.year, lang))]
    lines = [t("lao_sum_result", lang, year=year_label(card.year, lang), name=name, n_pass=o["n_pass"],
               n_judged=o["n_judged"], rate=percent(o["pass_rate"]))]
    lines.append(t("lao_sum_other", lang, n_fail=o["n_fail"], n_not_done=o["n_not_done"],
                   n_no_service=o["n_no_service"]))
    if not _nan(o.get("percentile")) and o.get("n_peers", 0) > 1:
        lines.append(t("lao_sum_peers", lang, p=f"{o['percentile']:.0f}", group=peer_group_label(card, lang),
                       n=f"{o['n_peers']:,}", median=percent(o["peer_median"])))
    if card.prev_year is not None and not _nan(o.get("change")):
        n_up = int((card.changes["change"] == "newly_passed").sum())
        n_down = int((card.changes["change"] == "newly_failed").sum())
        key = "lao_sum_up" if o["change"] > 0.05 else "lao_sum_down" if o["change"] < -0.05 else "lao_sum_same"
        lines.append(t(key, lang, prev=year_label(card.prev_year, lang), delta=f"{abs(o['change']):.1f}",
                       before=percent(o["prev_pass_rate"]), n_up=n_up, n_down=n_down))
    elif card.prev_year is not None:
        lines.append(t("lao_sum_no_prev", lang, prev=year_label(card.prev_year, lang)))
    dom = card.domains.dropna(subset=["vs_peers"])
    if len(dom):
        worst = dom.sort_values(["vs_peers", "domain"]).iloc[0]
        best = dom.sort_values(["vs_peers", "domain"], ascending=[False, True]).iloc[0]
        if worst["vs_peers"] < 0:
            lines.append(t("lao_sum_domains", lang, best=domain_label(best, lang), worst=domain_label(worst, lang),
                           gap=f"{abs(worst['vs_peers']):.0f}"))
        else:
            lines.append(t("lao_sum_domains_ok", lang))
    fix = card.fix_first.head(top)
    if len(fix):
        items = "; ".join(indicator_name(c, n, p) for c, n, p in
                          zip(fix["code"], fix[f"name_{lang}"], fix["provenance"]))
        lines.append(t("lao_sum_fix", lang, n=len(card.fix_first), items=items))
    else:
        lines.append(t("lao_sum_all_pass", lang))
    return lines


def domain_label(row, lang: str) -> str:
    return f"{row['domain']}. {row[f'name_{lang}']}"


# --- tables -----------------------------------------------------------------------------------------

def target_text(measure: str, target: float, unit: str | None, lang: str) -> str:
    if measure == "ratio":
        return f"{number(target)}%"
    if measure == "count":
        return f"{number(target)} {unit or ''}".strip()
    return t("lao_target_yes", lang)


def _with_unit(v, unit, measure) -> str:
    if _nan(v):
        return "–"
    if measure == "ratio" and unit:
        return f"{number(v)} {unit}"
    return number(v)


def indicator_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    """The official table, one row per indicator, display strings (plus `domain` for grouping)."""
    ind = card.indicators
    unit = ind[f"unit_{lang}"]
    return pd.DataFrame({
        "domain": ind["domain"].astype(int),
        t("col_code", lang): ind["code"],
        t("col_indicator", lang): [indicator_name(c, n, p, with_code=False)
                                   for c, n, p in zip(ind["code"], ind[f"name_{lang}"], ind["provenance"])],
        t("col_target", lang): [target_text(m, tg, u, lang) for m, tg, u in zip(ind["measure"], ind["target"], unit)],
        t("col_frame", lang): [_with_unit(v, u, m) for v, u, m in zip(ind["frame"], unit, ind["measure"])],
        t("col_delivered", lang): [_with_unit(v, u, m) for v, u, m in zip(ind["delivered"], unit, ind["measure"])],
        t("lao_col_pct", lang): [number(p, 2) if m == "ratio" else "–" for p, m in zip(ind["pct"], ind["measure"])],
        t("outcome_col", lang): [outcome_label(o, lang) for o in ind["outcome"]],
    })


def needed_text(row, lang: str) -> str:
    """What it takes to reach the target, in the indicator's own unit ("12 more km")."""
    what = _strip_unit(row[f"delivered_{lang}"])
    unit = row[f"unit_{lang}"] or ""
    dec = int(row["decimals"]) if not _nan(row["decimals"]) else 1
    if row["measure"] == "yesno":
        return t("lao_need_yesno", lang, what=what)
    if _nan(row["needed"]):
        return t("lao_need_figures", lang)
    fmt = dict(what=what, unit=unit, n=number(row["needed"], dec), goal=number(row["goal"], dec),
               f=number(row["frame"]), d=number(row["delivered"]))
    if row["measure"] == "count":
        return t("lao_need_count", lang, **fmt).replace("  ", " ")
    key = "lao_need_ratio_not_done" if _nan(row["delivered"]) else "lao_need_ratio"
    return t(key, lang, **fmt).replace("  ", " ")


def nearby_text(row, lang: str) -> str:
    if not row["nearby"]:
        return t("lao_nearby_none", lang)
    names = ", ".join(other_name(r, lang) for r in row["nearby"])
    where = t(f"lao_nearby_{row['nearby_scope']}", lang, n=row["nearby_n"])
    return f"{names} ({where})"


def current_text(row, lang: str) -> str:
    label = outcome_label(row["outcome"], lang)
    if row["measure"] == "ratio" and not _nan(row["pct"]):
        return t("lao_current_ratio", lang, outcome=label, pct=percent(row["pct"]), target=percent(row["target"], 0))
    if row["measure"] == "count" and not _nan(row["delivered"]):
        return t("lao_current_count", lang, outcome=label, d=number(row["delivered"]), target=number(row["target"]),
                 unit=row[f"unit_{lang}"] or "")
    return label


def peers_text(row, lang: str, card: Scorecard) -> str:
    kind = type_plural(card.lao["type"], lang)
    return t("lao_peer_pass", lang, n=f"{row['peer_pass']:,}", of=f"{row['peer_judged']:,}", type=kind,
             share=f"{100 * row['peer_share']:.0f}")


def fix_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    fix = card.fix_first
    cols = [t("lao_col_rank", lang), t("col_indicator", lang), t("lao_col_now", lang), t("lao_col_needed", lang),
            t("lao_col_peers", lang), t("lao_col_nearby", lang)]
    if fix.empty:
        return pd.DataFrame(columns=cols)
    recs = fix.to_dict("records")
    return pd.DataFrame({
        cols[0]: fix["rank"].to_numpy(),
        cols[1]: [indicator_name(r["code"], r[f"name_{lang}"], r["provenance"]) for r in recs],
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
        t("lao_col_rate", lang): d["pass_rate"].map(percent),
        t("lao_col_peer_median", lang): d["peer_median"].map(percent),
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
            row[str(y)] = percent(part.at[y, "pass_rate"]) if part.at[y, "submitted"] else t("lao_no_submission", lang)
        rows.append(row)
    return pd.DataFrame(rows)


def change_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    ch = card.changes
    return pd.DataFrame({
        t("lao_col_change", lang): [t(f"lao_change_{c}", lang) for c in ch["change"]],
        t("col_indicator", lang): [indicator_name(c, n, p) for c, n, p in
                                   zip(ch["code"], ch[f"name_{lang}"], ch["provenance"])],
        year_label(card.prev_year, lang) if card.prev_year else "–": [outcome_label(o, lang) for o in ch["before"]],
        year_label(card.year, lang): [outcome_label(o, lang) for o in ch["now"]],
    })


def history_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    h = card.history
    out = pd.DataFrame({t("col_indicator", lang): [indicator_name(c, n, p) for c, n, p in
                                                    zip(h["code"], h[f"name_{lang}"], h["provenance"])]})
    for y in card.years:
        out[str(y)] = [outcome_label(o, lang) for o in h[y]]
    return out


def overview_rows(card: Scorecard, lang: str) -> pd.DataFrame:
    o = card.overall
    items = [
        (t("lao_col_lao", lang), lao_name(card, lang)),
        (t("col_code", lang), card.lao["lao_code"]),
        (t("lao_col_identity", lang), " · ".join(identity_parts(card, lang)[:-1])),
        (t("year", lang), year_label(card.year, lang)),
        (t("lao_metric_rate", lang), percent(o["pass_rate"])),
        (t("lao_col_counts", lang), t("lao_counts", lang, **{k: o[k] for k in
                                                             ("n_pass", "n_fail", "n_not_done", "n_no_service")})),
        (t("lao_metric_percentile", lang), "–" if _nan(o.get("percentile")) else f"{o['percentile']:.0f}"),
        (t("lao_col_group", lang), f"{peer_group_label(card, lang)} ({o.get('n_peers', 0):,})"),
        (t("lao_metric_change", lang), points(o.get("change"), lang)),
        (t("lao_public_url", lang), public_url(card.lao["lao_code"], card.year, lang)),
    ]
    return pd.DataFrame(items, columns=[t("lao_col_item", lang), t("lao_col_value", lang)])


def scorecard_xlsx(card: Scorecard, lang: str) -> bytes:
    """The whole scorecard as one workbook, a sheet per part (formula-safe, like ui.downloads)."""
    sheets = {
        t("lao_sheet_summary", lang): overview_rows(card, lang),
        t("lao_sheet_domains", lang): domain_rows(card, lang),
        t("lao_sheet_indicators", lang): indicator_rows(card, lang).drop(columns="domain"),
        t("lao_sheet_fix", lang): fix_rows(card, lang),
        t("lao_sheet_trend", lang): trend_rows(card, lang),
        t("lao_sheet_history", lang): history_rows(card, lang),
    }
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xw:
        for name, df in sheets.items():
            neutralise(df).to_excel(xw, index=False, sheet_name=name[:31])
            xw.sheets[name[:31]].set_column(0, max(len(df.columns) - 1, 0), 22)
    return buf.getvalue()


def file_stem(card: Scorecard) -> str:
    return f"scorecard-{card.lao['lao_code']}-{card.year}"


# --- figures (plotly; the PDF draws its own) ---------------------------------------------------------

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
_LAYOUT = dict(template="none", font=dict(family="Sarabun, Loma, Garuda, sans-serif"),
               margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.12))


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def domain_figure(card: Scorecard, lang: str):
    """The LAO's pass rate per domain (bars, value printed) against the peer median (diamonds)."""
    import plotly.graph_objects as go
    d = card.domains
    labels = [_short(domain_label(r, lang)) for _, r in d.iterrows()]
    fig = go.Figure()
    fig.add_bar(y=labels, x=d["pass_rate"], orientation="h", name=t("lao_chart_lao", lang),
                marker_color=OKABE_ITO[0], text=[percent(v, 0) for v in d["pass_rate"]], textposition="inside",
                insidetextanchor="start",
                hovertext=[domain_label(r, lang) for _, r in d.iterrows()], hoverinfo="text+x")
    fig.add_scatter(y=labels, x=d["peer_median"], mode="markers", name=t("lao_chart_median", lang),
                    marker=dict(symbol="diamond", size=13, color=OKABE_ITO[1], line=dict(color="#000", width=1.5)))
    fig.update_layout(**_LAYOUT, height=90 + 42 * len(d), title=t("lao_domains_title", lang),
                      xaxis=dict(range=[0, 105], ticksuffix="%"), yaxis=dict(autorange="reversed"))
    return fig


def trend_figure(card: Scorecard, lang: str):
    """Pass rate per round: overall as a line, and every domain as a row of labelled cells (a
    single-hue scale, values printed; a round without a submission is left blank and says so)."""
    from plotly.subplots import make_subplots
    years = [str(y) for y in card.years]
    tr = card.trend
    rows = [*card.domains["domain"], "all"]
    names = {r["domain"]: _short(domain_label(r, lang), 34) for _, r in card.domains.iterrows()}
    names["all"] = t("lao_overall", lang)
    z, text = [], []
    for dom in rows:
        part = tr[tr["domain"] == dom].set_index("year")
        z.append([part.at[y, "pass_rate"] if part.at[y, "submitted"] else None for y in card.years])
        text.append([percent(part.at[y, "pass_rate"], 0) if part.at[y, "submitted"] else t("lao_no_submission", lang)
                     for y in card.years])
    fig = make_subplots(rows=2, cols=1, row_heights=[0.3, 0.7], vertical_spacing=0.08)
    overall = tr[(tr["domain"] == "all") & tr["submitted"]]
    fig.add_scatter(x=overall["year"].astype(str), y=overall["pass_rate"], mode="lines+markers+text",
                    name=t("lao_overall", lang), line=dict(color="#000000", width=3), marker=dict(size=9),
                    text=[percent(v, 0) for v in overall["pass_rate"]], textposition="top center", row=1, col=1)
    fig.add_heatmap(x=years, y=[names[d] for d in rows], z=z, text=text, texttemplate="%{text}",
                    colorscale="Blues", zmin=0, zmax=100, showscale=False, xgap=3, ygap=3,
                    hovertemplate="%{y} · %{x}: %{text}<extra></extra>", row=2, col=1)
    fig.update_layout(**{**_LAYOUT, "margin": dict(l=10, r=10, t=40, b=10)}, height=560, showlegend=False,
                      title=t("lao_trend_title", lang))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years)
    fig.update_yaxes(range=[0, 110], ticksuffix="%", row=1, col=1)
    fig.update_yaxes(autorange="reversed", row=2, col=1)
    return fig
