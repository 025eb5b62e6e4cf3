"""The toolkit every file check shares (submissions, registry): header names, numbers, text hygiene,
and the problem collector, with checks written as tables of CellCheck.

A check is vectorised: it marks the failing rows of a whole column at once. The collector keeps only
those masks; at the end it turns the first LAO_PROBLEMS_LISTED problems (by row, then column) into
Problem objects and counts the rest, so a file of a million bad rows costs a few arrays, not a million
objects kept in a session.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from scoring.errors import Problem, ValidationError
from scoring.texts import CONTROL_CHARS, CONTROL_CHARS_BUT_LF, Bilingual

from . import settings

WARN_LIST = 20                      # names listed in one warning before "and N more"
SHOWN_CHARS = 40                    # a cell value quoted in a message is cut to this length
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_HEADER_NOISE = re.compile(r"[\s._\-]")


def normalise_header(header) -> str:
    """Headers are compared lower-cased, without spaces, dots, underscores and hyphens
    ("LAO code", "lao_code" and "รหัส อปท." become "laocode" / "รหัสอปท")."""
    return _HEADER_NOISE.sub("", str(header).lower())


def text_column(s: pd.Series) -> pd.Series:
    """Stripped text or NaN, also for a frame that did not come from read_table. pandas' text dtype
    (Arrow-backed) keeps a million cells in a few MB, where Python strings would take a hundred."""
    t = s.astype("str").str.strip()
    return t.where(t != "", np.nan)


def parse_numbers(s: pd.Series) -> pd.Series:
    """Text to float; thousands separators (1,234.5) are allowed; anything else unparseable is NaN."""
    s = text_column(s)
    thousands = s.str.fullmatch(_THOUSANDS, na=False)
    if thousands.any():
        s = s.where(~thousands, s.str.replace(",", "", regex=False))
    return pd.to_numeric(s, errors="coerce").astype("float64")


def control_mask(s: pd.Series, multiline: bool = False) -> np.ndarray:
    """Cells holding a control or invisible character (scoring.texts.CONTROL); line breaks are allowed
    when `multiline`."""
    t = text_column(s)
    if multiline:
        t = t.str.replace("\r\n", "\n", regex=False)
    return t.str.contains(CONTROL_CHARS_BUT_LF if multiline else CONTROL_CHARS, na=False).to_numpy()


def clean_multiline(s: pd.Series) -> pd.Series:
    """Notes: CR LF and bare CR become LF, a TAB a space (spreadsheets paste both); other control
    characters are left for control_mask to refuse."""
    return s.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False).str.replace(
        "\t", " ", regex=False)


def show(v, limit: int = SHOWN_CHARS) -> str:
    """A cell value as quoted in a message: cut to `limit`, control characters made visible."""
    s = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
    s = CONTROL_CHARS.sub("\N{REPLACEMENT CHARACTER}", s)
    return s if len(s) <= limit else s[:limit] + "…"


def listed_limit() -> int:
    return max(int(settings.number("LAO_PROBLEMS_LISTED")), 1)


def more_problems(n: int) -> Problem:
    return Problem(None, None, Bilingual(f"และยังมีปัญหาอีก {n:,} รายการที่ไม่ได้แสดง (แก้รายการข้างต้นแล้วตรวจอีกครั้ง)",
                                         f"and {n:,} more problems not listed (fix those above and check again)"))


class ProblemCollector:
    """Problems of many rows at once. `rows` are the spreadsheet row numbers of the frame's rows;
    messages are templates over {v}, the cell value shown."""

    def __init__(self, rows, what: str, limit: int | None = None):
        self.rows = np.asarray(rows, dtype="int64")
        self.what = what
        self.limit = listed_limit() if limit is None else limit
        self._groups: list[tuple[np.ndarray, int, str, Bilingual, Any]] = []
        self._file: list[Problem] = []

    def add(self, mask, column: str, order: int, message: Bilingual, values=None) -> None:
        """`values`: the cell values (array-like), or a function of the problem rows' positions that
        builds them, so costly texts are only made for rows that are listed."""
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(idx):
            self._groups.append((idx, order, column, message, values))

    def file(self, column: str | None, message: Bilingual) -> None:
        """A problem of the whole file (listed first)."""
        self._file.append(Problem(None, column, message))

    @property
    def count(self) -> int:
        return len(self._file) + sum(len(g[0]) for g in self._groups)

    def problems(self) -> list[Problem]:
        """The first `limit` problems by (row, column order), then one line counting the rest."""
        out = self._file[: self.limit]
        room = self.limit - len(out)
        if room > 0 and self._groups:
            out += self._first_cell_problems(room)
        if self.count > len(out):
            out.append(more_problems(self.count - len(out)))
        return out

    def _first_cell_problems(self, room: int) -> list[Problem]:
        # One int64 sort key per problem (row, then column order); only the first `room` are sorted
        # (argpartition is O(n)) and only they are turned back into (group, position) and Problems.
        key = np.concatenate([self.rows[g[0]] * 1000 + g[1] for g in self._groups])
        keep = np.sort(np.argpartition(key, room - 1)[:room]) if len(key) > room else np.arange(len(key))
        keep = keep[np.argsort(key[keep], kind="stable")]       # ties: in the order the checks ran
        ends = np.cumsum([len(g[0]) for g in self._groups])
        group = np.searchsorted(ends, keep, side="right")
        pos = np.array([self._groups[k][0][i - (ends[k] - len(self._groups[k][0]))]
                        for k, i in zip(group, keep, strict=True)], dtype="int64")
        taken = {k: iter(self._shown(k, pos[group == k])) for k in np.unique(group)}
        out = []
        for p, k in zip(pos, group, strict=True):
            _, _, column, message, _ = self._groups[k]
            out.append(Problem(int(self.rows[p]), column, message.format(v=next(taken[k]))))
        return out

    def _shown(self, k: int, positions: np.ndarray) -> list[str]:
        values = self._groups[k][4]
        if values is None:
            return [""] * len(positions)
        if callable(values):
            return [show(v) for v in values(positions)]
        arr = np.asarray(values, dtype=object)
        return [show(arr[i]) for i in positions]

    def raise_if_any(self, facts: dict | None = None) -> None:
        if self.count:
            raise ValidationError(self.problems(), self.what, total=self.count, facts=facts)


@dataclass(frozen=True)
class CellCheck:
    """One row-wise check in a table of checks: `fails(facts)` marks the failing rows, reported in the
    file's header for `column` with `message` (a template over {v}: `values(facts)` or nothing)."""
    column: str
    message: Bilingual
    fails: Callable[[Any], Any]
    values: Callable[[Any], Any] | None = None


def run_checks(probs: ProblemCollector, checks, facts, headers: dict[str, str], order: dict[str, int]) -> None:
    """Apply every check whose column the file has; `headers` maps canonical names to the file's."""
    for check in checks:
        if check.column in headers:
            probs.add(check.fails(facts), headers[check.column], order.get(check.column, 0), check.message,
                      check.values(facts) if check.values else None)  # noqa: PD011 - a Check field


def warn_list(items, th: str, en: str, column: str | None = None) -> Problem:
    """One warning naming the first WARN_LIST items ("…" when there are more); `th`/`en` are templates
    over {n} (how many) and {names}."""
    items = list(items)
    names = ", ".join(map(str, items[:WARN_LIST])) + (" …" if len(items) > WARN_LIST else "")
    return Problem(None, column, Bilingual(th, en).format(n=f"{len(items):,}", names=names))
