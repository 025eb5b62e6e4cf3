"""One way to hold a text in both languages, for messages made by the pure layers (problems, round
errors, rule descriptions, import reports). The UI's own words live in dashboard/locale/*.yaml."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bilingual:
    th: str
    en: str

    def text(self, lang: str = "th") -> str:
        """Thai unless English is asked for: Thai is the product's first language."""
        return self.en if lang == "en" else self.th

    def __str__(self) -> str:          # logs and exceptions are read by operators: English
        return self.en
