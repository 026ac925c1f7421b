"""Labels of the map's tools (the drawing tool, the PNG of a view) and of the GIS block, in Chinese
and English — part of :data:`ui.i18n.LABELS` (merged there; read them through
:func:`ui.i18n.t`)."""

from __future__ import annotations

__all__ = ["TOOL_LABELS"]

TOOL_LABELS: dict[str, tuple[str, str]] = {
    "draw_polygon": ("画多边形（候选地块）", "Draw a polygon (a candidate site)"),
    "draw_rectangle": ("画矩形（候选地块）", "Draw a rectangle (a candidate site)"),
    "draw_cancel_title": ("取消绘制", "Cancel drawing"),
    "draw_cancel": ("取消", "Cancel"),
    "draw_finish_title": ("完成绘制", "Finish drawing"),
    "draw_finish": ("完成", "Finish"),
    "draw_undo_title": ("删除最后一个点", "Delete the last point"),
    "draw_undo": ("撤销一点", "Delete last point"),
    "draw_poly_start": ("点击开始画多边形。", "Click to start the polygon."),
    "draw_poly_cont": ("点击继续画。", "Click to continue."),
    "draw_poly_end": ("点击第一个点闭合多边形。", "Click the first point to close the polygon."),
    "draw_rect_start": ("按住并拖动画矩形。", "Press and drag to draw a rectangle."),
    "draw_rect_end": ("松开鼠标完成。", "Release the mouse to finish."),
    "draw_remove": ("删除所画图形", "Delete drawn shapes"),
    "draw_remove_none": ("没有可删除的图形", "No shapes to delete"),
    "draw_save_title": ("保存更改", "Save changes"),
    "draw_save": ("保存", "Save"),
    "draw_clear_title": ("清除所有所画图形", "Clear every drawn shape"),
    "draw_clear": ("全部清除", "Clear all"),
    "draw_remove_hint": ("点击要删除的图形。", "Click a shape to delete it."),
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
