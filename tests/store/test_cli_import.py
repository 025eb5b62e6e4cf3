"""The command line around imports and exports: exit codes and reports, run in-process with --db."""
from __future__ import annotations

import pytest

from dashboard.cli import main

from .fingerprint import table_fingerprint
from .helpers import EXAMPLES, pristine_fingerprint, scalar


def _url(db) -> str:
    return db.url.render_as_string(hide_password=False)


def test_bad_import_exits_non_zero_with_problems_on_stderr(db, capsys):
    before = pristine_fingerprint(db)
    code = main(["--db", _url(db), "import", str(EXAMPLES / "submissions_2569_with_errors.csv")])
    err = capsys.readouterr().err
    assert code != 0
    assert "row 3, column lao_code: unknown LAO code 9999999" in err
    assert "row 13, column evidence_url" in err and "nothing was changed" in err
    assert table_fingerprint(db) == before


def test_good_import_dry_run_then_real(db, capsys):
    path = str(EXAMPLES / "submissions_2569_krabi.csv")
    assert main(["--db", _url(db), "import", path, "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert main(["--db", _url(db), "import", path, "--who", "cli-test"]) == 0
    assert "imported" in capsys.readouterr().out
    assert scalar(db, "SELECT COUNT(*) FROM submission WHERE submitted_by = 'cli-test'") == 4


def test_unreadable_file_exits_non_zero(db, tmp_path, capsys):
    path = tmp_path / "x.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert main(["--db", _url(db), "import", str(path)]) != 0
    assert ".xls" in capsys.readouterr().err


def test_import_laos_and_export(db, tmp_path, capsys):
    assert main(["--db", _url(db), "import-laos", str(EXAMPLES / "dla_registry_sample.csv")]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["--db", _url(db), "export", "laos", "--out", str(tmp_path / "laos.xlsx")]) == 0
    assert (tmp_path / "laos.xlsx").stat().st_size > 0
    assert main(["--db", _url(db), "export", "laos", "--out", str(tmp_path / "laos.json")]) == 1
    assert ".csv or .xlsx" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["import", "/nonexistent.csv"], ["import-laos", "/nonexistent.csv"]])
def test_missing_file(db, capsys, args):
    assert main(["--db", _url(db), *args]) != 0
    assert "not found" in capsys.readouterr().err
