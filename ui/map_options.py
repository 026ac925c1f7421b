"""What the map shows (:class:`MapOptions`) and the measures a choropleth can colour by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from ui.mapbase import ASSET_BASE

__all__ = ["CENTER", "COUNT_MEASURES", "MEASURES", "MapOptions", "choropleth_on"]

CENTER = (31.18, 121.48)
MEASURES = ("sector_firms", "firms", "firms_per_km2", "sector_share", "lq", "plan_fit")
#: Measures that count firms: classed and shown in whole numbers.
COUNT_MEASURES = ("sector_firms", "firms")


@dataclass
class MapOptions:
    """What the map shows. Coordinates of all inputs are WGS84."""

    basemap: str = "none"
    lang: str = "zh"
    tiles_key: str = ""
    asset_base: str = ASSET_BASE
    measure: str | None = None           # one of MEASURES
    measure_layer: str | None = None     # layer id the choropleth colours
    measure_values: pd.Series | None = None   # per feature id of measure_layer
    firm_counts: pd.Series | None = None  # per feature id of measure_layer: "12 firms; up to 340"
    measure_sector_label: str | None = None   # the sector the measure is for, in words
    classes: str = "quantile"            # class-break method, one of geo.breaks.METHODS
    strong: pd.Series | None = None           # bool per feature id (strong clusters)
    selected: str | None = None          # a feature id to highlight and fit
    focus: tuple[float, float] | None = None  # a lon/lat to centre on (a firm found by search)
    picked_firm: gpd.GeoDataFrame | None = None  # that firm, when the sector filter hides it
    view: tuple[float, float, float] | None = None  # (lat, lon, zoom) to open at (e.g. from the URL)
    fit_token: int = 0  # changed by "whole city": the map fitted again, even after a manual zoom
    site: Any = None  # a drawn site from the shared link (shapely polygon, WGS84), outlined
    show_vector_base: bool = True
    firm_grid: gpd.GeoDataFrame | None = None  # firm_grid(firms) made earlier (e.g. cached)
    firm_mode: str | None = None         # firm_mode(len(firms)) decided by the caller, if it did
    dynamic_firms: bool = False  # above CLUSTER_LIMIT the app draws the firms per view
    labels: bool = True          # zone names from zoom 11
    draw: bool = True            # the polygon drawing tool
    height: int = 660  # px; in the app, static/app.css sets it from the window's height


def choropleth_on(opts: MapOptions) -> bool:
    return bool(opts.measure and opts.measure_values is not None
                and opts.measure_values.notna().any())
