"""Properties of the submission import (store/imports.py) through its whole read path (store/upload.py).

Files are built from a valid round file of the small sample, written as CSV or XLSX with English or
Thai headers, and go through `import_submissions` exactly as an upload does. Garbage typed into the
numeric columns must always be refused, with a problem naming the spreadsheet row and the column as it
is headed in the file, and nothing may be written; sound numbers must always pass.
"""
from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import text

from sample_data.round_file import round_frame
from scoring.errors import ValidationError
from store.db import make_engine
from store.imports import THAI_HEADERS, import_submissions
from tests.store.fingerprint import table_fingerprint

YEAR = 2569
NUMERIC = ("frame", "delivered")


@pytest.fixture(scope="module")
def engine(small_sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("props") / "lao.sqlite"
    shutil.copy(small_sqlite_template, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def base(engine) -> pd.DataFrame:
    """A valid file: two LAOs of province 30 with nothing yet in the open round (ratio rows only, so any
    sound frame >= delivered >= 0 is valid)."""
    with engine.connect() as conn:
        codes = [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l LEFT JOIN submission s ON s.lao_code = l.code AND s.year = :y "
            "WHERE l.province_code = '30' AND l.type = 'sao' AND s.id IS NULL ORDER BY l.code LIMIT 2"),
            {"y": YEAR})]
        ratio = {r[0] for r in conn.execute(text("SELECT code FROM indicator WHERE year = :y AND measure = 'ratio'"),
                                            {"y": YEAR})}
    frame = round_frame(engine, YEAR, codes)
    frame = frame[frame["indicator_code"].isin(ratio)].reset_index(drop=True)
    assert len(frame) > 20
    return frame


def state(engine) -> tuple:
    """Cheap proof that nothing was written: row counts of the written tables and the data version."""
    with engine.connect() as conn:
        return tuple(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                     for t in ("submission", "indicator_value", "result", "summary", "change_log"))


def encode(df: pd.DataFrame, fmt: str, thai: bool) -> tuple[bytes, str]:
    out = df.rename(columns=THAI_HEADERS) if thai else df
    if fmt == "csv":
        return out.to_csv(index=False).encode("utf-8-sig"), "props.csv"
    buf = io.BytesIO()
    out.to_excel(buf, index=False)
    return buf.getvalue(), "props.xlsx"


# Typed garbage: never a finite, non-negative number up to the import's limit, however it is written.
letters = st.text(alphabet="xyzqQwWkKกขคงฯ?!#/@_", min_size=1, max_size=4)
garbage = st.one_of(
    st.tuples(st.text(alphabet="0123456789.", max_size=5), letters, st.text(alphabet="0123456789", max_size=3))
    .map("".join),                                                       # 12x4, ข้อ3, 1.2.3ก ...
    st.sampled_from(["inf", "-inf", "Infinity", "nan", "NaN", "--1", "1..2", "1 2", "½", "-", "+", ".", "∞"]),
    st.floats(min_value=1e-3, max_value=1e9, allow_nan=False).map(lambda x: f"-{x:g}"),      # negative
    st.floats(min_value=1.5e12, max_value=1e300, allow_nan=False).map(lambda x: f"{x:.6g}"),  # implausibly large
)


@settings(max_examples=40)
@given(data=st.data(), fmt=st.sampled_from(["csv", "xlsx"]), thai=st.booleans())
def test_garbage_in_a_numeric_cell_is_refused_at_its_row_and_column_and_nothing_is_written(engine, base, data, fmt,
                                                                                            thai):
    before = state(engine)
    damaged = base.astype(object).copy()
    cells = data.draw(st.lists(st.tuples(st.integers(0, len(base) - 1), st.sampled_from(NUMERIC)), min_size=1,
                               max_size=4, unique=True))
    for i, col in cells:
        damaged.loc[i, col] = data.draw(garbage)
    content, name = encode(damaged, fmt, thai)
    with pytest.raises(ValidationError) as err:
        import_submissions(engine, (content, name), who="property test")
    found = {(p.row, p.column) for p in err.value.problems}
    for i, col in cells:
        assert (i + 2, THAI_HEADERS[col] if thai else col) in found      # header is row 1
    assert all(p.row is not None for p in err.value.problems)
    assert state(engine) == before


@settings(max_examples=25)
@given(data=st.data(), fmt=st.sampled_from(["csv", "xlsx"]), thai=st.booleans())
def test_sound_figures_always_pass_the_check(engine, base, data, fmt, thai):
    n = len(base)
    frames = data.draw(st.lists(st.integers(0, 1_000_000), min_size=n, max_size=n))
    shares = data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    good = base.copy()
    good["frame"] = frames
    good["delivered"] = [round(f * s, 1) if f else 0 for f, s in zip(frames, shares)]
    good["delivered"] = good[["frame", "delivered"]].min(axis=1)        # never above the frame
    content, name = encode(good, fmt, thai)
    report = import_submissions(engine, (content, name), dry_run=True)
    assert report.rows == n and report.revisions == 2


def test_the_database_is_exactly_as_before_after_every_rejected_file(engine, base):
    """The cheap row counts above, backed once by a full fingerprint over many rejected files."""
    before = table_fingerprint(engine)
    for i, bad in enumerate(["abc", "-1", "inf", "1e13"]):
        damaged = base.astype(object).copy()
        damaged.loc[i, "delivered"] = bad
        with pytest.raises(ValidationError):
            import_submissions(engine, encode(damaged, "csv", False))
    assert table_fingerprint(engine) == before
