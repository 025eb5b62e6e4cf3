"""The contact e-mail of an LAO, where reminders go: set by an administrator (the admin page) or by the LAO's
own staff (the entry page). The store checks the address and who may, and logs the change (the address it
replaced is kept). Addresses are not public: they are read within the scope."""
from __future__ import annotations

import streamlit as st

from scoring.laotypes import display_name

from . import data
from . import trail_view as tv
from .context import View
from .format import md_escape


def _save(view: View, lao: str, address: str, where: str) -> bool:
    try:
        stored = data.contact_set(view.scope, lao, address)
    except (data.TrailError, data.NotAllowed) as exc:
        st.error(md_escape(exc.text(view.lang)), icon=":material/error:")
        return False
    tv.done(where, "contact_saved" if stored else "contact_cleared", lao=lao)
    return True


def own(view: View, lao: str, province: str) -> None:
    """On the entry page: the LAO's own address, to change or clear."""
    tr = view.tr
    tv.show_flash(view, "contact")
    rows = data.contacts(view.scope, province)
    current = rows.set_index("lao_code")["contact_email"].get(lao)
    st.caption(tr("contact_help"))
    st.text(tr("contact_current", email=current if isinstance(current, str) else "–"))
    n = st.session_state.setdefault("contact_n", 0)
    typed = st.text_input(tr("contact_email"), value=current if isinstance(current, str) else "",
                          key=f"contact_own_{n}", max_chars=254)
    if st.button(tr("contact_save"), key="contact_own_save", icon=":material/mail:") and _save(view, lao, typed,
                                                                                                "contact"):
        st.session_state["contact_n"] = n + 1
        st.rerun()


def admin_section(view: View) -> None:
    """On the admin page: a province's LAOs and their addresses; one LAO's address set or cleared."""
    tr, lang, v = view.tr, view.lang, view.v
    tv.show_flash(view, "contact_admin")
    st.caption(tr("contact_admin_help"))
    provinces = data.provinces(v).set_index("province_code")[f"name_{lang}"]
    province = st.selectbox(tr("province"), list(provinces.index), key="contact_admin_province",
                            format_func=lambda c: provinces.get(c, c))
    rows = data.contacts(view.scope, province)
    have = int(rows["contact_email"].notna().sum())
    st.caption(tr("contact_admin_count", have=f"{have:,}", n=f"{len(rows):,}"))
    names = {c: f"{c} {display_name(n, t, lang)}" for c, n, t in zip(rows["lao_code"], rows["name_th"], rows["type"],
                                                                     strict=True)}
    table = rows.assign(name=[names[c] for c in rows["lao_code"]])[["name", "contact_email"]]
    st.dataframe(table.rename(columns={"name": tr("contact_col_lao"), "contact_email": tr("contact_email")}),
                 hide_index=True, width="stretch", height=260)
    if rows.empty:
        return
    lao = st.selectbox(tr("contact_col_lao"), list(rows["lao_code"]), key="contact_admin_lao",
                       format_func=lambda c: names.get(c, c))
    current = rows.set_index("lao_code")["contact_email"].get(lao)
    n = st.session_state.setdefault("contact_admin_n", 0)
    typed = st.text_input(tr("contact_email"), value=current if isinstance(current, str) else "",
                          key=f"contact_admin_{lao}_{n}", max_chars=254, help=tr("contact_clear_help"))
    if st.button(tr("contact_save"), key="contact_admin_save", icon=":material/mail:") and _save(
            view, lao, typed, "contact_admin"):
        st.session_state["contact_admin_n"] = n + 1
        st.rerun()
