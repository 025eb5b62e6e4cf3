"""Thai province and district boundaries and choropleth maps. Pure: never imports Streamlit."""

from .boundaries import N_DISTRICTS, N_PROVINCES, BoundaryDataError, districts, provinces
from .maps import ATTRIBUTION_EN, ATTRIBUTION_TH, PLOTLY_CONFIG, district_map, province_map
from .simplify import TOLERANCE, bounds, geojson

__all__ = [
    "ATTRIBUTION_EN",
    "ATTRIBUTION_TH",
    "N_DISTRICTS",
    "N_PROVINCES",
    "PLOTLY_CONFIG",
    "TOLERANCE",
    "BoundaryDataError",
    "bounds",
    "district_map",
    "districts",
    "geojson",
    "province_map",
    "provinces",
]
