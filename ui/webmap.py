"""Build the interactive map (a ``folium.Map``) from layers, firms and options — pure.

Nothing here touches Streamlit. The map loads Leaflet and its plugins from the
app's own static files (``asset_base``), never from a CDN, so it works offline.

Safety: every text that reaches the browser — names, roles, firm names from an
upload — goes through :func:`safe_text` (HTML-escaped, and with backticks, ``${``
and backslashes neutralised), and only through JSON data read by Leaflet, never
through folium's string tooltips or popups.

Firms are drawn so that the page stays light at any N: individual points up to
``MARKER_LIMIT``, client-side clusters up to ``CLUSTER_LIMIT``, and above that a
server-side grid of counts (1 km cells in EPSG:32651, doubled until at most
``MAX_GRID_CELLS`` cells), so the page's size is bounded whatever N.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.plugins import FastMarkerCluster

from geo.breaks import class_breaks, class_of
from geo.datum import convert
from geo.export import in_datum, json_value
from geo.grid import firm_grid
from layers.catalog import LayerEntry
from layers.sectors import taxonomy
from ui.basemaps import basemap
from ui.i18n import sector_labels, t
from ui.legend import Legend, swatch

__all__ = [
    "ASSET_BASE", "CENTER", "CLASS_COLOURS", "CLUSTER_LIMIT", "MARKER_LIMIT", "MEASURES",
    "STRONG_COLOUR", "FrameGeoJson", "Legend", "MapOptions", "build_map", "firm_mode",
    "safe_text"
]

ASSET_BASE = "/app/static"
MARKER_LIMIT = 3_000
CLUSTER_LIMIT = 60_000
CENTER = (31.18, 121.48)
MEASURES = ("firms", "firms_per_km2", "sector_share", "lq", "plan_fit")
CLASS_COLOURS = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704")
STRONG_COLOUR = "#d7191c"


def safe_text(value) -> str:
    """Text safe to place in HTML and in JavaScript strings and template literals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("`", "&#96;").replace("${", "&#36;{").replace("\\", "&#92;")


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
    classes: str = "quantile"            # class-break method, one of geo.breaks.METHODS
    strong: pd.Series | None = None           # bool per feature id (strong clusters)
    selected: str | None = None          # a feature id to highlight and fit
    focus: tuple[float, float] | None = None  # a lon/lat to centre on (a firm found by search)
    show_vector_base: bool = True
    firm_grid: gpd.GeoDataFrame | None = None  # firm_grid(firms) made earlier (e.g. cached)
    firm_mode: str | None = None         # firm_mode(len(firms)) decided by the caller, if it did
    height: int = 640


def _offline(element, js: Sequence[tuple[str, str]], css: Sequence[tuple[str, str]]) -> None:
    """Point an element's browser assets at the app's own static files."""
    element.default_js = list(js)
    element.default_css = list(css)


def _leaflet_assets(base: str):
    js = [("leaflet", f"{base}/vendor/leaflet/leaflet.js")]
    css = [("leaflet_css", f"{base}/vendor/leaflet/leaflet.css"), ("scm_css", f"{base}/map.css")]
    return js, css


def _cluster_assets(base: str):
    folder = f"{base}/vendor/leaflet.markercluster"
    return ([("markercluster", f"{folder}/leaflet.markercluster.js")],
            [("markercluster_css", f"{folder}/MarkerCluster.css"),
             ("markercluster_default_css", f"{folder}/MarkerCluster.Default.css")])


def _feature_collection(gdf: gpd.GeoDataFrame, props: Mapping[str, pd.Series]) -> dict:
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
        super().__init__(_feature_collection(gdf, props), **kwargs)
        x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds) if len(gdf) else (None,) * 4
        self._frame_bounds = [[y0, x0], [y1, x1]]

    def _get_self_bounds(self):
        return self._frame_bounds


def _round(gdf: gpd.GeoDataFrame, decimals: int = 5) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out.geometry = shapely.transform(gdf.geometry.values, lambda c: np.round(c, decimals))
    return out


