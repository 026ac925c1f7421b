"""Labels of the map's report tools (the PNG of a view) and of the GIS block, in Chinese
and English — part of :data:`ui.i18n.LABELS` (merged there; read them through
:func:`ui.i18n.t`)."""

from __future__ import annotations

__all__ = ["TOOL_LABELS"]

TOOL_LABELS: dict[str, tuple[str, str]] = {
    "prepare_png": ("生成当前地图视图的 PNG 图片", "Make a PNG of this map view"),
    "download_png": ("下载地图 PNG", "Download the map PNG"),
    "png_failed": ("无法生成 PNG：{error}", "Cannot make the PNG: {error}"),
    "gis_heading": ("交给 GIS 团队", "For GIS teams"),
    "gis_service_up": ("本机的 OGC API 要素服务正在运行：{url}（QGIS：添加 WFS / OGC API 要素图层）。",
                       "The OGC API – Features service runs on this machine: {url} (QGIS: Add "
                       "WFS / OGC API – Features Layer)."),
    "gis_service_how": ("运行下面的命令，把图层作为 OGC API 要素服务发布到本机 http://127.0.0.1:5000：",
                        "Run this to publish the layers as OGC API – Features at "
                        "http://127.0.0.1:5000:"),
    "gis_docs": ("各格式、坐标系和各 GIS 软件的加载方法见项目文档中的 GIS 指南。",
                 "Formats, datums and how each GIS loads them: the GIS guide in the docs."),
    "gis_bundle": ("下载 GIS 资料包 {name}（GeoPackage、QGIS 工程、样式、许可与坐标系说明）",
                   "Download the GIS bundle {name} (GeoPackage, QGIS project, styles, README)"),
}
