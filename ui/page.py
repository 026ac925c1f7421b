"""Packaging a built map as a page: the HTML the app serves, and one self-contained
file (every script and stylesheet inlined) that opens offline."""

from __future__ import annotations

import re
from pathlib import Path

import folium

from ui.webmap import ASSET_BASE

__all__ = ["map_html", "standalone_html"]


def map_html(m: folium.Map) -> str:
    """The map as one HTML page (assets still referenced at ``asset_base``)."""
    return m.get_root().render()


def standalone_html(m: folium.Map, static_dir, *, asset_base: str = ASSET_BASE) -> str:
    """The map as one self-contained HTML file: every script and stylesheet served
    from ``asset_base`` is inlined from ``static_dir``, so the file opens offline."""
    page = map_html(m)
    root = Path(static_dir)

    def local(url: str) -> Path:
        return root / url.removeprefix(asset_base + "/")

    def script(match) -> str:
        code = local(match.group(1)).read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def style(match) -> str:
        return f"<style>{local(match.group(1)).read_text(encoding='utf-8')}</style>"

    prefix = re.escape(asset_base)
    page = re.sub(rf'<script src="({prefix}/[^"]+)"></script>', script, page)
    return re.sub(rf'<link rel="stylesheet" href="({prefix}/[^"]+)"/>', style, page)
