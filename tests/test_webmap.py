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
from layers.io import display_base
from ui.webmap import (
    CLUSTER_LIMIT,
    MARKER_LIMIT,
    FrameGeoJson,
    MapOptions,
    build_map,
    firm_grid,
    firm_mode,
    grid_counts,
    map_html,
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
        return {f["properties"]["id"]: f["properties"]["cls"] for f in drawn_features(html)}, html

    quantile, _ = drawn("quantile")
    equal, html = drawn("equal")
    assert sorted(quantile.values()) == [0, 1, 2, 3, 4]  # a class each
    assert sorted(equal.values()) == [0, 0, 0, 0, 4]     # the outlier alone at the top
    assert "Equal intervals" in html


def test_selected_zone_is_fitted_and_outlined(frames):
    opts = MapOptions(selected="newtown_songjiang")
    html = map_html(build_map(frames, ENTRIES, None, opts))
    assert "fitBounds" in html
    selected = [f["properties"]["id"] for f in drawn_features(html) if f["properties"].get("selected")]
    assert selected == ["newtown_songjiang"]


def test_standalone_html_inlines_every_asset(frames):
    from layers.settings import PROJECT_ROOT
    from ui.webmap import standalone_html

    firms = firms_at([(121.5, 31.2)] * 5000)
    html = standalone_html(build_map(frames, ENTRIES, firms, MapOptions()), PROJECT_ROOT / "static")
    assert "/app/static" not in html
    assert not re.search(r"<script[^>]+src=", html) and 'rel="stylesheet" href' not in html
    assert "L.MarkerClusterGroup" in html and ".scm-legend" in html
