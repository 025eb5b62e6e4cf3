"""The shared validation toolkit (store.validation): the problem collector lists the first problems
in row order and counts the rest, and builds texts only for what it lists."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.errors import ValidationError
from scoring.texts import Bilingual
from store.validation import (
    CellCheck,
    ProblemCollector,
    clean_multiline,
    control_mask,
    normalise_header,
    parse_numbers,
    run_checks,
    show,
)

MSG = Bilingual("ค่า '{v}' ผิด", "bad value '{v}'")


def test_problems_come_in_row_then_column_order_with_file_problems_first():
    probs = ProblemCollector(rows=[2, 3, 4, 5], what="t")
    probs.add([False, True, False, True], "b", 2, MSG, ["w", "x", "y", "z"])
    probs.add([True, True, False, False], "a", 1, MSG, ["p", "q", "r", "s"])
    probs.file("c", Bilingual("ไม่มีคอลัมน์ c", "column c is missing"))
    with pytest.raises(ValidationError) as exc:
        probs.raise_if_any({"years": [2569]})
    got = [(p.row, p.column, p.message.en) for p in exc.value.problems]
    assert got == [(None, "c", "column c is missing"), (2, "a", "bad value 'p'"), (3, "a", "bad value 'q'"),
                   (3, "b", "bad value 'x'"), (5, "b", "bad value 'z'")]
    assert exc.value.total == 5 and exc.value.facts == {"years": [2569]}


def test_only_the_first_problems_are_listed_and_the_rest_counted(monkeypatch):
    monkeypatch.setenv("LAO_PROBLEMS_LISTED", "3")
    n = 2_000_000
    rows = np.arange(2, n + 2)
    built = []

    def values(positions):
        built.append(len(positions))
        return [f"v{i}" for i in positions]

    probs = ProblemCollector(rows, "t")
    probs.add(np.ones(n, dtype=bool), "x", 2, MSG, values)
    probs.add(np.arange(n) % 2 == 0, "w", 1, MSG)
    assert probs.count == n + n // 2
    listed = probs.problems()
    assert [(p.row, p.column) for p in listed[:3]] == [(2, "w"), (2, "x"), (3, "x")]
    assert listed[-1].message.en == f"and {n + n // 2 - 3:,} more problems not listed (fix those above and check again)"
    assert listed[-1].message.th.startswith("และยังมีปัญหาอีก") and len(listed) == 4
    assert built == [2]                        # texts made for the two listed rows of that check only


def test_no_problem_no_error():
    probs = ProblemCollector([2, 3], "t")
    probs.add([False, False], "a", 1, MSG)
    probs.raise_if_any()
    assert probs.count == 0


def test_a_table_of_checks_runs_only_for_columns_the_file_has():
    probs = ProblemCollector([2, 3], "t")
    checks = (CellCheck("a", MSG, lambda f: f["a"] < 0, lambda f: f["a"]),
              CellCheck("z", MSG, lambda f: np.array([True, True])))
    run_checks(probs, checks, {"a": np.array([1, -1])}, {"a": "Column A"}, {"a": 1})
    assert [(p.row, p.column, p.message.en) for p in probs.problems()] == [(3, "Column A", "bad value '-1'")]


def test_values_shown_are_cut_and_control_characters_made_visible():
    assert show("x" * 50) == "x" * 40 + "…"
    assert show("a\rb\tc\u202e") == "a\ufffdb\ufffdc\ufffd"
    assert show(np.nan) == "" and show(None) == ""


@pytest.mark.parametrize("header, expected", [("LAO code", "laocode"), ("lao_code", "laocode"),
                                              ("รหัส อปท.", "รหัสอปท"), ("Indicator-Code", "indicatorcode")])
def test_headers_are_compared_without_case_spaces_dots_underscores_or_hyphens(header, expected):
    assert normalise_header(header) == expected


def test_numbers_allow_thousands_separators_and_nothing_else():
    got = parse_numbers(pd.Series(["1,234.5", " 12 ", "1,23", "x", None, "1e3", "-0"]))
    assert got.iloc[:2].tolist() == [1234.5, 12.0]
    assert got.iloc[2:5].isna().all() and got.iloc[5] == 1000 and got.iloc[6] == 0


def test_control_characters_are_found_and_notes_keep_their_lines():
    s = pd.Series(["ชื่อ", "a\nb", "a\r\nb", "a\rb", "a\tb", "\x01", "ก\u200bข", None, "x\u202ey"])
    assert control_mask(s).tolist() == [False, True, True, True, True, True, False, False, True]
    assert control_mask(s, multiline=True).tolist() == [False, False, False, True, True, True, False, False, True]
    cleaned = clean_multiline(s.astype("str"))
    assert cleaned.iloc[1:5].tolist() == ["a\nb", "a\nb", "a\nb", "a b"]
    assert control_mask(cleaned, multiline=True).tolist() == [False] * 5 + [True, False, False, True]
