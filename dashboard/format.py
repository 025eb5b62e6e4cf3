"""How numbers, percentages and names are written on pages, in downloads and in the PDF: one rule each.

Pure (no Streamlit): the page, the workbook and the council report all format through here, so a
figure reads the same everywhere. A missing value is always "–", never "nan", "None" or 0.
"""
from __future__ import annotations

import re

import pandas as pd

from scoring.laotypes import display_name

from .i18n import t

MISSING = "–"
MARK = "✳"          # illustrative (not verified) indicator


def is_missing(value) -> bool:
    """None, NaN, pd.NA or NaT (the four ways a frame says "no value")."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return pd.api.types.is_scalar(value) and not isinstance(value, (str, bytes)) and bool(pd.isna(value))


def num(value, digits: int | None = None) -> str:
    """1,234 / 3.6 / 2.45: with `digits` None, whole numbers without decimals, others with up to two."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if digits is None:
        digits = 0 if abs(value - round(value)) < 1e-9 else 1 if abs(value * 10 - round(value * 10)) < 1e-6 else 2
    return f"{value:,.{digits}f}"


def pct(value, digits: int = 1) -> str:
    return MISSING if is_missing(value) else f"{float(value):.{digits}f}%"


def signed(value, digits: int = 1, unit: str = "") -> str:
    """Change figures carry their sign and words, not only colour."""
    return MISSING if is_missing(value) else f"{float(value):+.{digits}f}{unit}"


def points(value, lang: str) -> str:
    """A change in percentage points ("+2.9 จุดร้อยละ"): never plain "จุด", which is also a unit of things
    counted (accident spots), so the two cannot be confused in one sentence."""
    return MISSING if is_missing(value) else t("points_value", lang, value=f"{float(value):+.1f}")


def indicator_label(code: str | None, name: str, provenance: str) -> str:
    """'1.01 name' (or the name alone without a code); illustrative indicators carry ✳ wherever they are
    named, after a no-break space so the mark never starts a line on its own."""
    mark = "" if provenance == "verified" else f"\u00a0{MARK}"
    return f"{code} {name}{mark}" if code else f"{name}{mark}"


def display_names(df: pd.DataFrame, lang: str) -> pd.Series:
    """LAO names as officials write them ('อบต.บางปู' / 'Bang Pu SAO') from name_th, type and name_en."""
    name_en = df["name_en"] if "name_en" in df else pd.Series(None, index=df.index)
    names = [display_name(n, ty, lang, None if is_missing(e) else e) for n, ty, e in
             zip(df["name_th"], df["type"], name_en)]
    return pd.Series(names, index=df.index, dtype=object)


def area_names(df: pd.DataFrame, level: str, lang: str) -> pd.Series:
    """Code → name of provinces or districts (`level` 'province' or 'district'), in `lang`, English
    falling back to Thai where a name is missing."""
    if level not in ("province", "district"):
        raise ValueError(f"unknown area level {level!r}")
    frame = df.set_index(f"{level}_code")
    names = frame[f"name_{lang}"] if f"name_{lang}" in frame else frame["name_th"]
    return names.where(names.notna(), frame["name_th"]) if lang != "th" else names


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


# Streamlit's markdown also turns bare addresses into links (GFM autolinks: http://, https://, www., e-mail),
# found in the text after escapes are read, so escaping cannot stop them. An autolink only starts after a
# space, punctuation or the start of the text: an invisible WORD JOINER (U+2060) just before one keeps it text.
_AUTOLINK = re.compile(r"(?i)(?=https?://|www\.)|(?<=[\w.+-])(?=@[\w-]+\.)")


def md_escape(value) -> str:
    """Text from a URL, a file or the database, made safe to show inside markdown: every character that
    markdown or HTML would read as markup is escaped, so it shows as itself (never a link, an image, a tag)."""
    return _MARKDOWN.sub(r"\\\1", _AUTOLINK.sub("\u2060", str(value)))


def short(text: str, n: int = 26) -> str:
    """A long name (an uploaded file's) cut to `n` characters with …, for a button label; the full name is
    kept where the file is listed."""
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def file_size(n_bytes) -> str:
    """350 KB / 1.2 MB / 20 MB: sizes of evidence files and the limits they count against (1 MB = 1,048,576
    bytes, as the limits are set)."""
    if is_missing(n_bytes):
        return MISSING
    n = float(n_bytes)
    if n < 1024 * 1024:
        return f"{max(n / 1024, 0.1 if n else 0):,.1f} KB".replace(".0 KB", " KB")
    return f"{n / 1048576:,.1f} MB".replace(".0 MB", " MB")
