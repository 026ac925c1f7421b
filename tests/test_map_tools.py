"""The map's tools as data: a drawn polygon measured like a zone, the view in the URL."""

import os
import signal
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box, mapping

import layers
from geo.datum import wgs84_to_gcj02
from geo.metric import area_km2
from ui.drawn import drawn_polygon, measures_for_polygon, polygon_tables

ENTRIES = {e.id: e for e in layers.catalog()}


def firms_of(rows) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [f"f{i}" for i in range(len(rows))], "sector": [s for _, _, s in rows]},
                            geometry=[Point(x, y) for x, y, _ in rows], crs="EPSG:4326")


def test_a_drawn_polygon_counts_its_firms_and_their_lq_against_the_city():
    site = box(121.50, 31.20, 121.52, 31.22)
    inside = [(121.51, 31.21, "ic")] * 6 + [(121.505, 31.205, "biomed")] * 2
    outside = [(121.40, 31.10, "ic")] * 2 + [(121.60, 31.30, "biomed")] * 10
    firms = firms_of(inside + outside)
    pm = measures_for_polygon(firms, site, {})
    assert pm.firms == 8
    assert pm.sectors["firms"].to_dict() == {"ic": 6, "biomed": 2}
    # LQ = (6/8) / (8/20) for ic, (2/8) / (12/20) for biomed
    assert pm.sectors.loc["ic", "lq"] == pytest.approx((6 / 8) / (8 / 20))
    assert pm.sectors.loc["biomed", "lq"] == pytest.approx((2 / 8) / (12 / 20))
    assert pm.area_km2 == pytest.approx(float(area_km2(site)))
    assert 4.0 < pm.area_km2 < 5.0  # ~1.9 km × 2.2 km at 31° N


def test_a_drawn_polygon_lists_the_plan_zones_it_overlaps_with_share_of_area():
    towns = layers.load("new_towns")
    town = towns.loc["newtown_songjiang"].geometry
    c = town.representative_point()
    site = box(c.x - 0.01, c.y - 0.01, c.x + 0.01, c.y + 0.01)
    assert town.contains(site)
    pm = measures_for_polygon(None, site, {"new_towns": towns, "poles": layers.load("poles")})
    row = pm.overlaps.set_index("zone").loc["newtown_songjiang"]
    assert row["share"] == pytest.approx(1.0, abs=1e-6) and row["layer"] == "new_towns"
    assert pm.firms == 0 and pm.sectors.empty
    # a site half outside the town: the overlap's share is the part inside
    half = shapely.intersection(site.buffer(0.5, cap_style="square"), town)
    pm2 = measures_for_polygon(None, half.envelope, {"new_towns": towns})
    share = pm2.overlaps.set_index("zone").loc["newtown_songjiang", "share"]
    expected = float(area_km2(shapely.intersection(half.envelope, town))) / float(area_km2(half.envelope))
    assert share == pytest.approx(expected, rel=1e-6) and share < 1


def test_the_drawing_comes_back_from_the_component_in_wgs84():
    site = box(121.50, 31.20, 121.52, 31.22)
    value = {"all_drawings": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [121, 31]}},
                              {"type": "Feature", "properties": {}, "geometry": mapping(site)}]}
    assert drawn_polygon(value).equals(site)
    assert drawn_polygon({"all_drawings": None}) is None and drawn_polygon(None) is None
    # drawn over an AMap (GCJ-02) basemap: moved back to WGS84
    gx, gy = wgs84_to_gcj02(np.array([121.50, 121.52]), np.array([31.20, 31.22]))
    on_amap = {"all_drawings": [{"geometry": mapping(box(gx[0], gy[0], gx[1], gy[1]))}]}
    back = drawn_polygon(on_amap, "gcj02")
    assert np.allclose(back.bounds, site.bounds, atol=1e-6)


