"""Words of the OGC API service's HTML pages and of its collection titles and
descriptions, in Chinese and English — part of :data:`ui.i18n.LABELS` (merged there;
``shmap serve`` compiles them into the message catalogues its pages are rendered with)."""

from __future__ import annotations

__all__ = ["SERVICE_LABELS"]

SERVICE_LABELS: dict[str, tuple[str, str]] = {
    "svc_title": ("上海产业布局数据服务", "Shanghai industrial layout data service"),
    "svc_about": ("上海“十四五”战略性新兴产业空间布局的各图层，按 OGC API 要素标准只读发布。",
                  "The layers of Shanghai's 14th Five-Year strategic-industry layout, "
                  "published read-only to the OGC API – Features standard."),
    "svc_licence_name": ("开放数据库许可 ODbL 1.0（边界源自 © OpenStreetMap 贡献者）；"
                         "图层配方与属性为本项目所有，MIT 许可",
                         "Open Database License 1.0 (boundaries derived from © OpenStreetMap "
                         "contributors); layer recipes and attributes © the project, MIT"),
    "svc_attribution": ("© OpenStreetMap 贡献者；shanghai-cluster-map",
                        "© OpenStreetMap contributors; shanghai-cluster-map"),
    "svc_layer_about": ("{title}。许可：{licence}。署名：{attribution}。数据版本：{version}。",
                        "{title}. Licence: {licence}. Attribution: {attribution}. "
                        "Data version: {version}."),
    "svc_firms_title": ("企业名单（导入）", "Firms (imported list)"),
    "svc_firms_about": ("启动服务时给出的企业名单：已接受的行，WGS84 坐标。"
                        "属商业敏感信息，请勿转发。",
                        "The firm list given when the service was started: the accepted rows, "
                        "WGS84 coordinates. Commercially sensitive: not for redistribution."),
    "svc_other_language": ("English", "中文"),  # each written in its own language
    "svc_home": ("首页", "Home"),
    "svc_collections": ("数据集合", "Collections"),
    "svc_collections_heading": ("本服务的数据集合", "Data collections in this service"),
    "svc_view_collections": ("浏览本服务的数据集合", "Browse the collections of this service"),
    "svc_description": ("说明", "Description"),
    "svc_api": ("接口定义", "API definition"),
    "svc_api_text": ("本服务的 OpenAPI 3.0 接口文档，自成一体，不引用任何外部文件：",
                     "The OpenAPI 3.0 document of this service, self-contained (it refers to "
                     "nothing outside itself):"),
    "svc_api_offline": ("本服务不依赖互联网，因此不提供需要在线脚本的交互式接口浏览页面；"
                        "请用任一 OpenAPI 工具打开上面的文档。",
                        "The service works without the internet, so it offers no interactive "
                        "API browser (those need scripts from the internet); open the document "
                        "above in any OpenAPI tool."),
    "svc_conformance": ("符合的标准", "Conformance"),
    "svc_view_conformance": ("查看本服务实现的 OGC API 一致性类",
                             "See the OGC API conformance classes this service implements"),
    "svc_licence": ("许可", "Licence"),
    "svc_address": ("服务地址", "Service address"),
    "svc_items": ("要素", "Items"),
    "svc_items_geojson": ("要素（GeoJSON）", "Items as GeoJSON"),
    "svc_queryables": ("可查询字段", "Queryables"),
    "svc_schema": ("字段结构", "Schema"),
    "svc_extent": ("范围（经度/纬度，WGS84）：", "Extent (longitude/latitude, WGS84):"),
    "svc_storage_crs": ("存储坐标系：", "Storage CRS:"),
    "svc_matched": ("符合条件的要素：{n}", "Items matched: {n}"),
    "svc_shown": ("本页显示：{n}", "Shown: {n}"),
    "svc_prev": ("上一页", "Previous"),
    "svc_next": ("下一页", "Next"),
    "svc_no_items": ("没有要素", "No items"),
    "svc_true": ("是", "yes"),
    "svc_false": ("否", "no"),
    "svc_field": ("字段", "Field"),
    "svc_meaning": ("含义", "Meaning"),
    "svc_type": ("类型", "Type"),
    "svc_error": ("请求未能完成", "The request could not be answered"),
    "svc_field_hint": ("查询时在网址中写字段名，如 ?字段名=取值。",
                       "Query by writing the field name in the address, as ?field=value."),
    # the layer fields (as :data:`layers.schema.COLUMNS`) that ui.i18n.COLUMNS does not name
    "svc_col_id": ("编号", "Identifier"),
    "svc_col_name_zh": ("中文名称", "Chinese name"),
    "svc_col_districts": ("所在行政区", "Districts"),
    "svc_col_part_of": ("所属区域", "Part of"),
    "svc_col_length_km": ("长度（km）", "Length (km)"),
    "svc_col_official_area_km2": ("官方面积（km²）", "Published area (km²)"),
    "svc_col_official_area_source": ("官方面积来源", "Source of the published area"),
    "svc_col_area_diff_pct": ("计算面积与官方面积之差（%）", "Computed minus published area (%)"),
    "svc_col_method": ("边界制作方法", "How the outline was made"),
    "svc_col_precision_m": ("精度（米）", "Precision (m)"),
    "svc_col_approximate": ("近似边界", "Approximate outline"),
    "svc_col_basis": ("依据类别", "Basis"),
    "svc_col_summary_zh": ("来源说明（中文）", "Sources, in Chinese"),
    "svc_col_summary_en": ("来源说明（英文）", "Sources, in English"),
    "svc_col_cite_document": ("规划文件", "Plan document"),
    "svc_col_cite_section": ("规划章节", "Plan section"),
    "svc_col_cite_quote": ("规划原文摘录", "Quoted plan text"),
    "svc_col_citation": ("引用", "Citation"),
    "svc_col_datum": ("坐标系", "Datum"),
    # the served firm list's fields that ui.i18n.FIRM_COLUMNS does not name
    "svc_col_registered_capital": ("注册资本", "Registered capital"),
    "svc_col_capital_currency": ("注册资本币种", "Currency of the registered capital"),
    "svc_col_status": ("登记状态", "Registration status"),
    "svc_col_status_active": ("仍在营", "Still registered"),
    "svc_col_placement_level": ("定位层级", "Placement level"),
    "svc_col_placed_unit": ("定位所在单元", "Unit placed to"),
}
