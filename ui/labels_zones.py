"""Labels of zone kinds, rankings, the park card and firms over time, in Chinese and
English — part of :data:`ui.i18n.LABELS` (merged there; read them through
:func:`ui.i18n.t`)."""

from __future__ import annotations

__all__ = ["FIRM_COLUMNS", "SECTOR_COLUMNS", "STREAMLIT_LABELS", "ZONE_LABELS"]

ZONE_LABELS: dict[str, tuple[str, str]] = {
    "kind_park": ("园区", "park"),
    "kind_new_town": ("新城", "new town"),
    "kind_candidate": ("拟建基地或候选", "planned base or candidate"),
    "kind_pole": ("增长极及片区", "pole or wing"),
    "kind_belt": ("产业带或走廊", "belt or corridor"),
    "kind_district": ("整区（区级“X”）", "whole district (district-level “X”)"),
    "zone_kinds": ("区域类型", "Zone kinds"),
    "zone_kinds_help": ("同一范围的多个区域只列一次，角色合并；范围与整区相同的区域算作整区。",
                        "Zones with one outline are listed once with all their roles; a zone "
                        "drawn as a whole district counts as a district."),
    "sort_by": ("排序", "Sort by"),
    "short_kinds": ("短名单区域类型", "Zone kinds for the shortlist"),
    "choose_options": ("请选择", "Choose"),
    "why_metro_across": ("范围内到地铁站平均 {km} km", "metro {km} km on average across the zone"),
    "data_basis_col": ("数据依据", "Data basis"),
    "basis_word_synthetic": ("合成演示企业（非真实）", "synthetic demo firms (not real)"),
    "basis_word_upload": ("上传的企业名单", "the uploaded firm list"),
    "basis_word_plan_only": ("仅规划", "plans only"),
    "m_sector_firms": ("本产业企业数", "Firms of the sector"),
    "grid_key": ("网格：每格企业数", "Grid: firms per cell"),
    "card_title": ("园区名片", "Park card"),
    "card_sides": ("四至（来源原文）", "Boundaries as the sources write them"),
    "card_no_sides": ("来源中未见四至", "no 四至 found in the sources"),
    "card_areas": ("绘制 {drawn}（EPSG:32651 计算）；官方 {official}",
                   "drawn {drawn} (computed in EPSG:32651); published {official}"),
    "card_no_official": ("未见公布", "not published"),
    "card_plan_sectors": ("规划主导产业", "Industries the plans name"),
    "card_firm_sectors": ("企业最多的产业（前三）", "Industries with most firms (top 3)"),
    "card_firms": ("区内企业", "Firms inside"),
    "card_firm_count": ("{n} 家（定位确定落在区内的企业）", "{n} (firms whose placement certainly lies inside)"),
    "card_growth": ("新设企业", "Firms founded"),
    "card_growth_text": ("截至 {last} 年：近 3 年 {three} 家，近 5 年 {five} 家",
                         "up to {last}: {three} in the last 3 years, {five} in the last 5"),
    "card_plan_items": ("规划条目", "Plan items"),
    "card_evidence": ("轮廓依据：{basis}；精度约 ±{precision} 米", "Outline from: {basis}; precise to about ±{precision} m"),
    "card_dashed": ("；近似或示意边界（图中虚线）", "; approximate or schematic (dashed on the map)"),
    "card_zone": ("本区域", "This zone"),
    "card_filters": ("筛选条件", "Filters"),
    "card_osm": ("行政区边界 © OpenStreetMap contributors（ODbL 1.0）", "District boundaries © OpenStreetMap contributors (ODbL 1.0)"),
    "card_png": ("下载简报 PNG", "Download the briefing (PNG)"),
    "card_pdf": ("下载简报 PDF", "Download the briefing (PDF)"),
    "card_filters_text": ("产业：{sectors}；区域类型：{kinds}；企业数据：{firms}",
                          "sectors: {sectors}; zone kinds: {kinds}; firm data: {firms}"),
    "years_filter": ("成立年份（各项计数随之变化）", "Founded between (every count follows)"),
    "years_none": ("企业名单中没有可读的成立日期：无法按年份统计。", "The firm list has no readable founding date: no counts by year."),
    "years_title": ("按成立年份的企业数", "Firms by year founded"),
    "years_growth": ("企业存量增长：近 3 年 {g3}，近 5 年 {g5}（截至 {last} 年；名单中已注销的企业不计）",
                     "Growth in firms: {g3} over 3 years, {g5} over 5 (to {last}; firms closed before the export are not in it)"),
    "years_staff": ("参保人数合计 {n}（{k} 家企业有此数据）", "Insured staff in all {n} ({k} firms give it)"),
    "years_compare": ("各区域累计企业数（按成立年份）", "Firms in each zone over time (by year founded)"),
    "years_csv": ("下载按年份统计（CSV）", "Download the counts by year (CSV)"),
    "years_png": ("下载图表（PNG）", "Download the chart (PNG)"),
    "other_sectors": ("其他产业", "Other sectors"),
    "year": ("年份", "Year"),
    "drawn_items": ("重叠区域的规划条目", "Plan items of the zones it overlaps"),
    "drawn_item_kind": ("类别", "Kind"), "drawn_item": ("条目", "Item"),
    "drawn_firms": ("所画区域内的企业", "Firms inside the drawn area"),
    "drawn_firms_csv": ("下载区内企业（CSV）", "Download the firms inside (CSV)"),
    "drawn_geojson": ("下载所画区域（GeoJSON，WGS84）", "Download the drawn area (GeoJSON, WGS84)"),
    "drawn_from_link": ("此区域来自共享链接；在地图上重新画即可替换。", "This area comes from the shared link; draw on the map to replace it."),
    "print_sources": ("依据：沪府办发〔2021〕10号等规划文本；边界与来源见各区域说明",
                      "From 沪府办发〔2021〕10号 and related plans; each zone's outline and sources in its notes"),
    "cluster_key": ("聚合点：圆内数字为企业数，颜色越深越多", "Clusters: the number is the firm count; darker means more"),
}

