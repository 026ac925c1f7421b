"""Every label of the app in Chinese and English, in one place."""

from __future__ import annotations

import re
from functools import cache

from firms.intake.classify import UNCLASSIFIED
from layers.schema import split_list
from layers.sectors import taxonomy
from ui.labels_geocoding import GEOCODING_LABELS
from ui.labels_service import SERVICE_LABELS
from ui.labels_tools import TOOL_LABELS
from ui.labels_zones import FIRM_COLUMNS, SECTOR_COLUMNS, STREAMLIT_LABELS, ZONE_LABELS

__all__ = ["COLUMNS", "FIRM_COLUMNS", "GROUPS", "KINDS", "LABELS", "ROLES", "column_label", "group_label", "headers",
           "datum_label", "format_label", "kind_label", "role_label", "unit_label", "sector_label", "sector_labels", "sector_list_label",
           "sector_column_label", "t"]

LABELS: dict[str, tuple[str, str]] = {
    "title": ("上海战略性新兴产业空间布局地图", "Shanghai strategic-industry cluster map"),
    "subtitle": ("依据沪府办发〔2021〕10号等规划文本；近似或示意边界以虚线表示。",
                 "From 沪府办发〔2021〕10号 and related plans; approximate or schematic outlines are dashed."),
    "language": ("语言", "Language"),
    "basemap": ("底图", "Basemap"),
    "basemap_key_missing": ("天地图需要密钥：请在 .streamlit/secrets.toml 中设置 tianditu_key。已改用无底图。",
                            "Tianditu needs a key: set tianditu_key in .streamlit/secrets.toml. Showing no basemap."),
    "datum_note": ("叠加图层坐标：{datum}（与底图一致）", "Overlays drawn in {datum} (matching the basemap)"),
    "layers": ("图层", "Layers"),
    "sector_filter": ("按产业筛选（9+X）", "Filter by sector (9+X)"),
    "firms": ("企业", "Firms"),
    "firms_source": ("企业数据", "Firm data"),
    "firms_demo": ("示例：规划提及的真实机构 + 合成企业（非真实）",
                   "Demo: real institutions named in the plans + synthetic firms (not real)"),
    "firms_upload": ("上传企业名单", "Upload a firm list"),
    "firms_none": ("不显示企业", "No firms"),
    "upload": ("CSV / XLSX / GeoJSON（不超过 {mb} MB）", "CSV / XLSX / GeoJSON (up to {mb} MB)"),
    "upload_datum": ("上传坐标的坐标系（文件中无“坐标系”列时）", "Datum of uploaded coordinates (when no 坐标系 column)"),
    "import_report": ("导入报告", "Import report"),
    "rows_summary": ("共 {rows_in} 行：接受 {accepted} 行，拒绝 {rejected} 行",
                     "{rows_in} rows: {accepted} accepted, {rejected} rejected"),
    "download_rejected": ("下载被拒绝的行（CSV）", "Download rejected rows (CSV)"),
    "header_mapping": ("表头对应", "Header mapping"),
    "renamed_column": ("列已改名（原名与输出列或另一列重名，不分大小写）",
                       "Column renamed (its name, ignoring case, is an output column's or another column's)"),
    "read_warning": ("读取文件时的提醒", "Warning about the read"),
    "import_failed": ("无法导入：{error}", "Cannot import: {error}"),
    "firm_mode": ("企业显示方式：{mode}（{n} 家）", "Firms shown as {mode} ({n} firms)"),
    "mode_markers": ("点", "points"),
    "mode_clusters": ("聚合点", "clusters"),
    "mode_grid": ("网格密度（1 km 格或更大）", "grid density (1 km cells or larger)"),
    "measure": ("专题图指标", "Choropleth measure"),
    "measure_layer": ("专题图图层", "Choropleth layer"),
    "measure_sector": ("指标所用产业", "Sector for the measure"),
    "m_none": ("无", "None"),
    "m_firms": ("企业数", "Firm count"),
    "m_firms_per_km2": ("企业密度（家/km²）", "Firms per km²"),
    "m_sector_share": ("产业占比", "Sector share"),
    "m_lq": ("区位熵 LQ", "Location quotient"),
    "m_plan_fit": ("规划契合度", "Plan fit"),
    "classes": ("分级方法", "Class breaks"),
    "cls_quantile": ("分位数（各级区域数相近）", "Quantiles (similar counts per class)"),
    "cls_equal": ("等间距", "Equal intervals"),
    "cls_natural": ("自然断点（Fisher–Jenks）", "Natural breaks (Fisher–Jenks)"),
    "strong_cluster": ("强集群（红色粗边）", "Strong cluster (thick red outline)"),
    "zones_table": ("匹配的区域", "Matching zones"),
    "coverage": ("各图层覆盖的企业（所选产业的企业，按整层全部区域计）",
                 "Firms of the chosen sectors each layer covers (all its zones)"),
    "cov_inside": ("在任一区域内", "Inside any zone"),
    "cov_outside": ("不在任何区域内", "Outside every zone"),
    "cov_share": ("覆盖比例", "Share inside"),
    "details": ("区域详情", "Zone details"),
    "click_hint": ("点击地图上的区域，或用上方搜索。", "Click a zone on the map, or search above."),
    "search": ("搜索区域或企业（中文、英文或拼音首字母）", "Search a zone or firm (Chinese, English or pinyin)"),
    "search_hint": ("如 东方美谷、Lingang、zjkxc", "e.g. 东方美谷, Lingang, zjkxc"),
    "no_match": ("无匹配结果", "No match"),
    "search_pick": ("{n} 个结果：选择一个即定位", "{n} matches: pick one to go there"),
    "search_choose": ("选择结果", "Choose a match"),
    "whole_city": ("全市", "Whole city"),
    "firm_details": ("企业详情", "Firm details"),
    "compare": ("对比（最多 5 个区域）", "Compare (up to 5 zones)"),
    "shortlist": ("招商短名单", "Investment shortlist"),
    "shortlist_sector": ("短名单产业", "Sector for the shortlist"),
    "export": ("导出当前视图", "Export what is on screen"),
    "export_datum": ("导出坐标系", "Export datum"),
    "prepare_map": ("生成当前地图的离线 HTML", "Make an offline HTML of this map"),
    "download_map": ("下载当前地图（离线 HTML）", "Download this map (offline HTML)"),
    "download": ("下载 {fmt}", "Download {fmt}"),
    "firms_inside": ("区域内企业", "Firms inside"),
    "download_firms": ("下载区域内企业（CSV）", "Download firms inside (CSV)"),
    "name": ("名称", "Name"), "role": ("角色", "Role"),
    "sectors": ("产业", "Sectors"),
    "area": ("面积（计算值）", "Area (computed)"),
    "official_area": ("官方面积", "Published area"),
    "method": ("边界制作方法", "How the outline was made"),
    "precision": ("精度（米）", "Precision (m)"),
    "approximate": ("近似边界", "Approximate outline"),
    "basis": ("依据类别", "Basis"),
    "evidence": ("来源与位置说明", "Sources, and how it was drawn"),
    "basis_official": ("官方文件", "official document"),
    "basis_secondary": ("二手来源（新闻、百科、园区页面）", "secondary sources (news, encyclopedia, park pages)"),
    "basis_conflicting": ("来源相互矛盾", "conflicting sources"),
    "basis_inferred": ("推断（依据见下）", "inferred (evidence below)"),
    "basis_schematic": ("示意", "schematic"),
    "citation": ("规划原文", "Plan text"),
    "layer": ("图层", "Layer"),
    "yes": ("是", "yes"), "no": ("否", "no"),
    "upload_sheet": ("工作表（工作簿有多个工作表时）", "Sheet (a workbook with several sheets)"),
    "sheet_auto": ("自动：唯一有数据的工作表", "Automatic: the only sheet with data"),
    "export_nothing": ("当前没有可导出的要素：请打开图层或放宽产业筛选。",
                       "Nothing to export: turn on a layer or widen the sector filter."),
    "unclassified": ("未分类", "unclassified"),
    "format": ("格式", "Format"),
    "item": ("项目", "Item"), "value": ("数值", "Value"),
    "indicator": ("指标", "Indicator"),
    "year": ("年份", "Year"),
    "source": ("来源", "Source"),
    "rejected_for": ("因“{field}”被拒绝", "Rejected for {field}"),
    "r_rows_in": ("读入行数", "Rows read"),
    "r_accepted": ("接受", "Accepted"),
    "r_rejected": ("拒绝", "Rejected"),
    "r_swapped_fixed": ("经纬度互换已修正", "Swapped lon/lat fixed"),
    "r_placed_by_address": ("按地址定位", "Placed by address"),
    "r_invalid_uscc_flagged": ("信用代码无效（已标注）", "Invalid credit codes (flagged)"),
    "r_unclassified": ("未能归入产业", "Unclassified"),
    "r_inactive": ("已注销、吊销或迁出（保留并标注，默认不计数）", "Deregistered, revoked or moved out (kept, flagged, not counted by default)"), "r_header_row": ("表头所在行", "Header row"), "above_header": ("表头上方", "Above the header"), "level_geometry": ("按几何坐标定位", "By the geometry"), "level_coordinates": ("按坐标列定位", "By coordinates"),
    "level_geocoded": ("在线地理编码定位", "Geocoded online"), "level_zone": ("按地址所指园区/片区定位（以其范围为误差）", "Placed in a zone the address names (its outline as uncertainty)"), "level_town": ("按街道/镇定位（以其边界为误差）", "Placed in a subdistrict/town (its outline as uncertainty)"),
    "level_town_district": ("按街道/镇名称定位，但无其边界，只定位到区", "Subdistrict/town named but without an outline: placed to its district"), "level_town_station": ("按街道/镇名称定位，无其边界：以同名地铁站周围的范围为误差（只计为可能）", "Subdistrict/town named, without an outline: a ring around the metro station of its name as uncertainty (counted as possible only)"), "level_district": ("仅定位到区", "Placed to a district only"), "f_capital": ("注册资本", "capital"), "f_founded": ("成立日期", "founded"), "f_status": ("登记状态", "status"),
    "show_inactive": ("显示并计入已注销、吊销或迁出的企业", "Show and count deregistered, revoked and moved-out firms"), "firms_up_to": ("{n} 家企业；连同定位较粗者最多 {m} 家", "{n} firms; up to {m} with coarsely placed ones"), "firms_n": ("{n} 家企业", "{n} firms"), "counted": ("企业计数", "Firm count"),
    "coarse_firms": ("定位较粗的企业（{n} 家，以圈表示范围）", "Coarsely placed firms ({n}, rings show the extent)"), "placed_ring": ("{n} 家企业，定位：{how}；误差约 {km} 公里", "{n} firms placed by {how}; within about {km} km"), "template": ("下载企业名单模板", "Download a firm-list template"),
    "r_formula_guards_removed": ("本工具导出的文件：已去掉防公式的前导 '（单元格数）",
                                 "A file of this tool's: formula guards ' taken off (cells)"),
    "f_name": ("企业名称", "firm name"),
    "f_name_en": ("英文名称", "English name"),
    "f_uscc": ("统一社会信用代码", "credit code"),
    "f_lon": ("经度", "longitude"),
    "f_lat": ("纬度", "latitude"),
    "preview_base": ("底图：© OpenStreetMap 贡献者（ODbL 1.0）；地铁：MetroMapOpenMiniProgram（MIT）",
                     "Base: © OpenStreetMap contributors (ODbL 1.0); metro: "
                     "MetroMapOpenMiniProgram (MIT)"),
    "f_address": ("地址", "address"),
    "f_industry": ("行业", "industry"),
    "f_industry_code": ("行业代码", "industry code"),
    "f_employees": ("从业人员", "employees"),
    "f_datum": ("坐标系", "datum"),
    "f_precision_m": ("定位精度", "placement precision"),
    "f_geometry": ("几何", "geometry"),
    "f_duplicate": ("重复", "duplicate"),
    "legend": ("图例", "Legend"),
    "vector_base": ("底图：行政区与地铁", "Base: districts and metro"),
    "dashed_note": ("虚线：近似或示意边界", "Dashed: approximate or schematic"),
    "synthetic_note": ("合成企业为演示数据，并非真实企业。", "Synthetic firms are demo data, not real firms."),
    "policy": ("规划措施、目标与数据", "What the plans say here"),
    "policy_none": ("规划文本未对本区域单独列出措施。", "The texts list no measure for this zone itself."),
    "targets": ("2025 年产业目标", "2025 sector targets"),
    "why_designated": ("规划指定本产业", "plan designates the sector"),
    "why_not_designated": ("规划未指定本产业", "not designated for the sector"),
    "why_firms": ("本产业企业 {n} 家", "{n} firms of the sector"),
    "why_lq": ("LQ {lq}", "LQ {lq}"),
    "why_metro": ("距地铁站 {km} km", "metro {km} km"),
    "short_top": ("显示前 N 名", "Show the top N"),
    "basis_synthetic": ("数据依据：合成演示企业（非真实企业）——企业数与 LQ 仅作演示。",
                        "Data basis: the synthetic demo firms (not real) — firm counts and LQ are for demonstration."),
    "basis_upload": ("数据依据：上传的企业名单（{n} 家）。", "Data basis: the uploaded firm list ({n} firms)."),
    "basis_plan_only": ("数据依据：仅规划（未载入企业）——只按规划指定与交通可达性排序。",
                        "Data basis: the plans only (no firms loaded) — ranked by designation and access."),
    "short_formula": ("得分 = 0.35×规划指定 + 0.25×LQ（上限 3） + 0.20×企业数百分位 + 0.10×近增长极 + 0.10×近地铁（范围内平均距离）",
                      "Score = 0.35×designation + 0.25×LQ (capped at 3) + 0.20×firm-count percentile + 0.10×near a pole + 0.10×near metro (mean across the zone)"),
    "tab_overview": ("概况", "Overview"),
    "tab_plans": ("规划措施", "Plan measures"),
    "tab_firms": ("企业", "Firms"),
    "tab_sources": ("来源", "Sources"),
    "compare_measure": ("按指标对比（{sector}）", "Compared by measure ({sector})"),
    "compare_pick": ("选择要对比的区域（最多 5 个）", "Zones to compare (up to 5)"),
    "compare_hint": ("选择区域后显示各指标的柱状图。", "Pick zones to see a bar chart per measure."),
    "stage_read": ("读取文件 {name}", "Reading {name}"),
    "stage_check": ("检查 {rows} 行（坐标、名称、信用代码）", "Checking {rows} rows (coordinates, names, credit codes)"),
    "stage_place": ("按地址定位 {rows} 行无坐标的企业", "Placing {rows} rows without coordinates by address"),
    "stage_classify": ("归入产业：接受 {accepted} 行，拒绝 {rejected} 行", "Classified: {accepted} accepted, {rejected} rejected"),
    "stage_join": ("与图层区域空间连接", "Joining with the layers' zones"),
    "stage_done": ("导入完成", "Import done"),
    "stage_failed": ("导入失败", "Import failed"),
    "importing": ("正在导入 {name}", "Importing {name}"),
    "no_report": ("尚未上传企业名单。", "No firm list uploaded yet."),
    "none_mark": ("—", "—"),
    "placement": ("定位方式", "Placement"),
    # map
    "legend_toggle": ("收起或展开图例", "Fold or unfold the legend"),
    "legend_for_sector": ("产业：{sector}", "sector: {sector}"),
    "choropleth_no_firms": ("未显示“{measure}”分级着色：需要企业数据（请选择示例企业或上传名单）。",
                            "“{measure}” colouring not shown: it needs firms (choose the demo or upload a list)."),
    "choropleth_no_values": ("未显示“{measure}”分级着色：所选图层中没有可计算的区域。",
                             "“{measure}” colouring not shown: no zone of the chosen layer has a value."),
    "firms_by_view": ("随缩放显示：全市为网格，放大后为聚合点，再放大为单个企业",
                      "By zoom: a grid for the city, clusters nearer, single firms closer still"),
    "firms_under_choropleth": ("企业图层已隐藏在分级着色之下（可在图层控件中打开）",
                               "Firms hidden under the colouring (switch on in the layer control)"),
    "drawn_title": ("所画区域", "Drawn area"),
    "drawn_hint": ("用地图左侧的多边形或矩形工具画一个候选地块，即可得到与区域相同的指标。",
                   "Draw a candidate site with the polygon or rectangle tool on the map for the same measures as a zone."),
    "drawn_summary": ("面积 {area} km²（EPSG:32651 计算），区内企业 {n} 家",
                      "{area} km² (computed in EPSG:32651), {n} firms inside"),
    "drawn_share": ("占区内企业 %", "% of firms inside"),
    "drawn_overlaps": ("与规划区域的重叠", "Plan zones it overlaps"),
    "drawn_overlap_km2": ("重叠面积 km²", "overlap km²"),
    "drawn_overlap_share": ("占所画面积 %", "% of drawn area"),
    "drawn_none": ("未与任何规划区域重叠。", "Overlaps no plan zone."),
    "zoom_in": ("放大", "Zoom in"),
    "zoom_out": ("缩小", "Zoom out"),
    "search_help": ("搜索所有图层的区域和所有导入的企业（不受产业筛选限制）：中文、英文名称或统一社会信用代码；"
                    "区域名称可用拼音或拼音首字母；企业名称的拼音首字母仅在名单不超过 {n} 家时可用。",
                    "Searches the zones of every layer and every imported firm (whatever the sector filter): "
                    "Chinese or English names or the credit code; zone names also by pinyin or its initials; "
                    "firm names by pinyin initials only in lists of up to {n} firms."),
    "picked_firm": ("搜索选中的企业", "The firm picked by search"),
    "firm_outside_filter": ("该企业不在当前产业筛选范围内，因搜索选中而单独显示。",
                            "This firm is outside the current sector filter; shown because search picked it."),
}

