"""Error types shared by the pure packages: each problem names where it is, so users can fix it."""
from __future__ import annotations

from dataclasses import dataclass

from .texts import Bilingual


@dataclass(frozen=True)
class Problem:
    row: int | None       # spreadsheet row number (header = row 1), None for file-level problems
    column: str | None
    message: Bilingual

    def text(self, lang: str = "th") -> str:
        where = []
        if self.row is not None:
            where.append(f"แถว {self.row}" if lang == "th" else f"row {self.row}")
        if self.column:
            where.append(f"คอลัมน์ {self.column}" if lang == "th" else f"column {self.column}")
        msg = self.message.text(lang)
        return f"{', '.join(where)}: {msg}" if where else msg


class ValidationError(Exception):
    """Raised with every problem found, never only the first. Very long lists are cut by the
    collector that builds them (store.validation): `problems` then ends with a line counting the rest,
    and `total` is the number found. `facts` holds what the check learnt of the input all the same
    (e.g. the published rounds a file would correct)."""

    def __init__(self, problems: list[Problem], what: str = "input", total: int | None = None,
                 facts: dict | None = None):
        self.problems = list(problems)
        self.what = what          # "catalogue", "submissions", ...: what was being read
        self.total = len(self.problems) if total is None else total
        self.facts = dict(facts or {})
        super().__init__(f"{what}: {self.total} problem(s)\n" + "\n".join(
            p.text("en") for p in self.problems[:50]))

    def report(self, lang: str = "th") -> str:
        return "\n".join(p.text(lang) for p in self.problems)


def problem(row: int | None, column: str | None, th: str, en: str) -> Problem:
    """A problem from its two texts (the common case when there is no template)."""
    return Problem(row, column, Bilingual(th, en))
