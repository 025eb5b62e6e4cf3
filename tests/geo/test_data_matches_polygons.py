"""Every province and district the database knows matches exactly one polygon, and vice versa."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import text

import geo


def test_database_areas_match_polygons_one_to_one(sqlite_engine):
    with sqlite_engine.connect() as conn:
        provinces = pd.read_sql(text("SELECT code FROM province"), conn)["code"]
        districts = pd.read_sql(text("SELECT code FROM district"), conn)["code"]
        lao_districts = pd.read_sql(text("SELECT DISTINCT district_code FROM lao WHERE district_code IS NOT NULL"),
                                    conn)["district_code"]
    poly_p = geo.provinces()["province_code"]
    poly_d = geo.districts()["district_code"]
    assert poly_p.is_unique and poly_d.is_unique
    assert set(provinces) == set(poly_p) and len(provinces) == 77
    assert set(districts) == set(poly_d) and len(districts) == 928
    assert set(lao_districts) <= set(poly_d)
