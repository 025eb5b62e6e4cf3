"""Compact, plotly-ready GeoJSON of the boundaries.

Simplification uses `shapely.coverage_simplify`, which simplifies each shared border once, so neighbours
stay gap- and overlap-free (per-feature `simplify` opens thousands of km2 of gaps). Exterior rings are
made clockwise because plotly's geo trace (d3) reads a counter-clockwise ring as "the whole globe
minus this polygon" and floods the map.
"""

from __future__ import annotations

import functools
from typing import Literal

import numpy as np
import shapely

from .boundaries import _districts, _provinces
from .diskcache import on_disk

__all__ = ["Level", "TOLERANCE", "default_tolerance", "geojson", "bounds"]

Level = Literal["province", "district"]

# Degrees. One pixel of a ~700 px tall map of all Thailand is ~0.02 deg. Chosen against the figure
# JSON budgets (province map <= 250 KB, district map <= 800 KB); see tests/geo/test_maps.py.
TOLERANCE = {
    "province": 0.015,  # national province map: ~180 KB figure with long Thai hover text
    "district": 0.02,  # national district map: ~710 KB figure with long Thai hover text (0.015: ~790 KB)
    "zoom": 0.001,  # one province's districts: about the source's own detail, <= ~45 KB
}


def default_tolerance(level: Level, province_code: str | None = None) -> float:
    return TOLERANCE["zoom"] if province_code else TOLERANCE[level]


def _digits(tolerance: float) -> int:
    """Round coordinates to about a tenth of the tolerance: 0.02 -> 3 decimals (~110 m), 0.001 -> 4."""
    return int(min(6, max(3, np.ceil(-np.log10(tolerance)) + 1)))


def _frame(level: Level, province_code: str | None):
    if level == "province":
        gdf = _provinces()
        key = "province_code"
    elif level == "district":
        gdf = _districts()
        key = "district_code"
    else:
        raise ValueError(f"level must be 'province' or 'district', not {level!r}")
    if province_code is not None:
        gdf = gdf[gdf["province_code"] == province_code]
        if gdf.empty:
            raise ValueError(f"Unknown province code {province_code!r}")
    return gdf, key


@functools.lru_cache(maxsize=64)
@on_disk
def geojson(level: Level, tolerance: float | None = None, province_code: str | None = None) -> dict:
    """FeatureCollection with one feature per area, feature `id` = province or district code, no properties.

    Cached per (level, tolerance, province filter): treat the returned dict as read-only.
    """
    gdf, key = _frame(level, province_code)
    tol = default_tolerance(level, province_code) if tolerance is None else tolerance
    geoms = shapely.coverage_simplify(np.asarray(gdf.geometry.values), tol)
    grid = 10.0 ** -_digits(tol)
    # Snap to the rounding grid with validity kept (collapsed slivers are dropped), then round the floats
    # so they serialise short, and orient last because snapping can flip a tiny ring.
    geoms = shapely.set_precision(geoms, grid)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, _digits(tol)))
    geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    features = [
        {"type": "Feature", "id": code, "properties": {}, "geometry": shapely.geometry.mapping(g)}
        for code, g in zip(gdf[key], geoms)
        if not g.is_empty
    ]
    return {"type": "FeatureCollection", "features": features}


@functools.lru_cache(maxsize=128)
def bounds(province_code: str | None = None) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of Thailand or of one province."""
    return tuple(_bounds(province_code))


@on_disk
def _bounds(province_code: str | None) -> list[float]:
    gdf, _ = _frame("province", province_code)
    return [float(v) for v in gdf.total_bounds]


@functools.lru_cache(maxsize=2)
def area_names(level: Level) -> dict[str, dict[str, str]]:
    """code -> {province_code, name_th, name_en} of every province or district."""
    return _area_names(level)


@on_disk
def _area_names(level: Level) -> dict[str, dict[str, str]]:
    gdf, key = _frame(level, None)
    cols = ["province_code", "name_th", "name_en"]
    return {code: dict(zip(cols, row)) for code, *row in gdf[[key, *cols]].itertuples(index=False, name=None)}
