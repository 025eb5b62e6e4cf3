"""Table helpers of the province page: tables as shown (names, symbols, ▲ ▼ marks), heat-map and mark
colours, translated headers, and their downloads.

scoring.compare works the figures out; everything here is how they are shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.format import MISSING, display_names
from dashboard.i18n import messages
from dashboard.theme import BLACK, MARK_CSS, OUTCOME_CSS, VIRIDIS, VIRIDIS_DARK_STEPS, WHITE
from scoring import compare as cmp
from scoring.laotypes import BY_CODE, type_name
from scoring.peers import SIZE_LABELS
from scoring.rates import DOMAINS

SYMBOLS = {"pass": "✓", "fail": "✗", "not_done": "!", "no_service": "○"}    # the matrix's outcomes
# Key columns come first in every table, so a phone shows them without scrolling sideways; a row's name gets a
# fixed room (not pinned: Streamlit draws pinned columns in faint grey), long names the most room there is.
LABEL = st.column_config.TextColumn(width="medium")
LONG_LABEL = st.column_config.TextColumn(width="large")


def head(col: str) -> str:
    """Column header: the message `province_col_<col>` where there is one, else the column's own name."""
    return ui.tr(f"province_col_{col}") if f"province_col_{col}" in messages() else col


def table(df: pd.DataFrame, name: str, title=None, note=None, config=None, heat=(), marks=False,
          outcomes=False, **kw) -> None:
    """A table under an optional title and note, with translated headers (heat: columns coloured as a heat
    map; marks: ▲ ▼ ≠ tinted; outcomes: cells holding an outcome symbol tinted by outcome), then its CSV/XLSX
    downloads."""
    if title:
        st.header(title)
    if note:
        st.caption(note)
    out, hot = df.rename(columns=head), [head(h) for h in heat]
    shown = (out.style.apply(heat_css, axis=None, subset=hot) if hot else out.style.apply(mark_css, axis=None)
             if marks else out.style.apply(outcome_css, axis=None) if outcomes else out)
    ui.dataframe(shown, column_config={head(k): c for k, c in (config or {}).items()},
                 width="stretch", key=f"t_{name}", **kw)
    ui.downloads(out, f"province-{name}", key=name)


# --- tables as shown ------------------------------------------------------------------------------

def table_view(table: pd.DataFrame, lang: str, link, state_label) -> pd.DataFrame:
    """The LAO table (scoring.compare.lao_table) as shown: the code becomes the scorecard link
    (`link(code)`), LAOs, types, size bands and submission states (`state_label(state)`) become names
    in `lang`, and the peer count carries ⚠ for too-small groups. Key columns first (name, pass rate, change),
    so a phone shows them without scrolling sideways."""
    out = table[["lao_code", "pass_rate", "change", "state", "type", "district", "size_band",
                 *[f"d{d}" for d in DOMAINS], "percentile"]]
    out.insert(1, "name", display_names(table, lang))
    peers = table["n_peers"].map(lambda n: MISSING if pd.isna(n) else f"{n:.0f}").astype(str)
    return out.assign(lao_code=table["lao_code"].map(link), type=table["type"].map(
        lambda x: type_name(x, lang, True) if lang == "th" else BY_CODE[x].short_en),
                      size_band=table["size_band"].map(SIZE_LABELS[lang]), state=table["state"].map(state_label),
                      peers=peers.where(~table["small_group"].astype(bool), peers + " ⚠"))


def symbols(frame: pd.DataFrame) -> pd.DataFrame:
    """Outcome names to the matrix symbols (✓ ✗ ! ○); anything else (not applicable) becomes empty."""
    return frame.apply(lambda s: s.map(SYMBOLS)).fillna("")


def matrix_view(results: pd.DataFrame, sort: str = "problems") -> pd.DataFrame:
    """scoring.compare.outcome_matrix() with outcomes shown as symbols."""
    m = cmp.outcome_matrix(results, sort)
    return pd.concat([m[["n_fail", "n_not_done"]], symbols(m.drop(columns=["n_fail", "n_not_done"]))], axis=1)


def outcome_text(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Outcome names to 'symbol label' (e.g. '✗ ไม่ผ่าน'); not applicable becomes empty."""
    return frame.apply(lambda s: s.map(lambda o: f"{SYMBOLS[o]} {labels[o]}" if o in labels else ""))


def mark_extremes(wide: pd.DataFrame, codes: list[str], min_spread: float = 10.0, digits: int = 1) -> pd.DataFrame:
    """Text version of scoring.compare.compare_domains(): the highest value of a row gets ▲ and the lowest
    ▼ when the row's spread is at least `min_spread` points, so the difference never rests on colour."""
    vals = wide[list(codes)]
    show = wide["spread"].to_numpy()[:, None] >= min_spread
    hi = show & (vals.to_numpy() == vals.max(axis=1).to_numpy()[:, None])
    lo = show & (vals.to_numpy() == vals.min(axis=1).to_numpy()[:, None])
    text = vals.map(lambda v: MISSING if pd.isna(v) else f"{v:.{digits}f}")
    return text + np.where(hi, " ▲", np.where(lo, " ▼", ""))


# --- colours (pandas Styler CSS) ----------------------------------------------------------------------

def heat_css(values: pd.DataFrame, low: float = 0.0, high: float = 100.0) -> pd.DataFrame:
    """CSS (viridis background and a readable text colour) per cell of numeric `values`; empty for
    missing ones. The number is printed in the cell, so the colour only adds to it."""
    v = values.to_numpy(dtype="float64", na_value=np.nan)
    step = np.clip(((v - low) / (high - low) * len(VIRIDIS)).astype("float64"), 0, len(VIRIDIS) - 1)
    idx = np.nan_to_num(step, nan=0).astype(int)
    bg = np.asarray(VIRIDIS, dtype=object)[idx]
    fg = np.where(idx < VIRIDIS_DARK_STEPS, WHITE, BLACK)
    css = np.where(np.isnan(v), "", "background-color: " + bg + "; color: " + fg)
    return pd.DataFrame(css, index=values.index, columns=values.columns)


def outcome_css(frame: pd.DataFrame) -> pd.DataFrame:
    """CSS for cells that start with an outcome symbol (✓ ✗ ! ○, alone or before the outcome's name): the
    outcome's tint, so failures stand out; the symbol stays, so colour only repeats it."""
    by_symbol = {sym: OUTCOME_CSS[o] for o, sym in SYMBOLS.items()}
    return frame.apply(lambda col: col.map(lambda v: by_symbol.get(str(v)[:1], "") if isinstance(v, str) else ""))


def mark_css(frame: pd.DataFrame) -> pd.DataFrame:
    """CSS for comparison tables: cells marked ▲ (highest) light blue, ▼ (lowest) light orange, and whole
    rows marked ≠ (outcomes differ) light yellow. The marks are in the text, so colour only repeats them."""
    text = frame.astype(str).fillna("")
    differs = text.apply(lambda col: col.eq("≠")).any(axis=1).to_numpy()
    css = pd.DataFrame(np.repeat(np.where(differs, MARK_CSS["≠"], "")[:, None], frame.shape[1], axis=1),
                       index=frame.index, columns=frame.columns)
    for mark in ("▲", "▼"):
        css = css.mask(text.apply(lambda col: col.str.endswith(mark)), MARK_CSS[mark])
    return css
