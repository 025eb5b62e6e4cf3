"""The admin page's accounts tab: add an account, disable or enable it, give a new one-time password, lift a
sign-in lock, and provision one account per LAO with its one-time password, downloadable once.

One-time passwords exist only in this tab's memory until the administrator has downloaded or dismissed them;
the database keeps only their hashes (store.accounts). Every action is logged there by the store."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.texts import Refusal
from store.spreadsheet import to_csv_bytes

from . import data
from .context import View
from .i18n import date_label

ROLES = ("lao", "monitor", "executive", "admin")
SECRET = "admin_one_time"             # session_state: (label, DataFrame of user names and passwords)


def section(view: View) -> None:
    tr = view.tr
    _one_time(view)
    table = data.accounts_list(view.scope)
    st.caption(tr("admin_accounts_count", n=len(table), laos=int((table["role"] == "lao").sum())))
    st.dataframe(_shown(view, table), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left:
        _add(view)
    with right:
        _manage(view, table)
    _provision(view)


def _shown(view: View, table: pd.DataFrame) -> pd.DataFrame:
    tr = view.tr
    return pd.DataFrame({
        tr("auth_username"): table["username"],
        tr("admin_col_role"): table["role"].map(lambda r: tr(f"auth_role_{r}")),
        tr("admin_col_scope"): table["lao_code"].fillna(table["province_code"]).fillna("–"),
        tr("admin_col_active"): table["active"].map(lambda a: tr("answer_yes") if a else tr("answer_no")),
        tr("admin_col_must_change"): table["must_change"].map(lambda a: tr("answer_yes") if a else tr("answer_no")),
        tr("admin_col_last_sign_in"): table["last_sign_in_at"].map(lambda d: date_label(d, view.lang)),
    })


def _add(view: View) -> None:
    tr = view.tr
    with st.form("admin_add_account", clear_on_submit=True):
        st.markdown(f"**{tr('admin_add_account')}**")
        name = st.text_input(tr("auth_username"), max_chars=100)
        role = st.selectbox(tr("admin_col_role"), ROLES, format_func=lambda r: tr(f"auth_role_{r}"))
        where = st.text_input(tr("admin_account_scope"), max_chars=7, help=tr("admin_account_scope_help"))
        email = st.text_input(tr("admin_account_email"), max_chars=254)
        if not st.form_submit_button(tr("admin_add_account"), icon=":material/person_add:"):
            return
    try:
        password = data.account_add(view.scope, name, role, lao=where if role == "lao" else None,
                                    province=where if role == "monitor" else None, email=email or None)
    except Refusal as exc:                        # store.accounts.AccountError: Thai and English
        st.error(exc.text(view.lang), icon=":material/error:")
        return
    st.session_state[SECRET] = (tr("admin_one_time_new", name=name.strip()),
                                pd.DataFrame({"username": [name.strip()], "password": [password]}))
    st.rerun()


def _manage(view: View, table: pd.DataFrame) -> None:
    tr = view.tr
    box = st.container(border=True)
    box.markdown(f"**{tr('admin_manage_account')}**")
    name = box.selectbox(tr("auth_username"), table["username"].tolist(), index=None, key="admin_account_pick",
                         placeholder=tr("admin_account_pick"))
    if name is None:
        return
    active = bool(table.set_index("username").at[name, "active"])
    c1, c2, c3 = box.columns(3)
    if c1.button(tr("admin_disable") if active else tr("admin_enable"), key="admin_account_active",
                 icon=":material/block:" if active else ":material/check_circle:"):
        data.account_set_active(view.scope, name, not active)
        st.session_state["admin_account_done"] = tr("admin_disabled" if active else "admin_enabled", name=name)
        st.rerun()
    if c2.button(tr("admin_reset"), key="admin_account_reset", icon=":material/lock_reset:"):
        st.session_state[SECRET] = (tr("admin_one_time_reset", name=name),
                                    pd.DataFrame({"username": [name], "password": [data.account_reset(view.scope,
                                                                                                      name)]}))
        st.rerun()
    if c3.button(tr("admin_unlock"), key="admin_account_unlock", icon=":material/lock_open:"):
        n = data.account_unlock(view.scope, name)
        st.session_state["admin_account_done"] = tr("admin_unlocked", name=name, n=n)
        st.rerun()
    done = st.session_state.pop("admin_account_done", None)
    if done:
        box.success(done, icon=":material/task_alt:")


def _provision(view: View) -> None:
    tr = view.tr
    box = st.container(border=True)
    box.markdown(f"**{tr('admin_provision')}**")
    box.caption(tr("admin_provision_help"))
    sure = box.checkbox(tr("admin_provision_sure"), key="admin_provision_sure")
    if box.button(tr("admin_provision"), key="admin_provision", icon=":material/group_add:", disabled=not sure):
        made = data.accounts_provision(view.scope)
        st.session_state.pop("admin_provision_sure", None)
        st.session_state[SECRET] = (tr("admin_one_time_provisioned", n=len(made)), made)
        st.rerun()


def _one_time(view: View) -> None:
    """New one-time passwords, shown once: download them or dismiss them, then they are gone for good."""
    held = st.session_state.get(SECRET)
    if held is None:
        return
    label, table = held
    tr = view.tr
    st.warning(label + " " + tr("admin_one_time_once"), icon=":material/key:")
    if len(table) <= 5:
        st.dataframe(table, hide_index=True)
    c1, c2 = st.columns(2)
    c1.download_button(tr("admin_one_time_download"), to_csv_bytes(table), "one-time-passwords.csv", "text/csv",
                       key="admin_one_time_csv", icon=":material/download:",
                       on_click=lambda: st.session_state.pop(SECRET, None))
    if c2.button(tr("admin_one_time_dismiss"), key="admin_one_time_dismiss", icon=":material/close:"):
        st.session_state.pop(SECRET, None)
        st.rerun()
