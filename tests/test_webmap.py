"""The map as data: its HTML, before any browser. Offline assets, escaping, datums, tiers."""

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from folium.utilities import get_bounds
from shapely.geometry import Point

import layers
from geo.breaks import class_breaks
from geo.datum import wgs84_to_gcj02
from geo.grid import firm_grid, grid_counts
from layers.io import display_base
from ui.page import map_html
from ui.webmap import (
    CLUSTER_LIMIT,
    MARKER_LIMIT,
    FrameGeoJson,
    MapOptions,
    build_map,
    firm_mode,
    safe_text,
)

ENTRIES = {e.id: e for e in layers.catalog()}
CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "code.jquery.com",
             "netdna.bootstrapcdn.com", "maxcdn", "googleapis.com", "d3js.org")
PAYLOADS = ("<img src=x onerror=alert(1)>", "${alert(1)}", "`", "\\`", "</script><script>alert(2)</script>")


def firms_at(points, names=None, sector="ic") -> gpd.GeoDataFrame:
    names = names or [f"firm {i}" for i in range(len(points))]
    return gpd.GeoDataFrame({"name": names, "sector": sector},
                            geometry=[Point(x, y) for x, y in points], crs="EPSG:4326")


@pytest.fixture(scope="module")
def frames():
    return {k: layers.load(k) for k in ("poles", "new_towns", "parks", "manufacturing_nodes")}


def test_map_loads_no_asset_from_a_cdn(frames):
    firms = firms_at([(121.5, 31.2)] * 5000)  # clusters: the marker-cluster plugin too
    html = map_html(build_map(frames, ENTRIES, firms, MapOptions(), display_base()))
    assert not [h for h in CDN_HOSTS if h in html]
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert '"maxZoom": 18' in html  # clusters need a zoom range without tiles


def test_the_scale_bar_is_metric_only(frames):
    html = map_html(build_map(frames, ENTRIES, None, MapOptions(), display_base()))
    assert html.count("L.control.scale(") == 1 and "L.control.scale({imperial: false})" in html


@pytest.mark.parametrize(("basemap", "lang", "credit"), [
    ("none", "zh", "© OpenStreetMap 贡献者"), ("amap", "en", "© OpenStreetMap contributors")])
def test_the_map_credits_openstreetmap_on_any_basemap(frames, basemap, lang, credit):
    """The layers derive from OpenStreetMap: the attribution says so (and the PNG of the
    view, a screenshot of this map, shows it), not only "Leaflet"."""
    html = map_html(build_map(frames, ENTRIES, None, MapOptions(basemap=basemap, lang=lang),
                              display_base()))
    added = re.findall(r"attributionControl\.addAttribution\((\"[^\"]*\")\)", html)
    assert any(credit in json.loads(text) for text in added)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_text_is_escaped_in_the_page(frames, payload):
    firms = firms_at([(121.47, 31.23)], names=[payload])
    html = map_html(build_map(frames, ENTRIES, firms, MapOptions()))
    names = [f["properties"]["name"] for f in drawn_features(html)
             if "sector" in f["properties"]]  # the firm layer
    assert names == [safe_text(payload)]
    # what reaches innerHTML holds no markup, template breakout or escape character
    assert not re.search(r"[<>`\\]|\$\{", names[0])
    assert "<img" not in html and "<script>alert(2)" not in html


def test_safe_text_neutralises_template_breakouts():
    assert safe_text("${x}`\\") == "&#36;{x}&#96;&#92;"
    assert safe_text('<b a="1">') == "&lt;b a=&quot;1&quot;&gt;"


def drawn_features(html: str) -> list[dict]:
    """Every GeoJSON feature the page hands to Leaflet (folium's ``…_add({...});`` calls)."""
    feats = []
    for blob in re.findall(r"_add\((\{\"features\".*?\})\);\n", html):
        feats += json.loads(blob)["features"]
    return feats


def _coords_of(html: str, name: str):
    for f in drawn_features(html):
        if f["properties"].get("name") == name:
            return f["geometry"]["coordinates"]
    raise AssertionError(f"{name} not drawn")


