"""Build the interactive map (a ``folium.Map``) from layers, firms and options — pure.

Nothing here touches Streamlit. The map loads Leaflet and its plugins from the
app's own static files (``asset_base``), never from a CDN, so it works offline.

Safety: every text that reaches the browser — names, roles, firm names from an
upload — goes through :func:`safe_text` (HTML-escaped, and with backticks, ``${``
and backslashes neutralised), and only through JSON data read by Leaflet, never
through folium's string tooltips or popups.

The parts live in their own modules: firms (:mod:`ui.firm_layer`), the legend (:mod:`ui.legend`),
labels and the drawing tool (:mod:`ui.map_extras`), shared helpers (:mod:`ui.mapbase`). On load
the map fits the drawn layers, unless a zone is selected, a firm focused, or a view is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import pandas as pd

from geo.breaks import class_of
from geo.datum import Datum, convert
from geo.grid import firm_grid
from geo.join import SortedPoints
from layers.catalog import LayerEntry
from layers.formats import in_datum
from ui.basemaps import basemap
from ui.firm_layer import (
    CLASS_COLOURS,
    CLUSTER_LIMIT,
    MARKER_LIMIT,
    FirmView,
    component_box,
    firm_layer,
    firm_mode,
    firms_in_view,
)
from ui.i18n import role_label, sector_labels, t
from ui.legend import (
    STRONG_COLOUR,
    Legend,
    choropleth_lines,
    class_colour,
    firm_key_lines,
    grid_key_lines,
    merged_breaks,
)
from ui.map_extras import (
    Attribution,
    DrawTexts,
    FitBesideLegend,
    FollowSize,
    GridPane,
    MetricScale,
    WheelAfterClick,
    ZoneLabels,
    draw_control,
    label_points,
    vector_base_group,
)
from ui.mapbase import (
    ASSET_BASE,
    FrameGeoJson,
    leaflet_assets,
    offline,
    round_coords,
    safe_text,
    swatch,
)
from ui.mapbase import cluster_assets as _cluster_assets

__all__ = ["ASSET_BASE", "CENTER", "CLASS_COLOURS", "CLUSTER_LIMIT", "COUNT_MEASURES",
           "MARKER_LIMIT", "MEASURES",
           "STRONG_COLOUR", "FrameGeoJson", "Legend", "MapOptions", "build_map", "firm_mode",
           "firm_view_group", "firms_for_view", "safe_text"]

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
    fit_token: int = 0  # changed by "whole city": a new map, fitted again after a manual zoom
    site: Any = None  # a drawn site from the shared link (shapely polygon, WGS84), outlined
    show_vector_base: bool = True
    firm_grid: gpd.GeoDataFrame | None = None  # firm_grid(firms) made earlier (e.g. cached)
    firm_mode: str | None = None         # firm_mode(len(firms)) decided by the caller, if it did
    dynamic_firms: bool = False  # above CLUSTER_LIMIT the app draws the firms per view
    labels: bool = True          # zone names from zoom 11
    draw: bool = True            # the polygon drawing tool
    height: int = 660  # px; in the app, static/app.css sets it from the window's height


def _choropleth_on(opts: MapOptions) -> bool:
    return bool(opts.measure and opts.measure_values is not None
                and opts.measure_values.notna().any())


def _zone_props(gdf: gpd.GeoDataFrame, entry: LayerEntry, opts: MapOptions,
                breaks: list[float] | None) -> dict:
    lang = opts.lang
    names = gdf["name_zh"] if lang == "zh" else gdf["name_en"]
    props = {
        "id": gdf.index.to_series().map(safe_text),
        "name": names.map(safe_text),
        "role": gdf["role"].map(lambda r: safe_text(role_label(r, lang))),
        "layer": pd.Series([safe_text(entry.title(lang))] * len(gdf), index=gdf.index),
        "precision": gdf["precision_m"].map(lambda p: f"±{p:,.0f} m"),
        "approximate": gdf["approximate"].map(lambda a: t("yes" if a else "no", lang)),
        "dashed": gdf["approximate"].astype(bool),
    }
    if breaks is not None and opts.measure_values is not None:
        values = opts.measure_values.reindex(gdf.index)
        n = len(breaks) - 1
        props["cls"] = values.map(lambda v: class_of(v, breaks))
        props["fill"] = props["cls"].map(lambda c: class_colour(None if pd.isna(c) else int(c), n))
        fmt = "{:,.0f}" if opts.measure in COUNT_MEASURES else "{:,.3g}"
        props["value"] = values.map(lambda v: "" if pd.isna(v) else fmt.format(v))
        if opts.firm_counts is not None:
            props["counted"] = opts.firm_counts.reindex(gdf.index).fillna("").map(safe_text)
        if opts.strong is not None:
            props["strong"] = opts.strong.reindex(gdf.index).fillna(False).astype(bool)
    if opts.selected is not None:
        props["selected"] = pd.Series(gdf.index == opts.selected, index=gdf.index)
    return props


def _zone_layer(gdf: gpd.GeoDataFrame, entry: LayerEntry, opts: MapOptions,
                breaks: list[float] | None) -> folium.GeoJson:
    """One layer's zones; ``breaks`` given: coloured by the choropleth's classes."""
    lang = opts.lang
    st = entry.style
    props = _zone_props(gdf, entry, opts, breaks)

    def style(feature):
        p = feature["properties"]
        s = {"color": st.color, "weight": st.weight, "fillColor": st.fill_color,
             "fillOpacity": st.fill_opacity, "dashArray": "6 4" if p["dashed"] else None}
        if "cls" in p:
            s["fillColor"] = p["fill"] or "#dddddd"
            s["fillOpacity"] = 0.65 if p["fill"] else 0.15
        if p.get("strong"):
            s["color"], s["weight"] = STRONG_COLOUR, 4
        if p.get("selected"):
            s["color"], s["weight"] = "#000000", 4
        return s

    fields = ["name", "role", "layer", "precision", "approximate"]
    aliases = [t(k, lang) for k in fields]
    if breaks is not None:
        fields.append("value")
        aliases.append(t(f"m_{opts.measure}", lang))
        if opts.firm_counts is not None:
            fields.append("counted")
            aliases.append(t("counted", lang))
    marker = folium.CircleMarker(radius=6, fill=True, fill_opacity=0.9, color=st.color) \
        if entry.kind == "point" else None
    return FrameGeoJson(
        gdf, props, name=safe_text(entry.title(lang)), style_function=style, marker=marker,
        highlight_function=lambda _f: {"weight": 4, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=False),
        zoom_on_click=False)


def _base_map(bm, opts: MapOptions) -> folium.Map:
    """The empty map: view, zoom range, offline assets and the basemap's tiles."""
    # maxZoom/minZoom go into the map's own options: with no tile layer, Leaflet (and
    # the marker-cluster plugin) would otherwise have no zoom range at all. Half zoom
    # steps let the first view fit the city more closely.
    lat, lon, zoom = opts.view if opts.view is not None else (*CENTER, 10)
    # folium types zoom_start as int; Leaflet takes half steps (zoomSnap 0.5)
    m = folium.Map(location=[lat, lon], zoom_start=zoom,  # type: ignore[arg-type]
                   tiles=None, control_scale=False,
                   prefer_canvas=False, maxZoom=bm.max_zoom, minZoom=7, zoomSnap=0.5)
    offline(m, *leaflet_assets(opts.asset_base))
    Attribution(t("preview_base", opts.lang)).add_to(m)  # OSM-derived layers on any basemap
    if bm.tiles and (opts.tiles_key or not bm.needs_key):
        for i, url in enumerate(bm.tiles):
            folium.TileLayer(tiles=url.replace("{key}", opts.tiles_key), attr=bm.attribution,
                             name=safe_text(bm.label(opts.lang)) + ("" if i == 0 else " +"),
                             subdomains=bm.subdomains, max_zoom=bm.max_zoom,
                             overlay=i > 0, control=False).add_to(m)
    return m


