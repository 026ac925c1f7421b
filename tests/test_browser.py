"""What a person sees: the real app in headless Debian Chromium, with no network.

Starts ``streamlit run app.py`` on a free loopback port, opens it in Chromium
(driven by Playwright, using the system browser), and checks from the DOM that
the map container, the drawn zone paths and the legend are there, that the
map's assets came from the app itself, and that clicking a zone opens its panel.
Screenshots go to ``artifacts/``.
"""

import re
import time
import urllib.request
from pathlib import Path

import pytest
from webpage import (
    ARTIFACTS,
    DOCS,
    MAP_IFRAME,
    draw_rectangle,
    map_frame,
    offline,
    open_map,
    settle,
)

import layers

pytestmark = pytest.mark.slow


def test_static_assets_are_served_by_the_app(app_url):
    for path in ("/app/static/vendor/leaflet/leaflet.js", "/app/static/map.css",
                 "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
                 "/app/static/vendor/leaflet-draw/leaflet.draw.js",
                 "/app/static/vendor/leaflet-draw/images/spritesheet.svg"):
        with urllib.request.urlopen(app_url + path, timeout=10) as r:
            assert r.status == 200


def test_the_map_renders_offline_with_zones_and_legend(app_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    outside = offline(page)  # no network but the app itself
    page.goto(app_url, wait_until="domcontentloaded")
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    frame.locator(".leaflet-container").wait_for(timeout=120_000)
    frame.locator(".scm-legend").wait_for(timeout=60_000)
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=60_000)
    settle(page)
    paths = frame.locator("path.leaflet-interactive")
    count = paths.count()
    legend = frame.locator(".scm-legend").inner_text()
    page.screenshot(path=str(ARTIFACTS / "app.png"))
    # a person clicks a pole (drawn in the poles layer's fill colour) …
    pole_fill = layers.entry("poles").style.fill_color
    pole = next(paths.nth(i) for i in range(count) if paths.nth(i).get_attribute("fill") == pole_fill)
    # (dispatched on the path itself: a firm cluster drawn over it would take a pointer click)
    pole.dispatch_event("click")
    # … and the side panel names it
    page.get_by_text("张江科技创新极（张江科学城） / Zhangjiang").first.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "app-clicked.png"))
    page.close()
    assert count > 20
    assert "两极" in legend and "虚线" in legend
    assert not [u for u in outside if "/app/static" in u or "leaflet" in u]


# --- the map that fills the page, its legend, labels, drawing, address, phone ---


def test_the_map_fills_the_width_and_most_of_the_height_at_1440(app_url, browser):
    page, frame = open_map(browser, app_url)
    box = page.locator(MAP_IFRAME).bounding_box()
    inner = page.locator("[data-testid='stMainBlockContainer']").evaluate(
        "el => { const s = getComputedStyle(el);"
        " return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }")
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "app-1440.png"))
    legend = frame.locator(".scm-legend").bounding_box()
    page.close()
    assert box["width"] >= 0.95 * inner and box["width"] > 900
    assert box["height"] >= 0.7 * 900
    # the legend keeps to a corner: at most 40 % of the map's width and height
    assert legend["width"] <= 0.4 * box["width"] + 1 and legend["height"] <= 0.4 * box["height"] + 1


def test_the_legend_folds_away(app_url, browser):
    page, frame = open_map(browser, app_url)
    body = frame.locator(".scm-legend-body")
    assert body.is_visible()
    frame.locator(".scm-legend-toggle").click()
    assert not body.is_visible()
    assert frame.locator(".scm-legend-toggle").get_attribute("aria-expanded") == "false"
    frame.locator(".scm-legend-toggle").click()
    assert body.is_visible()
    page.close()


def test_zone_names_show_from_zoom_11(app_url, browser):
    page, frame = open_map(browser, app_url)
    inner = map_frame(page)
    # (the setter's result, Leaflet's whole map, is not sent back: it would take half a minute)
    inner.evaluate("() => { window.map.setView([31.03, 121.22], 10); }")
    time.sleep(1)
    at_10 = frame.locator(".scm-zone-label").count()
    inner.evaluate("() => { window.map.setView([31.03, 121.22], 12); }")
    frame.locator(".scm-zone-label").first.wait_for(timeout=10_000)
    names = frame.locator(".scm-zone-label").all_inner_texts()
    page.close()
    assert at_10 == 0
    assert "松江新城" in names


