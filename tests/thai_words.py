"""What a Thai page may say in Latin letters: codes, units, file types and formats, proper names of the
data's sources and licences, and the language switch's "English". Anything else in Latin letters on a Thai
page (a code name as a column header, "None", a library's English) is a defect.

Shared by the AppTest check of tables and downloads (tests/app/test_thai_words.py) and the browser walk of
every page (tests/browser/test_a11y.py).
"""
from __future__ import annotations

import re

ALLOWED = frozenset({
    # file types and formats
    "CSV", "csv", "Excel", "XLSX", "xlsx", "PDF", "PNG", "JSON", "API", "OpenAPI", "zip", "datapackage.json",
    "UTF", "BOM",
    # units and terms inside official indicator names (name_th carries them in parentheses)
    "CCTV", "Care", "Plan", "km", "m", "MB", "KB", "GB",
    # the language switch names English in English
    "English",
    # sources and licences named in the attribution
    "geoBoundaries", "Runfola", "et", "al", "OCHA", "HDX", "CC", "BY", "IGO", "GeoThai",
})
WORD = re.compile(r"[A-Za-z][A-Za-z_]*(?:\.[A-Za-z]+)*")
URL = re.compile(r"\S*[?=/]\S*")          # a link's address (a link column's accessible text), a path


def latin_words(text: str) -> set[str]:
    """Latin-letter words in `text` that are not allowed on a Thai page."""
    text = URL.sub(" ", str(text))
    return {w for w in WORD.findall(text) if w not in ALLOWED and w.rstrip(".") not in ALLOWED}
