"""Every label of the app in Chinese and English, in one place."""

from __future__ import annotations

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
    "coverage": ("各图层覆盖的企业（按整层全部区域计，不受产业筛选影响）",
                 "Firms each layer covers (all its zones, whatever the sector filter)"),
    "cov_inside": ("在任一区域内", "Inside any zone"),
    "cov_outside": ("不在任何区域内", "Outside every zone"),
    "cov_share": ("覆盖比例", "Share inside"),
    "details": ("区域详情", "Zone details"),
    "click_hint": ("点击地图上的区域，或用下方搜索。", "Click a zone on the map, or search below."),
    "search": ("搜索区域或企业（中文或英文）", "Search a zone or firm (Chinese or English)"),
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
    "name": ("名称", "Name"),
    "role": ("角色", "Role"),
    "sectors": ("产业", "Sectors"),
    "area": ("面积（计算值）", "Area (computed)"),
    "official_area": ("官方面积", "Published area"),
    "method": ("边界制作方法", "How the outline was made"),
    "precision": ("精度（米）", "Precision (m)"),
    "approximate": ("近似边界", "Approximate outline"),
    "basis": ("依据类别", "Basis"),
    "evidence": ("位置依据（来源与推导）", "Evidence (sources and derivation)"),
    "citation": ("规划原文", "Plan text"),
    "layer": ("图层", "Layer"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "legend": ("图例", "Legend"),
    "dashed_note": ("虚线：近似或示意边界", "Dashed: approximate or schematic"),
    "synthetic_note": ("合成企业为演示数据，并非真实企业。", "Synthetic firms are demo data, not real firms."),
    "policy": ("规划措施、目标与数据", "What the plans say here"),
    "policy_none": ("规划文本未对本区域单独列出措施。", "The texts list no measure for this zone itself."),
    "targets": ("2025 年产业目标", "2025 sector targets"),
}

GROUPS: dict[str, tuple[str, str]] = {
    "base": ("基础", "Base"),
    "two_poles_two_belts": ("两极两带", "Two poles, two belts"),
    "new_towns": ("五个新城", "Five new towns"),
    "g60": ("G60科创走廊", "G60 corridor"),
    "sector_systems": ("产业布局体系", "Sector systems"),
    "parks": ("园区", "Parks"),
}


def t(key: str, lang: str = "zh", **values) -> str:
    """The label ``key`` in ``lang`` ("zh" or "en"), with ``{placeholders}`` filled."""
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def group_label(group: str, lang: str = "zh") -> str:
    zh, en = GROUPS.get(group, (group, group))
    return zh if lang == "zh" else en
