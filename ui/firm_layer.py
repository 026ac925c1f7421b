"""Firms on the map: points, clusters or a grid, chosen for the whole city or for the view.

Individual points up to ``MARKER_LIMIT``, client-side clusters up to
``CLUSTER_LIMIT``, and above that a server-side grid of counts (see
:mod:`geo.grid`), so the page stays light at any N. Above ``CLUSTER_LIMIT`` the
app asks :func:`firms_in_view` what to draw for the map's current view: zoomed in
far enough, the firms inside the view are few enough for clusters, then points.

Coordinates are WGS84 lon/lat unless a caller has moved them to the basemap's datum.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.elements import JSCSSMixin
from jinja2 import Template

from firms.certainty import coarse_mask
from firms.intake.importer import with_points
from firms.intake.places import placement_messages
from geo.breaks import class_of, merged_breaks
from geo.datum import Datum, convert
from geo.grid import firm_grid
from geo.join import SortedPoints, firm_lonlat
from layers.sectors import taxonomy
from ui.i18n import t
from ui.mapbase import FrameGeoJson, cluster_assets, offline, round_coords, safe_text
from ui.phrases import phrase

__all__ = ["CLUSTER_LIMIT", "CLASS_COLOURS", "GRID_PANE", "MARKER_LIMIT", "RING_LIMIT",
           "ClusterLayer", "FirmView", "GridLayer", "class_colour", "component_box",
           "firm_layer", "firm_mode", "firms_in_view", "grid_breaks", "placement_rings",
           "precise_only", "sector_colours"]

MARKER_LIMIT = 3_000
CLUSTER_LIMIT = 60_000
VIEW_PAD = 0.2  # the view's box grown by this share on each side: a small pan needs no new points
FirmFrame = TypeVar("FirmFrame", pd.DataFrame, gpd.GeoDataFrame)
RING_LIMIT = 2_000  # coarse placements drawn as rings, the most populous first
CLASS_COLOURS = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704")
#: The map pane the grid is drawn in: below the zones' (Leaflet's overlayPane, 400),
#: so zone outlines stay visible over the grid.
GRID_PANE = "scmGrid"


def class_colour(cls: int | None, n_classes: int) -> str | None:
    """The colour of class ``cls`` of ``n_classes``, spread over the whole ramp."""
    if cls is None or n_classes < 1:
        return None
    if n_classes == 1:
        return CLASS_COLOURS[-1]
    return CLASS_COLOURS[round(cls * (len(CLASS_COLOURS) - 1) / (n_classes - 1))]


def grid_breaks(counts) -> list[float]:
    """The grid's classes: whole-number edges of the cells' firm counts (quantiles)."""
    return merged_breaks(pd.Series(counts, dtype=float), integer=True)



def firm_mode(n: int) -> str:
    """How ``n`` firms are drawn: markers, clusters or grid."""
    if n <= MARKER_LIMIT:
        return "markers"
    return "clusters" if n <= CLUSTER_LIMIT else "grid"


def sector_colours() -> dict[str, str]:
    """Sector id → the colour its firms are drawn in (grey for unclassified)."""
    return {s.id: s.color for s in taxonomy()} | {"unclassified": "#999999"}


@dataclass(frozen=True)
class FirmView:
    """What to draw for one view: ``mode`` and the rows (positions in the firm frame)."""

    mode: str
    rows: np.ndarray | None  # None: every firm (the whole-city decision)

    @property
    def n(self) -> int:
        return -1 if self.rows is None else len(self.rows)


def component_box(bounds: Mapping | None, datum: Datum = "wgs84") -> tuple[float, float, float, float] | None:
    """(west, south, east, north) in WGS84 from the bounds st_folium returns
    (``{"_southWest": {"lat", "lng"}, "_northEast": {...}}``, in the drawn ``datum``);
    None when the component has not reported a view yet."""
    if bounds is None:
        return None
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        x0, y0, x1, y1 = float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"])
    except (KeyError, TypeError, ValueError):
        return None
    if not all(np.isfinite([x0, y0, x1, y1])) or x1 <= x0 or y1 <= y0:
        return None
    if datum != "wgs84":
        (x0, x1), (y0, y1) = convert(np.array([x0, x1]), np.array([y0, y1]), datum, "wgs84")
    return float(x0), float(y0), float(x1), float(y1)


def firms_in_view(firms: gpd.GeoDataFrame, bounds, zoom: float | None, *,
                  points: SortedPoints | None = None) -> FirmView:
    """What to draw of ``firms`` for the view ``bounds`` (west, south, east, north; WGS84)
    at ``zoom``: every firm by :func:`firm_mode` when the view is unknown or the city
    holds few enough, else the firms inside the (padded) view as points
    (≤ ``MARKER_LIMIT``) or clusters (≤ ``CLUSTER_LIMIT``), else the city's grid.

    ``points`` (the firms sorted by longitude, :class:`geo.join.SortedPoints`) makes
    this a binary search plus a mask over the view's slice: milliseconds at 1M firms.
    """
    if bounds is None or zoom is None or len(firms) <= CLUSTER_LIMIT:
        return FirmView(firm_mode(len(firms)), None)
    pts = points if points is not None else SortedPoints.of(firms)
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * VIEW_PAD, (y1 - y0) * VIEW_PAD
    i0 = np.searchsorted(pts.xs, x0 - dx, side="left")
    i1 = np.searchsorted(pts.xs, x1 + dx, side="right")
    ys = pts.ys[i0:i1]
    inside = (ys >= y0 - dy) & (ys <= y1 + dy)
    n = int(np.count_nonzero(inside))
    if n > CLUSTER_LIMIT:
        return FirmView("grid", None)
    return FirmView(firm_mode(n), np.sort(pts.order[i0:i1][inside]))


def _markers(firms, name, sector_label, lang, colours, show):
    f = round_coords(with_points(firms)[["name", "sector", "geometry"]], decimals=6)
    props = {
        "name": f["name"].map(safe_text),
        "sector": f["sector"].map(lambda s: safe_text(sector_label(s))),
        "color": f["sector"].map(lambda s: colours.get(s, "#999999")),
    }
    return FrameGeoJson(
        f, props, name=name, show=show,
        marker=folium.CircleMarker(radius=4, fill=True, fill_opacity=0.85, weight=1),
        style_function=lambda feat: {"color": feat["properties"]["color"],
                                     "fillColor": feat["properties"]["color"]},
        tooltip=folium.GeoJsonTooltip(fields=["name", "sector"],
                                      aliases=[t("name", lang), t("sectors", lang)]))


class ClusterLayer(JSCSSMixin, folium.map.Layer):
    """Firms as client-side clusters (Leaflet.markercluster), each a dot in its sector's
    colour. The rows go to the page once as a JSON array ``[lat, lon, sector code]``
    (no user text), built with numpy: ~0.1 s for 60,000 firms, where folium's
    ``FastMarkerCluster`` checks every location in Python (~0.7 s for 18,000)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup({chunkedLoading: true});
        (function () {
            var palette = {{ this.palette|tojson }};
            var rows = {{ this.data_json }};
            var markers = new Array(rows.length);
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i], c = palette[r[2]] || "#999999";
                markers[i] = L.circleMarker([r[0], r[1]],
                    {radius: 4, color: c, fillColor: c, fillOpacity: 0.85, weight: 1});
            }
            {{ this.get_name() }}.addLayers(markers);
        })();
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
    """)

    def __init__(self, firms: gpd.GeoDataFrame, *, name: str, asset_base: str, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "ClusterLayer"
        colours = sector_colours()
        order = [s.id for s in taxonomy()] + ["unclassified"]
        codes = pd.Categorical(firms["sector"], categories=order).codes.astype(int)
        codes[codes < 0] = len(order) - 1
        lon, lat = firm_lonlat(firms)
        rows = np.column_stack([np.round(lat, 5), np.round(lon, 5), codes]).tolist()
        self.data_json = json.dumps(rows, separators=(",", ":"))
        self.palette = [colours.get(s, "#999999") for s in order]
        offline(self, *cluster_assets(asset_base))
        x0, y0, x1, y1 = ((float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))
                          if len(firms) else (None,) * 4)
        self._frame_bounds = [[y0, x0], [y1, x1]]

    def _get_self_bounds(self):
        return self._frame_bounds


class GridLayer(folium.map.Layer):
    """The firm grid as one Leaflet GeoJSON layer whose style and tooltip are JavaScript
    functions of each cell's properties: the page carries the cells once, as plain JSON
    (counts and colours only, no user text), and building it stays cheap at any N."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON(null, {
            pane: {{ this.pane|tojson }},
            style: function (f) { return {stroke: false, fillOpacity: 0.7, fillColor: f.properties.fill}; }
        });
        function {{ this.get_name() }}_add(data) { {{ this.get_name() }}.addData(data); }
        {{ this.get_name() }}_add({{ this.data_json }});
        {{ this.get_name() }}.bindTooltip(function (layer) {
            return {{ this.alias|tojson }} + ": " + layer.feature.properties.count.toLocaleString();
        }, {sticky: true});
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
    """)

    def __init__(self, grid: gpd.GeoDataFrame, *, name: str, alias: str, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GridLayer"
        self.pane = GRID_PANE
        counts = grid["count"].astype(int).to_numpy()
        breaks = grid_breaks(counts)
        fills = [class_colour(class_of(float(v), breaks) or 0, max(len(breaks) - 1, 1)) or CLASS_COLOURS[0]
                 for v in counts]
        self.data_json = json.dumps(_cells(grid, counts, fills), sort_keys=True, separators=(",", ":"))
        self.alias = alias
        x0, y0, x1, y1 = (float(v) for v in grid.total_bounds) if len(grid) else (None,) * 4
        self._frame_bounds = [[y0, x0], [y1, x1]]

    def _get_self_bounds(self):
        return self._frame_bounds


def _cells(grid: gpd.GeoDataFrame, counts: np.ndarray, fills: list[str]) -> dict:
    """GeoJSON of the grid's cells (rings read as arrays, coordinates to ~1 m)."""
    rings = [np.round(shapely.get_coordinates(shapely.get_exterior_ring(g)), 5).tolist()
             for g in grid.geometry.values]
    feats = [{"type": "Feature", "properties": {"count": int(c), "fill": f},
              "geometry": {"type": "Polygon", "coordinates": [r]}}
             for r, c, f in zip(rings, counts, fills, strict=True)]
    return {"features": feats, "type": "FeatureCollection"}