#: Table headers in words (the data keeps its column ids; CSVs for machines too).
COLUMNS: dict[str, tuple[str, str]] = {
    "layer": ("图层", "Layer"), "name": ("名称", "Name"), "role": ("角色", "Role"),
    "sectors": ("产业", "Sectors"), "sector": ("产业", "Sector"), "address": ("地址", "Address"),
    "area_km2": ("面积（km²）", "Area (km²)"), "firms": ("企业数", "Firms"),
    "firms_possible": ("企业数上限（含定位较粗者）", "Firms, up to (with coarse placements)"),
    "firms_per_km2": ("企业密度（家/km²）", "Firms per km²"),
    "sector_firms": ("本产业企业数", "Firms of the sector"),
    "sector_share": ("本产业占比", "Sector share"), "lq": ("区位熵 LQ", "Location quotient"),
    "strong_cluster": ("强集群", "Strong cluster"), "plan_fit": ("规划契合度", "Plan fit"),
    "rank": ("名次", "Rank"), "why": ("理由", "Why"), "score": ("得分", "Score"),
    "designated": ("规划指定本产业", "Plan designates the sector"),
    "pole_km": ("距增长极（km）", "To a pole (km)"), "metro_km": ("距地铁站（km）", "To metro (km)"),
    "score_designated": ("得分：规划指定", "Score: designation"),
    "score_lq": ("得分：区位熵", "Score: LQ"), "score_count": ("得分：企业数", "Score: firm count"),
    "score_pole": ("得分：近增长极", "Score: near a pole"),
    "score_metro": ("得分：近地铁", "Score: near metro"),
    "indicator": ("指标", "Indicator"), "value": ("数值", "Value"), "year": ("年份", "Year"),
    "source": ("来源", "Source"), "row": ("行号", "Row"), "field": ("字段", "Field"),
    "reason": ("原因", "Reason"), "uscc": ("统一社会信用代码", "Credit code"),
    "placement": ("定位方式", "Placement"),
    "placement_precision_m": ("定位精度（米）", "Placement precision (m)"),
    "kind": ("类型", "Kind"), "roles": ("角色", "Roles"), "name_en": ("英文名称", "English name"),
}
LABELS.update(ZONE_LABELS)
LABELS.update(TOOL_LABELS)
LABELS.update(GEOCODING_LABELS)
LABELS.update(STREAMLIT_LABELS)
LABELS.update(SERVICE_LABELS)

