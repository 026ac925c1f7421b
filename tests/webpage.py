"""The real app on loopback, seen through headless Chromium: shared by the browser tests.

``app_server()`` starts ``streamlit run app.py`` on a free loopback port and yields
its address (``app_process()`` also the process); ``open_map`` opens a page on it with
no network but the app and waits for the map; ``settle`` waits for the app's reruns to end.
The fixtures ``app_url`` and ``browser`` (tests/conftest.py) use them, and so does
``benchmarks/soak.py`` (it puts this folder on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from ui.view_report import FIT_PENDING

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
def app_process(*, start_timeout: float = 90.0):
    """``streamlit run app.py`` on a free loopback port; yields (URL, process), stops it
    after. The server's output goes to a temporary file (its end is quoted if it does
    not start), so a long run never blocks on a full pipe."""
    port = free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
             str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log, start_timeout)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_healthy(url: str, proc, log, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    log.seek(0)
    tail = log.read().decode("utf-8", "replace")[-2000:]
    raise RuntimeError(f"streamlit did not start within {timeout:.0f} s:\n{tail}")


@contextlib.contextmanager
def app_server(*, start_timeout: float = 90.0):
    """``streamlit run app.py`` on a free loopback port; yields its URL, stops it after."""
    with app_process(start_timeout=start_timeout) as (url, _proc):
        yield url


def script_state(page) -> str | None:
    """The app's script state as its page shows it (stApp's ``data-test-script-state``):
    "initial", "running", "rerunRequested", "notRunning", …"""
    return page.locator("[data-testid='stApp']").get_attribute("data-test-script-state")


def settle(page, *, quiet: float = 0.5, timeout: float = 120.0) -> None:
    """Wait for the app's reruns to end: its script state "notRunning" and staying so for
    ``quiet`` s (the time for a rerun that a click or the map asks for to begin)."""
    calm_since, deadline = None, time.monotonic() + timeout
    while time.monotonic() < deadline:
        if script_state(page) != "notRunning":
            calm_since = None
        elif calm_since is None:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        time.sleep(0.05)
    raise TimeoutError(f"the app kept running for {timeout:.0f} s (state {script_state(page)!r})")


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


_CONTEXTS: dict[tuple, object] = {}


def shared_page(browser, *, width: int, height: int, locale: str):
    """A new page in the browser's one context for this size and locale. Pages of a
    context share its HTTP cache, so Streamlit's scripts load once per test process as
    for a returning visitor (a fresh context cost a page 1–3 s more on a loaded machine); each page is
    still its own app session (Streamlit keeps a session per connection, not per cookie)."""
    key = (id(browser), width, height, locale)
    context = _CONTEXTS.get(key)
    if context is None or context not in browser.contexts:
        context = _CONTEXTS[key] = browser.new_context(
            viewport={"width": width, "height": height}, locale=locale)
    return context.new_page()


def open_map(browser, url, *, width=1440, height=900, locale="zh-CN", init_script: str = ""):
    """A new page at ``url`` with no network but the app, ``init_script`` run in it before
    the app's own; returns (page, map frame) once the map's first fit is made."""
    page = shared_page(browser, width=width, height=height, locale=locale)
    if init_script:
        page.add_init_script(init_script)
    offline(page)
    page.goto(url, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(".scm-legend").wait_for(timeout=120_000)
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=60_000)
    # the map's first fit made, if it has one (set with the legend, in the same script;
    # reported to the app only when the view changes what it draws)
    map_frame(page).wait_for_function(f"() => {FIT_PENDING} !== true", timeout=60_000)
    settle(page)
    return page, frame


def draw_rectangle(page, frame) -> None:
    """Draw a rectangle with Leaflet.draw's tool, as a person drags it over the map."""
    frame.locator("a.leaflet-draw-draw-rectangle").click()
    box = page.locator(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=5)
    page.mouse.move(x + 120, y + 90, steps=5)
    page.mouse.up()


def map_frame(page):
    """The map's own frame (for evaluating script inside it)."""
    return next(f for f in page.frames if f.url and "streamlit_folium" in f.url)
