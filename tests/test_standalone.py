"""The repository stands alone: no file points outside it, and a copy with nothing beside it passes tests.

Design and domain facts live in docs/ (design.md, domain.md); a clone must not need a folder next to it.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Written apart so that this file does not match itself.
OUTSIDE = re.compile(r"\.\./" + "shared" + r"|/work/" + "shared" + r"|\b(?:FACTS|DESIGN)\.md\b")
# Quick tests that touch every pure package and read the reference data from the repository itself.
IN_THE_COPY = ("tests/scoring/test_rules.py", "tests/test_layers.py",
               "tests/geo/test_boundaries.py::test_every_domain_province_has_exactly_one_polygon")


def repo_files() -> list[Path]:
    """What a clone holds: the tracked files, plus new files not yet committed (but not ignored ones)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in out.split("\0") if name and (ROOT / name).is_file()]


def outside_pointers(text: str) -> list[str]:
    return [m.group() for m in OUTSIDE.finditer(text)]


def test_no_file_points_outside_the_repository():
    bad = []
    for f in repo_files():
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue                                # images, workbooks, Windows-874 samples
        for n, line in enumerate(text.splitlines(), 1):
            if outside_pointers(line):
                bad.append(f"{f.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not bad, "point to docs/design.md or docs/domain.md instead:\n" + "\n".join(bad)


def test_the_pointer_check_sees_each_form():
    up, share, md = "..", "shared", ".md"           # written apart, as above
    assert outside_pointers(f"see {up}/{share}/domain/provinces.csv")
    assert outside_pointers(f"/work/{share}/research/notes{md}")
    assert outside_pointers(f"names from FACTS{md}.") and outside_pointers(f'(DESIGN{md} "Scoring")')
    assert not outside_pointers("see docs/design.md and docs/domain.md; a shared helper")


def test_the_docs_the_code_points_to_exist():
    for name in ("design.md", "domain.md"):
        assert (ROOT / "docs" / name).stat().st_size > 2000


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout to know the tracked files")
def test_a_copy_with_nothing_beside_it_passes_tests(tmp_path):
    clone = tmp_path / "clone"                      # its parent holds nothing else
    for f in repo_files():
        target = clone / f.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
    env = {**os.environ, "PYTHONPATH": str(clone), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)                   # the pure tests need no database
    where = subprocess.run([sys.executable, "-c", "import scoring, store, geo; print(scoring.__file__, "
                            "store.__file__, geo.__file__)"], cwd=clone, env=env, capture_output=True, text=True)
    assert where.returncode == 0, where.stderr
    assert all(Path(p).is_relative_to(clone) for p in where.stdout.split()), where.stdout
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *IN_THE_COPY],
                         cwd=clone, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", run.stdout) and " failed" not in run.stdout