def _zone_layer(gdf: gpd.GeoDataFrame, entry: LayerEntry, opts: MapOptions,
                choropleth: bool, breaks: list[float]) -> folium.GeoJson:
    lang = opts.lang
    st = entry.style
    names = gdf["name_zh"] if lang == "zh" else gdf["name_en"]
    precision = gdf["precision_m"].map(lambda p: f"±{p:,.0f} m")
    approx = gdf["approximate"].map(lambda a: t("yes" if a else "no", lang))
    props = {
        "id": gdf.index.to_series().map(safe_text),
        "name": names.map(safe_text),
        "role": gdf["role"].map(safe_text),
        "layer": pd.Series([safe_text(entry.title(lang))] * len(gdf), index=gdf.index),
        "precision": precision,
        "approximate": approx,
        "dashed": gdf["approximate"].astype(bool),
    }
    value_text = None
    if choropleth and opts.measure_values is not None:
        values = opts.measure_values.reindex(gdf.index)
        props["cls"] = values.map(lambda v: class_of(v, breaks))
        value_text = values.map(lambda v: "" if pd.isna(v) else f"{v:,.3g}")
        props["value"] = value_text
    if opts.strong is not None and choropleth:
        props["strong"] = opts.strong.reindex(gdf.index).fillna(False).astype(bool)
    if opts.selected is not None:
        props["selected"] = pd.Series(gdf.index == opts.selected, index=gdf.index)

    def style(feature):
        p = feature["properties"]
        s = {"color": st.color, "weight": st.weight, "fillColor": st.fill_color,
             "fillOpacity": st.fill_opacity, "dashArray": "6 4" if p["dashed"] else None}
        if "cls" in p:
            cls = p["cls"]
            s["fillColor"] = CLASS_COLOURS[cls] if cls is not None else "#dddddd"
            s["fillOpacity"] = 0.65 if cls is not None else 0.15
        if p.get("strong"):
            s["color"], s["weight"] = STRONG_COLOUR, 4
        if p.get("selected"):
            s["color"], s["weight"] = "#000000", 4
        return s

    fields = ["name", "role", "layer", "precision", "approximate"]
    aliases = [t(k, lang) for k in ("name", "role", "layer", "precision", "approximate")]
    if value_text is not None:
        fields.append("value")
        aliases.append(t(f"m_{opts.measure}", lang))
    if entry.kind == "point":
        marker = folium.CircleMarker(radius=6, fill=True, fill_opacity=0.9, color=st.color)
    else:
        marker = None
    return FrameGeoJson(
        gdf, props, name=safe_text(entry.title(lang)), style_function=style, marker=marker,
        highlight_function=lambda _f: {"weight": 4, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=False),
        zoom_on_click=False)


def _vector_base(base: Mapping[str, gpd.GeoDataFrame], lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=safe_text(t("vector_base", lang)), show=True)
    d = _round(base["districts"], 4)
    FrameGeoJson(d, {"name": d["district"].map(safe_text)},
                 style_function=lambda _f: {"color": "#777777", "weight": 1, "fillColor": "#f4f1ea",
                                            "fillOpacity": 0.5},
                 tooltip=folium.GeoJsonTooltip(fields=["name"], aliases=[""]),
                 ).add_to(group)
    if "lines" in base:
        lines = _round(base["lines"], 5)
        FrameGeoJson(lines, {"name": lines["line_name_zh"].map(safe_text),
                             "color": lines["color"].map(safe_text)},
                     style_function=lambda f: {"color": f["properties"]["color"], "weight": 2,
                                               "opacity": 0.7},
                     ).add_to(group)
    return group


def firm_mode(n: int) -> str:
    """How ``n`` firms are drawn: markers, clusters or grid."""
    if n <= MARKER_LIMIT:
        return "markers"
    return "clusters" if n <= CLUSTER_LIMIT else "grid"


def _sector_colours() -> dict[str, str]:
    return {s.id: s.color for s in taxonomy()} | {"unclassified": "#999999"}


