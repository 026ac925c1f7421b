"""Basemaps the app offers, with the datum each one draws in.

Overlays are stored in WGS84; over a GCJ-02 basemap (高德 Amap) they are moved to
GCJ-02 so they sit on its streets. 天地图 draws in CGCS2000, which differs from
WGS84 by centimetres, so nothing is moved for it; it needs a user key.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.datum import Datum
from layers.errors import UsageError

__all__ = ["BASEMAPS", "Basemap", "basemap"]


@dataclass(frozen=True)
class Basemap:
    id: str
    label_zh: str
    label_en: str
    datum: Datum  # the datum overlays must be in to line up: wgs84 or gcj02
    tiles: tuple[str, ...] = ()  # URL templates; {key} is replaced by the user's key
    attribution: str = ""
    subdomains: str = "abc"
    needs_key: bool = False
    max_zoom: int = 18

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


BASEMAPS: tuple[Basemap, ...] = (
    Basemap("none", "无底图（离线矢量底图）", "None (offline vector base)", "wgs84",
            attribution="Base: © OpenStreetMap contributors (ODbL); metro: MetroMapOpenMiniProgram (MIT)"),
    Basemap("osm", "OpenStreetMap", "OpenStreetMap", "wgs84",
            ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
            "© OpenStreetMap contributors", subdomains="abc", max_zoom=19),
    Basemap("amap", "高德地图（GCJ-02）", "Amap (GCJ-02)", "gcj02",
            ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
             "&x={x}&y={y}&z={z}",),
            "© 高德地图 AutoNavi", subdomains="1234"),
    Basemap("tianditu", "天地图（需密钥）", "Tianditu (key needed)", "wgs84",
            ("https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
             "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
             "&TILECOL={x}&tk={key}",
             "https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
             "&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
             "&TILECOL={x}&tk={key}"),
            "© 天地图 国家地理信息公共服务平台", subdomains="01234567", needs_key=True),
)


def basemap(basemap_id: str) -> Basemap:
    for b in BASEMAPS:
        if b.id == basemap_id:
            return b
    raise UsageError(f"unknown basemap {basemap_id!r}; known: {', '.join(b.id for b in BASEMAPS)}")