def _choropleth_legend(opts: MapOptions, breaks: list[float] | None, has_firms: bool) -> list[str]:
    """The choropleth's legend lines, or the one line saying why it is not drawn."""
    if not opts.measure:
        return []
    if breaks is None or len(breaks) < 2:
        reason = "choropleth_no_firms" if not has_firms else "choropleth_no_values"
        return [safe_text(t(reason, opts.lang, measure=t("m_" + opts.measure, opts.lang)))]
    return choropleth_lines(opts.measure, opts.classes, breaks, lang=opts.lang,
                            sector_label=opts.measure_sector_label,
                            integer=opts.measure in COUNT_MEASURES)


def _add_zones(m: folium.Map, frames: Mapping[str, gpd.GeoDataFrame],
               entries: Mapping[str, LayerEntry], opts: MapOptions, datum: Datum,
               breaks: list[float] | None) -> dict[str, gpd.GeoDataFrame]:
    """Each layer of ``frames`` drawn in ``datum``, the choropleth (``breaks``) on its
    layer; returns the frames as drawn (in ``datum``)."""
    drawn_frames = {}
    for layer_id, gdf in frames.items():
        if gdf.empty:
            continue
        drawn = round_coords(in_datum(gdf, datum) if datum != "wgs84" else gdf)
        drawn_frames[layer_id] = drawn
        use = breaks if breaks and len(breaks) >= 2 and layer_id == opts.measure_layer else None
        _zone_layer(drawn, entries[layer_id], opts, use).add_to(m)
    return drawn_frames


