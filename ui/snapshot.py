"""A PNG of the map for reports: the self-contained page shot by headless Chromium.

The page (:func:`ui.page.standalone_html`, every script and style inlined) is
written to a temporary folder and opened from disk by the system's Chromium with
no network of its own needed; the run is bounded by ``timeout`` seconds.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from layers.errors import UsageError
from ui.mapview import center_of
from ui.page import standalone_html
from ui.webmap import MapOptions, build_map

__all__ = ["map_png", "view_png"]

# the picture shows the map, not its buttons
PRINT_CSS = ("<style>.leaflet-control-zoom, .leaflet-control-layers, .leaflet-draw,"
             " .scm-legend-toggle { display: none !important; }</style>")

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  "--no-first-run", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--virtual-time-budget=4000")


def _browser(chromium: str | None) -> str:
    found = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise UsageError("a PNG of the map needs Chromium (apt-get install chromium)")
    return found


def map_png(page_html: str, *, width: int = 1400, height: int = 900, timeout: float = 30.0,
            chromium: str | None = None) -> bytes:
    """The page ``page_html`` (a self-contained map) as PNG bytes of ``width``×``height`` px."""
    browser = _browser(chromium)
    with tempfile.TemporaryDirectory(prefix="shmap-png-") as tmp:
        page, out = Path(tmp) / "map.html", Path(tmp) / "map.png"
        page.write_text(page_html.replace("</head>", PRINT_CSS + "</head>", 1), encoding="utf-8")
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", f"--window-size={width},{height}",
               f"--screenshot={out}", page.as_uri()]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise UsageError(f"the map's PNG took longer than {timeout:.0f} s; try again") from err
        if not out.is_file() or out.stat().st_size == 0:
            raise UsageError("Chromium made no PNG of the map")
        return out.read_bytes()


def view_png(frames, entries, firms, opts: MapOptions, *, static_dir, component: Mapping | None = None,
             base=None, width: int = 1400, height: int = 900) -> bytes:
    """A PNG of the map as ``opts`` draws it, at the view st_folium last reported
    (``component``: its value with ``bounds`` and ``zoom``), without the drawing tool;
    firms above the cluster limit as the city's grid."""
    component = component or {}
    center, zoom = center_of(component.get("bounds")), component.get("zoom")
    view = (*center, float(zoom)) if center is not None and isinstance(zoom, int | float) else opts.view
    shot = dataclasses.replace(opts, view=view, draw=False, dynamic_firms=False,
                               selected=None if view is not None else opts.selected)
    page = standalone_html(build_map(frames, entries, firms, shot, base), static_dir)
    return map_png(page, width=width, height=height)
