"""What a person sees: the real app in headless Debian Chromium, with no network.

Starts ``streamlit run app.py`` on a free loopback port, opens it in Chromium
(driven by Playwright, using the system browser), and checks from the DOM that
the map container, the drawn zone paths and the legend are there, that the
map's assets came from the app itself, and that clicking a zone opens its panel.
Screenshots go to ``artifacts/``.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import layers

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start within 90 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_static_assets_are_served_by_the_app(app_url):
    for path in ("/app/static/vendor/leaflet/leaflet.js", "/app/static/map.css",
                 "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js"):
        with urllib.request.urlopen(app_url + path, timeout=10) as r:
            assert r.status == 200


def test_the_map_renders_offline_with_zones_and_legend(app_url, chromium):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
        outside = []

        def block_outside(route):
            host = route.request.url.split("/")[2]
            if host.startswith("127.0.0.1"):
                return route.continue_()
            outside.append(route.request.url)
            return route.abort()

        page.route("**/*", block_outside)  # no network but the app itself
        page.goto(app_url, wait_until="domcontentloaded")
        frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
        frame.locator(".leaflet-container").wait_for(timeout=120_000)
        frame.locator(".scm-legend").wait_for(timeout=60_000)
        frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        time.sleep(2)
        paths = frame.locator("path.leaflet-interactive")
        count = paths.count()
        legend = frame.locator(".scm-legend").inner_text()
        page.screenshot(path=str(ARTIFACTS / "app.png"))
        # a person clicks a pole (drawn in the poles layer's fill colour) …
        pole_fill = layers.entry("poles").style.fill_color
        pole = next(paths.nth(i) for i in range(count) if paths.nth(i).get_attribute("fill") == pole_fill)
        pole.click(force=True)
        # … and the side panel names it
        page.get_by_text("张江科技创新极（张江科学城） / Zhangjiang").first.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "app-clicked.png"))
        browser.close()
    assert count > 20
    assert "两极" in legend and "虚线" in legend
    assert not [u for u in outside if "/app/static" in u or "leaflet" in u]