def test_drawing_a_site_shows_its_measures(app_url, browser):
    page, frame = open_map(browser, app_url)
    draw_rectangle(page, frame)
    page.get_by_text("所画区域").first.wait_for(timeout=60_000)
    summary = page.get_by_text("EPSG:32651").first.inner_text()
    # its tables (sectors, the zones it overlaps, ...): drawn once the grid's script is in
    page.locator("[data-testid='stDataFrame']").nth(1).wait_for(timeout=60_000)
    page.close()
    assert re.search(r"面积 [\d.,]+ km².*区内企业 [\d,]+ 家", summary)


def test_the_view_travels_in_the_address(app_url, browser):
    query = "?layers=new_towns,poles&zone=newtown_songjiang&zoom=12&center=31.03000,121.22000"
    page, frame = open_map(browser, app_url + query)
    # the zone's panel (its name as text; the zone table's grid cells are hidden DOM)
    page.locator("[data-testid='stText']", has_text="松江新城").first.wait_for(timeout=60_000)
    inner = map_frame(page)
    zoom = inner.evaluate("window.map.getZoom()")
    centre = inner.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    checked = page.locator("[data-testid='stSidebar'] input[type='checkbox']:checked").count()
    settle(page)  # the rerun that writes the view into the address
    address = page.url
    page.close()
    assert zoom == 12 and abs(centre[0] - 31.03) < 0.01 and abs(centre[1] - 121.22) < 0.01
    assert checked == 2  # exactly the address's layers
    from urllib.parse import parse_qs, urlparse
    params = {k: v[0] for k, v in parse_qs(urlparse(address).query).items()}
    assert params["zone"] == "newtown_songjiang" and set(params["layers"].split(",")) == {"new_towns", "poles"}
    assert params["zoom"] == "12"


#: Counts the app's script runs as the page shows them (stApp's script state turning to "running").
COUNT_RUNS = """
window.scmRuns = 0;
(function watch() {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app) return setTimeout(watch, 5);
    new MutationObserver(() => {
        if (app.getAttribute("data-test-script-state") === "running") window.scmRuns += 1;
    }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
})();
"""


def test_a_new_page_runs_the_app_once_and_a_moved_map_reports_its_view(app_url, browser):
    """The first fit of a new page changes nothing the server draws (5,021 demo firms are
    clustered in the browser whatever the view): it is kept from the server, so the page
    costs one run of the app. The first move of the map is reported: it reaches the address."""
    page, frame = open_map(browser, app_url, init_script=COUNT_RUNS)
    time.sleep(1.0)  # the frame's own report of a move comes 250 ms after the move ends
    settle(page)
    runs, address = page.evaluate("() => window.scmRuns"), page.url
    frame.locator("a.leaflet-control-zoom-in").click()
    page.wait_for_url(lambda u: "zoom=" in u, timeout=60_000)
    moved = page.evaluate("() => window.scmRuns")
    page.close()
    assert runs == 1 and "zoom=" not in address
    assert moved == 2  # the move: one run, of the map's part of the page


def test_on_a_phone_the_map_comes_first(app_url, browser):
    page, frame = open_map(browser, app_url, width=390, height=844)
    box = page.locator(MAP_IFRAME).bounding_box()
    tabs = page.locator("[data-testid='stTabs']").first.bounding_box()
    collapsed = "scm-collapsed" in (frame.locator(".scm-legend").get_attribute("class") or "")
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "app-390.png"))
    page.close()
    assert box["width"] >= 340 and box["x"] < 30
    assert tabs["y"] > box["y"] + box["height"] - 1
    assert collapsed  # the legend starts folded on a narrow map


def test_a_png_of_the_map_view_for_reports(app_url, browser):
    page, _ = open_map(browser, app_url)
    page.get_by_text("生成当前地图视图的 PNG 图片").click()
    button = page.get_by_text("下载地图 PNG")
    button.wait_for(timeout=90_000)
    with page.expect_download(timeout=30_000) as info:
        button.click()
    data = Path(info.value.path()).read_bytes()
    page.close()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
