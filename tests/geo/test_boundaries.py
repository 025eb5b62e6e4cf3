import csv

import geothai
import numpy as np
import pytest
import shapely

import geo
from geo import boundaries


def test_928_unique_district_codes(districts):
    assert len(districts) == geo.N_DISTRICTS == 928
    assert districts["district_code"].is_unique
    assert districts["district_code"].str.fullmatch(r"\d{4}").all()
    assert list(districts.columns) == ["district_code", "province_code", "name_th", "name_en", "geometry"]
    assert (districts["province_code"] == districts["district_code"].str[:2]).all()


def test_77_unique_province_codes(provinces):
    assert len(provinces) == geo.N_PROVINCES == 77
    assert provinces["province_code"].is_unique
    assert (provinces["iso"] == "TH-" + provinces["province_code"]).all()
    assert list(provinces.columns) == ["province_code", "iso", "name_th", "name_en", "geometry"]


def test_every_geothai_district_has_exactly_one_polygon(districts):
    ref = {d.code: d for p in geothai.provinces() for d in geothai.districts(p.code)}
    assert sorted(districts["district_code"]) == sorted(ref)
    for row in districts.itertuples():
        assert (row.name_th, row.name_en) == (ref[row.district_code].name_th, ref[row.district_code].name_en)


def test_same_name_districts_told_apart(districts):
    # Two Ayutthaya districts are both "Bang Sai" in English; บางซ้าย (1413) lies north of บางไทร (1404).
    bang_sai = districts.set_index("district_code").loc[["1404", "1413"]]
    assert list(bang_sai["name_th"]) == ["บางไทร", "บางซ้าย"]
    lat = shapely.get_y(shapely.centroid(bang_sai.geometry.values))
    assert lat[1] > lat[0]


def test_relabelled_districts_land_in_the_right_province(districts):
    by_name = districts.set_index("name_en")["province_code"]
    for name in ["Ban Thaen", "Khon San", "Noen Sa-nga", "Phakdi Chumphon"]:
        assert by_name[name] == "36"  # Chaiyaphum
    assert by_name["Sam Ngao"] == "63"  # Tak


def test_every_domain_province_has_exactly_one_polygon(provinces, provinces_csv):
    with open(provinces_csv, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["province_code"] for r in rows) == sorted(provinces["province_code"])
    iso = dict(zip(provinces["province_code"], provinces["iso"]))
    assert all(iso[r["province_code"]] == r["iso_3166_2"] for r in rows)


def test_districts_nest_in_their_provinces(districts, provinces):
    prov = provinces.set_index("province_code").geometry.loc[districts["province_code"]].values
    outside = shapely.area(shapely.difference(districts.geometry.values, prov))
    assert outside.max() < 1e-9
    # And each province is exactly the union of its districts.
    assert np.isclose(shapely.area(districts.geometry.values).sum(), shapely.area(provinces.geometry.values).sum())


def test_no_overlaps_or_gaps_after_cleaning(districts):
    geoms = districts.geometry.values
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)
    # Total pairwise overlap = sum of areas - area of the union.
    overlap = shapely.area(geoms).sum() - shapely.area(shapely.union_all(geoms))
    assert abs(overlap) < 1e-8
    # Thailand is ~43.4 square degrees (~515,000 km2): nothing was lost.
    assert 43.3 < shapely.area(geoms).sum() < 43.5


def test_provinces_have_no_sliver_holes(provinces):
    holes = shapely.get_num_interior_rings(shapely.get_parts(provinces.geometry.values))
    assert holes.sum() == 0


def test_returns_copies(districts):
    districts.loc[0, "name_en"] = "changed"
    assert geo.districts().loc[0, "name_en"] != "changed"


def test_missing_boundary_package_gives_clear_error(monkeypatch):
    monkeypatch.setattr(boundaries.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(geo.BoundaryDataError, match="requirements-geo.txt"):
        boundaries.data_dir()
