"""A PNG of the map for reports: the self-contained page shot by headless Chromium.

The page (:func:`ui.page.standalone_html`, every script and style inlined) is
written to a temporary folder and opened from disk by the system's Chromium, kept warm
once per process (:mod:`ui.screenshots`), with no network of its own needed; each
picture is bounded by ``timeout`` seconds.
"""

from __future__ import annotations

import contextlib
import dataclasses
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
from ui.screenshots import NO_PICTURE, shooter
from ui.webmap import MapOptions, build_map

__all__ = ["map_png", "offline_html", "print_caption", "view_png", "warm_png"]

# the picture shows the map, not its buttons, and the legend whole (no scrolling)
PRINT_CSS = ("<style>.leaflet-control-zoom, .leaflet-control-layers, .leaflet-draw,"
             " .scm-legend-toggle { display: none !important; }"
             " .scm-legend { max-height: none !important; overflow: visible !important; }"
             " .scm-legend.scm-collapsed .scm-legend-body { display: block !important; }"
             " .scm-print-caption { position: fixed; top: 8px; left: 8px; z-index: 1000;"
             " max-width: 60%; background: rgba(255,255,255,0.92); padding: 6px 10px;"
             " border-radius: 4px; font: 12px/1.5 'Noto Sans CJK SC', sans-serif; }</style>")


def map_png(page_html: str, *, width: int = 1400, height: int = 900, timeout: float = 30.0,
            chromium: str | None = None, caption: str = "") -> bytes:
    """The page ``page_html`` (a self-contained map) as PNG bytes of ``width``×``height`` px;
    ``caption`` (HTML, already escaped: title, filters, date, sources) in its top-left corner.
    Shot by the process's warm Chromium (:mod:`ui.screenshots`)."""
    if caption:
        page_html = page_html.replace("</body>", f'<div class="scm-print-caption">{caption}</div>'
                                      "</body>", 1)
    browser = shooter(chromium)
    with tempfile.TemporaryDirectory(prefix="shmap-png-") as tmp:
        page = Path(tmp) / "map.html"
        page.write_text(page_html.replace("</head>", PRINT_CSS + "</head>", 1), encoding="utf-8")
        png = browser.shoot(page.as_uri(), width=width, height=height, timeout=timeout)
    if not png:
        raise UsageError(NO_PICTURE)
    return png


def warm_png(chromium: str | None = None) -> None:
    """Start the process's Chromium for PNGs in the background, so the first PNG a person
    asks for does not wait for it; without Chromium, nothing (the PNG button says so)."""
    with contextlib.suppress(UsageError):
        shooter(chromium).warm()


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