#: Role words of the plans (the data's ``role``), in English.
ROLES: dict[str, str] = {
    "智能制造主示范区": "main smart-manufacturing demonstration area",
    "智能制造集聚区": "smart-manufacturing cluster", "重点区域": "key area", "候选": "candidate",
    "特色产业园区（2020 首批）": "featured industrial park (first batch, 2020)",
    "特色产业园区（2021 第二批）": "featured industrial park (second batch, 2021)",
    "特色产业园区（2022 第三批）": "featured industrial park (third batch, 2022)",
    "特色产业园区（批次未确认）": "featured industrial park (batch not confirmed)",
    "东轴·中轴节点": "node of the eastern and middle axes", "东轴节点": "eastern-axis node",
    "中轴节点": "middle-axis node", "西轴节点": "western-axis node", "产业基地": "industrial base",
    "体": "body", "先行启动区": "pilot start-up area", "在线新经济生态园": "online new-economy park",
    "城": "city", "城市": "city", "带": "belt", "支持区（X）": "support area (X)",
    "新城": "new town", "极": "pole", "核心区": "core area", "核心区（1）": "core area (1)",
    "港": "port", "片区": "area", "特色产业园区": "featured industrial park",
    "特色园区（X）": "featured park (X)", "示范区": "demonstration zone", "翼": "wing",
    "行政区": "district", "走廊": "corridor", "走廊轴线": "corridor axis", "轴": "axis",
    "轴线": "axis", "载体": "carrier", "载体园区": "carrier park", "载体（4）": "carrier (4)",
    "集聚区（5）": "cluster area (5)", "高新区": "high-tech zone",
}