def test_amap_basemap_moves_overlays_to_gcj02(frames):
    firms = firms_at([(121.4737, 31.2304)], names=["people-square"])
    wgs = build_map(frames, ENTRIES, firms, MapOptions(basemap="osm"))
    gcj = build_map(frames, ENTRIES, firms, MapOptions(basemap="amap"))
    assert wgs.scm_datum == "wgs84" and gcj.scm_datum == "gcj02"
    assert _coords_of(map_html(wgs), "people-square") == pytest.approx([121.4737, 31.2304], abs=1e-6)
    expected = wgs84_to_gcj02(121.4737, 31.2304)
    assert _coords_of(map_html(gcj), "people-square") == pytest.approx(list(expected), abs=1e-6)
    assert "webrd0{s}.is.autonavi.com" in map_html(gcj)


def test_tianditu_without_a_key_draws_no_tiles(frames):
    html = map_html(build_map(frames, ENTRIES, None, MapOptions(basemap="tianditu")))
    assert "tianditu.gov.cn" not in html
    keyed = map_html(build_map(frames, ENTRIES, None, MapOptions(basemap="tianditu",
                                                                 tiles_key="abc123")))
    assert "tk=abc123" in keyed


def test_approximate_shapes_are_dashed_and_show_precision(frames):
    html = map_html(build_map({"poles": frames["poles"]}, ENTRIES, None, MapOptions()))
    assert '"dashArray": "6 4"' in html
    props = {f["properties"]["id"]: f["properties"] for f in drawn_features(html)}
    assert props["pole_zhangjiang"]["precision"] == f"±{frames['poles'].loc['pole_zhangjiang', 'precision_m']:,.0f} m"
    assert props["pole_zhangjiang"]["approximate"] == "是"


@pytest.mark.parametrize(("n", "mode"), [(10, "markers"), (MARKER_LIMIT, "markers"),
                                         (MARKER_LIMIT + 1, "clusters"),
                                         (CLUSTER_LIMIT + 1, "grid")])
def test_firm_tiers(n, mode):
    assert firm_mode(n) == mode


def test_grid_conserves_firms_and_bounds_the_payload(frames):
    rng = np.random.default_rng(2)
    lon = rng.uniform(121.2, 121.8, 200_000)
    lat = rng.uniform(30.9, 31.4, 200_000)
    grid = grid_counts(lon, lat)
    assert grid["count"].sum() == 200_000
    firms = gpd.GeoDataFrame({"name": ["x"] * len(lon), "sector": ["ic"] * len(lon)},
                             geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    html = map_html(build_map(frames, ENTRIES, firms, MapOptions()))
    assert len(html.encode()) < 3_000_000


def test_a_grid_made_earlier_draws_the_same_cells_and_moves_with_the_basemap(frames):
    rng = np.random.default_rng(3)
    n = CLUSTER_LIMIT + 1
    firms = gpd.GeoDataFrame({"name": ["x"] * n, "sector": ["ic"] * n},
                             geometry=gpd.points_from_xy(rng.uniform(121.2, 121.8, n),
                                                         rng.uniform(30.9, 31.4, n)),
                             crs="EPSG:4326")
    grid = firm_grid(firms)
    assert grid["count"].sum() == n

    def cells(m):
        return [f for f in drawn_features(map_html(m)) if "count" in f["properties"]]

    made_here = cells(build_map({}, ENTRIES, firms, MapOptions()))
    made_earlier = cells(build_map({}, ENTRIES, firms, MapOptions(firm_grid=grid)))
    assert made_earlier == made_here and len(made_here) == len(grid)
    on_amap = cells(build_map({}, ENTRIES, firms, MapOptions(basemap="amap", firm_grid=grid)))
    x, y = made_here[0]["geometry"]["coordinates"][0][0]
    assert on_amap[0]["geometry"]["coordinates"][0][0] == pytest.approx(
        list(wgs84_to_gcj02(x, y)), abs=2e-5)


def test_frame_layers_report_the_bounds_folium_would_compute(frames):
    for gdf in frames.values():
        layer = FrameGeoJson(gdf, {"id": gdf.index.to_series()})
        ours, folium_s = layer._get_self_bounds(), get_bounds(layer.data, lonlat=True)
        assert np.allclose(np.array(ours, dtype=float), np.array(folium_s, dtype=float))


def test_choropleth_colours_classes_and_marks_strong_clusters(frames):
    towns = frames["new_towns"]
    values = towns["area_km2"]
    strong = values > 150
    opts = MapOptions(measure="firms", measure_layer="new_towns", measure_values=values,
                      strong=strong)
    html = map_html(build_map({"new_towns": towns}, ENTRIES, None, opts))
    assert '"color": "#d7191c"' in html  # strong-cluster outline
    assert "scm-legend" in html and "#7f2704" in html  # top class colour in the legend
    assert len(class_breaks(values)) == 6


def test_the_class_break_method_changes_the_classes_and_is_named_in_the_legend(frames):
    towns = frames["new_towns"]
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 100.0], index=towns.index)  # one outlier

    def drawn(method):
        opts = MapOptions(measure="firms", measure_layer="new_towns", measure_values=values,
                          classes=method, lang="en")
        html = map_html(build_map({"new_towns": towns}, ENTRIES, None, opts))
        props = {f["properties"]["id"]: f["properties"] for f in drawn_features(html)}
        return {k: p["cls"] for k, p in props.items()}, {k: p["fill"] for k, p in props.items()}, html

    quantile, _, _ = drawn("quantile")
    equal, fills, html = drawn("equal")
    assert sorted(quantile.values()) == [0, 1, 2, 3, 4]  # a class each
    # the three empty equal intervals between are merged: two classes, the outlier alone
    # at the top and drawn in the top colour
    assert sorted(equal.values()) == [0, 0, 0, 0, 1]
    assert sorted(fills.values()) == ["#7f2704"] + ["#fff5eb"] * 4
    assert "Equal intervals" in html


