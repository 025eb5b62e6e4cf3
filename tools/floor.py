"""Streamlit's floor for the load test (`python -m tools.loadtest --mode ws`): a page with about as many
elements as a scorecard (93: text lines, a table, a chart) and trivial content, so its rate of page runs is
about what one process can do at best for a page of that size. Dashboard pages are compared with it in the
same run, on the same machine, by the same client, and it is started from the project's root like the
dashboard, so the same .streamlit/config.toml applies to both. Not part of the product: nothing imports it."""
import pandas as pd
import streamlit as st


def floor() -> None:
    st.title("Floor")
    table = pd.DataFrame({"row": range(40), "value": [i % 9 for i in range(40)]})
    for i in range(45):
        st.markdown(f"Line {i} of trivial text")
    st.dataframe(table, hide_index=True)
    st.bar_chart(table, x="row", y="value")
    for i in range(45):
        st.caption(f"Note {i}")


# Through st.navigation as the dashboard is; its only page is the default one, opened at "/".
st.navigation([st.Page(floor, title="Floor")]).run()
