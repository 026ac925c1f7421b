"""Offline HTML and PNG that match the screen at any firm count: above the cluster
limit the offline page carries the city's grid with its key (the screen's per-view
firms drawn whole), and the PNG carries a caption with the title, filters, date,
sources and attribution, and a whole legend."""

import json
from datetime import date

import geopandas as gpd
import numpy as np
import pytest
from shapely import points

import layers
from geo.grid import firm_grid
from ui.firm_layer import CLUSTER_LIMIT, firm_mode
from ui.snapshot import PRINT_CSS, offline_html, print_caption
from ui.webmap import MapOptions

ENTRIES = {e.id: e for e in layers.catalog()}
STATIC = layers.settings.PROJECT_ROOT / "static"


@pytest.fixture(scope="module")
def many():
    n = CLUSTER_LIMIT + 10_000
    rng = np.random.default_rng(3)
    return gpd.GeoDataFrame({"sector": rng.choice(["ic", "biomed", "ai"], n)},
                            geometry=points(rng.uniform(121.2, 121.9, n), rng.uniform(30.9, 31.4, n)),
                            crs="EPSG:4326")


def test_the_offline_page_holds_the_grid_and_its_key_above_the_cluster_limit(many):
    grid = firm_grid(many)
    opts = MapOptions(lang="zh", dynamic_firms=True, firm_mode=firm_mode(len(many)), firm_grid=grid)
    html = offline_html({"poles": layers.load("poles")}, ENTRIES, many, opts, static_dir=STATIC)
    assert html.count('"count":') >= len(grid) // 2
    key = json.dumps("网格：每格企业数")[1:-1]  # the legend's markup is JSON in the page
    assert key in html  # the legend's key of what is drawn


def test_the_png_caption_names_title_filters_date_sources_and_osm():
    cap = print_caption("产业：集成电路；区域类型：园区", lang="zh", today=date(2026, 12, 5))
    for needed in ("上海战略性新兴产业空间布局地图", "产业：集成电路", "2026-12-05", "沪府办发〔2021〕10号",
                   "© OpenStreetMap contributors"):
        assert needed in cap
    assert "<script" not in print_caption("<script>x</script>", lang="en")
    assert "max-height: none" in PRINT_CSS  # the legend whole, not cut to 40 % of the height
