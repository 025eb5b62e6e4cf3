"""One theme: every colour the product draws with is defined in dashboard/theme.py (maps keep their scale
in geo/maps.py, the page theme is .streamlit/config.toml), so a palette change is one edit."""
from __future__ import annotations

import pytest

from dashboard import theme
from tests.test_layers import COLOUR, ROOT

ALLOWED = {"dashboard/theme.py", "geo/maps.py", ".streamlit/config.toml"}
SOURCES = ("dashboard", "pages", "scoring", "geo", "store", "sample_data", "tests", ".streamlit")


def test_no_colour_literal_outside_the_theme():
    found = []
    for folder in SOURCES:
        for f in (ROOT / folder).rglob("*"):
            rel = f.relative_to(ROOT).as_posix()
            if f.suffix not in (".py", ".yaml", ".toml", ".css") or rel in ALLOWED:
                continue
            found += [f"{rel}: {m.group()}" for m in COLOUR.finditer(f.read_text(encoding="utf-8"))]
    assert not found, found


def test_theme_colours_are_hex_and_convert_for_the_pdf():
    colours = [*theme.OKABE_ITO, *theme.OUTCOME_COLOURS.values(), *theme.VIRIDIS, theme.INK, theme.GREY]
    assert all(COLOUR.fullmatch(c) for c in colours)
    assert theme.rgb(theme.BLUE) == (0, 114, 178) and theme.rgb(theme.WHITE) == (255, 255, 255)


@pytest.mark.parametrize("bad", ["0072B2x", "#12345", "blue", ""])
def test_rgb_refuses_what_is_not_a_colour(bad):
    with pytest.raises(ValueError):
        theme.rgb(bad)
