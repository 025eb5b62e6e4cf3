"""Imports flow one way: scoring, geo, store -> dashboard -> pages. Pure packages never see Streamlit."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE = ("scoring", "geo", "store", "sample_data")
FORBIDDEN = {  # package -> top-level modules it must not import (tools/ is for development only)
    "scoring": {"streamlit", "dashboard", "pages", "store", "sqlalchemy", "tools"},
    "geo": {"streamlit", "dashboard", "pages", "store", "sqlalchemy", "tools"},
    "store": {"streamlit", "dashboard", "pages", "tools"},
    "sample_data": {"streamlit", "dashboard", "pages", "tools"},
    "dashboard": {"pages", "tools"},
    "pages": {"tools"},
}
ALLOWED = {  # file -> what it may import all the same
    "dashboard/app.py": {"pages"},                  # the entry point is where pages are registered
    "dashboard/cli.py": {"tools"},                  # `python -m dashboard bench` runs tools/bench.py
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_rule(package):
    bad = {}
    for f in (ROOT / package).rglob("*.py"):
        rel = f.relative_to(ROOT).as_posix()
        hit = imported_modules(f) & FORBIDDEN[package] - ALLOWED.get(rel, set())
        if hit:
            bad[rel] = sorted(hit)
    assert not bad, f"imports against the layer rule: {bad}"


def test_the_rule_is_checked_on_real_files():
    assert "streamlit" in imported_modules(ROOT / "dashboard" / "data.py")
    assert "tools" in imported_modules(ROOT / "dashboard" / "cli.py")      # the one allowed exception
    assert len(list((ROOT / "scoring").rglob("*.py"))) >= 5


def test_only_the_data_module_mixes_streamlit_and_the_database():
    mixers = [f.name for f in (ROOT / "dashboard").glob("*.py")
              if {"streamlit", "sqlalchemy"} <= imported_modules(f)]
    assert mixers in ([], ["data.py"])
    pages = [f for f in (ROOT / "pages").glob("*.py") if {"sqlalchemy", "store"} & imported_modules(f)]
    assert not pages, f"pages must read through dashboard.data: {pages}"


COLOUR = re.compile(r"(?<![\w&/])#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def test_scoring_holds_no_presentation():
    """No colours and no CSS/Styler functions in the pure core: how figures look is the dashboard's."""
    bad = []
    for f in (ROOT / "scoring").rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        bad += [f"{f.name}: colour {m.group()}" for m in COLOUR.finditer(text)]
        bad += [f"{f.name}: {node.name}()" for node in ast.walk(ast.parse(text))
                if isinstance(node, ast.FunctionDef) and re.search(r"css|style", node.name, re.IGNORECASE)]
    assert not bad, bad


def test_the_presentation_check_sees_a_colour_and_a_css_function():
    hash_ = "#"             # written apart so that this file holds no colour itself
    assert COLOUR.search(f'X = "{hash_}1f5f99"') and COLOUR.search(f"fill: {hash_}fff;")
    assert not COLOUR.search("issue #1090")
    assert re.search(r"css|style", "heat_css")
