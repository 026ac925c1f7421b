"""The app's pure parts: search, session callbacks, shortlist view, phrases, citations
as documents and the size-bounded cache."""

import re

import numpy as np
import pandas as pd
import pytest

import layers
from firms.demo import demo_firms
from firms.shortlist import shortlist
from layers.documents import document_citation, document_file, documents
from layers.policy import policy_measures, sector_targets
from ui.cache import SizedCache, approx_bytes
from ui.phrases import phrase
from ui.search import firm_keys, pinyin_initials, pinyin_keys, search, zone_index
from ui.session import map_click, on_query, open_hit, whole_city
from ui.shortlist_view import data_basis, shortlist_csv_frame, shortlist_table
from ui.views import firm_details, firms_of_sectors, hidden_pick, pairs_of_sectors, plain_markdown

ENTRIES = {e.id: e for e in layers.catalog()}


@pytest.fixture(scope="module")
def zones():
    return zone_index(layers.load_all(), ENTRIES)


@pytest.fixture(scope="module")
def firms():
    return demo_firms()


def test_search_finds_zones_of_hidden_layers_by_chinese_english_and_pinyin(zones):
    # 东方美谷 is in the biomedicine layer and the 特色产业园区 layer, both off by default:
    # still found, each labelled with its layer
    found = {(h.kind, h.ref, h.layer) for h in search("东方美谷", zones, None, None)}
    assert ("zone", "biomed_dongfang_meigu", "biomed_1_5_x") in found
    assert {layer for _, _, layer in found} == {"biomed_1_5_x", "tese_parks"}
    assert any(h.ref == "biomed_dongfang_meigu" for h in search("oriental beauty", zones, None, None))
    assert any(h.ref == "pole_zhangjiang" for h in search("zjkxc", zones, None, None))
    assert any(h.ref == "pole_zhangjiang" for h in search("Zhangjiang", zones, None, None))
    assert search("无此地名xyz", zones, None, None) == []
    assert pinyin_keys("张江科学城") == "zjkxc zhangjiangkexuecheng"


def test_search_finds_firms_by_name_credit_code_and_pinyin_initials(zones, firms):
    keys = firm_keys(firms)
    hits = search("中芯国际", zones, firms, keys)
    assert [h.kind for h in hits] == ["firm"] and hits[0].label.startswith("中芯国际")
    assert search("zxgjjcdl", zones, firms, keys) == hits  # 中芯国际集成电路…
    assert pinyin_initials("中芯国际（上海）") == "zxgjsh"
    # a list above the limit goes without initials (names, English names, codes still found)
    big = firm_keys(firms, pinyin_limit=len(firms) - 1)
    assert search("zxgjjcdl", zones, firms, big) == []
    assert search("中芯国际", zones, firms, big) == hits
    # a caller may search a subset with the keys of the whole list
    biomed = firms_of_sectors(firms, ["biomed"])
    assert search("中芯国际", zones, biomed, keys) == []


def test_a_firm_picked_outside_the_sector_filter_is_kept_apart_for_the_map(zones, firms):
    biomed = firms_of_sectors(firms, ["biomed"])
    ic = search("中芯国际", zones, firms, firm_keys(firms))[0].ref
    picked = hidden_pick(firms, biomed, ic)
    assert list(picked.index.astype(str)) == [ic] and picked.iloc[0]["sector"] == "ic"
    assert hidden_pick(firms, firms, ic) is None  # shown anyway: nothing apart
    assert hidden_pick(firms, biomed, None) is None


def test_one_match_opens_at_once_and_turns_its_layer_on(zones):
    state = {"search": "吴淞氢能", "layer_parks": False}
    on_query(state, zones, None, None)
    assert state["selected"] == "park_wusong_hydrogen" and state["layer_parks"] is True
    whole_city(state)
    assert state["selected"] is None and state["focus"] is None and state["search"] == ""


