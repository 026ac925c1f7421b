"""What the map draws over its base, shared by the whole map (:mod:`ui.webmap`, for
exports and the PNG) and the app's live map (:mod:`ui.livemap`): each layer's zones and
their choropleth, the firms, a firm picked by search, the legend's lines and the view to
fit. Each ``add_*`` adds to a map or to a feature group. Inputs are WGS84 unless a
``datum`` says they were already moved into the basemap's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import pandas as pd

from geo.breaks import class_of
from geo.datum import Datum, convert
from geo.grid import firm_grid
from layers.catalog import LayerEntry
from layers.formats import in_datum
from ui.firm_layer import CLUSTER_LIMIT, firm_layer, firm_mode
from ui.i18n import role_label, sector_labels, t
from ui.legend import (
    STRONG_COLOUR,
    choropleth_lines,
    class_colour,
    firm_key_lines,
    grid_key_lines,
    merged_breaks,
)
from ui.map_options import COUNT_MEASURES, MapOptions, choropleth_on
from ui.mapbase import FrameGeoJson, offline, round_coords, safe_text, swatch
from ui.mapbase import cluster_assets as _cluster_assets

__all__ = ["Overlays", "add_firms", "add_picked", "draw_overlays", "choropleth_legend", "fit_map", "fit_target",
           "focus_ring", "site_outline", "zone_layer", "zone_legend", "zone_props"]


def zone_props(gdf: gpd.GeoDataFrame, entry: LayerEntry, opts: MapOptions,
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


def zone_layer(gdf: gpd.GeoDataFrame, entry: LayerEntry, opts: MapOptions,
                breaks: list[float] | None) -> folium.GeoJson:
    """One layer's zones; ``breaks`` given: coloured by the choropleth's classes."""
    lang = opts.lang
    st = entry.style
    props = zone_props(gdf, entry, opts, breaks)

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


def choropleth_legend(opts: MapOptions, breaks: list[float] | None, has_firms: bool) -> list[str]:
    """The choropleth's legend lines, or the one line saying why it is not drawn."""
    if not opts.measure:
        return []
    if breaks is None or len(breaks) < 2:
        reason = "choropleth_no_firms" if not has_firms else "choropleth_no_values"
        return [safe_text(t(reason, opts.lang, measure=t("m_" + opts.measure, opts.lang)))]
    return choropleth_lines(opts.measure, opts.classes, breaks, lang=opts.lang,
                            sector_label=opts.measure_sector_label,
                            integer=opts.measure in COUNT_MEASURES)


@dataclass
class Overlays:
    """What :func:`draw_overlays` drew: the frames as drawn (in the basemap's datum),
    the legend's lines, and (drawn into groups) the feature groups in drawing order."""

    drawn: dict[str, gpd.GeoDataFrame]
    legend: list[str]
    groups: list[folium.FeatureGroup] = field(default_factory=list)


def draw_overlays(frames: Mapping[str, gpd.GeoDataFrame], entries: Mapping[str, LayerEntry],
                  firms: gpd.GeoDataFrame | None, opts: MapOptions, datum: Datum, *,
                  on: folium.Map | None) -> Overlays:
    """Each layer of ``frames`` (the choropleth on its layer), the firms and a firm
    picked by search, in ``datum``: onto the map ``on``, or with ``on=None`` each into a
    feature group of its own (named as in the layer control; the firms under a
    choropleth marked ``scmHidden``, for the live map to hide at first)."""
    groups: list[folium.FeatureGroup] = []

    def parent(name: str, *, hidden: bool = False) -> folium.Map | folium.FeatureGroup:
        if on is not None:
            return on
        groups.append(folium.FeatureGroup(name=name, **({"scm_hidden": True} if hidden else {})))
        return groups[-1]

    breaks = merged_breaks(opts.measure_values, method=opts.classes,
                           integer=opts.measure in COUNT_MEASURES) \
        if choropleth_on(opts) and opts.measure_values is not None else None
    drawn: dict[str, gpd.GeoDataFrame] = {}
    for layer_id, gdf in frames.items():
        if gdf.empty:
            continue
        drawn[layer_id] = round_coords(in_datum(gdf, datum) if datum != "wgs84" else gdf)
        use = breaks if breaks and len(breaks) >= 2 and layer_id == opts.measure_layer else None
        zone_layer(drawn[layer_id], entries[layer_id], opts, use).add_to(
            parent(safe_text(entries[layer_id].title(opts.lang))))
    legend = zone_legend(frames, entries, opts)
    has_firms = firms is not None and len(firms) > 0
    if firms is not None and has_firms:
        per_view = on is None and opts.dynamic_firms and len(firms) > CLUSTER_LIMIT  # the caller's
        target = folium.FeatureGroup() if per_view else \
            parent(safe_text(t("firms", opts.lang)), hidden=choropleth_on(opts))
        legend += add_firms(target, firms, opts, datum, nested=on is None)
    if opts.picked_firm is not None and len(opts.picked_firm):
        add_picked(parent(safe_text(t("picked_firm", opts.lang))), opts.picked_firm, opts, datum)
    legend += choropleth_legend(opts, breaks, has_firms)
    return Overlays(drawn, legend, groups)