#: Headers that name the sector they are for: column id → (Chinese, English) with {sector}.
SECTOR_COLUMNS: dict[str, tuple[str, str]] = {
    "sector_firms": ("{sector}企业数", "{sector} firms"),
    "sector_share": ("{sector}占比", "{sector} share"),
    "lq": ("区位熵 LQ（{sector}）", "LQ ({sector})"),
    "designated": ("规划指定{sector}", "Plan designates {sector}"),
    "strong_cluster": ("{sector}强集群", "Strong {sector} cluster"),
    "plan_fit": ("规划契合度（{sector}）", "Plan fit ({sector})"),
}

#: Headers of a firm list written for people (the import's column ids → words).
FIRM_COLUMNS: dict[str, tuple[str, str]] = {
    "row": ("原文件行号", "Row in the file"), "name": ("企业名称", "Firm name"),
    "name_en": ("英文名称", "English name"), "uscc": ("统一社会信用代码", "Credit code"),
    "uscc_valid": ("信用代码校验通过", "Credit code checks"),
    "uscc_problem": ("信用代码问题", "Credit code problem"), "address": ("地址", "Address"),
    "industry": ("行业", "Industry"), "industry_code": ("行业代码", "Industry code"),
    "sector": ("产业", "Sector"), "sector_source": ("产业判定依据", "Sector from"),
    "employees": ("从业人员", "Employees"), "datum_in": ("原坐标系", "Datum in the file"),
    "placement": ("定位方式", "Placement"),
    "placement_precision_m": ("定位精度（米）", "Placement precision (m)"),
    "issues": ("提示", "Notes"), "lon": ("经度（WGS84）", "Longitude (WGS84)"),
    "lat": ("纬度（WGS84）", "Latitude (WGS84)"), "synthetic": ("合成数据", "Synthetic"),
    "founded": ("成立日期", "Founded"),
}

#: Streamlit's own texts in Chinese (ui.streamlit_words puts them on the page).
STREAMLIT_LABELS: dict[str, tuple[str, str]] = {
    "st_upload": ("选择文件", "Upload"), "st_drag_drop": ("将文件拖放到此处", "Drag and drop a file here"),
    "st_per_file": ("每个文件不超过 {size}", "{size} per file"),
    "st_too_large": ("文件不能超过 50 MB", "File must be 50.0MB or smaller."),
    "st_press_enter": ("按回车键确认", "Press Enter to apply"), "st_no_results": ("无匹配项", "No results"),
    "st_download_csv": ("下载为 CSV", "Download as CSV"), "st_search": ("搜索", "Search"),
    "st_fullscreen": ("全屏", "Fullscreen"), "st_close_fullscreen": ("退出全屏", "Close fullscreen"),
    "st_clear_all": ("全部清除", "Clear all"), "st_clear_value": ("清除", "Clear value"),
    "st_select_all": ("全选", "Select all"), "st_columns": ("显示或隐藏列", "Show/hide columns"),
    "st_skip": ("跳到主要内容", "Skip to main content"), "st_running": ("运行中…", "Running..."),
    "st_stop": ("停止", "Stop"), "st_delete": ("删除", "Delete"),
    "all_sectors": ("全部产业", "All sectors"), "all_kinds": ("全部类型", "All kinds"),
}
