"""The offline HTML of a map ("生成当前地图的离线 HTML"), opened from disk in headless
Chromium with every request but ``file://`` refused: its controls draw their icons."""

import geopandas as gpd
import pytest
from shapely.geometry import Point

import layers
from layers.io import display_base
from layers.settings import PROJECT_ROOT
from ui.page import standalone_html
from ui.webmap import MapOptions, build_map

ENTRIES = {e.id: e for e in layers.catalog()}

#: The background image of ``selector`` as the page sees it, and whether it decodes.
IMAGE_OF = """async (selector) => {
    const el = document.querySelector(selector);
    const url = getComputedStyle(el).backgroundImage;  // may follow a gradient
    const src = (url.match(/url\\("([^"]+)"\\)/) || [null, ""])[1];
    const img = new Image();
    img.src = src;
    try { await img.decode(); } catch (e) { return {url, width: 0}; }
    return {url, src: src.slice(0, 30), width: img.naturalWidth};
}"""


@pytest.fixture(scope="module")
def offline_page(browser, tmp_path_factory):
    frames = {k: layers.load(k) for k in ("poles", "new_towns")}
    firms = gpd.GeoDataFrame({"name": ["甲公司", "乙公司"], "sector": ["ic", "biomed"]},
                             geometry=[Point(121.5, 31.2), Point(121.6, 31.1)], crs="EPSG:4326")
    html = standalone_html(build_map(frames, ENTRIES, firms, MapOptions(), display_base()),
                           PROJECT_ROOT / "static")
    path = tmp_path_factory.mktemp("offline") / "shanghai-cluster-map.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    refused: list[str] = []

    def route(r):
        if r.request.url.startswith("file://"):
            return r.continue_()
        refused.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    page.locator(".leaflet-control-layers-toggle").wait_for(timeout=30_000)
    yield page, refused
    page.close()


def test_the_layer_control_shows_its_icon_offline(offline_page):
    page, refused = offline_page
    image = page.evaluate(IMAGE_OF, ".leaflet-control-layers-toggle")
    assert image["url"].startswith('url("data:image/png;base64,')
    assert image["width"] > 0  # the icon decodes (26 px, or 52 px on a 2× screen)
    assert refused == []  # nothing asked of the network


def test_the_drawing_tools_show_their_sprites_offline(offline_page):
    page, _ = offline_page
    image = page.evaluate(IMAGE_OF, ".leaflet-draw-draw-polygon")
    assert 'url("data:image/svg+xml;base64,' in image["url"]  # after a transparent gradient
    assert image["width"] > 0
