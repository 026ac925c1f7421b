"""The app's map, drawn once and then changed in place.

st_folium makes a new map frame — Leaflet, its plugins and every layer loaded again —
whenever the map's script changes, and swaps only the feature groups it is handed
(``feature_group_to_add``) while the script stays the same. The live map is split to
match: a ``base`` whose script depends only on the basemap (tiles, the offline vector
base, the drawing tool, the map's behaviours), and ``overlays`` that follow what the
user does (zones and their choropleth, firms, labels, the legend, the view to fit, and
the words: attribution, the tools' titles), swapped in place. Turning a layer on,
opening a zone, a sector filter, going back to the whole city or switching the language
therefore redraw the overlays only, in the same frame.

The whole map in one piece, for the offline HTML and the PNG, is
:func:`ui.webmap.build_map`; both draw their overlays through :mod:`ui.zone_drawing`.
Inputs are WGS84, as there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from layers.catalog import LayerEntry
from ui.basemaps import basemap
from ui.i18n import t
from ui.legend import Legend
from ui.map_extras import Attribution, DrawTexts, FitBesideLegend, ZoneLabels, label_points
from ui.map_options import MapOptions
from ui.mapbase import CLEANUP_LIST, OnMap, cluster_assets, offline
from ui.view_report import ReportView
from ui.webmap import add_tools, base_map, with_vector_base
from ui.zone_drawing import draw_overlays, fit_target, focus_ring, site_outline

__all__ = ["HideAtFirst", "LiveMap", "Reset", "live_map"]


@dataclass(frozen=True)
class LiveMap:
    """``base``: the map st_folium renders once per basemap; ``overlays``:
    the feature groups it swaps in place (``feature_group_to_add``), in drawing order;
    ``control``: the layer control, made anew with them (``layer_control``)."""

    base: folium.Map
    overlays: list[folium.FeatureGroup]
    control: folium.LayerControl


class Reset(MacroElement):
    """Undo what the previous overlays' scripts added beside their layers (the legend,
    the labels' zoom handler): the first script of every swap."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var undo = {{ this.undo }} || [];
            {{ this.undo }} = [];
            undo.forEach(function (f) { f(); });
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "Reset"
        self.undo = CLEANUP_LIST  # where the scripts register their undoing (CLEANUP_JS)


class HideAtFirst(OnMap):
    """Overlays marked ``scmHidden`` (the firms under a choropleth) taken off the map
    once drawn: still in the layer control, to be turned on there."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this.map_name() }};
            (window.feature_group || []).forEach(function (g) {
                if (g.options && g.options.scmHidden) { map.removeLayer(g); }
            });
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "HideAtFirst"


def live_map(frames: Mapping[str, gpd.GeoDataFrame], entries: Mapping[str, LayerEntry],
             firms: gpd.GeoDataFrame | None, opts: MapOptions,
             base: Mapping[str, gpd.GeoDataFrame] | None = None, *,
             in_view: folium.FeatureGroup | None = None, quiet_first: bool = False) -> LiveMap:
    """The app's map in its two parts (see the module). ``in_view``: the firms of the
    reported view (:func:`ui.webmap.firms_for_view`) when the map draws firms per view.
    The view is fitted once per target (the selected zone, a given view, a focused firm,
    each press of "whole city", else the drawn layers on the frame's first drawing): the
    same overlays drawn again for a view the user moved leave that view alone, and so
    does turning a layer on or off, as in a desktop GIS. ``quiet_first``: a new frame's first
    fit is not reported (:class:`ui.map_extras.FitBesideLegend`)."""
    bm = basemap(opts.basemap)
    # the base's script is the same in either language: its words come with the overlays
    m = with_vector_base(base_map(bm, replace(opts, view=None), words=False), bm, opts, base)
    js, css = cluster_assets(opts.asset_base)  # firms may come in any swap
    offline(m, m.default_js + js, m.default_css + css)
    add_tools(m, opts, words=False)
    ReportView().add_to(m)  # the first view reported once, fitted; each fit at once
    m.scm_datum = bm.datum  # type: ignore[attr-defined]
    drawn = draw_overlays(frames, entries, firms, opts, bm.datum, on=None)
    extras = folium.FeatureGroup(name="scm-extras", control=False)
    Reset().add_to(extras)
    Attribution(t("preview_base", opts.lang)).add_to(extras)
    if opts.draw:
        DrawTexts(opts.lang).add_to(extras)
    bounds, view = fit_target(drawn.drawn, opts, bm.datum)
    if opts.focus is not None and view is not None:
        focus_ring(view).add_to(extras)
    if opts.site is not None:
        site_outline(opts.site, bm.datum).add_to(extras)
    if opts.labels and drawn.drawn:
        ZoneLabels(label_points(drawn.drawn, opts.lang)).add_to(extras)
    Legend(t("legend", opts.lang), drawn.legend,
           toggle_label=t("legend_toggle", opts.lang)).add_to(extras)
    HideAtFirst().add_to(extras)
    if bounds is not None or view is not None:
        # not the layers' bounds: a layer turned on or off keeps the view
        token = json.dumps([view, opts.selected, opts.fit_token])
        FitBesideLegend(bounds, view=view, token=token, quiet=quiet_first).add_to(extras)
    overlays = [*drawn.groups, *([in_view] if in_view is not None else []), extras]
    return LiveMap(m, overlays, folium.LayerControl(collapsed=True))
