"""The real app, driven by Streamlit's AppTest: the main flows run with no exception."""

import json
import re
from pathlib import Path

import pytest
from apptabs import open_tab
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.apptest

MEDIA_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, *columns: str):
    """The first dataframe shown that has all these columns."""
    for df in at.dataframe:
        if set(columns) <= set(df.value.columns):
            return df.value
    raise AssertionError(f"no table with columns {columns}")


def markdown_table_with(at: AppTest, *columns: str) -> dict[str, list[str]]:
    """The first Markdown table shown that has all these columns: column → cells."""
    for m in at.markdown:
        lines = [ln for ln in m.value.splitlines() if ln.startswith("|")]
        if len(lines) < 2:
            continue
        rows = [[unescaped(c.strip()) for c in ln.strip("|").split(" | ")] for ln in lines]
        if set(columns) <= set(rows[0]):
            return {c: [r[i] for r in rows[2:]] for i, c in enumerate(rows[0])}
    raise AssertionError(f"no Markdown table with columns {columns}")


def whole_ranking(at: AppTest):
    """The zone ranking's grid, every zone and column (switched on, as a user does)."""
    at.toggle(key="zones_whole").set_value(True).run()
    return table_with(at, "图层", "角色", "产业")


def zone_ids(at: AppTest) -> list[str]:
    return list(whole_ranking(at).index)


def search_for(at: AppTest, query: str, pick: str | None = None) -> None:
    """Type ``query``; when several match, pick the first whose label holds ``pick``."""
    at.text_input(key="search").input(query).run()
    box = [s for s in at.selectbox if s.key == "search_pick"]
    if box:
        options = box[0].options
        i = next(n for n, o in enumerate(options) if (pick or query) in o)
        box[0].set_value(i).run()
    assert not at.exception, [e.value for e in at.exception]


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_app_starts_with_default_layers_and_demo_firms(app):
    ids = zone_ids(app)
    assert "pole_zhangjiang" in ids and "newtown_songjiang" in ids
    assert "合成企业为演示数据" in captions(app)  # synthetic firms are labelled
    assert "WGS84" in captions(app)
    assert app.title[0].value == "上海战略性新兴产业空间布局地图"


def test_toggling_a_layer_removes_its_zones(app):
    assert any(i.startswith("park_") for i in zone_ids(app))
    app.checkbox(key="layer_parks").uncheck().run()
    assert not app.exception
    assert not any(i.startswith("park_") for i in zone_ids(app))
    app.checkbox(key="layer_biomed_1_5_x").check().run()
    assert "biomed_dongfang_meigu" in zone_ids(app)
    # 张江's biomedicine core has the pole's outline: one row with both roles
    roles = whole_ranking(app).loc["pole_zhangjiang", "角色"]
    assert "极" in roles and "核心区（1）" in roles


def test_coverage_accounts_for_every_demo_firm(app):
    cov = markdown_table_with(app, "图层", "在任一区域内", "不在任何区域内")
    assert len(cov["图层"]) == 5  # the default layers: poles, service belt, new towns, G60, parks
    inside, outside = ([int(n.replace(",", "")) for n in cov[c]] for c in ("在任一区域内", "不在任何区域内"))
    assert all(i + o == 5_021 for i, o in zip(inside, outside, strict=True))


def test_a_choropleth_with_natural_breaks(app):
    assert app.selectbox(key="classes").disabled  # nothing to classify without a measure
    app.selectbox(key="measure").set_value("lq").run()
    app.selectbox(key="classes").set_value("natural").run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.selectbox(key="classes").disabled
    # the ranking's headers name the sector the measures are for (the first, 集成电路)
    short = markdown_table_with(app, "名次", "区位熵 LQ（集成电路）")
    assert any(re.fullmatch(r"\d+\.\d\d", v) for v in short["区位熵 LQ（集成电路）"])
    grid = whole_ranking(app)
    assert grid["区位熵 LQ（集成电路）"].notna().any()
    config = json.loads(next(d for d in app.dataframe if "区位熵 LQ（集成电路）" in d.value).proto.columns)
    assert config["区位熵 LQ（集成电路）"]["type_config"]["format"] == "%.2f"  # not 3.9211


