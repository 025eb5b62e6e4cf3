"""The README documents every setting, and only settings that exist; only store/settings.py reads them.

In the manner of datasette's test_config_options_are_documented: SETTINGS in store/settings.py is the one
declaration, the README's settings table is checked against it, and an AST pass makes sure no other module
reads a LAO_* or DATABASE_URL variable from os.environ behind its back.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from store.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ROW = re.compile(r"^\|\s*`(?P<name>[A-Z][A-Z0-9_]*)`\s*\|(?P<default>[^|]*)\|(?P<meaning>.*)\|\s*$")


def readme_settings(text: str) -> dict[str, str]:
    """Setting name -> default as written, from the table under '## Settings' (unset written as 'unset')."""
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith(("| setting", "|---")):
            m = ROW.match(line)
            assert m, f"README settings row not understood: {line}"
            assert m["name"] not in rows, f"{m['name']} listed twice in the README"
            rows[m["name"]] = m["default"].strip().strip("`")
    return rows


@pytest.fixture(scope="module")
def documented() -> dict[str, str]:
    return readme_settings(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_setting_is_documented_with_its_default(setting, documented):
    assert setting.name in documented, f"add {setting.name} to the README's settings table"
    assert documented[setting.name] == (setting.default if setting.default is not None else "unset")


def test_every_documented_setting_is_declared(documented):
    declared = {s.name for s in SETTINGS}
    assert set(documented) - declared == set(), "README lists settings that store/settings.py does not declare"


def test_the_table_reader_sees_rows_and_refuses_a_strange_one():
    text = "# x\n\n## Settings\n\n| setting | default | meaning |\n|---|---|---|\n| `LAO_A` | `5` | five |\n" \
           "| `LAO_B` | unset | none |\n\n## Next\n| `LAO_C` | 1 | not here |\n"
    assert readme_settings(text) == {"LAO_A": "5", "LAO_B": "unset"}
    with pytest.raises(AssertionError, match="not understood"):
        readme_settings("# x\n## Settings\n| LAO_A without backticks | 5 | x |\n")


# --- nothing but store/settings.py reads the environment for a setting -----------------------------------------

def _is_environ(node: ast.AST) -> bool:
    """`os.environ` or a bare `environ` (from os import environ)."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or \
        (isinstance(node, ast.Name) and node.id == "environ")


def _setting_key(node: ast.AST | None) -> bool:
    """A key that is, or may be, a setting: a LAO_*/DATABASE_URL string, or anything not a constant."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.startswith("LAO_") or node.value == "DATABASE_URL"
    return node is not None


def environment_reads(source: str) -> list[int]:
    """Line numbers where the code reads a setting from the environment (copying it for a child is fine)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            if (f.attr in ("get", "setdefault", "pop") and _is_environ(f.value)) or \
                    (f.attr == "getenv" and isinstance(f.value, ast.Name) and f.value.id == "os"):
                key = node.args[0] if node.args else None
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getenv":
            key = node.args[0] if node.args else None
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            key = node.slice
        elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) \
                and any(_is_environ(c) for c in node.comparators):
            key = node.left
        if _setting_key(key):
            lines.append(node.lineno)
    return sorted(lines)


def product_files() -> list[Path]:
    """Every Python file of the repository but the settings module and the tests (which set up environments)."""
    tops = [d for d in ROOT.iterdir() if d.is_dir() and not d.name.startswith(".")
            and d.name not in ("tests", "data", "build", "dist")]
    return sorted(f for d in tops for f in d.rglob("*.py") if f != ROOT / "store" / "settings.py")


def test_only_the_settings_module_reads_settings_from_the_environment():
    files = product_files()
    assert ROOT / "tools" / "bench.py" in files and ROOT / "store" / "db.py" in files
    bad = {str(f.relative_to(ROOT)): n for f in files if (n := environment_reads(f.read_text(encoding="utf-8")))}
    assert not bad, f"read settings through store.settings (and declare them in SETTINGS): {bad}"


def test_the_environment_check_sees_each_form():
    reads = """import os
from os import environ, getenv
a = os.environ.get("LAO_X")
b = os.environ["DATABASE_URL"]
c = "LAO_Y" in os.environ
d = getenv("LAO_Z", "1")
e = environ.get(name)
f = os.getenv("LAO_W")
"""
    assert environment_reads(reads) == [3, 4, 5, 6, 7, 8]
    fine = """import os
env = {**os.environ, "DATABASE_URL": url}
tmp = os.environ.get("TMPDIR", "/tmp")
os.environ["LAO_X"] = "1"
"""
    assert environment_reads(fine) == []
