"""Shared pieces of the map builder: safe text, offline assets, frame-made GeoJSON layers.

Every module that draws on the map (:mod:`ui.webmap`, :mod:`ui.firm_layer`,
:mod:`ui.legend`, :mod:`ui.map_extras`) takes these from here, so the escaping
rule and the asset locations are written once. Coordinates are lon/lat degrees in
whatever datum the caller has drawn them in.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement

from layers.formats import json_value
from ui.plain_templates import install

__all__ = ["ASSET_BASE", "CLEANUP_JS", "CLEANUP_LIST", "FrameGeoJson", "OnMap", "cluster_assets", "draw_assets", "feature_collection",
           "leaflet_assets", "offline", "round_coords", "safe_text", "swatch"]

ASSET_BASE = "/app/static"

install()  # folium renders finished text without compiling it again (ui.plain_templates)

#: JavaScript that registers a function undoing what a script added to the map (a
#: control, a handler): the app's map swaps its overlays in place, and the first of
#: them (:class:`ui.livemap.Reset`) calls every registered undo before the rest run.
CLEANUP_LIST = "window.scmCleanup"
CLEANUP_JS = f"({CLEANUP_LIST} = {CLEANUP_LIST} || []).push"


class OnMap(MacroElement):
    """A script element that acts on the map it is drawn on, whether added to the map
    itself or to a feature group on it (``{{ this.map_name() }}`` in its template)."""

    def map_name(self) -> str:
        element = self._parent
        while element is not None and not isinstance(element, folium.Map):
            element = element._parent
        if element is None:
            raise LookupError("a map script drawn outside a map")  # a programming error
        return element.get_name()


def safe_text(value) -> str:
    """Text safe to place in HTML and in JavaScript strings and template literals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("`", "&#96;").replace("${", "&#36;{").replace("\\", "&#92;")


def offline(element, js: Sequence[tuple[str, str]], css: Sequence[tuple[str, str]]) -> None:
    """Point an element's browser assets at the app's own static files."""
    element.default_js = list(js)
    element.default_css = list(css)


def leaflet_assets(base: str):
    js = [("leaflet", f"{base}/vendor/leaflet/leaflet.js")]
    css = [("leaflet_css", f"{base}/vendor/leaflet/leaflet.css"), ("scm_css", f"{base}/map.css")]
    return js, css


def cluster_assets(base: str):
    folder = f"{base}/vendor/leaflet.markercluster"
    return ([("markercluster", f"{folder}/leaflet.markercluster.js")],
            [("markercluster_css", f"{folder}/MarkerCluster.css"),
             ("markercluster_default_css", f"{folder}/MarkerCluster.Default.css")])


def draw_assets(base: str):
    folder = f"{base}/vendor/leaflet-draw"
    return [("leaflet_draw_js", f"{folder}/leaflet.draw.js")], [("leaflet_draw_css", f"{folder}/leaflet.draw.css")]


def swatch(fill: str, stroke: str, *, dashed: bool = False, opacity: float = 0.6) -> str:
    """A legend swatch (colours come from the catalog and code, never from users)."""
    dash = "dashed" if dashed else "solid"
    return (f'<span class="scm-swatch" style="background:{fill};opacity:{opacity};'
            f'border:2px {dash} {stroke}"></span>')


def feature_collection(gdf: gpd.GeoDataFrame, props: Mapping[str, pd.Series]) -> dict:
    """GeoJSON of ``gdf`` with ``props`` (Series aligned by position) as properties."""
    geoms = shapely.to_geojson(gdf.geometry.values)
    ids = [str(i) for i in gdf.index]
    cols = {k: [json_value(x) for x in v.tolist()] for k, v in props.items()}
    feats = [{"type": "Feature", "id": ids[i],
              "properties": {k: c[i] for k, c in cols.items()},
              "geometry": json.loads(g)} for i, g in enumerate(geoms)]
    return {"type": "FeatureCollection", "features": feats}


class FrameGeoJson(folium.GeoJson):
    """``folium.GeoJson`` made from a frame, which knows its bounds from the frame.

    folium would find them by walking every coordinate in Python on each render
    (~0.1 s for a page of grid cells); the frame's ``total_bounds`` is the same box."""

    def __init__(self, gdf: gpd.GeoDataFrame, props: Mapping[str, pd.Series], **kwargs):
        super().__init__(feature_collection(gdf, props), **kwargs)
        x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds) if len(gdf) else (None,) * 4
        self._frame_bounds = [[y0, x0], [y1, x1]]

    def _get_self_bounds(self):
        return self._frame_bounds


def round_coords(gdf: gpd.GeoDataFrame, *, decimals: int = 5) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` with coordinates rounded (5 decimals ≈ 1 m): a lighter page."""
    out = gdf.copy()
    out.geometry = shapely.transform(gdf.geometry.values, lambda c: np.round(c, decimals))
    return out
