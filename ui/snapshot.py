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
from datetime import date
from pathlib import Path

from layers.errors import UsageError
from ui.basemaps import basemap
from ui.firm_layer import CLUSTER_LIMIT, component_box, firms_in_view
from ui.i18n import t
from ui.mapbase import safe_text
from ui.mapview import center_of
from ui.page import standalone_html
from ui.webmap import MapOptions, build_map

__all__ = ["map_png", "offline_html", "print_caption", "view_png"]

# the picture shows the map, not its buttons
# the picture shows the map, not its buttons, and the legend whole (no scrolling)
PRINT_CSS = ("<style>.leaflet-control-zoom, .leaflet-control-layers, .leaflet-draw,"
             " .scm-legend-toggle { display: none !important; }"
             " .scm-legend { max-height: none !important; overflow: visible !important; }"
             " .scm-legend.scm-collapsed .scm-legend-body { display: block !important; }"
             " .scm-print-caption { position: fixed; top: 8px; left: 8px; z-index: 1000;"
             " max-width: 60%; background: rgba(255,255,255,0.92); padding: 6px 10px;"
             " border-radius: 4px; font: 12px/1.5 'Noto Sans CJK SC', sans-serif; }</style>")

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  "--no-first-run", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--virtual-time-budget=4000")


def _browser(chromium: str | None) -> str:
    found = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise UsageError("a PNG of the map needs Chromium (apt-get install chromium)")
    return found


def map_png(page_html: str, *, width: int = 1400, height: int = 900, timeout: float = 30.0,
            chromium: str | None = None, caption: str = "") -> bytes:
    """The page ``page_html`` (a self-contained map) as PNG bytes of ``width``×``height`` px;
    ``caption`` (HTML, already escaped: title, filters, date, sources) in its top-left corner."""
    if caption:
        page_html = page_html.replace("</body>", f'<div class="scm-print-caption">{caption}</div>'
                                      "</body>", 1)
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
             base=None, width: int = 1400, height: int = 900, caption: str = "") -> bytes:
    """A PNG of the map as ``opts`` draws it, at the view st_folium last reported
    (``component``: its value with ``bounds`` and ``zoom``), without the drawing tool;
    the firms drawn as the screen draws them for that view (points, clusters or the
    city's grid), the legend whole and ``caption`` in a corner."""
    component = component or {}
    center, zoom = center_of(component.get("bounds")), component.get("zoom")
    view = (*center, float(zoom)) if center is not None and isinstance(zoom, int | float) else opts.view
    mode = opts.firm_mode
    if firms is not None and len(firms) > CLUSTER_LIMIT and opts.dynamic_firms:
        box = component_box(component.get("bounds"), basemap(opts.basemap).datum)
        seen = firms_in_view(firms, box, float(zoom) if isinstance(zoom, int | float) else None)
        firms, mode = (firms if seen.rows is None else firms.iloc[seen.rows]), seen.mode
    shot = dataclasses.replace(opts, view=view, draw=False, dynamic_firms=False, firm_mode=mode,
                               selected=None if view is not None else opts.selected)
    page = standalone_html(build_map(frames, entries, firms, shot, base), static_dir)
    return map_png(page, width=width, height=height, caption=caption)


def print_caption(filters: str, *, lang: str, today: date | None = None) -> str:
    """The PNG's caption as escaped HTML: the map's title, the filters, the date, the
    plans it rests on and the map data's attribution."""
    lines = [f"<b>{safe_text(t('title', lang))}</b>", safe_text(filters),
             safe_text((today or date.today()).isoformat()), safe_text(t("print_sources", lang)),
             "© OpenStreetMap contributors (ODbL 1.0)"]
    return "<br>".join(line for line in lines if line)


def offline_html(frames, entries, firms, opts: MapOptions, *, static_dir, base=None) -> str:
    """The map as one self-contained page that matches the screen at any firm count: the
    firms the app swaps in per view are drawn whole instead (the city's grid above the
    cluster limit, its key in the legend)."""
    whole = dataclasses.replace(opts, dynamic_firms=False)
    return standalone_html(build_map(frames, entries, firms, whole, base), static_dir)