def precise_only(firms: FirmFrame) -> FirmFrame:
    """The firms placed precisely enough to be drawn as points (:mod:`firms.certainty`)."""
    coarse = coarse_mask(firms)
    return firms[~coarse] if coarse.any() else firms


def placement_rings(firms: pd.DataFrame, *, lang: str, show: bool = True) -> folium.FeatureGroup:
    """Firms placed only to a zone, 街道/镇 or 区 (or with a wide stated precision), drawn
    as what they are: one dashed ring per placement, its radius the precision, saying how
    many firms were placed so and how (never a dot at the unit's representative point)."""
    coarse = firms[coarse_mask(firms)]
    lon, lat = firm_lonlat(coarse)
    groups = pd.DataFrame({"lon": np.round(lon, 6), "lat": np.round(lat, 6),
                           "precision": coarse["placement_precision_m"].to_numpy(dtype=float),
                           "how": coarse["placement"].astype(str).to_numpy()})
    rings = (groups.groupby(["lon", "lat", "precision", "how"]).size().rename("n")
             .reset_index().sort_values("n", ascending=False).head(RING_LIMIT))
    group = folium.FeatureGroup(name=safe_text(t("coarse_firms", lang, n=f"{len(coarse):,}")),
                                show=show)
    said = placement_messages()
    for lon, lat, precision, how, n in rings.itertuples(index=False):
        text = safe_text(t("placed_ring", lang, n=f"{int(n):,}", how=phrase(str(how), lang, said),
                           km=f"{float(precision) / 1000:,.1f}"))
        folium.Circle(location=[float(lat), float(lon)], radius=float(precision), color="#555555",
                      weight=1.5, dash_array="6 6", fill=True, fill_opacity=0.04,
                      tooltip=text).add_to(group)  # folium's Popup needs jQuery, not loaded
    return group


