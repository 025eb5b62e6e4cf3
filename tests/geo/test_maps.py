import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geo

REPO = Path(__file__).resolve().parents[2]
KB = 1024


def _frame(areas, code_col, missing_every=7, flag_every=5, seed=1):
    """A realistic worst case: long Thai hover text (plotly escapes it to 6 bytes a character)."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(40, 95, len(areas))
    values[::missing_every] = np.nan
    hover = [f"{n}<br>คะแนนเฉลี่ย: {v:.1f}<br>อปท. ที่ประเมินแล้ว 12 จาก 15 แห่ง" for n, v in zip(areas["name_th"], values)]
    return pd.DataFrame({
        code_col: areas[code_col].to_numpy(), "score": values, "hover": hover,
        "low": np.arange(len(areas)) % flag_every == 0,
    })


@pytest.fixture(scope="module")
def province_df(provinces):
    return _frame(provinces, "province_code")


@pytest.fixture(scope="module")
def district_df(districts):
    return _frame(districts, "district_code")


def _drawn(fig):
    """Locations of every choropleth trace, with duplicates kept."""
    return [loc for t in fig.data if t.type == "choropleth" for loc in t.locations]


def test_national_province_figure_within_budget(province_df):
    fig = geo.province_map(province_df, "score", hover_col="hover", low_coverage_col="low", low_coverage_label="ต่ำ")
    assert len(fig.to_json()) <= 250 * KB


def test_national_district_figure_within_budget(district_df):
    fig = geo.district_map(district_df, "score", hover_col="hover", low_coverage_col="low", low_coverage_label="ต่ำ")
    assert len(fig.to_json()) <= 800 * KB


def test_missing_values_still_draw_all_77_provinces(provinces, province_df):
    df = province_df.iloc[10:].copy()  # 10 provinces absent, more with NaN values
    fig = geo.province_map(df, "score", missing_label="No data")
    drawn = _drawn(fig)
    assert sorted(drawn) == sorted(provinces["province_code"])  # each exactly once
    grey = next(t for t in fig.data if t.name == "No data")
    assert set(provinces["province_code"][:10]) <= set(grey.locations)
    assert grey.colorscale[0][1] == grey.colorscale[-1][1]  # one flat colour, not a value
    assert not grey.showscale
    assert np.isfinite(next(t for t in fig.data if t.showscale is not False).z).all()


def test_no_data_at_all_still_draws_the_map(provinces):
    fig = geo.province_map(pd.DataFrame({"province_code": [], "v": []}), "v")
    assert len(_drawn(fig)) == 77


def test_province_district_map_is_zoomed_to_the_province(districts):
    cm = districts[districts["province_code"] == "50"]
    df = pd.DataFrame({"district_code": districts["district_code"], "v": 1.0})  # other provinces ignored
    fig = geo.district_map(df, "v", province_code="50")
    assert sorted(_drawn(fig)) == sorted(cm["district_code"])
    x0, y0, x1, y1 = cm.total_bounds
    lon, lat = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    assert lon[0] < x0 < x1 < lon[1] and lat[0] < y0 < y1 < lat[1]
    assert lon[1] - lon[0] < 2.5  # not the national frame


def test_geo_layout_is_offline_safe(province_df):
    fig = geo.province_map(province_df, "score")
    g = fig.layout.geo
    assert g.visible is False and g.projection.type == "mercator"
    assert g.fitbounds in (None, False)  # with visible=False fitbounds shrinks Thailand to a third
    assert all(t.featureidkey == "id" for t in fig.data if t.type == "choropleth")
    assert fig.layout.uirevision


def test_plotly_config_and_topojson_stub():
    assert geo.PLOTLY_CONFIG["displaylogo"] is False
    assert geo.PLOTLY_CONFIG["topojsonURL"] == "app/static/"
    stub = json.loads((REPO / "dashboard" / "static" / "world_110m.json").read_text())
    assert stub == {"type": "Topology", "objects": {}, "arcs": []}


def test_caller_hover_text_is_used_verbatim(province_df):
    fig = geo.province_map(province_df, "score", hover_col="hover")
    texts = {t for tr in fig.data if tr.type == "choropleth" for t in tr.text}
    assert set(province_df["hover"]) == texts


def test_default_hover_uses_requested_language_and_missing_label(provinces):
    df = pd.DataFrame({"province_code": ["10", "50"], "v": [1.5, np.nan]})
    fig = geo.province_map(df, "v", lang="en", missing_label="No data")
    texts = {loc: t for tr in fig.data if tr.type == "choropleth" for loc, t in zip(tr.locations, tr.text)}
    assert texts["10"] == "Bangkok: 1.5"
    assert texts["50"] == "Chiang Mai<br>No data"


def test_diverging_scale_is_centred_on_zero(province_df):
    df = province_df.assign(change=province_df["score"] - 70)
    fig = geo.province_map(df, "change", scale="diverging")
    tr = next(t for t in fig.data if t.showscale is not False)
    assert tr.zmid == 0 and tr.zmin == -tr.zmax


def test_low_coverage_areas_are_outlined_and_drawn_last(province_df):
    fig = geo.province_map(province_df, "score", low_coverage_col="low", low_coverage_label="Low coverage")
    tr = next(t for t in fig.data if t.showscale is not False)
    flagged = set(province_df.loc[province_df["low"], "province_code"])
    widths = dict(zip(tr.locations, tr.marker.line.width))
    assert all(widths[c] > 1 for c in tr.locations if c in flagged)
    assert all(widths[c] < 1 for c in tr.locations if c not in flagged)
    last = list(tr.locations)[-sum(c in flagged for c in tr.locations):]
    assert set(last) <= flagged
    assert any(t.name == "Low coverage" for t in fig.data)


def test_bad_codes_are_rejected():
    with pytest.raises(ValueError, match="polygon"):
        geo.province_map(pd.DataFrame({"province_code": ["99"], "v": [1]}), "v")
    with pytest.raises(ValueError, match="Duplicate"):
        geo.province_map(pd.DataFrame({"province_code": ["10", "10"], "v": [1, 2]}), "v")


def test_geo_never_imports_streamlit():
    code = "import sys, geo, geo.maps, geo.simplify, geo.boundaries; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0
    for path in (REPO / "geo").glob("*.py"):
        assert "import streamlit" not in path.read_text(encoding="utf-8"), path