def _firm_layer(firms: gpd.GeoDataFrame, opts: MapOptions, sector_label, *, mode: str,
                grid: gpd.GeoDataFrame | None = None) -> folium.Layer:
    """Firms as markers, clusters or (``grid``, already in the drawing datum) a grid."""
    lang = opts.lang
    colours = _sector_colours()
    name = safe_text(t("firm_mode", lang, mode=t(f"mode_{mode}", lang), n=f"{len(firms):,}"))
    if mode == "markers":
        f = _round(firms[["name", "sector", "geometry"]], 6)
        props = {
            "name": f["name"].map(safe_text),
            "sector": f["sector"].map(lambda s: safe_text(sector_label(s))),
            "color": f["sector"].map(lambda s: colours.get(s, "#999999")),
        }
        return FrameGeoJson(
            f, props, name=name,
            marker=folium.CircleMarker(radius=4, fill=True, fill_opacity=0.85, weight=1),
            style_function=lambda feat: {"color": feat["properties"]["color"],
                                         "fillColor": feat["properties"]["color"]},
            tooltip=folium.GeoJsonTooltip(fields=["name", "sector"],
                                          aliases=[t("name", lang), t("sectors", lang)]))
    if mode == "clusters":
        lon = firms.geometry.x.to_numpy()
        lat = firms.geometry.y.to_numpy()
        order = [s.id for s in taxonomy()] + ["unclassified"]
        idx = {s: i for i, s in enumerate(order)}
        codes = firms["sector"].map(lambda s: idx.get(s, len(order) - 1)).to_numpy()
        data = np.column_stack([np.round(lat, 5), np.round(lon, 5), codes]).tolist()
        palette = json.dumps([colours.get(s, "#999999") for s in order])
        callback = (f"function (row) {{ var c = {palette}[row[2]] || '#999999';"
                    " return L.circleMarker(new L.LatLng(row[0], row[1]),"
                    " {radius: 4, color: c, fillColor: c, fillOpacity: 0.85, weight: 1}); }")
        cluster = FastMarkerCluster(data, callback=callback, name=name)
        js, css = _cluster_assets(opts.asset_base)
        _offline(cluster, js, css)
        return cluster
    grid = _round(grid if grid is not None else firm_grid(firms), 5)
    breaks = class_breaks(grid["count"].astype(float))
    props = {
        "count": grid["count"].astype(int),
        "cls": grid["count"].map(lambda v: class_of(float(v), breaks)),
    }
    return FrameGeoJson(
        grid, props, name=name,
        style_function=lambda feat: {"stroke": False, "fillOpacity": 0.7,
                                     "fillColor": CLASS_COLOURS[feat["properties"]["cls"] or 0]},
        tooltip=folium.GeoJsonTooltip(fields=["count"], aliases=[t("firms", lang)]))


def _base_map(bm, opts: MapOptions) -> folium.Map:
    """The empty map: view, zoom range, offline assets and the basemap's tiles."""
    # maxZoom/minZoom go into the map's own options: with no tile layer, Leaflet (and
    # the marker-cluster plugin) would otherwise have no zoom range at all.
    m = folium.Map(location=CENTER, zoom_start=10, tiles=None, control_scale=True,
                   prefer_canvas=False, maxZoom=bm.max_zoom, minZoom=7)
    _offline(m, *_leaflet_assets(opts.asset_base))
    if bm.tiles and (opts.tiles_key or not bm.needs_key):
        for i, url in enumerate(bm.tiles):
            folium.TileLayer(tiles=url.replace("{key}", opts.tiles_key), attr=bm.attribution,
                             name=safe_text(bm.label(opts.lang)) + ("" if i == 0 else " +"),
                             subdomains=bm.subdomains, max_zoom=bm.max_zoom,
                             overlay=i > 0, control=False).add_to(m)
    return m


def _choropleth_legend(opts: MapOptions, breaks: list[float]) -> list[str]:
    """Legend lines of the choropleth classes (none without at least one class)."""
    if len(breaks) < 2:
        return []
    lang = opts.lang
    lines = [f"<b>{safe_text(t('m_' + opts.measure, lang))}</b> · "
             + safe_text(t("cls_" + opts.classes, lang))]
    lines += [swatch(CLASS_COLOURS[i], "#999999", opacity=0.9)
              + f"{breaks[i]:,.3g} – {breaks[i + 1]:,.3g}" for i in range(len(breaks) - 1)]
    lines.append(swatch("#ffffff", STRONG_COLOUR) + safe_text(t("strong_cluster", lang)))
    return lines


