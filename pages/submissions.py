"""Submission monitoring: progress of a round by province and LAO type, days left, a coverage map and
the worklist of LAOs still to submit. What a user sees is limited by the data layer (their scope)."""
from __future__ import annotations

import html
from datetime import date

import pandas as pd
import streamlit as st

import geo

from dashboard import data, filters, followup_view, ui
from dashboard.context import View
from dashboard.format import num, pct
from dashboard.i18n import date_label, year_label
from scoring import progress
from scoring.laotypes import TYPE_CODES, display_name, type_name

ALL = filters.ALL


def _window_text(view: View, rnd: pd.Series, year: int, today: date) -> tuple[str, str | None]:
    lang, tr = view.lang, view.tr
    head = tr("submissions_window", year=year_label(year, lang), state=tr(f"submissions_state_{rnd['state']}"),
              start=date_label(rnd["window_open"], lang), end=date_label(rnd["window_close"], lang))
    if rnd["state"] != "open":
        return head, None
    left = progress.days_left(rnd["window_close"], today)
    if rnd["window_open"] is not None and pd.Timestamp(rnd["window_open"]).date() > today:
        return head, tr("submissions_not_yet_open", start=date_label(rnd["window_open"], lang))
    if left is None:
        return head, None
    if left > 0:
        return head, tr("submissions_days_left", days=left)
    return head, tr("submissions_closes_today") if left == 0 else tr("submissions_window_passed", days=-left)


def _rates(view: View, t: pd.DataFrame, label_col: str, label: str) -> pd.DataFrame:
    tr = view.tr
    out = pd.DataFrame({label: t[label_col], tr("submissions_expected"): t["expected"],
                        tr("submissions_done"): t["done"]})
    for s in progress.STATUSES:
        out[tr(f"submissions_status_{s}")] = t[s]
    out[tr("submissions_rate")] = t["submission_rate"].round(1)
    out[tr("submissions_on_time_rate")] = t["on_time_rate"].round(1)
    return out


def _metrics(view: View, df: pd.DataFrame) -> None:
    tr = view.tr
    total = progress.tally(df).iloc[0]
    cols = st.columns(5)
    cols[0].metric(tr("submissions_expected"), num(total["expected"]))
    cols[1].metric(tr("submissions_done"), num(total["done"]), pct(total["submission_rate"]), delta_color="off",
                   delta_arrow="off")
    for col, s in zip(cols[2:], ("late", "in_progress", "not_started")):
        col.metric(tr(f"submissions_status_{s}"), num(total[s]))


def _map(view: View, df: pd.DataFrame, provinces: pd.DataFrame, districts: pd.DataFrame, year: int,
         province: str) -> None:
    """Coverage by province, or by district once one province is chosen."""
    lang, tr = view.lang, view.tr
    level, areas = ("province", provinces) if province == ALL else ("district", districts)
    code = f"{level}_code"
    t = progress.tally(df.dropna(subset=[code]), [code]).merge(
        areas[[code, f"name_{lang}"]].rename(columns={f"name_{lang}": "name"}), how="left", on=code)
    t["hover"] = [tr("submissions_map_hover", name=html.escape(str(n)), done=int(d), expected=int(e), rate=pct(r))
                  for n, d, e, r in zip(t["name"], t["done"], t["expected"], t["submission_rate"])]
    # the colour scale spans the areas' own range (often 95-100 %), so differences show; the colour bar says it
    style = dict(hover_col="hover", zrange=None, lang=lang, colorbar_title="%",
                 missing_label=tr("submissions_map_missing"), uirevision=f"subs-{year}-{province}")
    fig = (ui.province_map(t, "submission_rate", **style) if level == "province"
           else ui.district_map(t, "submission_rate", province_code=province, **style))
    low = t.nsmallest(3, "submission_rate") if len(t) > 1 else t.iloc[0:0]
    total = progress.tally(df).iloc[0]
    summary = tr("submissions_map_summary", done=int(total["done"]), expected=int(total["expected"]),
                 rate=pct(total["submission_rate"]),
                 low=", ".join(f"{n} {pct(r)}" for n, r in zip(low["name"], low["submission_rate"])) or "–")
    st.header(tr("submissions_map_title"))
    ui.chart_with_table(fig, _rates(view, t, "name", tr(f"submissions_col_{level}")), f"submissions-{level}-{year}",
                        summary=summary, config=geo.PLOTLY_CONFIG, key="subs_map")


