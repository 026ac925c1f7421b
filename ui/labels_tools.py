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
    "gis_bundle_measures": ("资料包中的区域附带所载企业名单的区域指标（确定数与可能数分列，各列含义见包内的说明文件）",
                            "The bundle's zones carry the loaded firm list's zone measures "
                            "(certain and possible counts apart; the README says what each means)"),
    # the zone measures joined into a GIS export, for its README
    "mx_heading": ("区域企业指标", "Zone measures of the firm list"),
    "mx_intro": ("各区域图层的以下各列由导出时载入的企业名单计算。只有定位确定落在区域内的企业计为“确定”；"
                 "定位较粗（仅到街道/镇或区）而可能在区域内的企业另计为“可能”，从不当作精确的点。"
                 "已注销、吊销或迁出的企业不计入。面积按 UTM 51N 投影计算。",
                 "These columns of each zone layer are computed from the firm list loaded when "
                 "the bundle was made. A firm counts as certain in a zone only where its placement "
                 "certainly lies inside; a firm placed more coarsely (to a 街道/镇 or 区 only) that "
                 "may lie inside counts as possible, never as a precise point. Firms deregistered, "
                 "revoked or moved away are not counted. Areas are computed in UTM zone 51N."),
    "mx_synthetic": ("注意：名单中有 {n} 家为合成企业（并不存在），这些指标仅供演示。",
                     "Note: {n} firms of the list are synthetic (they do not exist); these "
                     "measures are a demonstration only."),
    "mx_firms_certain": ("确定在区域内的企业数（整数）", "Firms certainly inside the zone (integer)"),
    "mx_firms_possible": ("确定数加上可能在区域内的企业数，即上限（整数）",
                          "Certain firms plus those possibly inside: an upper bound (integer)"),
    "mx_firms_per_km2": ("每平方公里的确定企业数（实数）", "Certain firms per km² (real)"),
    "mx_employees": ("确定企业的参保人数合计；名单无此数据时为空（实数）",
                     "Insured employees of the certain firms, summed; empty when the list has "
                     "no such figures (real)"),
    "mx_unclassified": ("未能归入产业的确定企业数（整数）",
                        "Certain firms not classified to a sector (integer)"),
    "mx_plan_fit": ("规划契合度：已分类的确定企业中属于规划为该区域指定产业的比例，0–1；区域无指定产业或无已分类企业时为空（实数）",
                    "Plan fit: share of the classified certain firms in the sectors the plan "
                    "designates for the zone, 0–1; empty for a zone with no designated sector "
                    "or no classified firm (real)"),
    "mx_sector_firms": ("{sector}：确定企业数（整数）", "{sector}: certain firms (integer)"),
    "mx_sector_firms_possible": ("{sector}：确定加可能的企业数，即上限（整数）",
                                 "{sector}: certain plus possible firms, an upper bound (integer)"),
    "mx_sector_share": ("{sector}：占区域确定企业的比例，0–1（实数）",
                        "{sector}: share of the zone's certain firms, 0–1 (real)"),
    "mx_sector_lq": ("{sector}：区位熵，即该产业在区域确定企业中的占比除以在整个名单中的占比（实数）",
                     "{sector}: location quotient, the sector's share of the zone's certain "
                     "firms divided by its share of the whole list (real)"),
    "mx_sector_strong_cluster": ("{sector}：强集群（是/否）：区位熵不低于 1、位于本图层有该产业企业的区域中区位熵前 25%，且企业数高于这些区域的后 25%",
                                 "{sector}: strong cluster (true/false): LQ at least 1, in the top "
                                 "quarter of LQs among this layer's zones with firms of the sector, "
                                 "and more firms than their bottom quarter"),
}