#: Kinds of policy items (data/policy_measures.csv ``kind``).
KINDS: dict[str, tuple[str, str]] = {
    "status": ("现状", "Current state"), "measure": ("措施", "Measures"),
    "platform": ("平台", "Platforms"), "target": ("目标", "Targets"),
}

GROUPS: dict[str, tuple[str, str]] = {
    "base": ("基础", "Base"),
    "two_poles_two_belts": ("两极两带", "Two poles, two belts"),
    "new_towns": ("五个新城", "Five new towns"),
    "g60": ("G60科创走廊", "G60 corridor"),
    "sector_systems": ("产业布局体系", "Sector systems"),
    "parks": ("园区", "Parks"),
}


#: English nouns counted by ``{n}`` in the labels, plural → singular (for one).
_SINGULAR = {"firms": "firm", "matches": "match", "layers": "layer", "features": "feature"}
_COUNTED = re.compile(r"(\{n(?::[^}]*)?\} )(" + "|".join(_SINGULAR) + r")\b")


def t(key: str, lang: str = "zh", **values) -> str:
    """The label ``key`` in ``lang`` ("zh" or "en"), with ``{placeholders}`` filled; in
    English a noun counted by ``{n}`` is singular when ``n`` is one ("1 firm")."""
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    if lang != "zh" and str(values.get("n", "")).strip() in ("1", "1.0"):
        text = _COUNTED.sub(lambda m: m.group(1) + _SINGULAR[m.group(2)], text)
    return text.format(**values) if values else text


