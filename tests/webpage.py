"""The real app on loopback, seen through headless Chromium: shared by the browser tests.

``app_server()`` starts ``streamlit run app.py`` on a free loopback port and yields
its address; ``open_map`` opens a page on it with no network but the app and waits
for the map. The fixtures ``app_url`` and ``browser`` (tests/conftest.py) use them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
DOCS = ROOT / "docs"
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(*, start_timeout: float = 90.0):
    """``streamlit run app.py`` on a free loopback port; yields its URL, stops it after."""
    port = free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + start_timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"streamlit did not start within {start_timeout:.0f} s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def offline(page) -> list[str]:
    """Let ``page`` reach the app only; returns the list of outside URLs it tried."""
    outside: list[str] = []

    def route(r):
        if r.request.url.split("/")[2].startswith("127.0.0.1"):
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    return outside


def open_map(browser, url, *, width=1440, height=900, locale="zh-CN"):
    """A new page at ``url`` with no network but the app; returns (page, map frame)."""
    page = browser.new_page(viewport={"width": width, "height": height}, locale=locale)
    offline(page)
    page.goto(url, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(".scm-legend").wait_for(timeout=120_000)
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=60_000)
    time.sleep(2)
    return page, frame


def map_frame(page):
    """The map's own frame (for evaluating script inside it)."""
    return next(f for f in page.frames if f.url and "streamlit_folium" in f.url)
