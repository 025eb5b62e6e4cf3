"""Choropleth figures of provinces and districts from a tidy pandas frame (pure: no Streamlit).

Rendering: plotly's geo trace (`go.Choropleth`, SVG, no WebGL) with our own GeoJSON. plotly.js still
fetches `world_110m.json` for any geo trace, even with the base map hidden, so pages must pass
`PLOTLY_CONFIG` (it points `topojsonURL` at an empty stub served from dashboard/static/).

Encoding:
- values: one colour scale, sequential (viridis) or diverging around 0 (RdBu) for "change" metrics;
  both are colour-blind safe (no red-vs-green).
- no value: drawn in light grey by a separate trace, so it never looks like a value and is never dropped.
- low coverage (optional flag column): the area is washed out (fill opacity) and gets a thick dark
  outline. Flagged areas are drawn last in their trace so neighbours do not paint over the outline.
  Done with per-area marker arrays instead of an overlay trace so no geometry is sent twice.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .simplify import area_names, bounds, geojson

__all__ = ["ATTRIBUTION_EN", "ATTRIBUTION_TH", "PLOTLY_CONFIG", "district_map", "province_map"]

# Streamlit serves dashboard/static/ at /app/static/ (server.enableStaticServing); the stub there keeps
# plotly.js from calling its CDN, which fails offline and leaves the map blank.
PLOTLY_CONFIG = {
    "topojsonURL": "app/static/",
    "displaylogo": False,
    "scrollZoom": False,  # do not hijack page scrolling; zoom with the mode bar or double-click
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

ATTRIBUTION_EN = (
    "Boundaries: geoBoundaries (Runfola et al. 2020), source OCHA HDX / Royal Thai Survey Department, "
    "CC BY 3.0 IGO. Names and codes: GeoThai, CC BY 4.0."
)
ATTRIBUTION_TH = (
    "ขอบเขตการปกครอง: geoBoundaries (Runfola et al. 2020) จาก OCHA HDX / กรมแผนที่ทหาร, "
    "CC BY 3.0 IGO  ชื่อและรหัส: GeoThai, CC BY 4.0"
)

Scale = Literal["sequential", "diverging"]
_COLORSCALES = {"sequential": "Viridis", "diverging": "RdBu"}
_MISSING_FILL = "#d4d4d4"
_BORDER = {"province": ("#ffffff", 0.6), "district": ("#ffffff", 0.3)}
_FLAG_LINE = ("#111111", 2.2)
_FLAG_OPACITY = 0.45


def province_map(
    df: pd.DataFrame,
    value_col: str,
    *,
    code_col: str = "province_code",
    hover_col: str | None = None,
    low_coverage_col: str | None = None,
    scale: Scale = "sequential",
    zrange: tuple[float, float] | None = None,
    colorbar_title: str = "",
    missing_label: str = "–",
    low_coverage_label: str | None = None,
    lang: Literal["th", "en"] = "th",
    tolerance: float | None = None,
    height: int = 640,
    uirevision: str | None = None,
) -> go.Figure:
    """Choropleth of the 77 provinces; `df[code_col]` holds 2-digit province codes (unique).

    hover_col: caller-made hover text (any language, `<br>` for new lines); where it is missing the hover
        shows the area name (in `lang`) and the value, or `missing_label`.
    missing_label / low_coverage_label: legend (and hover) text for the grey and flagged areas.
    """
    return _figure("province", None, df, value_col, code_col, hover_col, low_coverage_col, scale, zrange,
                   colorbar_title, missing_label, low_coverage_label, lang, tolerance, height, uirevision)


def district_map(
    df: pd.DataFrame,
    value_col: str,
    *,
    province_code: str | None = None,
    code_col: str = "district_code",
    hover_col: str | None = None,
    low_coverage_col: str | None = None,
    scale: Scale = "sequential",
    zrange: tuple[float, float] | None = None,
    colorbar_title: str = "",
    missing_label: str = "–",
    low_coverage_label: str | None = None,
    lang: Literal["th", "en"] = "th",
    tolerance: float | None = None,
    height: int = 640,
    uirevision: str | None = None,
) -> go.Figure:
    """Choropleth of districts (4-digit codes): all 928, or one province's when `province_code` is given
    (rows of other provinces are then ignored, and a finer simplification is used). Other arguments as
    in `province_map`."""
    return _figure("district", province_code, df, value_col, code_col, hover_col, low_coverage_col, scale,
                   zrange, colorbar_title, missing_label, low_coverage_label, lang, tolerance, height, uirevision)


def _subset(gj: dict, codes: list[str]) -> dict:
    """GeoJSON holding only `codes`, so each trace carries its own areas and none is sent twice."""
    by_id = {f["id"]: f for f in gj["features"]}
    return {"type": "FeatureCollection", "features": [by_id[c] for c in codes]}


def _tidy(df, value_col, code_col, hover_col, flag_col, level, province_code, known) -> pd.DataFrame:
    """Validated frame indexed by code with columns value, hover, flag."""
    codes = df[code_col].astype(str)
    if codes.duplicated().any():
        raise ValueError(f"Duplicate codes in {code_col!r}: {sorted(codes[codes.duplicated()].unique())[:10]}")
    if province_code is not None:
        keep = codes.str[:2] == province_code
        df, codes = df[keep.to_numpy()], codes[keep]
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise ValueError(f"Codes without a {level} polygon: {unknown[:10]}")
    out = pd.DataFrame(index=pd.Index(codes.to_numpy(), name="code"))
    out["value"] = pd.to_numeric(df[value_col], errors="coerce").to_numpy(dtype=float)
    out["hover"] = df[hover_col].to_numpy() if hover_col else None
    out["flag"] = df[flag_col].fillna(False).astype(bool).to_numpy() if flag_col else False
    return out


def _figure(level, province_code, df, value_col, code_col, hover_col, flag_col, scale, zrange,
            colorbar_title, missing_label, low_coverage_label, lang, tolerance, height, uirevision):
    if scale not in _COLORSCALES:
        raise ValueError(f"scale must be one of {sorted(_COLORSCALES)}")
    gj = geojson(level, tolerance, province_code)
    areas = pd.DataFrame.from_dict(area_names(level), orient="index")
    known = areas.index if province_code is None else areas.index[areas["province_code"] == province_code]
    data = _tidy(df, value_col, code_col, hover_col, flag_col, level, province_code, known)
    # Every area is drawn: areas absent from df join as missing, with their name as hover text.
    all_codes = [f["id"] for f in gj["features"]]
    data = data.reindex(all_codes)
    names = areas.loc[all_codes, f"name_{lang}"].to_numpy(dtype=object)
    data["flag"] = data["flag"].fillna(False).astype(bool)
    has_value = np.isfinite(data["value"].to_numpy())
    fallback = np.where(has_value, [f"{n}: {v:,.4g}" for n, v in zip(names, data["value"])],
                        names + f"<br>{missing_label}")
    data["hover"] = np.where(data["hover"].isna(), fallback, data["hover"])

    # Flagged last so that their thick outline is painted over the neighbours' fills.
    data = data.sort_values("flag", kind="stable")
    present = data[np.isfinite(data["value"])]
    missing = data[~np.isfinite(data["value"])]

    border_color, border_width = _BORDER[level]
    flagged_any = bool(data["flag"].any())

    def marker(part: pd.DataFrame) -> dict:
        flag = part["flag"].to_numpy()
        if not flag.any():
            return {"line": {"color": border_color, "width": border_width}}
        return {
            "line": {"color": np.where(flag, _FLAG_LINE[0], border_color).tolist(),
                     "width": np.where(flag, _FLAG_LINE[1], border_width).tolist()},
            "opacity": np.where(flag, _FLAG_OPACITY, 1.0).tolist(),
        }

    traces = []
    if len(missing):
        # Drawn first: the value trace's flagged outlines then stay on top.
        traces.append(go.Choropleth(
            geojson=_subset(gj, list(missing.index)), featureidkey="id", locations=list(missing.index),
            z=[0] * len(missing), colorscale=[[0, _MISSING_FILL], [1, _MISSING_FILL]], showscale=False,
            marker=marker(missing), text=missing["hover"].tolist(), hovertemplate="%{text}<extra></extra>",
            name=missing_label, showlegend=True,
        ))
    if len(present):
        values = present["value"]
        zmin, zmax = zrange if zrange else (float(values.min()), float(values.max()))
        extra = {}
        if scale == "diverging":
            bound = max(abs(zmin), abs(zmax)) or 1.0
            zmin, zmax = (zmin, zmax) if zrange else (-bound, bound)
            extra["zmid"] = 0.0
        traces.append(go.Choropleth(
            geojson=_subset(gj, list(present.index)), featureidkey="id", locations=list(present.index),
            z=values.tolist(), zmin=zmin, zmax=zmax, colorscale=_COLORSCALES[scale], **extra,
            marker=marker(present), text=present["hover"].tolist(), hovertemplate="%{text}<extra></extra>",
            colorbar={"title": {"text": colorbar_title}, "thickness": 14, "len": 0.7, "x": 1.0},
            showlegend=False,
        ))
    if flagged_any and low_coverage_label:
        # Legend entry only: a hollow square with the same dark outline as the flagged areas.
        traces.append(go.Scattergeo(
            lon=[None], lat=[None], mode="markers", name=low_coverage_label, hoverinfo="skip",
            marker={"symbol": "square-open", "size": 12, "color": _FLAG_LINE[0], "line": {"width": 2}},
        ))

    fig = go.Figure(traces)
    fig.update_layout(
        template="none",  # the default template adds ~10 KB per figure; the app's theme styles it anyway
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision=uirevision or f"{level}:{province_code or 'TH'}",
        legend={"orientation": "h", "x": 0.0, "y": 0.0, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.7)"},
        paper_bgcolor="rgba(0,0,0,0)",
    )
    fig.update_geos(_geo_layout(province_code))
    return fig


def _geo_layout(province_code: str | None) -> dict:
    """Hidden base map, mercator, ranges fitted to the area.

    fitbounds="locations" is not used: with visible=False plotly.js draws Thailand at a third of the frame.
    """
    x0, y0, x1, y1 = bounds(province_code)
    pad_x, pad_y = max(0.05, 0.03 * (x1 - x0)), max(0.05, 0.03 * (y1 - y0))
    return {
        "visible": False,
        "projection": {"type": "mercator"},
        "lonaxis": {"range": [x0 - pad_x, x1 + pad_x]},
        "lataxis": {"range": [y0 - pad_y, y1 + pad_y]},
        "bgcolor": "rgba(0,0,0,0)",
        "showframe": False,
    }
