"""Table helpers of the province page: tables with translated headers, heat-map or difference marks, and
their downloads."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.i18n import messages
from scoring import compare as cmp


def head(col: str) -> str:
    """Column header: the message `province_col_<col>` where there is one, else the column's own name."""
    return ui.tr(f"province_col_{col}") if f"province_col_{col}" in messages() else col


def table(df: pd.DataFrame, name: str, title=None, note=None, config=None, heat=(), marks=False, **kw) -> None:
    """A table under an optional title and note, with translated headers (heat: columns coloured as a heat
    map; marks: ▲ ▼ ≠ tinted), then its CSV/XLSX downloads."""
    if title:
        st.subheader(title)
    if note:
        st.caption(note)
    out, hot = df.rename(columns=head), [head(h) for h in heat]
    shown = out.style.apply(cmp.heat_css, axis=None, subset=hot) if hot else out.style.apply(
        cmp.mark_css, axis=None) if marks else out
    st.dataframe(shown, hide_index=True, column_config={head(k): c for k, c in (config or {}).items()},
                 width="stretch", key=f"t_{name}", **kw)
    ui.downloads(out, f"province-{name}", key=name)
