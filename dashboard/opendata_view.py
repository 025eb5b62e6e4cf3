"""The methodology page's open-data section: where the API, its description and each published round's
download are (the routes themselves: dashboard/api.py)."""
from __future__ import annotations

import streamlit as st

from store.access import PUBLIC

from . import data, ui


def section() -> None:
    tr = ui.tr
    st.header(tr("meth_open_data"))
    st.write(tr("meth_open_data_text"))
    years = sorted((int(y) for y in data.rounds(data.version(), PUBLIC)["year"]), reverse=True)
    links = [(tr("meth_open_data_api"), "/api/v1/"), (tr("meth_open_data_openapi"), "/api/v1/openapi.json")]
    links += [(tr("meth_open_data_round", year=y), f"/data/{y}.zip") for y in years]
    st.markdown("\n".join(f"- [{label}]({url})" for label, url in links))   # our own words and numbers only
