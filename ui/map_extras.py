"""Map furniture beyond layers: zone names as labels, the polygon drawing tool, and
the map following its container's size.

Labels are Leaflet DivIcon markers at each zone's representative point, shown
from ``LABEL_ZOOM`` up; their text is escaped (:func:`ui.mapbase.safe_text`) and
reaches the page only as JSON. The drawing tool is folium's ``Draw`` plugin with
its script and styles served by the app (``static/vendor/leaflet-draw``).
"""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.plugins import Draw
from jinja2 import Template

from geo.metric import area_km2
from ui.firm_layer import GRID_PANE
from ui.i18n import t
from ui.mapbase import (
    CLEANUP_JS,
    FrameGeoJson,
    OnMap,
    draw_assets,
    offline,
    round_coords,
    safe_text,
)
from ui.view_report import FIT_PENDING, REPORT

__all__ = ["DRAW_TEXTS", "LABEL_ZOOM", "Attribution", "DrawTexts", "FitBesideLegend", "FollowSize",
           "GridPane", "MetricScale", "WheelAfterClick", "ZoneLabels", "draw_control",
           "label_points", "vector_base_group"]

LABEL_ZOOM = 11
BIG_KM2 = 10.0  # zones at least this large are named from LABEL_ZOOM, smaller ones two steps later


def label_points(frames: Mapping[str, gpd.GeoDataFrame], lang: str) -> list[list]:
    """``[lat, lon, name, min_zoom]`` per polygon zone: a point inside it, its escaped
    name, and the zoom its label shows from (``LABEL_ZOOM`` for zones of at least
    ``BIG_KM2``, two steps later for smaller ones, so the city view is not crowded)."""
    out = []
    for gdf in frames.values():
        polys = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        if polys.empty:
            continue
        names = polys["name_zh"] if lang == "zh" else polys["name_en"]
        pts = shapely.point_on_surface(polys.geometry.values)
        xs, ys = np.round(shapely.get_x(pts), 5), np.round(shapely.get_y(pts), 5)
        zooms = np.where(np.asarray(area_km2(polys.geometry.values)) >= BIG_KM2, LABEL_ZOOM, LABEL_ZOOM + 2)
        out += [[float(y), float(x), safe_text(n), int(z)]
                for x, y, n, z in zip(xs, ys, names, zooms, strict=True)]
    return out


class ZoneLabels(OnMap):
    """Zone names on the map from zoom ``LABEL_ZOOM`` up (non-interactive DivIcons),
    each from its own zoom (see :func:`label_points`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this.map_name() }};
            var group = L.layerGroup();
            var labels = {{ this.points|tojson }}.map(function (p) {
                return [p[3], L.marker([p[0], p[1]], {interactive: false, keyboard: false,
                    icon: L.divIcon({className: "scm-zone-label", html: "<span>" + p[2] + "</span>",
                                     iconSize: null})})];
            });
            function update() {
                var zoom = map.getZoom();
                labels.forEach(function (l) {
                    if (zoom >= l[0]) { group.addLayer(l[1]); } else { group.removeLayer(l[1]); }
                });
                if (zoom >= {{ this.min_zoom }}) { group.addTo(map); } else { map.removeLayer(group); }
            }
            map.on("zoomend", update);
            update();
            {{ this.cleanup }}(function () { map.off("zoomend", update); map.removeLayer(group); });
        })();
        {% endmacro %}
    """)

    def __init__(self, points: list[list], *, min_zoom: int = LABEL_ZOOM):
        super().__init__()
        self._name = "ZoneLabels"
        self.cleanup = CLEANUP_JS
        self.points = points
        self.min_zoom = int(min_zoom)


# L.drawLocal path → i18n key: the drawing tool's words in the user's language
DRAW_TEXTS = {
    "draw.toolbar.buttons.polygon": "draw_polygon",
    "draw.toolbar.buttons.rectangle": "draw_rectangle",
    "draw.toolbar.actions.title": "draw_cancel_title",
    "draw.toolbar.actions.text": "draw_cancel",
    "draw.toolbar.finish.title": "draw_finish_title",
    "draw.toolbar.finish.text": "draw_finish",
    "draw.toolbar.undo.title": "draw_undo_title",
    "draw.toolbar.undo.text": "draw_undo",
    "draw.handlers.polygon.tooltip.start": "draw_poly_start",
    "draw.handlers.polygon.tooltip.cont": "draw_poly_cont",
    "draw.handlers.polygon.tooltip.end": "draw_poly_end",
    "draw.handlers.rectangle.tooltip.start": "draw_rect_start",
    "draw.handlers.simpleshape.tooltip.end": "draw_rect_end",
    "edit.toolbar.buttons.remove": "draw_remove",
    "edit.toolbar.buttons.removeDisabled": "draw_remove_none",
    "edit.toolbar.actions.save.title": "draw_save_title",
    "edit.toolbar.actions.save.text": "draw_save",
    "edit.toolbar.actions.cancel.title": "draw_cancel_title",
    "edit.toolbar.actions.cancel.text": "draw_cancel",
    "edit.toolbar.actions.clearAll.title": "draw_clear_title",
    "edit.toolbar.actions.clearAll.text": "draw_clear",
    "edit.handlers.remove.tooltip.text": "draw_remove_hint",
}