def test_sector_filter_narrows_the_table(app):
    before = zone_ids(app)
    app.multiselect(key="sectors").set_value(["hydrogen_storage"]).run()
    assert not app.exception
    after = zone_ids(app)
    assert 0 < len(after) < len(before)
    assert all("氢能与储能" in s for s in whole_ranking(app)["产业"])


def test_uploading_a_bad_csv_shows_the_report(app):
    app.radio(key="firm_source").set_value("upload").run()
    content = ("企业名称,经度,纬度\n"
               "甲公司,121.50,31.20\n"
               ",121.51,31.21\n"
               "乙公司,0,0\n"
               "丙公司,116.39,39.90\n").encode()
    app.file_uploader(key="upload").upload("firms.csv", content, "text/csv")
    open_tab(app.run(), "import_report")
    assert not app.exception
    texts = "\n".join(m.value for m in app.markdown)
    assert "共 4 行：接受 1 行，拒绝 3 行" in texts
    rejected = table_with(app, "行号", "字段", "原因")
    assert list(rejected["行号"]) == [2, 3, 4]
    assert set(rejected["字段"]) == {"企业名称", "经度"}
    assert "企业名称为空" in set(rejected["原因"])
    assert any(b.label == "下载被拒绝的行（CSV）" for b in app.download_button)


def test_an_unreadable_upload_is_a_clear_error(app):
    app.radio(key="firm_source").set_value("upload").run()
    app.file_uploader(key="upload").upload("firms.csv", b"foo,bar\n1,2\n", "text/csv")
    app.run()
    assert not app.exception
    assert unescaped(app.sidebar.error[0].value) == (
        "无法导入：没有企业名称列：表头应为 企业名称、名称 或 name 等（文件中的列：foo, bar）")
    app.radio(key="lang").set_value("en").run()
    assert unescaped(app.sidebar.error[0].value).startswith("Cannot import: no firm-name column")


def test_choosing_amap_draws_overlays_in_gcj02(app):
    app.selectbox(key="basemap").set_value("amap").run()
    assert not app.exception
    assert "GCJ-02" in captions(app)


def test_export_uses_the_chosen_datum(app):
    open_tab(app, "export")
    app.selectbox(key="export_datum").set_value("gcj02").run()
    app.radio(key="export_format").set_value("gpkg").run()
    assert not app.exception
    labels = [b.label for b in app.download_button]
    assert "下载 shanghai-layers_gcj02.gpkg" in labels


def test_the_gis_bundle_is_offered_beside_the_export(app):
    open_tab(app, "export")
    app.selectbox(key="export_datum").set_value("wgs84").run()
    assert not app.exception
    labels = [b.label for b in app.download_button]
    assert any(label.startswith("下载 GIS 资料包 shanghai-layers.zip") for label in labels)
    # the demo firm list is loaded: the bundle's zones carry its measures
    assert any("资料包中的区域附带所载企业名单的区域指标" in c.value for c in app.caption)
    assert any(m.value == "`shmap serve`" for m in app.markdown) or any(
        "OGC API 要素服务正在运行" in c.value for c in app.caption)


def test_english_interface(app):
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Shanghai strategic-industry cluster map"


def test_search_selects_a_zone(app):
    search_for(app, "松江新城")
    texts = "\n".join(t.value for t in app.text)
    assert "松江新城 / Songjiang New Town" in texts