@cache
def _sector_labels(lang: str) -> tuple[tuple[str, str], ...]:
    return (*((s.id, s.label(lang)) for s in taxonomy()), (UNCLASSIFIED, t("unclassified", lang)))


def sector_labels(lang: str = "zh") -> dict[str, str]:
    """Sector id → its name in ``lang``, including ``unclassified`` (未分类)."""
    return dict(_sector_labels(lang))


def sector_label(sector_id: str, lang: str = "zh") -> str:
    """One sector's name in ``lang`` (the id itself only for an id the taxonomy lacks)."""
    return sector_labels(lang).get(sector_id, sector_id)


def sector_list_label(sectors, lang: str = "zh") -> str:
    """``"ic;ai"`` (or a list of ids) as names joined by 、 (", " in English), or — when empty."""
    ids = split_list(sectors) if isinstance(sectors, str) or sectors is None else list(sectors)
    labels = sector_labels(lang)
    return ("、" if lang == "zh" else ", ").join(labels.get(s, s) for s in ids) or "—"


def group_label(group: str, lang: str = "zh") -> str:
    zh, en = GROUPS.get(group, (group, group))
    return zh if lang == "zh" else en


def column_label(column: str, lang: str = "zh") -> str:
    """A table header in words (the column id itself only for a column not listed)."""
    zh, en = COLUMNS.get(column, (column, column))
    return zh if lang == "zh" else en