def zone_legend(frames, entries, opts: MapOptions) -> list[str]:
    lines = [swatch(entries[k].style.fill_color, entries[k].style.color) + safe_text(entries[k].title(opts.lang))
             for k, gdf in frames.items() if not gdf.empty]
    return lines + [swatch("#ffffff", "#555555", dashed=True) + safe_text(t("dashed_note", opts.lang))]


def add_firms(m: folium.Map | folium.FeatureGroup, firms: gpd.GeoDataFrame, opts: MapOptions,
              datum: Datum, *, nested: bool = False) -> list[str]:
    """The firms (markers, clusters or grid, by :func:`firm_mode`), hidden under a
    choropleth (unless ``nested`` in a group that the caller hides); returns the legend
    lines (mode and the colour of each sector present)."""
    lang = opts.lang
    under = choropleth_on(opts)
    lines = [f"<b>{safe_text(t('firms', lang))}</b>"]
    if opts.dynamic_firms and len(firms) > CLUSTER_LIMIT:
        # the app adds the firms for each view; the plugin must already be on the page
        if isinstance(m, folium.Map):  # the live map carries the plugin from the start
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
        firm_layer(drawn, mode=mode, lang=lang, asset_base=opts.asset_base, grid=grid, show=nested or not under,
                   sector_label=lambda s: labels.get(s, s)).add_to(m)
        lines.append(safe_text(t(f"mode_{mode}", lang)))
        if mode == "clusters":
            lines.append(safe_text(t("cluster_key", lang)))
        if grid is not None and len(grid):
            lines += grid_key_lines(grid["count"], lang=lang)
    if under:
        lines.append(safe_text(t("firms_under_choropleth", lang)))
    return lines + firm_key_lines(firms["sector"].unique(), lang=lang)


def add_picked(m: folium.Map | folium.FeatureGroup, picked: gpd.GeoDataFrame, opts: MapOptions, datum: Datum) -> None:
    """A firm picked by search that the sector filter hides, drawn on its own (a marker
    in its sector's colour, with its tooltip), above the firms shown."""
    labels = sector_labels(opts.lang)
    firm_layer(in_datum(picked, datum) if datum != "wgs84" else picked, mode="markers",
               lang=opts.lang, asset_base=opts.asset_base, sector_label=lambda s: labels.get(s, s),
               name=t("picked_firm", opts.lang)).add_to(m)


def fit_target(frames: Mapping[str, gpd.GeoDataFrame], opts: MapOptions,
               datum: Datum) -> tuple[list[list[float]] | None, list[float] | None]:
    """(bounds, view) the map opens at, in ``datum`` (``frames`` are already in it):
    a focused firm's point at zoom 15 as ``view`` [lat, lon, zoom]; else the given
    ``opts.view``; else the ``bounds`` [[south, west], [north, east]] of the selected
    feature, or of the drawn layers; (None, None) when there is nothing to fit."""
    if opts.focus is not None:
        fx, fy = opts.focus
        if datum != "wgs84":
            fx, fy = convert(fx, fy, "wgs84", datum)
        return None, [float(fy), float(fx), 15.0]
    if opts.view is not None:
        return None, [float(v) for v in opts.view]
    selected = [gdf.loc[[opts.selected]] for gdf in frames.values()
                if opts.selected is not None and opts.selected in gdf.index]
    if not (selected or frames):
        return None, None
    boxes = pd.DataFrame([g.total_bounds for g in (selected[:1] or frames.values())])
    x0, y0, x1, y1 = boxes[0].min(), boxes[1].min(), boxes[2].max(), boxes[3].max()
    return [[float(y0), float(x0)], [float(y1), float(x1)]], None


def focus_ring(view: list[float]) -> folium.CircleMarker:
    """The ring drawn around a firm found by search (``view``: [lat, lon, zoom])."""
    return folium.CircleMarker(view[:2], radius=10, color="#000000", weight=3, fill=False)


def fit_map(m: folium.Map, frames: Mapping[str, gpd.GeoDataFrame], opts: MapOptions,
         datum: Datum) -> None:
    """Centre on a focused firm; else keep a given view (``opts.view``); else fit the
    selected feature, or the drawn layers (:func:`fit_target`)."""
    bounds, view = fit_target(frames, opts, datum)
    if opts.focus is not None and view is not None:
        m.location, m.options["zoom"] = view[:2], 15
        focus_ring(view).add_to(m)
    elif bounds is not None:
        m.fit_bounds(bounds)
        m.scm_fit = bounds  # type: ignore[attr-defined]


def site_outline(site, datum: Datum) -> folium.GeoJson:
    """A site from a shared link (a shapely polygon, WGS84) outlined dashed black, in ``datum``."""
    frame = gpd.GeoDataFrame(geometry=[site], crs="EPSG:4326")
    return folium.GeoJson(in_datum(frame, datum) if datum != "wgs84" else frame,
                          style_function=lambda _f: {"color": "#000000", "weight": 3,
                                                     "dashArray": "6 4", "fillOpacity": 0.05})