def test_zone_panel_shows_the_plans_measures_and_sector_targets(app):
    search_for(app, "临港产业增长极")
    texts = [t.value for t in open_tab(app, "tab_plans").text]
    assert any("居转常年限由5年缩至3年" in t for t in texts)
    # cited as the document, its section and the quote — not by the seed file's name
    assert any("叶东晖《聚焦产业链强化上海高端产业引领功能》（上海市经济信息中心，2021） §四(二)" in c.value
               for c in app.caption)
    assert not any("000_9857f1df7ab7df07.txt" in c.value for c in app.caption)
    assert any("措施（" in e.label for e in app.expander)  # the plan's items grouped by kind
    app.multiselect(key="sectors").set_value(["ic"]).run()
    targets = app.sidebar.dataframe[0].value
    assert targets["指标"].str.contains("产业规模年均增速").any()
    assert targets["来源"].str.contains("沪府办发〔2021〕10号").any()


def test_compare_shows_zones_side_by_side(app):
    open_tab(app, "compare")
    app.multiselect(key="compare").set_value(["pole_zhangjiang", "pole_lingang"]).run()
    assert not app.exception
    table = table_with(app, "张江科技创新极（张江科学城）", "临港产业增长极（临港新片区）")
    assert "企业数" in table.index
    # measures written as in the ranking: LQ to two decimals, shares in per cent
    assert all(re.fullmatch(r"\d+\.\d\d", v) for v in table.loc["区位熵 LQ"]), table
    assert all(re.fullmatch(r"\d+\.\d%", v) for v in table.loc["本产业占比"]), table
    charts = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    assert len(charts) >= 2  # a bar chart per measure, and the firms over time
    over_time = charts[-1]["layer"][0]["encoding"]["x"]
    assert over_time["field"] == "年份" and over_time["type"] != "quantitative"  # not 2,000


def test_zones_picked_to_compare_stay_when_other_kinds_are_chosen(app):
    open_tab(app, "compare").multiselect(key="compare").set_value(
        ["pole_zhangjiang", "pole_lingang"]).run()
    app.multiselect(key="zone_kinds").set_value(["park"]).run()  # poles no longer ranked
    assert not app.exception, [e.value for e in app.exception]
    assert app.multiselect(key="compare").value == ["pole_zhangjiang", "pole_lingang"]
    options = app.multiselect(key="compare").options
    assert options[:2] == ["张江科技创新极（张江科学城）", "临港产业增长极（临港新片区）"]
    assert len(options) > 2  # the picks first, then the parks
    app.checkbox(key="layer_poles").uncheck().run()  # no longer drawn: no longer picked
    assert not app.exception, [e.value for e in app.exception]
    assert app.multiselect(key="compare").value == []


def test_search_flies_to_a_firm_and_the_map_downloads_as_html(app):
    search_for(app, "中芯国际")
    assert app.session_state["firm"] is not None
    texts = "\n".join(t.value for t in app.text)
    assert "中芯国际集成电路制造（上海）有限公司" in texts and "坐标（WGS84） · ±1,500 m" in texts
    assert app.session_state["focus"] == pytest.approx((121.6035, 31.2085), abs=1e-6)
    open_tab(app, "export").button(key="prepare_map").click().run()
    assert any(b.label == "下载当前地图（离线 HTML）" for b in app.download_button)


def test_the_sector_filter_narrows_the_firms_on_the_map_and_in_the_counts(app):
    app.multiselect(key="sectors").set_value(["ic"]).run()
    assert not app.exception
    shown = next(c.value for c in app.caption if "企业显示方式" in c.value)
    assert "（591 家）" in shown  # the demo's 591 IC firms, not all 5,021
    cov = markdown_table_with(app, "在任一区域内", "不在任何区域内")
    inside, outside = ([int(n.replace(",", "")) for n in cov[c]] for c in ("在任一区域内", "不在任何区域内"))
    assert inside and all(i + o == 591 for i, o in zip(inside, outside, strict=True))
    # the measure and the shortlist follow the sidebar's sector
    assert app.selectbox(key="measure_sector").value == "ic"
    assert open_tab(app, "shortlist").selectbox(key="short_sector").value == "ic"
    app.selectbox(key="short_sector").set_value("ai").run()  # still changeable
    assert app.selectbox(key="short_sector").value == "ai"