def sector_column_label(column: str, sector: str, lang: str = "zh") -> str:
    """A header naming the sector it is for ("集成电路企业数", "LQ (Integrated circuits)");
    :func:`column_label` for a column that is not per sector."""
    if column not in SECTOR_COLUMNS:
        return column_label(column, lang)
    zh, en = SECTOR_COLUMNS[column]
    return (zh if lang == "zh" else en).format(sector=sector_label(sector, lang))


def headers(df, lang: str = "zh"):
    """``df`` with its headers in words in ``lang``."""
    return df.rename(columns=lambda c: column_label(c, lang))


def role_label(role: str, lang: str = "zh") -> str:
    """A zone's role in ``lang`` (the plans' Chinese word, or its English)."""
    if lang == "zh" or not role:
        return role or "—"
    return ROLES.get(role, role)


def kind_label(kind: str, lang: str = "zh") -> str:
    """A policy item's kind in words."""
    zh, en = KINDS.get(kind, (kind, kind))
    return zh if lang == "zh" else en


#: Datum names (geo.datum's ids) in each language.
DATUM_NAMES: dict[str, tuple[str, str]] = {
    "wgs84": ("WGS84 (EPSG:4326)", "WGS84 (EPSG:4326)"),
    "gcj02": ("GCJ-02（国测局）", "GCJ-02 (Chinese offset datum)"),
    "bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "cgcs2000": ("CGCS2000（EPSG:4490，本项目精度内等同 WGS84）",
                 "CGCS2000 (EPSG:4490; equal to WGS84 within the project's accuracy)"),
}

#: Export formats by name.
FORMAT_NAMES = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "csv": "CSV", "fgb": "FlatGeobuf",
                "parquet": "GeoParquet"}


def datum_label(datum: str, lang: str = "zh") -> str:
    """A datum's name in ``lang`` (the id upper-cased for a datum not listed)."""
    zh, en = DATUM_NAMES.get(datum, (datum.upper(), datum.upper()))
    return zh if lang == "zh" else en


def format_label(fmt: str) -> str:
    """An export format's name (GeoJSON, GeoPackage, CSV)."""
    return FORMAT_NAMES.get(fmt, fmt.upper())


#: Units of the plans' figures (data/policy_measures.csv, sector_targets.csv) in English.
UNITS_EN = {"家": "firms", "亿元": "× 100 million yuan", "个": "", "%/年": "% a year", "倍": "times",
            "位": "places", "人": "people", "年": "years", "月": "months", "万人": "× 10,000 people",
            "城市": "cities", "园": "parks", "项": "items", "件/亿元": "per 100 million yuan"}


def unit_label(unit: str, lang: str = "zh") -> str:
    """A figure's unit in ``lang`` (the plans write it in Chinese)."""
    return unit if lang == "zh" else UNITS_EN.get(unit, unit)