def clicked(zone: str | None, count: int) -> dict:
    """st_folium's value after ``count`` clicks on its map, the last on ``zone``."""
    return {"last_active_drawing": {"properties": {"id": zone} if zone else {}},
            "last_object_clicked_count": count, "zoom": 10}


def test_a_zone_clicked_on_the_map_opens_once_per_click(zones):
    state = {"firm": "7"}
    assert map_click(state, clicked("pole_zhangjiang", 1))
    assert state["selected"] == "pole_zhangjiang" and state["firm"] is None
    assert not map_click(state, clicked("pole_zhangjiang", 1))  # the same value on a rerun
    assert not map_click(state, clicked(None, 2))  # a district or a firm dot: no zone
    assert not map_click(state, None)  # the map not drawn yet
    assert state["selected"] == "pole_zhangjiang"


def test_after_the_whole_city_the_map_still_naming_the_last_click_does_not_reopen_it(zones):
    state = {}
    map_click(state, clicked("pole_zhangjiang", 1))
    whole_city(state)
    assert state["selected"] is None
    # the map's frame stays and repeats its value: the handled click is not a new one
    assert not map_click(state, clicked("pole_zhangjiang", 1)) and state["selected"] is None
    # the same zone clicked again (the frame counts on) opens again
    assert map_click(state, clicked("pole_zhangjiang", 2))
    assert state["selected"] == "pole_zhangjiang"


def test_a_zone_clicked_again_after_a_search_opened_another_opens_again(zones):
    state = {"search": "吴淞氢能"}
    map_click(state, clicked("pole_zhangjiang", 1))
    on_query(state, zones, None, None)
    assert state["selected"] == "park_wusong_hydrogen"
    assert not map_click(state, clicked("pole_zhangjiang", 1))  # the old click, repeated
    assert state["selected"] == "park_wusong_hydrogen"
    assert map_click(state, clicked("pole_zhangjiang", 2))
    assert state["selected"] == "pole_zhangjiang"


def test_a_map_frame_made_anew_counts_clicks_from_zero_and_they_open_zones(zones):
    state = {}
    map_click(state, clicked("pole_zhangjiang", 1))
    assert not map_click(state, {"last_active_drawing": None, "last_object_clicked_count": None})
    assert map_click(state, clicked("pole_zhangjiang", 1))  # the new frame's first click


def test_a_picked_firm_is_focused_and_described(zones, firms):
    hits = search("中芯国际", zones, firms, firm_keys(firms))
    state = {"search_pick": 0}
    open_hit(state, hits, firms)
    assert state["focus"] == pytest.approx((121.6035, 31.2085)) and state["search_pick"] is None
    details = dict(firm_details(firms.loc[int(state["firm"])], "en"))
    assert details["Sector"] == "Integrated circuits"
    assert details["Placement"] == "coordinates (WGS84) · ±1,500 m"
    assert details["Credit code"] == "—"  # the demo's institutions carry none


def test_pairs_keep_only_firms_of_the_chosen_sectors(firms):
    pairs = {"x": pd.DataFrame({"point": np.arange(len(firms)), "zone": "z"})}
    kept = pairs_of_sectors(pairs, firms, ["ic"])["x"]
    assert len(kept) == int((firms["sector"] == "ic").sum())
    assert pairs_of_sectors(pairs, firms, [])["x"] is pairs["x"]


def test_shortlist_top_n_with_reasons_rounded_scores_and_its_data_basis(firms):
    ranked = shortlist(firms, "biomed")
    table = shortlist_table(ranked, ENTRIES, top=10, lang="zh")
    assert len(table) == 10 and table.index.name == "名称"
    assert list(table.columns[:3]) == ["名次", "得分", "理由"]
    assert table["理由"].str.contains("规划指定本产业|规划未指定本产业").all()
    csv = shortlist_csv_frame(ranked, ENTRIES, top=10, basis=data_basis("demo", len(firms)),
                              sector="biomed", lang="en")
    assert (csv["Data basis"] == "synthetic demo firms (not real)").all()
    assert (csv["Score"] == csv["Score"].round(2)).all()
    assert data_basis("upload", 5) == "upload" and data_basis("demo", 0) == "plan_only"