def test_polygon_tables_speak_the_language():
    firms = firms_of([(121.51, 31.21, "ic")] * 3)
    pm = measures_for_polygon(firms, box(121.5, 31.2, 121.52, 31.22), {"new_towns": layers.load("new_towns")})
    summary, sectors, overlaps = polygon_tables(pm, ENTRIES, "en")
    assert "3 firms inside" in summary and "EPSG:32651" in summary
    assert list(sectors.columns) == ["Sectors", "Firms", "% of firms inside", "Location quotient"]
    assert sectors.iloc[0].tolist() == ["Integrated circuits", 3, 100.0, 1.0]
    assert list(overlaps.columns) == ["Layer", "Name", "overlap km²", "% of drawn area"]
    summary_zh, sectors_zh, _ = polygon_tables(pm, ENTRIES, "zh")
    assert "企业 3 家" in summary_zh and "集成电路" in sectors_zh.iloc[:, 0].tolist()


def test_measuring_a_site_among_a_million_firms_takes_well_under_a_second():
    import time

    from geo.join import SortedPoints
    rng = np.random.default_rng(1)
    n = 1_000_000
    lon, lat = rng.normal(121.47, 0.15, n), rng.normal(31.23, 0.12, n)
    firms = gpd.GeoDataFrame({"sector": rng.choice(["ic", "ai", "biomed"], n)},
                             geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    pts = SortedPoints(lon, lat)
    all_layers = layers.load_all()
    t0 = time.perf_counter()
    pm = measures_for_polygon(firms, box(121.45, 31.2, 121.5, 31.25), all_layers, points=pts)
    assert time.perf_counter() - t0 < 1.0
    x, y = firms.geometry.x.to_numpy(), firms.geometry.y.to_numpy()
    assert pm.firms == int(((x >= 121.45) & (x <= 121.5) & (y >= 31.2) & (y <= 31.25)).sum())


# --- the view in the URL -------------------------------------------------------------

LAYER_IDS = {e.id for e in layers.catalog()}
SECTOR_IDS = {"ic", "ai", "biomed"}


def test_a_view_survives_the_round_trip_through_the_address():
    from ui.mapview import MapView, params_to_view, view_to_params
    view = MapView(layers=("poles", "new_towns"), sectors=("ic", "ai"), zone="newtown_songjiang",
                   zoom=12, center=(31.03, 121.22))
    params = view_to_params(view)
    assert params == {"layers": "poles,new_towns", "sector": "ic,ai", "zone": "newtown_songjiang",
                      "zoom": "12", "center": "31.03000,121.22000"}
    assert params_to_view(params, layer_ids=LAYER_IDS, sector_ids=SECTOR_IDS) == view
    assert view.map_view() == (31.03, 121.22, 12)
    half = MapView(zoom=10.5, center=(31.2, 121.4))
    assert view_to_params(half)["zoom"] == "10.5"
    assert params_to_view(view_to_params(half), layer_ids=LAYER_IDS, sector_ids=SECTOR_IDS) == half
    assert params_to_view(view_to_params(MapView()), layer_ids=LAYER_IDS, sector_ids=SECTOR_IDS) == MapView()
    # the reader's language travels too; the default (Chinese) stays out of the address
    english = MapView(zone="newtown_songjiang", lang="en")
    assert view_to_params(english) == {"zone": "newtown_songjiang", "lang": "en"}
    assert params_to_view(view_to_params(english), layer_ids=LAYER_IDS, sector_ids=SECTOR_IDS) == english
    assert "lang" not in view_to_params(MapView(lang="zh"))
    assert params_to_view({"lang": "fr"}, layer_ids=LAYER_IDS, sector_ids=SECTOR_IDS).lang is None
    # no layer at all is a view too (and differs from "the default layers")
    none = MapView(layers=())
    assert params_to_view(view_to_params(none), layer_ids=LAYER_IDS, sector_ids=SECTOR_IDS) == none


@pytest.mark.parametrize("params", [
    {"layers": "poles,<script>,nope", "sector": "ic,xx"},
    {"zoom": "99", "center": "31.2,121.5"},
    {"zoom": "12", "center": "0,0"},
    {"zoom": "twelve", "center": "31.2"},
    {"zoom": "nan", "center": "31.2,121.5"},
    {"zoom": "1e999", "center": "31.2,nan"},
    {"zone": "not_a_zone"},
])
def test_a_mistyped_address_opens_the_default_parts(params):
    from ui.mapview import params_to_view
    view = params_to_view(params, layer_ids=LAYER_IDS, sector_ids=SECTOR_IDS,
                          zone_ids={"newtown_songjiang"})
    assert view.layers in (None, ("poles",))
    assert set(view.sectors) <= {"ic"}
    assert view.zone is None and view.zoom is None and view.center is None


def test_syncing_the_address_touches_only_the_view_keys():
    from ui.mapview import MapView, center_of, sync_params
    query = {"ref": "mail", "lang": "en", "zone": "old", "zoom": "9", "center": "31,121"}
    sync_params(query, MapView(layers=("poles",), sectors=("ic",), lang="en"))
    assert query == {"ref": "mail", "lang": "en", "layers": "poles", "sector": "ic"}
    sync_params(query, MapView(layers=("poles",), sectors=("ic",), lang="zh"))
    assert query == {"ref": "mail", "layers": "poles", "sector": "ic"}
    bounds = {"_southWest": {"lat": 31.0, "lng": 121.0}, "_northEast": {"lat": 31.4, "lng": 121.6}}
    assert center_of(bounds) == pytest.approx((31.2, 121.3))
    assert center_of({}) is None


def test_a_png_of_the_map_view(tmp_path):
    import shutil

    from layers.settings import PROJECT_ROOT
    from ui.page import standalone_html
    from ui.snapshot import map_png
    from ui.webmap import MapOptions, build_map
    if not shutil.which("chromium"):
        pytest.skip("chromium not installed")
    m = build_map({"new_towns": layers.load("new_towns")}, ENTRIES, None,
                  MapOptions(view=(31.1, 121.4, 10), draw=False))
    png = map_png(standalone_html(m, PROJECT_ROOT / "static"), width=800, height=600, timeout=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    import io

    from PIL import Image
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (800, 600)
    colours = {c for _, c in img.getcolors(maxcolors=1 << 20)}
    assert len(colours) > 50  # a drawn map, not a blank page


def own_browsers() -> list[int]:
    """The Chromium browser processes this test process started (its descendants)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [os.getpid()]
    while todo:
        for pid in children.get(todo.pop(), []):
            todo.append(pid)
            try:
                line = (Path("/proc") / str(pid) / "cmdline").read_bytes()
            except OSError:
                continue
            if b"chromium" in line and b"--remote-debugging-pipe" in line:
                found.append(pid)
    return found


def test_pngs_are_shot_by_one_warm_browser_started_again_when_it_died(tmp_path):
    import shutil

    from layers.errors import UsageError
    from ui.screenshots import Shooter

    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("chromium not installed")
    page = tmp_path / "page.html"
    page.write_text("<html><body style='background:#3a7'><p>地图</p></body></html>",
                    encoding="utf-8")
    shots = Shooter(chromium)
    try:
        first = shots.shoot(page.as_uri(), width=320, height=200, timeout=60)
        second = shots.shoot(page.as_uri(), width=320, height=200, timeout=60)
        assert first[:8] == second[:8] == b"\x89PNG\r\n\x1a\n"
        assert shots.launches == 1  # the second picture in the same browser
        for pid in own_browsers():  # the browser's process ends (this test's own only)
            os.kill(pid, signal.SIGKILL)
        third = shots.shoot(page.as_uri(), width=320, height=200, timeout=60)
        assert third[:8] == b"\x89PNG\r\n\x1a\n" and shots.launches == 2
        with pytest.raises(UsageError, match="Chromium made no PNG of the map"):
            shots.shoot((tmp_path / "missing.html").as_uri(), width=320, height=200, timeout=60)
    finally:
        shots.close()
    broken = Shooter(str(tmp_path / "no-chromium"))
    try:
        with pytest.raises(UsageError, match="needs Chromium"):
            broken.shoot(page.as_uri(), width=320, height=200, timeout=60)
    finally:
        broken.close()
