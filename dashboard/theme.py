"""Every colour and font the product draws with, in one place (maps keep their own scale in geo/maps.py,
the app's page theme is in .streamlit/config.toml).

Colours are colour-blind safe (Okabe-Ito for categories, viridis for heat), and meaning never rests on
colour alone: labels, symbols and order carry it too.
"""
from __future__ import annotations

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
BLUE, ORANGE = OKABE_ITO[0], OKABE_ITO[1]
BLACK, WHITE = "#000000", "#ffffff"
OUTCOME_COLOURS = {"pass": BLUE, "fail": ORANGE, "not_done": OKABE_ITO[3], "no_service": "#BBBBBB"}
# Table cells holding an outcome (✓ ✗ ! ○, the scorecard's outcome column): light tints of the same hues,
# dark text on all of them (at least 12 : 1), so the symbol or word stays readable.
OUTCOME_TINTS = {"pass": "#d4e6f5", "fail": "#fbd9a8", "not_done": "#f1d4e6", "no_service": "#ececec"}
OUTCOME_CSS = {o: f"background-color: {c}; color: #1b1f24" for o, c in OUTCOME_TINTS.items()}

# Captions and other secondary text on pages: Streamlit's own faded grey is 4.37 : 1 on white, below
# WCAG AA; this one is 6.5 : 1 on white and 6.0 : 1 on the sidebar's background.
CAPTION = "#595e65"

# Thai-capable fonts first: Sarabun (fontpkg-sarabun, also the PDF's), then Debian's TLWG fonts.
FONT_FAMILY = "Sarabun, Loma, Garuda, sans-serif"
PLOTLY_BASE = dict(template="none", margin=dict(l=10, r=10, t=30, b=10), font=dict(family=FONT_FAMILY))

# Viridis in 10 steps, dark for low values and yellow for high; the number is always printed in the cell.
VIRIDIS = ("#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
           "#b5de2b", "#fde725")
VIRIDIS_DARK_STEPS = 5          # text on the first five steps is white, on the others black
# Comparison tables: ▲ highest (light blue), ▼ lowest (light orange), ≠ outcomes differ (light yellow).
MARK_CSS = {"▲": "background-color: #d4e6f5", "▼": "background-color: #fbe0c3", "≠": "background-color: #fff3c4"}

# The council report (PDF)
INK, GREY = "#212529", "#6E757D"        # body text; secondary text (5.1 : 1 on white)
LIGHT = "#DEEBF7"                       # the cover's figure box, table headings
WARNING = "#963C00"                     # unpublished round and synthetic-data notes
RULE = "#BEC4CC"                        # table lines
GRID = "#C8C8C8"                        # chart grid lines
GROUP_FILL, ROW_FILL = "#F2F2F2", "#F7F8FA"
PALE_BLUE = "#96BEDC"                   # earlier rounds beside the current one
INPUT_CELL = "#FFF4C2"                  # the cells to fill in of the offline entry workbook


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """'#0072B2' → (0, 114, 178), for fpdf2's colour setters."""
    h = hex_colour.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"not a #rrggbb colour: {hex_colour!r}")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def text_on(hex_colour: str) -> str:
    """Black or white, whichever reads better on `hex_colour` (labels inside bars, table cells)."""
    r, g, b = rgb(hex_colour)
    return BLACK if 0.299 * r + 0.587 * g + 0.114 * b > 140 else WHITE