def test_selected_zone_is_fitted_and_outlined(frames):
    opts = MapOptions(selected="newtown_songjiang")
    html = map_html(build_map(frames, ENTRIES, None, opts))
    assert "fitBounds" in html
    selected = [f["properties"]["id"] for f in drawn_features(html) if f["properties"].get("selected")]
    assert selected == ["newtown_songjiang"]


def test_a_picked_firm_the_filter_hides_is_drawn_on_its_own_and_centred(frames):
    shown = firms_at([(121.40, 31.10)] * 3, sector="biomed")
    picked = firms_at([(121.6035, 31.2085)], names=["<b>中芯</b>"], sector="ic")
    opts = MapOptions(focus=(121.6035, 31.2085), picked_firm=picked)
    html = map_html(build_map(frames, ENTRIES, shown, opts))
    firms = [f for f in drawn_features(html) if "sector" in f["properties"]]
    assert len(firms) == 4  # the three shown and the picked one
    mine = [f for f in firms if f["properties"]["name"] == safe_text("<b>中芯</b>")]
    assert mine and mine[0]["geometry"]["coordinates"] == [121.6035, 31.2085]
    assert json.dumps("搜索选中的企业") in html  # its own entry in the layer control
    assert "[31.2085, 121.6035]" in html  # the map centred on it


def test_standalone_html_inlines_every_asset(frames):
    from layers.settings import PROJECT_ROOT
    from ui.page import standalone_html

    firms = firms_at([(121.5, 31.2)] * 5000)
    html = standalone_html(build_map(frames, ENTRIES, firms, MapOptions()), PROJECT_ROOT / "static")
    assert "/app/static" not in html
    assert not re.search(r"<script[^>]+src=", html) and 'rel="stylesheet" href' not in html
    assert "L.MarkerClusterGroup" in html and ".scm-legend" in html


# --- issue 14b: the map that fills the page, its legend, labels --------------------------