def upload(at: AppTest, name: str, content: bytes) -> None:
    at.radio(key="firm_source").set_value("upload").run()
    at.file_uploader(key="upload").upload(name, content, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_an_upload_is_imported_in_stages_and_not_called_synthetic(app):
    upload(app, "real.csv", "企业名称,经度,纬度\n甲公司,121.50,31.20\n乙公司,121.45,31.22\n".encode())
    status = app.sidebar.status[0]
    assert status.label == "导入完成"
    stages = "\n".join(m.value for m in status.markdown)
    assert "读取文件 real\\.csv" in stages and "检查 2 行" in stages and "与图层区域空间连接" in stages
    shown = next(c.value for c in app.caption if "企业显示方式" in c.value)
    assert "（2 家）" in shown and "合成企业为演示数据" not in captions(app)
    assert "数据依据：上传的企业名单（2 家）。" in captions(open_tab(app, "shortlist"))


def test_the_import_report_lists_the_reads_warning_and_the_renamed_columns(app):
    upload(app, "latin.csv", "name,address,row\nMüller GmbH,Pudong,r1\n".encode("cp1252"))
    open_tab(app, "import_report")
    table = table_with(app, "项目", "数值")
    shown = dict(zip(table["项目"], table["数值"], strict=True))
    assert shown["读取文件时的提醒"].startswith("latin.csv：文本按 GB18030 读取")
    assert shown["列已改名（原名与输出列或另一列重名，不分大小写）: row"] == "row_1"


def test_markdown_in_a_refused_files_header_is_shown_literally(app):
    upload(app, "x.csv", b"![beacon](http://10.0.0.1/b.png),[link](http://evil.example)\n1,2\n")
    error = app.sidebar.error[0].value
    assert "\\!\\[beacon\\]\\(http\\:" in error and "\\[link\\]\\(http\\:" in error
    assert "](" not in error  # nothing Markdown would turn into an image or a link


def test_the_shortlist_shows_the_top_ten_with_reasons_and_its_data_basis(app):
    open_tab(app, "shortlist")
    short = next(df.value for df in app.dataframe if "理由" in df.value.columns)
    assert len(short) == 10 and short.index.name == "名称"
    assert list(short["名次"]) == list(range(1, 11))
    assert (short["得分"] == short["得分"].round(2)).all()
    assert "数据依据：合成演示企业（非真实企业）" in captions(app)
    app.number_input(key="short_top").set_value(3).run()
    short = next(df.value for df in app.dataframe if "理由" in df.value.columns)
    assert len(short) == 3


def test_no_match_says_so_and_the_whole_city_button_clears_the_selection(app):
    app.text_input(key="search").input("无此地名").run()
    assert "无匹配结果" in captions(app)
    search_for(app, "东方美谷")  # off by default: its layer is turned on
    assert app.session_state["selected"] == "biomed_dongfang_meigu"
    assert app.checkbox(key="layer_biomed_1_5_x").value
    assert [t.label for t in app.tabs][:4] == ["概况", "规划措施", "企业", "来源"]
    app.button(key="whole_city").click().run()
    assert app.session_state["selected"] is None and app.session_state["search"] == ""
    assert any(i.value == "点击地图上的区域，或用上方搜索。" for i in app.info)


def test_a_workbook_with_data_on_two_sheets_lets_the_user_pick_one(app):
    from test_hostile_input import sheet, xlsx

    book = xlsx({"上海": sheet([["企业名称", "经度", "纬度"], ["甲公司", "121.50", "31.20"],
                               ["乙公司", "121.51", "31.21"]]),
                 "外地": sheet([["企业名称", "经度", "纬度"], ["丙公司", "116.39", "39.90"]])})
    app.radio(key="firm_source").set_value("upload").run()
    app.file_uploader(key="upload").upload("two.xlsx", book, MEDIA_XLSX)
    app.run()
    assert not app.exception
    assert any("有 2 个工作表含数据（各表行数）：'上海': 2, '外地': 1" in unescaped(e.value)
               for e in app.sidebar.error)
    picker = app.sidebar.selectbox(key="upload_sheet")
    assert picker.options == ["自动：唯一有数据的工作表", "上海", "外地"]
    picker.set_value("上海").run()
    open_tab(app, "import_report")
    assert not app.exception and not app.sidebar.error
    texts = "\n".join(m.value for m in app.markdown)
    assert "共 2 行：接受 2 行，拒绝 0 行" in texts


def test_the_same_zone_clicked_again_after_the_whole_city_opens_again(monkeypatch):
    """st_folium stood in for by a map whose value the test sets: as the real one, it
    repeats its value on each rerun, and a map drawn anew starts from no click."""
    import streamlit_folium

    value = {}
    monkeypatch.setattr(streamlit_folium, "st_folium", lambda *a, **k: dict(value))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    value.update(last_active_drawing={"properties": {"id": "pole_zhangjiang"}},
                 last_object_clicked_count=1)
    at.run()
    assert at.session_state["selected"] == "pole_zhangjiang"
    value.clear()  # the map redrawn with the zone selected
    at.button(key="whole_city").click().run()
    assert at.session_state["selected"] is None
    value.update(last_active_drawing={"properties": {"id": "pole_zhangjiang"}},
                 last_object_clicked_count=1)  # the same zone, the redrawn map's first click
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["selected"] == "pole_zhangjiang"
    assert "张江科技创新极（张江科学城） / Zhangjiang" in "\n".join(t.value for t in at.text)


def test_search_finds_a_firm_the_sector_filter_hides_and_says_so(app):
    app.multiselect(key="sectors").set_value(["biomed"]).run()
    search_for(app, "zxgjjcdl")  # 中芯国际集成电路… by its pinyin initials, an IC firm
    assert app.session_state["firm"] is not None
    texts = "\n".join(t.value for t in app.text)
    assert "中芯国际集成电路制造（上海）有限公司" in texts
    assert "该企业不在当前产业筛选范围内，因搜索选中而单独显示。" in captions(app)
    app.multiselect(key="sectors").set_value(["ic"]).run()  # now shown: nothing to say
    assert "该企业不在当前产业筛选范围内" not in captions(app)


def test_an_address_with_the_english_view_opens_in_english():
    from ui.i18n import t

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.query_params["zone"] = "pole_zhangjiang"
    at.run()
    assert not at.exception
    assert at.title[0].value == t("title", "en")
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"
    at.sidebar.radio(key="lang").set_value("zh").run()  # switched back: the default leaves the address
    assert at.title[0].value == t("title", "zh")
    assert "lang" not in at.query_params


def test_which_parks_for_ic_and_for_biomedicine_without_districts_or_duplicates(app):
    for lid in ("ic_one_body_two_wings", "biomed_1_5_x", "tese_parks", "digital_key_areas"):
        app.checkbox(key=f"layer_{lid}").check().run()
    app.multiselect(key="zone_kinds").set_value(["park"]).run()
    app.selectbox(key="measure_sector").set_value("ic").run()
    assert not app.exception, [e.value for e in app.exception]
    # the short ranking the tab opens with: parks only, each once, most IC firms first
    parks = markdown_table_with(app, "名次", "名称", "类型", "集成电路企业数")
    assert parks["名次"] == [str(i) for i in range(1, 21)]
    assert set(parks["类型"]) == {"园区"} and len(set(parks["名称"])) == 20
    counts = [int(n.replace(",", "")) for n in parks["集成电路企业数"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    assert not any(re.search("区（X）|候选", name) for name in parks["名称"])
    assert "前 20 个区域" in captions(app) and "勾选其他图层" in captions(app)
    whole = whole_ranking(app)
    assert set(whole["类型"]) == {"园区"} and not whole["名称"].duplicated().any()
    assert list(whole["名称"].head(20)) == parks["名称"]
    open_tab(app, "shortlist").selectbox(key="short_sector").set_value("biomed").run()
    short = table_with(app, "理由", "类型")
    assert "园区" in set(short["类型"]) and not set(short["类型"]) & {"整区（区级“X”）", "拟建基地或候选"}
    app.multiselect(key="short_kinds").set_value(["park"]).run()
    short = table_with(app, "理由", "类型", "生物医药企业数")
    assert set(short["类型"]) == {"园区"} and not short.index.duplicated().any()
    assert short["理由"].nunique() == len(short) == 10


def test_a_ranking_of_fewer_than_twenty_zones_says_it_is_whole(app):
    app.multiselect(key="zone_kinds").set_value(["new_town"]).run()
    assert not app.exception, [e.value for e in app.exception]
    five = markdown_table_with(app, "名次", "名称", "类型")
    assert five["名次"] == ["1", "2", "3", "4", "5"] and set(five["类型"]) == {"新城"}
    assert "全部 5 个区域，按所选排序" in captions(app)


def test_firms_over_time_follow_the_year_range(app):
    shown = next(c.value for c in app.caption if "企业显示方式" in c.value)
    assert "5,021" in shown
    app.slider(key="years").set_value((2020, 2024)).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = next(c.value for c in app.caption if "企业显示方式" in c.value)
    n = int(re.search(r"（([\d,]+) 家）", shown).group(1).replace(",", ""))
    assert 0 < n < 5_000  # only firms founded 2020–2024: the counts follow
    search_for(app, "东方美谷")
    open_tab(app, "tab_firms")
    assert any("企业存量增长：近 3 年" in c.value for c in app.caption)
    assert any("参保人数合计" in c.value for c in app.caption)
    assert any(b.label == "下载按年份统计（CSV）" for b in app.download_button)
    open_tab(app, "compare").multiselect(key="compare").set_value(["pole_zhangjiang", "newtown_songjiang"]).run()
    assert any(m.value == "**各区域累计企业数（按成立年份）**" for m in app.markdown)


def test_a_site_in_the_link_is_measured_with_its_plan_items_firms_and_geojson():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["site"] = "121.57,31.17;121.63,31.17;121.63,31.22;121.57,31.22"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.value.startswith("**所画区域**") for m in at.markdown)
    assert "此区域来自共享链接" in captions(at)
    labels = {b.label for b in at.download_button}
    assert {"下载所画区域（GeoJSON，WGS84）", "下载区内企业（CSV）"} <= labels
    assert any(e.label.startswith("重叠区域的规划条目") for e in at.expander)
    site = at.query_params["site"]
    assert (site if isinstance(site, str) else site[0]).startswith("121.")


def test_a_qichacha_workbook_shows_its_placements_and_leaves_inactive_firms_out(app):
    from exports import qichacha_xlsx
    from test_real_exports import QCC_ROWS

    app.radio(key="firm_source").set_value("upload").run()
    app.file_uploader(key="upload").upload("企查查导出.xlsx", qichacha_xlsx(QCC_ROWS), MEDIA_XLSX)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    placed = next(df.value for df in app.sidebar.dataframe if "定位方式" in df.value.columns)
    shown = dict(zip(placed["定位方式"], placed["数值"], strict=True))
    assert shown["按街道/镇名称定位，无其边界：以同名地铁站周围的范围为误差（只计为可能）"] == "3"
    assert shown["按地址所指园区/片区定位（以其范围为误差）"] == "2"
    table = table_with(open_tab(app, "import_report"), "项目", "数值")
    report = dict(zip(table["项目"], table["数值"], strict=True))
    assert report["表头所在行"] == "2"
    assert app.sidebar.download_button(key="dl_template") is not None
    shown = next(c.value for c in app.caption if "企业显示方式" in c.value)
    assert "（3 家）" in shown  # two of five firms are 注销/吊销: left out
    app.checkbox(key="show_inactive").check().run()
    assert not app.exception
    shown = next(c.value for c in app.caption if "企业显示方式" in c.value)
    assert "（5 家）" in shown