class DrawTexts(OnMap):
    """Sets ``L.drawLocal`` (the drawing tool's words), and the titles of the zoom
    buttons and the layer control's button (Leaflet's are English). Before the tool is
    made, or after (the live map's words change with the language): the buttons already
    there are named again, and the layer control's next layout is named."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var texts = {{ this.texts|tojson }};
            Object.keys(texts).forEach(function (path) {
                var keys = path.split("."), node = L.drawLocal;
                for (var i = 0; i < keys.length - 1; i++) { node = node[keys[i]]; }
                node[keys[keys.length - 1]] = texts[path];
            });
            var words = {{ this.control_texts|tojson }}, map = {{ this.map_name() }};
            function name(el, text) { el.title = text; el.setAttribute("aria-label", text); }
            var zoom = map.zoomControl;
            if (zoom) {
                name(zoom._zoomInButton, words.zoom_in);
                name(zoom._zoomOutButton, words.zoom_out);
            }
            var box = map.getContainer(), buttons = {{ this.buttons|tojson }};
            Object.keys(buttons).forEach(function (css) {  // a drawing tool made before
                box.querySelectorAll("a." + css).forEach(function (a) {
                    var path = buttons[css][a.classList.contains("leaflet-disabled") ? 1 : 0];
                    name(a, texts[path]);
                });
            });
            // the layer control is made later: its button named as it is laid out
            var layout = L.Control.Layers.prototype._initLayout;
            L.Control.Layers.prototype._initLayout = function () {
                layout.call(this);
                name(this._layersLink, words.layers);
            };
            {{ this.cleanup }}(function () { L.Control.Layers.prototype._initLayout = layout; });
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str):
        super().__init__()
        self._name = "DrawTexts"
        self.cleanup = CLEANUP_JS
        self.buttons = {  # a tool button's class → its title's path (enabled, disabled)
            "leaflet-draw-draw-polygon": ["draw.toolbar.buttons.polygon"] * 2,
            "leaflet-draw-draw-rectangle": ["draw.toolbar.buttons.rectangle"] * 2,
            "leaflet-draw-edit-remove": ["edit.toolbar.buttons.remove",
                                         "edit.toolbar.buttons.removeDisabled"]}
        self.texts = {path: t(key, lang) for path, key in DRAW_TEXTS.items()}
        self.control_texts = {k: t(k, lang) for k in ("zoom_in", "zoom_out", "layers")}


class Attribution(OnMap):
    """A line in the map's attribution control (and so in its PNG): the layers and the
    offline base are derived from OpenStreetMap, whichever basemap is under them."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this.map_name() }};
            map.attributionControl.addAttribution({{ this.text|tojson }});
            {{ this.cleanup }}(function () {
                map.attributionControl.removeAttribution({{ this.text|tojson }});
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = text
        self.cleanup = CLEANUP_JS


class FollowSize(MacroElement):
    """Leaflet told whenever its container changes size (``invalidateSize``): in the
    app the page's stylesheet sets the map's height from the window's, possibly after
    the map was made, and Leaflet on its own would keep the first size (tiles and
    paths short of the new edge)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            if (window.ResizeObserver) {
                new ResizeObserver(function () { map.invalidateSize(); }).observe(map.getContainer());
            }
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "FollowSize"


class MetricScale(MacroElement):
    """A scale bar in metres and kilometres only (Leaflet's default adds miles)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"


def draw_control(asset_base: str) -> Draw:
    """Folium's drawing tool for polygons and rectangles, served offline."""
    draw = Draw(export=False, position="topleft",
                draw_options={"polyline": False, "circle": False, "marker": False,
                              "circlemarker": False, "polygon": {"allowIntersection": False},
                              "rectangle": True},
                edit_options={"edit": False})
    offline(draw, *draw_assets(asset_base))
    return draw


class WheelAfterClick(MacroElement):
    """The mouse wheel zooms the map only after the map is clicked (or focused), and no
    longer once the pointer leaves it: scrolling the page over the map scrolls the page."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            map.scrollWheelZoom.disable();
            map.on("click focus", function () { map.scrollWheelZoom.enable(); });
            map.getContainer().addEventListener("mouseleave", function () {
                map.scrollWheelZoom.disable();
            });
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "WheelAfterClick"


class FitBesideLegend(OnMap):
    """Fit ``bounds`` ([[south, west], [north, east]]) again, leaving room for the open
    legend at the bottom right and the tools at the top left, so the legend does not
    cover the zones at the map's east edge (临港); or, given ``view`` ([lat, lon, zoom]),
    open there. Added after the legend; waits until the map has its size (up to a
    minute: a fit made while the frame had no size zooms to the street) and any zoom
    animation has ended (whose end would otherwise undo this fit). With a ``token``
    (the app's map, whose overlays are swapped in place) it acts once per token: the
    same overlays drawn again for a moved view leave the view as the user left it; a
    newer fit cancels one still waiting. The fit is reported to the app at once
    (:mod:`ui.view_report`), except a new frame's first fit when ``quiet``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this.map_name() }}, tries = 0, token = {{ this.token|tojson }};
            if (token !== null && window.scmFitToken === token) return;
            window.scmFitToken = token;
            {{ this.pending }} = true;  // read by ui.view_report's ReportView
            var run = window.scmFitRun = (window.scmFitRun || 0) + 1;
            function fit() {  // once the map has its size (the frame may be laid out late)
                if (run !== window.scmFitRun) return;  // a newer fit took over
                map.invalidateSize({pan: false});  // Leaflet keeps the size it last measured
                var legend = map.getContainer().querySelector(".scm-legend"), size = map.getSize();
                var open = legend && !legend.classList.contains("scm-collapsed");
                var pad = open ? legend.offsetWidth + 72 : 0;  // the legend's width, the tools'
                // a frame not laid out yet, or narrower than the legend needs: a fit then
                // zooms to the street (Leaflet's room left is negative)
                var busy = size.x < pad + 160 || size.y < 160 || (open && !legend.offsetWidth)
                    || map._animatingZoom;
                if (busy && tries++ < 1200) {  // a loaded machine may lay the frame out late
                    return setTimeout(fit, 50);
                }
                var view = {{ this.view|tojson }};
                if (view) {
                    map.setView([view[0], view[1]], view[2], {animate: false});
                } else {
                    map.fitBounds({{ this.bounds|tojson }}, open && size.x >= pad + 160
                        ? {paddingBottomRight: [legend.offsetWidth + 24, 0],
                           paddingTopLeft: [48, 0], animate: false}
                        : {animate: false});
                }
                {{ this.pending }} = false;
                if ({{ this.report }}) { {{ this.report }}({{ this.quiet|tojson }}); }  // the app's map
            }
            setTimeout(fit, 0);
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]] | None, *, view: list[float] | None = None,
                 token: str | None = None, quiet: bool = False):
        super().__init__()
        self._name = "FitBesideLegend"
        self.bounds, self.view, self.token, self.quiet = bounds, view, token, quiet
        self.pending, self.report = FIT_PENDING, REPORT


class GridPane(MacroElement):
    """The pane the firm grid is drawn in, just below the zones' (z-index 390 < 400), so
    zone outlines show over the grid; made with the map, before any grid is added."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            if (!map.getPane({{ this.pane|tojson }})) {
                map.createPane({{ this.pane|tojson }}).style.zIndex = 390;
            }
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "GridPane"
        self.pane = GRID_PANE


def vector_base_group(base: Mapping[str, gpd.GeoDataFrame], lang: str) -> folium.FeatureGroup:
    """The offline vector base (districts and metro lines, coordinates rounded), drawn
    under the layers when no tiles are asked for or reachable."""
    group = folium.FeatureGroup(name=safe_text(t("vector_base", lang)), show=True)
    d = round_coords(base["districts"], decimals=4)
    FrameGeoJson(d, {"name": d["district"].map(safe_text)},
                 style_function=lambda _f: {"color": "#777777", "weight": 1, "fillColor": "#f4f1ea",
                                            "fillOpacity": 0.5},
                 tooltip=folium.GeoJsonTooltip(fields=["name"], aliases=[""]),
                 ).add_to(group)
    if "lines" in base:
        lines = round_coords(base["lines"], decimals=5)
        FrameGeoJson(lines, {"name": lines["line_name_zh"].map(safe_text),
                             "color": lines["color"].map(safe_text)},
                     style_function=lambda f: {"color": f["properties"]["color"], "weight": 2,
                                               "opacity": 0.7},
                     ).add_to(group)
    return group