def _add_zones(m: folium.Map, frames: Mapping[str, gpd.GeoDataFrame],
               entries: Mapping[str, LayerEntry], opts: MapOptions, datum: str) -> list[str]:
    """Each layer of ``frames`` drawn in ``datum``, the choropleth on its layer; returns
    the legend lines."""
    lang = opts.lang
    breaks: list[float] = []
    if opts.measure and opts.measure_values is not None:
        breaks = class_breaks(opts.measure_values.astype(float), method=opts.classes)
    legend = []
    for layer_id, gdf in frames.items():
        if gdf.empty:
            continue
        entry = entries[layer_id]
        drawn = in_datum(gdf, datum) if datum != "wgs84" else gdf
        choropleth = opts.measure is not None and layer_id == opts.measure_layer
        _zone_layer(_round(drawn), entry, opts, choropleth, breaks).add_to(m)
        legend.append(swatch(entry.style.fill_color, entry.style.color) + safe_text(entry.title(lang)))
    legend.append(swatch("#ffffff", "#555555", dashed=True) + safe_text(t("dashed_note", lang)))
    return legend + _choropleth_legend(opts, breaks)


def _add_firms(m: folium.Map, firms: gpd.GeoDataFrame, opts: MapOptions, datum: str) -> list[str]:
    """The firms drawn as markers, clusters or grid (decided once, by :func:`firm_mode`);
    returns the legend lines."""
    lang = opts.lang
    mode = opts.firm_mode or firm_mode(len(firms))
    shift = datum != "wgs84"
    grid = None
    if mode == "grid":  # counted in WGS84 cells, drawn in the basemap's datum
        grid = opts.firm_grid if opts.firm_grid is not None else firm_grid(firms)
        grid = in_datum(grid, datum) if shift else grid
    drawn = in_datum(firms, datum) if shift and grid is None else firms
    labels = sector_labels(lang)
    _firm_layer(drawn, opts, lambda s: labels.get(s, s), mode=mode, grid=grid).add_to(m)
    return [f"<b>{safe_text(t('firms', lang))}</b> " + safe_text(t(f"mode_{mode}", lang))]


def _fit_selection(m: folium.Map, frames: Mapping[str, gpd.GeoDataFrame], opts: MapOptions,
                   datum: str) -> None:
    """Fit the view to the selected feature, or centre it on a focused firm."""
    for gdf in frames.values():
        if opts.selected is not None and opts.selected in gdf.index:
            one = gdf.loc[[opts.selected]]
            x0, y0, x1, y1 = (in_datum(one, datum) if datum != "wgs84" else one).total_bounds
            m.fit_bounds([[y0, x0], [y1, x1]])
            break
    if opts.focus is not None:
        fx, fy = opts.focus
        if datum != "wgs84":
            fx, fy = convert(fx, fy, "wgs84", datum)
        m.location = [fy, fx]
        m.options["zoom"] = 15
        folium.CircleMarker([fy, fx], radius=10, color="#000000", weight=3, fill=False).add_to(m)


def build_map(frames: Mapping[str, gpd.GeoDataFrame], entries: Mapping[str, LayerEntry],
              firms: gpd.GeoDataFrame | None, opts: MapOptions,
              base: Mapping[str, gpd.GeoDataFrame] | None = None) -> folium.Map:
    """The map: basemap, vector base, each layer in ``frames`` (already filtered), an
    optional choropleth of ``opts.measure`` on ``opts.measure_layer``, the firms,
    and a legend. Inputs are WGS84; over a GCJ-02 basemap everything is moved to
    GCJ-02 first."""
    bm = basemap(opts.basemap)
    m = _base_map(bm, opts)
    if base is not None and (opts.show_vector_base or not bm.tiles):
        vb = {k: in_datum(v, bm.datum) if bm.datum != "wgs84" else v for k, v in base.items()}
        _vector_base(vb, opts.lang).add_to(m)
    legend = [f"<b>{safe_text(t('legend', opts.lang))}</b>"]
    legend += _add_zones(m, frames, entries, opts, bm.datum)
    if firms is not None and len(firms):
        legend += _add_firms(m, firms, opts, bm.datum)
    _fit_selection(m, frames, opts, bm.datum)
    Legend("<br>".join(legend)).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    m.scm_datum = bm.datum  # the datum the overlays are drawn in, for callers and tests
    return m
