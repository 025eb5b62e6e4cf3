"""One way to hold a text in both languages, for messages made by the pure layers (problems, round
errors, rule descriptions, import reports), and the one test for characters imported text may not
hold. The UI's own words live in dashboard/locale/*.yaml."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Bilingual:
    th: str
    en: str

    def text(self, lang: str = "th") -> str:
        """Thai unless English is asked for: Thai is the product's first language."""
        return self.en if lang == "en" else self.th

    def format(self, **values) -> Bilingual:
        """Both templates filled in with the same values (`{v}`, `{code}`, ...)."""
        return Bilingual(self.th.format(**values), self.en.format(**values))

    def __str__(self) -> str:          # logs and exceptions are read by operators: English
        return self.en


# Characters no name, label or note needs, and that can hurt where text goes next: C0/C1 controls
# (a bare CR starts a new row in a spreadsheet), line and paragraph separators, and the invisible
# direction overrides that make text read differently from how it is stored. Line breaks (LF, and
# CR LF) are allowed only where a text may have several lines (notes, missions); TAB never.
CONTROL = r"\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
CONTROL_CHARS = re.compile(f"[{CONTROL}\\n]")
CONTROL_CHARS_BUT_LF = re.compile(f"[{CONTROL}]")


def has_control(value: str, multiline: bool = False) -> bool:
    """True when `value` holds a character of CONTROL (or a line break, unless `multiline`)."""
    text = value.replace("\r\n", "\n") if multiline else value
    return bool((CONTROL_CHARS_BUT_LF if multiline else CONTROL_CHARS).search(text))


class Refusal(Exception):
    """An action refused with its reason in both languages (`message`, `text(lang)`): the one shape of every
    refusal the pure layers raise, so a page shows `exc.text(lang)` whatever refused. Mixed into the
    refusals' own classes (ValueError, PermissionError) so callers can still catch those."""

    def __init__(self, th: str, en: str, *args):
        super().__init__(en, *args)
        self.message = Bilingual(th, en)

    def text(self, lang: str = "th") -> str:
        return self.message.text(lang)