def _zone_legend(frames, entries, opts: MapOptions) -> list[str]:
    lines = [swatch(entries[k].style.fill_color, entries[k].style.color) + safe_text(entries[k].title(opts.lang))
             for k, gdf in frames.items() if not gdf.empty]
    return lines + [swatch("#ffffff", "#555555", dashed=True) + safe_text(t("dashed_note", opts.lang))]


def _add_firms(m: folium.Map, firms: gpd.GeoDataFrame, opts: MapOptions, datum: Datum) -> list[str]:
    """The firms (markers, clusters or grid, by :func:`firm_mode`), hidden under a
    choropleth; returns the legend lines (mode and the colour of each sector present)."""
    lang = opts.lang
    under = _choropleth_on(opts)
    lines = [f"<b>{safe_text(t('firms', lang))}</b>"]
    if opts.dynamic_firms and len(firms) > CLUSTER_LIMIT:
        # the app adds the firms for each view; the plugin must already be on the page
        offline(m, m.default_js + _cluster_assets(opts.asset_base)[0],
                m.default_css + _cluster_assets(opts.asset_base)[1])
        lines.append(safe_text(t("firms_by_view", lang)))
        lines.append(safe_text(t("cluster_key", lang)))
        if opts.firm_grid is not None and len(opts.firm_grid):
            lines += grid_key_lines(opts.firm_grid["count"], lang=lang)
    else:
        mode = opts.firm_mode or firm_mode(len(firms))
        grid = None
        if mode == "grid":  # counted in WGS84 cells, drawn in the basemap's datum
            grid = opts.firm_grid if opts.firm_grid is not None else firm_grid(firms)
            grid = in_datum(grid, datum) if datum != "wgs84" else grid
        drawn = in_datum(firms, datum) if datum != "wgs84" and grid is None else firms
        labels = sector_labels(lang)
        firm_layer(drawn, mode=mode, lang=lang, asset_base=opts.asset_base, grid=grid, show=not under,
                   sector_label=lambda s: labels.get(s, s)).add_to(m)
        lines.append(safe_text(t(f"mode_{mode}", lang)))
        if mode == "clusters":
            lines.append(safe_text(t("cluster_key", lang)))
        if grid is not None and len(grid):
            lines += grid_key_lines(grid["count"], lang=lang)
    if under:
        lines.append(safe_text(t("firms_under_choropleth", lang)))
    return lines + firm_key_lines(firms["sector"].unique(), lang=lang)


def _add_picked(m: folium.Map, picked: gpd.GeoDataFrame, opts: MapOptions, datum: Datum) -> None:
    """A firm picked by search that the sector filter hides, drawn on its own (a marker
    in its sector's colour, with its tooltip), above the firms shown."""
    labels = sector_labels(opts.lang)
    firm_layer(in_datum(picked, datum) if datum != "wgs84" else picked, mode="markers",
               lang=opts.lang, asset_base=opts.asset_base, sector_label=lambda s: labels.get(s, s),
               name=t("picked_firm", opts.lang)).add_to(m)


def firm_view_group(firms: gpd.GeoDataFrame, view: FirmView, opts: MapOptions, *,
                    grid: gpd.GeoDataFrame | None = None) -> folium.FeatureGroup:
    """The firms to draw for one view (see :func:`ui.firm_layer.firms_in_view`) as a
    feature group the app hands to st_folium, which swaps it without redrawing the map."""
    datum = basemap(opts.basemap).datum
    shown = firms if view.rows is None else firms.iloc[view.rows]
    if view.mode == "grid":
        grid = grid if grid is not None else firm_grid(firms)
        grid = in_datum(grid, datum) if datum != "wgs84" else grid
    elif datum != "wgs84":
        shown = in_datum(shown, datum)
    labels = sector_labels(opts.lang)
    group = folium.FeatureGroup(name=safe_text(t("firms", opts.lang)))
    firm_layer(shown, mode=view.mode, lang=opts.lang, asset_base=opts.asset_base, grid=grid,
               sector_label=lambda s: labels.get(s, s)).add_to(group)
    return group


def firms_for_view(firms: gpd.GeoDataFrame | None, component: Mapping | None, opts: MapOptions, *,
                   points: SortedPoints | None = None,
                   grid: gpd.GeoDataFrame | None = None) -> folium.FeatureGroup | None:
    """The feature group of firms for the view st_folium last reported (``component``:
    its value, with ``bounds`` and ``zoom``), when the map draws firms per view
    (``opts.dynamic_firms`` and more than ``CLUSTER_LIMIT`` firms, no choropleth over
    them); else None."""
    if not opts.dynamic_firms or firms is None or len(firms) <= CLUSTER_LIMIT or _choropleth_on(opts):
        return None
    component = component or {}
    box = component_box(component.get("bounds"), basemap(opts.basemap).datum)
    zoom = component.get("zoom")
    view = firms_in_view(firms, box, zoom if isinstance(zoom, int | float) else None, points=points)
    return firm_view_group(firms, view, opts, grid=grid)