def firm_layer(firms: gpd.GeoDataFrame, *, mode: str, lang: str, asset_base: str, sector_label,
               grid: gpd.GeoDataFrame | None = None, show: bool = True,
               name: str | None = None) -> folium.map.Layer:
    """Firms as markers, clusters or (``grid``, already in the drawing datum) a grid;
    hidden at first (but in the layer control) when ``show`` is false. ``name`` (plain
    text) names it in the layer control instead of the mode and count. Firms placed too
    coarsely for a point are drawn as rings (:func:`placement_rings`) in a group with
    the others."""
    coarse = coarse_mask(firms)
    if coarse.any():
        group = folium.FeatureGroup(name=safe_text(name if name is not None else t("firms", lang)),
                                    show=show)
        placement_rings(firms, lang=lang).add_to(group)
        if not coarse.all():
            firm_layer(firms[~coarse], mode=mode, lang=lang, asset_base=asset_base, grid=grid,
                       sector_label=sector_label).add_to(group)
        return group
    colours = sector_colours()
    name = safe_text(name if name is not None else
                     t("firm_mode", lang, mode=t(f"mode_{mode}", lang), n=f"{len(firms):,}"))
    if mode == "markers":
        return _markers(firms, name, sector_label, lang, colours, show)
    if mode == "clusters":
        return ClusterLayer(firms, name=name, asset_base=asset_base, show=show)
    return GridLayer(grid if grid is not None else firm_grid(firms), name=name, alias=t("firms", lang),
                     show=show)
