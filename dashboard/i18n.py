"""Thai-first wording: the messages (locale/*.yaml: common.yaml plus one file per page, key -> th, en)
and dates in the Buddhist Era. Loading refuses anything that would show a wrong word silently. Numbers,
percentages and names are written by dashboard.format."""
from __future__ import annotations

import string
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
    """All locale/*.yaml files merged. Refused, naming the file and key: a key defined twice, a key that
    YAML read as something other than text (`yes:` is a boolean in YAML 1.1), an entry without both
    languages, and placeholders ({name}) that differ between the Thai and the English text."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALE_DIR.glob("*.yaml")):
        for key, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            where = f"{path.name}: message key {key!r}"
            if not isinstance(key, str):
                raise ValueError(f"{where} is not text (quote it)")
            if key in merged:
                raise ValueError(f"{where} defined twice")
            if not isinstance(entry, dict) or not all(isinstance(entry.get(lang), str) and entry[lang]
                                                      for lang in LANGS):
                raise ValueError(f"{where} needs non-empty th and en texts")
            if placeholders(entry["th"]) != placeholders(entry["en"]):
                raise ValueError(f"{where}: placeholders differ between th and en")
            merged[key] = entry
    return merged


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


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