def legend_markup(html: str) -> str:
    from html import unescape
    m = re.search(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");', html)
    assert m, "no legend on the page"
    return unescape(json.loads(m.group(1)))


def test_the_map_opens_fitted_to_the_drawn_layers(frames):
    html = map_html(build_map(frames, ENTRIES, None, MapOptions()))
    m = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", html)
    assert m, "no fitBounds on load"
    south, west, north, east = (float(v) for v in m.groups())
    boxes = np.array([g.total_bounds for g in frames.values()])
    assert (west, south) == pytest.approx((boxes[:, 0].min(), boxes[:, 1].min()), abs=1e-4)
    assert (east, north) == pytest.approx((boxes[:, 2].max(), boxes[:, 3].max()), abs=1e-4)
    # a view given (from the URL) is kept instead
    given = map_html(build_map(frames, ENTRIES, None, MapOptions(view=(31.3, 121.2, 12))))
    assert "fitBounds" not in given and "[31.3, 121.2]" in given and '"zoom": 12' in given


def test_the_legend_folds_away_and_keys_the_firm_colours_of_present_sectors(frames):
    firms = pd.concat([firms_at([(121.5, 31.2)] * 3, sector="ic"),
                       firms_at([(121.4, 31.1)] * 2, sector="biomed")])
    html = map_html(build_map(frames, ENTRIES, firms, MapOptions(lang="en")))
    legend = legend_markup(html)
    assert 'class="scm-legend-toggle"' in legend and "Fold or unfold the legend" in legend
    assert "scm-collapsed" in html and "map.getSize().x < 600" in html  # folded on narrow maps
    from layers.sectors import taxonomy
    colours = {s.id: s.color for s in taxonomy()}
    names = {s.id: s.label("en") for s in taxonomy()}
    for present in ("ic", "biomed"):
        assert colours[present] in legend and names[present] in legend
    assert names["ai"] not in legend  # a sector with no firm drawn has no key


def test_choropleth_legend_names_measure_and_sector_and_merges_classes(frames):
    towns = frames["new_towns"]
    values = pd.Series([2.15, 2.15, 2.15, 2.15, 9.0], index=towns.index)
    opts = MapOptions(measure="lq", measure_layer="new_towns", measure_values=values, lang="en",
                      measure_sector_label="Integrated circuits")
    legend = legend_markup(map_html(build_map({"new_towns": towns}, ENTRIES, None, opts)))
    assert "Location quotient" in legend or "LQ" in legend
    assert "sector: Integrated circuits" in legend
    assert "2.15 – 2.15" not in legend
    ranges = re.findall(r"([\d.,]+) – ([\d.,]+)", legend)
    assert ranges and all(lo != hi for lo, hi in ranges)


def test_a_hidden_choropleth_says_why(frames):
    opts = MapOptions(measure="lq", measure_layer="new_towns", measure_values=None, lang="en")
    legend = legend_markup(map_html(build_map(frames, ENTRIES, None, opts)))
    assert "colouring not shown: it needs firms" in legend


def test_firms_are_hidden_beneath_a_choropleth(frames):
    towns = frames["new_towns"]
    firms = firms_at([(121.5, 31.2)] * 10)
    values = pd.Series(np.arange(len(towns), dtype=float), index=towns.index)
    plain = build_map({"new_towns": towns}, ENTRIES, firms, MapOptions(lang="en"))
    under = build_map({"new_towns": towns}, ENTRIES, firms,
                      MapOptions(lang="en", measure="firms", measure_layer="new_towns",
                                 measure_values=values))

    def firm_layer_shown(m):
        layer = next(c for c in m._children.values() if "Firms shown as" in getattr(c, "layer_name", ""))
        return layer.show

    assert firm_layer_shown(plain) is True and firm_layer_shown(under) is False
    assert "Firms hidden under the colouring" in legend_markup(map_html(under))


def test_merged_breaks_keep_classes_that_hold_values():
    from ui.legend import merged_breaks
    assert merged_breaks(pd.Series([1.0, 1.0, 1.0])) == [1.0, 1.0]
    assert merged_breaks(pd.Series([], dtype=float)) == []
    edges = merged_breaks(pd.Series([1.0, 2.0, 3.0, 4.0, 100.0]), method="equal")
    assert edges == [1.0, 20.8, 100.0]


def test_zone_names_are_labels_from_zoom_11_escaped(frames):
    towns = frames["new_towns"].copy()
    towns.loc[towns.index[0], "name_zh"] = "<b>${x}</b>"
    html = map_html(build_map({"new_towns": towns}, ENTRIES, None, MapOptions()))
    from ui.map_extras import label_points
    points = label_points({"new_towns": towns}, "zh")
    assert [p[2] for p in points] == [safe_text(n) for n in towns["name_zh"]]
    drawn = json.loads(re.search(r"(\[\[[^\n]*\]\])\.map", html).group(1))
    assert [p[2:] for p in drawn] == [p[2:] for p in points]
    assert np.allclose([p[:2] for p in drawn], [p[:2] for p in points], atol=1e-4)
    assert "zoom >= 11" in html and "<b>${x}" not in html
    for (lat, lon, _, min_zoom), geom in zip(points, towns.geometry, strict=True):
        assert geom.covers(Point(lon, lat))  # each label sits inside its zone
        assert min_zoom == 11  # the new towns are large: named from zoom 11
    parks = label_points({"parks": layers.load("parks")}, "zh")
    assert {p[3] for p in parks} <= {11, 13} and 13 in {p[3] for p in parks}  # small parks later


def city_firms(n, seed=5):
    rng = np.random.default_rng(seed)
    lon, lat = rng.normal(121.47, 0.15, n), rng.normal(31.23, 0.12, n)
    return gpd.GeoDataFrame({"name": [f"f{i}" for i in range(n)], "sector": "ic"},
                            geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def box_around(lon, lat, half):
    return (lon - half, lat - half * 0.6, lon + half, lat + half * 0.6)


def test_zooming_in_hands_over_from_grid_to_clusters_to_points():
    from geo.join import SortedPoints
    from ui.firm_layer import VIEW_PAD, firms_in_view
    firms = city_firms(200_000)
    pts = SortedPoints(firms.geometry.x, firms.geometry.y)
    assert firms_in_view(firms, None, None).mode == "grid"  # no view reported yet
    assert firms_in_view(firms, box_around(121.47, 31.23, 0.5), 10, points=pts).mode == "grid"
    views = {half: firms_in_view(firms, box_around(121.47, 31.23, half), 13, points=pts)
             for half in (0.05, 0.01)}
    assert views[0.05].mode == "clusters" and MARKER_LIMIT < views[0.05].n <= CLUSTER_LIMIT
    assert views[0.01].mode == "markers" and 0 < views[0.01].n <= MARKER_LIMIT
    # exactly the firms inside the padded view, whatever the index
    x0, y0, x1, y1 = box_around(121.47, 31.23, 0.05)
    dx, dy = (x1 - x0) * VIEW_PAD, (y1 - y0) * VIEW_PAD
    x, y = firms.geometry.x.to_numpy(), firms.geometry.y.to_numpy()
    expected = np.flatnonzero((x >= x0 - dx) & (x <= x1 + dx) & (y >= y0 - dy) & (y <= y1 + dy))
    assert np.array_equal(views[0.05].rows, expected)
    assert np.array_equal(firms_in_view(firms, (x0, y0, x1, y1), 13).rows, expected)  # no index given


def test_a_small_city_is_drawn_whole_whatever_the_view():
    from ui.firm_layer import firms_in_view
    firms = city_firms(5_000)
    assert firms_in_view(firms, box_around(121.47, 31.23, 0.01), 16) == firms_in_view(firms, None, None)


def test_the_app_gets_a_feature_group_of_the_firms_in_view():
    from ui.firm_layer import component_box
    from ui.webmap import firms_for_view
    firms = city_firms(CLUSTER_LIMIT + 10_000)
    x0, y0, x1, y1 = box_around(121.47, 31.23, 0.01)
    value = {"bounds": {"_southWest": {"lat": y0, "lng": x0}, "_northEast": {"lat": y1, "lng": x1}},
             "zoom": 16}
    assert component_box(value["bounds"]) == pytest.approx((x0, y0, x1, y1))
    assert component_box({"_southWest": {"lat": None}}) is None
    opts = MapOptions(dynamic_firms=True, lang="en")
    group = firms_for_view(firms, value, opts)
    layer = next(iter(group._children.values()))
    assert isinstance(layer, FrameGeoJson) and 0 < len(layer.data["features"]) <= MARKER_LIMIT
    whole = next(iter(firms_for_view(firms, None, opts)._children.values()))
    assert sum(f["properties"]["count"] for f in json.loads(whole.data_json)["features"]) == len(firms)
    assert firms_for_view(firms, value, MapOptions()) is None  # not asked for
    # the page itself then carries no firm layer, but the cluster plugin for later views
    html = map_html(build_map({}, ENTRIES, firms, opts))
    assert "leaflet.markercluster.js" in html and '"count"' not in html
    assert "a grid for the city, clusters nearer" in legend_markup(html)


def test_the_drawing_tool_is_served_by_the_app_and_speaks_the_language(frames):
    from ui.map_extras import DRAW_TEXTS
    html = map_html(build_map(frames, ENTRIES, None, MapOptions(lang="zh")))
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in html
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.css" in html
    assert "L.Control.Draw" in html and not [h for h in CDN_HOSTS if h in html]
    texts = json.loads(re.search(r"var texts = (\{.*?\});", html).group(1))
    assert set(texts) == set(DRAW_TEXTS) and texts["draw.toolbar.buttons.rectangle"] == "画矩形（候选地块）"
    assert html.index("var texts = ") < html.index("new L.Control.Draw")  # set before the tool is made


def test_zone_roles_in_the_map_tooltips_follow_the_language(frames):
    def roles(lang):
        html = map_html(build_map({"poles": frames["poles"], "new_towns": frames["new_towns"]},
                                  ENTRIES, None, MapOptions(lang=lang)))
        return {f["properties"]["role"] for f in drawn_features(html) if "role" in f["properties"]}
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert roles("zh") and all(cjk.search(r) for r in roles("zh"))
    assert roles("en") and not any(cjk.search(r) for r in roles("en"))
