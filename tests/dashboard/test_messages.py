"""The text catalogue (dashboard/locale/*.yaml) against the code, in the manner of PUDL's field checks:
every key the code asks for exists, every key defined is used, and a broken entry is refused on load."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from dashboard import browser, i18n

ROOT = Path(__file__).resolve().parents[2]
CALLS = {"tr", "t", "both"}    # tr(key, ...) / t(key, lang, ...), view.tr(...), opendata.both(key)


def _sources():
    for package in ("dashboard", "pages"):
        yield from (ROOT / package).rglob("*.py")


def _key_forms(node, literal: set, prefixes: set) -> None:
    """A key argument: "a", f"b_{x}", "c_" + x, or either branch of `... if ... else ...`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        literal.add(node.value)
    elif isinstance(node, ast.IfExp):
        _key_forms(node.body, literal, prefixes)
        _key_forms(node.orelse, literal, prefixes)
    elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        prefixes.add(node.values[0].value)
    elif isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        prefixes.add(node.left.value)


def _usage() -> tuple[set[str], set[str], set[str]]:
    """(keys asked for literally, prefixes of keys built with f-strings, every string literal)."""
    literal, prefixes, strings = set(), set(), set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name not in CALLS:
                continue
            _key_forms(node.args[0], literal, prefixes)
    return literal, prefixes, strings


def test_every_key_the_code_asks_for_exists():
    literal, _, _ = _usage()
    missing = sorted(k for k in literal if k not in i18n.messages())
    assert not missing, f"keys used in code but not defined: {missing}"


def test_every_key_defined_is_used():
    literal, prefixes, strings = _usage()
    prefixes.add(browser.LIBRARY_PREFIX)        # library texts: every lib_ entry is sent to the browser
    unused = sorted(k for k in i18n.messages()
                    if k not in literal and k not in strings and not any(k.startswith(p) for p in prefixes))
    assert not unused, f"keys defined but never used: {unused}"


def test_the_scan_sees_real_calls():
    literal, prefixes, _ = _usage()
    assert {"year", "lao_type"} <= literal and "metric_" in prefixes


@pytest.mark.parametrize("text, problem", [
    ("yes: {th: ใช่, en: 'yes'}\n", "is not text"),
    ("a_key: {th: ไทย}\n", "needs non-empty th and en"),
    ("a_key: {th: '{n} แห่ง', en: '{count} places'}\n", "placeholders differ"),
    ("a_key: just text\n", "needs non-empty th and en"),
])
def test_a_broken_entry_is_refused_on_load(tmp_path, monkeypatch, text, problem):
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.messages.cache_clear()
    try:
        with pytest.raises(ValueError, match=problem):
            i18n.messages()
    finally:
        i18n.messages.cache_clear()


def test_a_key_defined_in_two_files_is_refused(tmp_path, monkeypatch):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump({"same": {"th": "ก", "en": "a"}}), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.messages.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            i18n.messages()
    finally:
        i18n.messages.cache_clear()


def test_thai_pages_say_yes_in_thai():
    assert i18n.t("answer_yes", "th") == "ใช่" and i18n.t("answer_no", "th") == "ไม่"
