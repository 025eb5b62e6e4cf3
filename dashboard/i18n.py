"""Thai-first wording: the messages (locale/*.yaml, key -> th, en) and dates in the Buddhist Era.
Numbers, percentages and names are written by dashboard.format."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml

LANGS = ("th", "en")
DEFAULT_LANG = "th"
THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=1)
def messages() -> dict[str, dict[str, str]]:
    """All locale/*.yaml files (common.yaml plus one per page); a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALE_DIR.glob("*.yaml")):
        for key, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice ({path.name})")
            merged[key] = entry
    return merged


def t(key: str, lang: str = DEFAULT_LANG, **fmt) -> str:
    """The message in `lang`; a missing key shows itself so it gets noticed, never crashes a page."""
    entry = messages().get(key)
    text = key if entry is None else entry.get(lang) or entry.get(DEFAULT_LANG, key)
    return text.format(**fmt) if fmt else text


def norm_lang(value) -> str:
    return value if value in LANGS else DEFAULT_LANG


def year_label(year: int, lang: str = DEFAULT_LANG) -> str:
    """Rounds are named in the Buddhist Era: 'พ.ศ. 2568' / 'B.E. 2568 (2025)'."""
    return f"พ.ศ. {year}" if lang == "th" else f"B.E. {year} ({year - 543})"


def date_label(value, lang: str = DEFAULT_LANG) -> str:
    from .format import MISSING, is_missing      # format builds on these messages, so import it late
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return str(value)
    if lang == "th":
        return f"{value.day} {THAI_MONTHS[value.month - 1]} {value.year + 543}"
    return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year + 543} B.E."
