"""The committed example import files: small, reproducible from the sample, and with the quirks
they are meant to show. The round file writer gives one row per LAO × applicable indicator."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sample_data.examples import make_examples
from sample_data.round_file import national_round_file
from store.upload import read_table

EXAMPLES = Path(make_examples.__file__).parent
FILES = ["submissions_2569_krabi.csv", "submissions_2569_krabi_th_windows874.csv", "submissions_2569_krabi.xlsx",
         "submissions_2569_with_errors.csv", "dla_registry_sample.csv"]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    make_examples.main(out)
    return out


@pytest.mark.parametrize("name", FILES)
def test_committed_examples_are_small_and_reproducible(regenerated, name):
    committed = EXAMPLES / name
    assert committed.stat().st_size < 50_000
    assert (regenerated / name).read_bytes() == committed.read_bytes(), \
        f"{name} is stale: run python -m sample_data.examples.make_examples"


def test_encodings_and_headers():
    th = (EXAMPLES / "submissions_2569_krabi_th_windows874.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        th.decode("utf-8")
    assert th.decode("cp874").startswith("รหัส อปท.,ปี,รหัสตัวชี้วัด,กรอบการประเมิน (1),การจัดบริการสาธารณะ (2)")
    en = read_table(EXAMPLES / "submissions_2569_krabi.csv")
    xl = read_table(EXAMPLES / "submissions_2569_krabi.xlsx")
    pd.testing.assert_frame_equal(en, xl)
    assert set(en["lao_code"]) == set(make_examples.SUBMITTING) and set(en["year"]) == {"2569"}


def test_registry_example_has_the_dla_quirks():
    raw = (EXAMPLES / "dla_registry_sample.csv").read_text(encoding="utf-8")
    df = read_table(EXAMPLES / "dla_registry_sample.csv")
    assert list(df.columns) == make_examples.REGISTRY_COLUMNS
    assert df["รหัส อปท."].value_counts().max() > 1                                   # rows repeat per LAO
    assert '""' in raw and df["ที่ตั้งสำนักงานเลขที่"].str.contains(",").any()            # quoting
    assert df["LAT"].isna().any() and df["LAT"].notna().any()
    by_code = df.drop_duplicates("รหัส อปท.").set_index("รหัส อปท.")
    assert by_code.loc["6130408", "ประเภท อปท."] == "เทศบาลตำบล"
    assert by_code.loc["3200408", "ประเภท อปท."] == "ท้องถิ่นรูปแบบพิเศษ"
    assert not df["อปท."].str.startswith(("อบต.", "ทต.", "เทศบาล")).any()             # bare names


def test_national_round_file_covers_every_applicable_indicator(sqlite_engine, tmp_path):
    out = tmp_path / "round.csv"
    n = national_round_file(sqlite_engine, 2569, out)
    df = pd.read_csv(out, dtype={"lao_code": str, "indicator_code": str})
    with sqlite_engine.connect() as conn:
        laos = pd.read_sql("SELECT code, type FROM lao", conn)
        cat = pd.read_sql("SELECT code, applies_to FROM indicator WHERE year = 2569", conn)
    expected = laos.merge(cat.assign(type=cat["applies_to"].str.split(";")).explode("type"), on="type")
    assert n == len(df) == len(expected)
    assert list(df.columns) == ["lao_code", "year", "indicator_code", "frame", "delivered"]
    assert not df.duplicated(["lao_code", "indicator_code"]).any() and df["frame"].notna().all()
