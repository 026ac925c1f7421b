"""A drawn site goes further than counts: the plan items of the zones it overlaps, the
firms inside with their CSV in words, the polygon in the shared link (read back and
drawn for a colleague) and as a GeoJSON download read back by GDAL."""

import json
import subprocess

import pytest
import shapely

import layers
from firms.demo import demo_firms
from ui.drawn import (
    measures_for_polygon,
    overlap_plan_items,
    site_corners,
    site_firms,
    site_geojson,
    site_polygon,
)
from ui.firm_tables import firm_list_frame
from ui.mapview import MapView, params_to_view, view_to_params
from ui.webmap import MapOptions, build_map

ENTRIES = {e.id: e for e in layers.catalog()}
#: A box over 张江 (WGS84).
SITE = shapely.box(121.57, 31.17, 121.63, 31.22)


@pytest.fixture(scope="module")
def firms():
    return demo_firms()


def test_plan_items_of_the_overlapped_zones_and_the_firms_inside(firms):
    measured = measures_for_polygon(firms, SITE, layers.load_all())
    assert "pole_zhangjiang" in set(measured.overlaps["zone"])
    items = overlap_plan_items(measured.overlaps, "zh")
    assert len(items) > 0 and list(items.columns) == ["名称", "类别", "条目", "规划原文"]
    assert items["名称"].str.contains("张江").any()
    inside = site_firms(firms, SITE)
    assert len(inside) == measured.firms > 0
    assert shapely.intersects_xy(SITE, inside.geometry.x, inside.geometry.y).all()  # edge: inside
    csv = firm_list_frame(inside, "zh")
    assert {"企业名称", "产业", "地址"} <= set(csv.columns) and "sector" not in csv.columns
    assert not set(csv["产业"]) & {"ic", "biomed"}


def test_the_site_travels_in_the_link_and_is_drawn_for_whoever_opens_it():
    corners = site_corners(SITE)
    params = view_to_params(MapView(site=corners))
    back = params_to_view(params, layer_ids=[], sector_ids=[])
    assert site_polygon(back.site).equals_exact(SITE.normalize(), 1e-6) or \
        site_polygon(back.site).symmetric_difference(SITE).area < 1e-9
    assert params_to_view({"site": "0,0;1,1;2,0"}, layer_ids=[], sector_ids=[]).site == ()
    html = build_map({"poles": layers.load("poles")}, ENTRIES, None,
                     MapOptions(site=site_polygon(back.site))).get_root().render()
    assert "121.57" in html and '"dashArray": "6 4"' in html


def test_the_site_downloads_as_geojson_that_gdal_reads(tmp_path, ogrinfo):
    path = tmp_path / "drawn_site.geojson"
    path.write_bytes(site_geojson(SITE, name="所画区域"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["features"][0]["properties"]["datum"] == "WGS84 (EPSG:4326)"
    out = subprocess.run([ogrinfo, "-al", "-so", str(path)], capture_output=True, text=True,
                         check=True).stdout
    assert "Feature Count: 1" in out and "Polygon" in out and "WGS 84" in out