def _fit(m: folium.Map, frames: Mapping[str, gpd.GeoDataFrame], opts: MapOptions,
         datum: Datum) -> None:
    """Centre on a focused firm; else keep a given view (``opts.view``); else fit the
    selected feature, or the drawn layers. ``frames`` are already in ``datum``."""
    selected = [gdf.loc[[opts.selected]] for gdf in frames.values()
                if opts.selected is not None and opts.selected in gdf.index]
    if opts.focus is not None:
        fx, fy = opts.focus
        if datum != "wgs84":
            fx, fy = convert(fx, fy, "wgs84", datum)
        m.location = [fy, fx]
        m.options["zoom"] = 15
        folium.CircleMarker([fy, fx], radius=10, color="#000000", weight=3, fill=False).add_to(m)
    elif opts.view is None and (selected or frames):
        boxes = pd.DataFrame([g.total_bounds for g in (selected[:1] or frames.values())])
        x0, y0 = boxes[0].min(), boxes[1].min()
        x1, y1 = boxes[2].max(), boxes[3].max()
        m.fit_bounds([[float(y0), float(x0)], [float(y1), float(x1)]])
        m.scm_fit = [[float(y0), float(x0)], [float(y1), float(x1)]]  # type: ignore[attr-defined]


def build_map(frames: Mapping[str, gpd.GeoDataFrame], entries: Mapping[str, LayerEntry],
              firms: gpd.GeoDataFrame | None, opts: MapOptions,
              base: Mapping[str, gpd.GeoDataFrame] | None = None) -> folium.Map:
    """The map: basemap, vector base, each layer in ``frames`` (already filtered), an
    optional choropleth of ``opts.measure`` on ``opts.measure_layer``, the firms
    (beneath a choropleth: hidden, in the layer control), zone labels, the drawing
    tool and a collapsible legend. Inputs are WGS84; over a GCJ-02 basemap
    everything is moved to GCJ-02 first."""
    bm = basemap(opts.basemap)
    m = _base_map(bm, opts)
    if base is not None and (opts.show_vector_base or not bm.tiles):
        vb = {k: in_datum(v, bm.datum) if bm.datum != "wgs84" else v for k, v in base.items()}
        vector_base_group(vb, opts.lang).add_to(m)
    breaks = merged_breaks(opts.measure_values, method=opts.classes,
                           integer=opts.measure in COUNT_MEASURES) \
        if _choropleth_on(opts) and opts.measure_values is not None else None
    drawn = _add_zones(m, frames, entries, opts, bm.datum, breaks)
    legend = _zone_legend(frames, entries, opts)
    has_firms = firms is not None and len(firms) > 0
    if firms is not None and has_firms:
        legend += _add_firms(m, firms, opts, bm.datum)
    if opts.picked_firm is not None and len(opts.picked_firm):
        _add_picked(m, opts.picked_firm, opts, bm.datum)
    legend += _choropleth_legend(opts, breaks, has_firms)
    _fit(m, drawn, opts, bm.datum)
    if opts.labels and drawn:
        ZoneLabels(label_points(drawn, opts.lang)).add_to(m)
    if opts.draw:
        DrawTexts(opts.lang).add_to(m)
        draw_control(opts.asset_base).add_to(m)
    Legend(t("legend", opts.lang), legend, toggle_label=t("legend_toggle", opts.lang)).add_to(m)
    if getattr(m, "scm_fit", None):
        FitBesideLegend(m.scm_fit).add_to(m)  # type: ignore[attr-defined]
    WheelAfterClick().add_to(m)
    GridPane().add_to(m)
    if opts.fit_token:
        m.options["scmFit"] = opts.fit_token
    if opts.site is not None:  # the link's site, in the basemap's datum, dashed black
        site = gpd.GeoDataFrame(geometry=[opts.site], crs="EPSG:4326")
        folium.GeoJson(in_datum(site, bm.datum) if bm.datum != "wgs84" else site,
                       style_function=lambda _f: {"color": "#000000", "weight": 3, "dashArray": "6 4",
                                                  "fillOpacity": 0.05}).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    FollowSize().add_to(m)  # the app sets the map's height from the window's
    MetricScale().add_to(m)
    # the datum the overlays are drawn in, for callers and tests (an attribute folium lacks)
    m.scm_datum = bm.datum  # type: ignore[attr-defined]
    return m