def test_import_reasons_and_placements_in_the_readers_language():
    from firms.intake.messages import said
    from firms.intake.places import placement_messages

    assert phrase(said("empty_name"), "zh") == "企业名称为空"
    assert phrase(said("lon_not_number", value="abc"), "zh") == "经度不是数字：abc"
    assert phrase("街道/镇 张江镇 (representative point)", "en", placement_messages()) == \
        "subdistrict/town 张江镇 (representative point)"
    assert phrase("区 松江区 (representative point)", "zh", placement_messages()) == "区 松江区（代表点）"
    assert phrase("something new", "zh") == "something new"  # text nobody recorded is kept
    assert phrase("empty firm name", "zh") == "empty firm name"  # English is never read


def test_every_reason_the_import_writes_for_a_bad_row_reads_in_chinese():
    from firms.intake import import_firm_list

    table = pd.DataFrame({"企业名称": ["甲", "", "丙", "丁"], "经度": ["121.5", "121.5", "x", "121.5"],
                          "纬度": ["31.2", "31.2", "31.2", "31.2"],
                          "坐标系": ["ED50", "", "", ""]})
    result = import_firm_list(table)
    reasons = result.rejected["reason"]
    assert len(reasons) == 3
    for reason in reasons:  # found by the import's record of what it said, by exact text
        zh = phrase(reason, "zh", result.messages)
        assert zh != reason and not re.search(r"[a-z]{3,}", zh.replace("WGS84", "")), zh


def test_every_cited_seed_file_is_a_known_document():
    cited = set(policy_measures()["source_file"]) | set(sector_targets()["source_file"])
    cited |= {document_file(d) for g in layers.load_all().values() for d in g["cite_document"]}
    assert cited <= set(documents().index)
    text = document_citation("003_6b82db74c365b8ba.txt", "§五(一)", quote="加快建设张江科学城")
    assert text == ("沪府办发〔2021〕10号《上海市战略性新兴产业和先导产业发展“十四五”规划》"
                    "（上海市人民政府办公厅，2021-06-23） §五(一)：“加快建设张江科学城”")


def test_markdown_from_a_file_is_shown_literally():
    text = plain_markdown("no name: [x](http://a.b) ![i](http://c.d/e.png) <img src=x>")
    assert "](" not in text and "\\<img" in text and "http\\:" in text
    assert "<img" not in text.replace("\\<img", "")  # every < escaped


def test_the_cache_is_bounded_by_bytes_and_drops_the_oldest():
    cache = SizedCache(max_bytes=2_000)
    big = np.zeros(100)  # 800 bytes
    for k in "abc":
        cache.get(k, lambda: big.copy())
    assert "a" not in cache and {"b", "c"} <= set(cache._items)
    assert cache.total_bytes == 1_600
    cache.get("b", lambda: None)  # a hit refreshes b: c is now the oldest
    cache.get("d", lambda: big.copy())
    assert "c" not in cache and "b" in cache
    huge = cache.get("h", lambda: np.zeros(1_000))  # larger than the budget: returned, not kept
    assert len(huge) == 1_000 and "h" not in cache
    assert approx_bytes(pd.DataFrame({"x": np.zeros(10)})) >= 80


def test_a_zone_found_by_search_is_shown_even_when_the_sector_filter_hides_it():
    from ui.views import visible_frames, with_selected
    all_frames = layers.load_all()
    visible = visible_frames(all_frames, ["biomed_1_5_x"], ["ic"])  # no IC zone in 1+5+X
    assert "biomed_dongfang_meigu" not in visible["biomed_1_5_x"].index
    shown = with_selected(visible, all_frames, "biomed_dongfang_meigu")
    assert "biomed_dongfang_meigu" in shown["biomed_1_5_x"].index
    assert with_selected(visible, all_frames, None) == visible
