"""Reference data: provinces (facts in store/reference/provinces.csv) and districts (PyPI geothai)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geothai
import pandas as pd

PROVINCES_CSV = Path(__file__).parent / "reference" / "provinces.csv"
TYPE_COLUMNS = {"pao": "pao", "city": "city_municipality", "town": "town_municipality",
                "subdistrict_mun": "subdistrict_municipality", "sao": "sao"}


@lru_cache(maxsize=1)
def provinces_full() -> pd.DataFrame:
    """All columns of the provinces fact file, including LAO counts per type (2566 snapshot)."""
    return pd.read_csv(PROVINCES_CSV, dtype={"province_code": str}).rename(columns={"province_code": "code"})


def provinces() -> pd.DataFrame:
    """Rows for the `province` table."""
    return provinces_full()[["code", "iso_3166_2", "name_th", "name_en", "region6", "region_nesdb7",
                             "region4"]].rename(columns={"iso_3166_2": "iso"})


@lru_cache(maxsize=1)
def districts() -> pd.DataFrame:
    """928 districts with DOPA codes and Thai/English names."""
    rows = [(d.code, d.province_code, d.name_th, d.name_en)
            for p in geothai.provinces() for d in geothai.districts(p.code)]
    return pd.DataFrame(rows, columns=["code", "province_code", "name_th", "name_en"])


@lru_cache(maxsize=1)
def subdistricts() -> pd.DataFrame:
    """7,436 subdistricts (tambons): the names most LAOs carry."""
    rows = [(s.code, s.district_code, s.province_code, s.name_th, s.name_en)
            for p in geothai.provinces() for d in geothai.districts(p.code) for s in geothai.subdistricts(d.code)]
    return pd.DataFrame(rows, columns=["code", "district_code", "province_code", "name_th", "name_en"])