def _by_district(view: View, df: pd.DataFrame, districts: pd.DataFrame, year: int) -> None:
    tr = view.tr
    dnames = districts.set_index("district_code")[f"name_{view.lang}"]
    t = progress.tally(df.assign(district=df["district_code"].map(dnames).fillna("–")), ["district"])
    st.header(tr("submissions_by_district"))
    table = _rates(view, t, "district", tr("submissions_col_district"))
    ui.dataframe(table)
    ui.downloads(table, f"submissions-districts-{year}", key="subs_districts")


def _by_type(view: View, df: pd.DataFrame, year: int) -> None:
    tr, lang = view.tr, view.lang
    t = progress.tally(df, ["type"])
    t["type"] = pd.Categorical(t["type"], categories=TYPE_CODES, ordered=True)
    t = t.sort_values("type")
    t["type_name"] = [type_name(c, lang) for c in t["type"]]
    st.header(tr("submissions_by_type"))
    table = _rates(view, t, "type_name", tr("submissions_col_type"))
    ui.dataframe(table)
    ui.downloads(table, f"submissions-types-{year}", key="subs_types")


def _worklist(view: View, df: pd.DataFrame, provinces: pd.DataFrame, districts: pd.DataFrame, year: int,
              one_province: bool):
    tr, lang = view.tr, view.lang
    st.header(tr("submissions_worklist"))
    st.caption(tr("submissions_worklist_help"))
    owed = progress.worklist(df)
    if owed.empty:
        st.success(tr("submissions_worklist_empty"), icon=":material/task_alt:")
        return
    st.markdown(tr("submissions_worklist_count", n=len(owed)))
    dnames = districts.set_index("district_code")[f"name_{lang}"]
    pnames = provinces.set_index("province_code")[f"name_{lang}"]
    table = pd.DataFrame({
        tr("submissions_col_lao_code"): owed["lao_code"],
        tr("submissions_col_lao"): [display_name(n, t, lang, e) for n, t, e in
                                    zip(owed["name_th"], owed["type"], owed["name_en"])],
        tr("submissions_col_type"): [type_name(t, lang, short=True) for t in owed["type"]],
        tr("submissions_col_district"): owed["district_code"].map(dnames).fillna("–"),
        tr("submissions_col_province"): owed["province_code"].map(pnames),
        tr("submissions_col_status"): owed["status"].map(lambda s: tr(f"submissions_status_{s}")),
        tr("submissions_col_last_by"): owed["submitted_by"].fillna(""),
    })
    if one_province:
        table = table.drop(columns=[tr("submissions_col_province")])
    ui.dataframe(table)
    ui.downloads(table, f"worklist-{year}", key="subs_worklist")


def render(view: View) -> None:
    tr, v, scope, lang = view.tr, view.v, view.scope, view.lang
    st.title(tr("submissions_title"))
    st.caption(tr("submissions_intro"))
    rounds = data.rounds(v, scope)
    if not scope.signed_in:
        st.info(tr("submissions_public_note"), icon=":material/lock:")
    year = filters.round_year(view, "open")
    if year is None:
        return
    provinces, districts = data.provinces(v), data.districts(v)
    lao_province = None
    if scope.role == "lao":
        own = data.laos(v).set_index("lao_code")
        lao_province = own.at[scope.lao_code, "province_code"] if scope.lao_code in own.index else None
    if scope.role == "monitor":
        province = filters.province(view, [scope.province_code])
    elif scope.role == "lao":
        province = filters.province(view, [lao_province])
    else:
        province = filters.province(view, list(provinces["province_code"]), allow_all=True)
    type_code = filters.lao_type(view)
    if scope.role == "monitor":
        st.caption(tr("submissions_scope_monitor", province=provinces.set_index("province_code").at[
            scope.province_code, f"name_{lang}"] if scope.province_code in set(provinces["province_code"])
            else scope.province_code))
    elif scope.role == "lao":
        st.caption(tr("submissions_scope_lao"))

    rnd = rounds.set_index("year").loc[year]
    head, left = _window_text(view, rnd, year, date.today())
    st.markdown(f"**{head}**" + (f"  \n{left}" if left else ""))

    df = data.submissions(v, scope, year, None if province == ALL else province)
    if type_code != ALL:
        df = df[df["type"] == type_code]
    if df.empty:
        st.info(tr("submissions_none_in_scope"))
        return
    df = df.assign(status=progress.classify(df, rnd["window_close"]))
    _metrics(view, df)
    _map(view, df, provinces, districts, year, province)
    if province != ALL:
        _by_district(view, df, districts, year)
    _by_type(view, df, year)
    _worklist(view, df, provinces, districts, year, one_province=province != ALL)
    followup_view.render(view, df, year, province, type_code, provinces, districts)
