import numpy as np
import pytest
import shapely
from shapely.geometry import shape

import geo

CASES = [("province", None), ("district", None), ("district", "50")]


def _signed_area(ring) -> float:
    """Shoelace area: negative for a clockwise ring in lon/lat."""
    xy = np.asarray(ring)
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def _polygons(geometry: dict):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return geometry["coordinates"]


@pytest.mark.parametrize("level, province_code", CASES)
def test_rings_clockwise_exterior_counter_clockwise_holes(level, province_code):
    # plotly's geo trace (d3) floods the map with a counter-clockwise exterior ring.
    for feature in geo.geojson(level, province_code=province_code)["features"]:
        for rings in _polygons(feature["geometry"]):
            assert _signed_area(rings[0]) < 0, feature["id"]
            assert all(_signed_area(hole) > 0 for hole in rings[1:]), feature["id"]


@pytest.mark.parametrize("level, province_code", CASES)
def test_one_feature_per_area_keyed_by_code(level, province_code, districts, provinces):
    frame = districts if level == "district" else provinces
    if province_code:
        frame = frame[frame["province_code"] == province_code]
    gj = geo.geojson(level, province_code=province_code)
    assert [f["id"] for f in gj["features"]] == list(frame[f"{level}_code"])
    assert all(f["properties"] == {} for f in gj["features"])


@pytest.mark.parametrize("level", ["province", "district"])
def test_simplified_borders_stay_shared(level):
    geoms = np.array([shape(f["geometry"]) for f in geo.geojson(level)["features"]])
    assert shapely.is_valid(geoms).all()
    overlap = shapely.area(geoms).sum() - shapely.area(shapely.union_all(geoms))
    assert overlap < 1e-4 * shapely.area(geoms).sum()


def test_cached_per_level_tolerance_and_province():
    assert geo.geojson("district") is geo.geojson("district")
    assert geo.geojson("district", province_code="50") is not geo.geojson("district")
    coarse = geo.geojson("province", tolerance=0.05)
    n_coarse = sum(len(shapely.get_coordinates(shape(f["geometry"]))) for f in coarse["features"])
    n_default = sum(len(shapely.get_coordinates(shape(f["geometry"]))) for f in geo.geojson("province")["features"])
    assert n_coarse < n_default


def test_bounds_fit_thailand_and_a_province():
    x0, y0, x1, y1 = geo.bounds()
    assert 97 < x0 < 98 and 105 < x1 < 106 and 5 < y0 < 6 and 20 < y1 < 21
    cx0, cy0, cx1, cy1 = geo.bounds("50")  # Chiang Mai
    assert x0 <= cx0 < cx1 <= x1 and y0 <= cy0 < cy1 <= y1


def test_unknown_level_or_province_rejected():
    with pytest.raises(ValueError):
        geo.geojson("subdistrict")
    with pytest.raises(ValueError):
        geo.geojson("district", province_code="99")
