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

import folium
import geopandas as gpd

from geo.grid import firm_grid
from geo.join import SortedPoints
from layers.catalog import LayerEntry
from layers.formats import in_datum
from ui.basemaps import Basemap, basemap
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
from ui.i18n import sector_labels, t
from ui.legend import STRONG_COLOUR, Legend
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
from ui.map_options import CENTER, COUNT_MEASURES, MEASURES, MapOptions, choropleth_on
from ui.mapbase import ASSET_BASE, FrameGeoJson, leaflet_assets, offline, safe_text
from ui.zone_drawing import draw_overlays, fit_map, site_outline

__all__ = ["ASSET_BASE", "CENTER", "CLASS_COLOURS", "CLUSTER_LIMIT", "COUNT_MEASURES",
           "MARKER_LIMIT", "MEASURES",
           "STRONG_COLOUR", "FrameGeoJson", "Legend", "MapOptions", "add_tools", "base_map",
           "build_map", "firm_mode", "firm_view_group", "firms_for_view", "safe_text",
           "with_vector_base"]

def base_map(bm, opts: MapOptions, *, words: bool = True) -> folium.Map:
    """The empty map: view, zoom range, offline assets and the basemap's tiles; with
    ``words``, the attribution of the OSM-derived layers in the user's language."""
    # maxZoom/minZoom go into the map's own options: with no tile layer, Leaflet (and
    # the marker-cluster plugin) would otherwise have no zoom range at all. Half zoom
    # steps let the first view fit the city more closely.
    lat, lon, zoom = opts.view if opts.view is not None else (*CENTER, 10)
    # folium types zoom_start as int; Leaflet takes half steps (zoomSnap 0.5)
    m = folium.Map(location=[lat, lon], zoom_start=zoom,  # type: ignore[arg-type]
                   tiles=None, control_scale=False,
                   prefer_canvas=False, maxZoom=bm.max_zoom, minZoom=7, zoomSnap=0.5)
    offline(m, *leaflet_assets(opts.asset_base))
    if words:  # OSM-derived layers on any basemap
        Attribution(t("preview_base", opts.lang)).add_to(m)
    if bm.tiles and (opts.tiles_key or not bm.needs_key):
        for i, url in enumerate(bm.tiles):
            folium.TileLayer(tiles=url.replace("{key}", opts.tiles_key), attr=bm.attribution,
                             name=safe_text(bm.label(opts.lang)) + ("" if i == 0 else " +"),
                             subdomains=bm.subdomains, max_zoom=bm.max_zoom,
                             overlay=i > 0, control=False).add_to(m)
    return m


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
    if not opts.dynamic_firms or firms is None or len(firms) <= CLUSTER_LIMIT or choropleth_on(opts):
        return None
    component = component or {}
    box = component_box(component.get("bounds"), basemap(opts.basemap).datum)
    zoom = component.get("zoom")
    view = firms_in_view(firms, box, zoom if isinstance(zoom, int | float) else None, points=points)
    return firm_view_group(firms, view, opts, grid=grid)


def with_vector_base(m: folium.Map, bm: Basemap, opts: MapOptions,
                     base: Mapping[str, gpd.GeoDataFrame] | None) -> folium.Map:
    """``m`` with the offline vector base (in the basemap's datum) when one is given and
    asked for, or when the basemap has no tiles."""
    if base is not None and (opts.show_vector_base or not bm.tiles):
        vb = {k: in_datum(v, bm.datum) if bm.datum != "wgs84" else v for k, v in base.items()}
        vector_base_group(vb, opts.lang).add_to(m)
    return m


def add_tools(m: folium.Map, opts: MapOptions, *, words: bool = True) -> None:
    """The map's tools and behaviours: the drawing tool (in the user's language, unless
    not ``words``: the caller names it), the wheel that zooms only after a click, the
    grid's pane, the size that follows the frame's, a metric scale."""
    if opts.draw:
        if words:
            DrawTexts(opts.lang).add_to(m)
        draw_control(opts.asset_base).add_to(m)
    WheelAfterClick().add_to(m)
    GridPane().add_to(m)
    FollowSize().add_to(m)  # the app sets the map's height from the window's
    MetricScale().add_to(m)


def build_map(frames: Mapping[str, gpd.GeoDataFrame], entries: Mapping[str, LayerEntry],
              firms: gpd.GeoDataFrame | None, opts: MapOptions,
              base: Mapping[str, gpd.GeoDataFrame] | None = None) -> folium.Map:
    """The map: basemap, vector base, each layer in ``frames`` (already filtered), an
    optional choropleth of ``opts.measure`` on ``opts.measure_layer``, the firms
    (beneath a choropleth: hidden, in the layer control), zone labels, the drawing
    tool and a collapsible legend. Inputs are WGS84; over a GCJ-02 basemap
    everything is moved to GCJ-02 first."""
    bm = basemap(opts.basemap)
    m = with_vector_base(base_map(bm, opts), bm, opts, base)
    drawn = draw_overlays(frames, entries, firms, opts, bm.datum, on=m)
    fit_map(m, drawn.drawn, opts, bm.datum)
    legend = drawn.legend
    if opts.labels and drawn.drawn:
        ZoneLabels(label_points(drawn.drawn, opts.lang)).add_to(m)
    Legend(t("legend", opts.lang), legend, toggle_label=t("legend_toggle", opts.lang)).add_to(m)
    if getattr(m, "scm_fit", None):
        FitBesideLegend(m.scm_fit).add_to(m)  # type: ignore[attr-defined]
    if opts.site is not None:  # the link's site, in the basemap's datum, dashed black
        site_outline(opts.site, bm.datum).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    add_tools(m, opts)
    # the datum the overlays are drawn in, for callers and tests (an attribute folium lacks)
    m.scm_datum = bm.datum  # type: ignore[attr-defined]
    return m
