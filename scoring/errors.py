"""Error types shared by the pure packages: each problem names where it is, so users can fix it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    row: int | None       # spreadsheet row number (header = row 1), None for file-level problems
    column: str | None
    message_th: str
    message_en: str

    def text(self, lang: str = "th") -> str:
        msg = self.message_th if lang == "th" else self.message_en
        where = []
        if self.row is not None:
            where.append(f"แถว {self.row}" if lang == "th" else f"row {self.row}")
        if self.column:
            where.append(f"คอลัมน์ {self.column}" if lang == "th" else f"column {self.column}")
        return f"{', '.join(where)}: {msg}" if where else msg


class ValidationError(Exception):
    """Raised with every problem found, never only the first."""

    def __init__(self, problems: list[Problem], what: str = "input"):
        self.problems = list(problems)
        self.what = what          # "catalogue", "submissions", ...: what was being read
        super().__init__(f"{what}: {len(self.problems)} problem(s)\n" + "\n".join(
            p.text("en") for p in self.problems[:50]))

    def report(self, lang: str = "th") -> str:
        return "\n".join(p.text(lang) for p in self.problems)
