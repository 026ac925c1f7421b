"""Words and layout the person sees, checked without a browser: Streamlit's own texts
mapped to Chinese, the search's aliases, the grid's count key, the map's wheel and
fit, distinct fills, and 全市 fitting the map again."""

import colorsys
import re
from pathlib import Path

import pandas as pd

import layers
from layers.zone_kinds import place_aliases, zone_kinds
from ui.firm_layer import sector_colours
from ui.legend import grid_key_lines
from ui.livemap import live_map
from ui.map_extras import FitBesideLegend
from ui.mapview import MapView
from ui.search import search, zone_index
from ui.session import whole_city
from ui.streamlit_words import STREAMLIT_TEXTS, words_script
from ui.webmap import MapOptions, build_map

ENTRIES = {e.id: e for e in layers.catalog()}


def test_streamlit_texts_are_mapped_to_chinese_and_back():
    zh, en = words_script("zh"), words_script("en")
    assert '"Upload": "选择文件"' in zh and '"Drag and drop a file here": "将文件拖放到此处"' in zh
    assert "每个文件不超过 {size}" in zh and "Press Enter to apply" in zh
    assert '"选择文件": "Upload"' in en  # a switch back to English undoes them
    assert len(STREAMLIT_TEXTS) >= 15


def test_zhangjiang_finds_the_parks_that_lie_in_it():
    frames = layers.load_all()
    zones = zone_index(frames, ENTRIES, place_aliases(frames, zone_kinds(frames)))
    refs = {h.ref for h in search("张江", zones, None, None, limit=50)}
    assert {"ic_park_design_zhangjiang", "tese_ic_design_park", "ai_site_zhangjiang_ai_island"} <= refs
    # a park outside 张江 is not an alias hit
    assert "ic_park_dongfang_xingang" not in refs


def test_the_grid_has_a_key_of_whole_firm_counts():
    lines = grid_key_lines(pd.Series([1, 2, 3, 5, 8, 13, 40, 41, 300]), lang="zh")
    assert lines[0] == "网格：每格企业数"
    texts = [re.sub("<[^>]+>", "", ln) for ln in lines[1:]]
    assert texts and all(re.fullmatch(r"[\d,]+( – [\d,]+)?", s) for s in texts), texts
    assert texts[-1].endswith("300")


def test_the_new_towns_and_the_featured_parks_have_their_own_fills():
    fills = {e.id: e.style.fill_color.lower() for e in ENTRIES.values() if e.kind == "polygon"}
    assert fills["new_towns"] != fills["tese_parks"]
    assert len(set(fills.values())) == len(fills)


def test_wheel_zoom_waits_for_a_click_and_the_fit_leaves_room_for_the_legend():
    frames = {"poles": layers.load("poles")}
    html = build_map(frames, ENTRIES, None, MapOptions()).get_root().render()
    assert "scrollWheelZoom.disable()" in html and 'map.on("click focus"' in html
    assert "paddingBottomRight" in html


def test_cluster_bubbles_are_grey_not_the_colours_of_sectors():
    css = (Path(__file__).resolve().parent.parent / "static" / "map.css").read_text(encoding="utf-8")
    bubbles = re.findall(r"marker-cluster-\w+ (?:div )?\{ background-color: rgba\((\d+), (\d+), (\d+)",
                         css)
    assert len(bubbles) == 6
    for rgb in bubbles:
        hue_free = colorsys.rgb_to_hsv(*(int(v) / 255 for v in rgb))[1] < 0.35
        assert hue_free, rgb  # a grey: no sector's hue (green is 生物医药)
    sectors = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in sector_colours().values()}
    assert not sectors & {tuple(int(v) for v in rgb) for rgb in bubbles}


def test_the_whole_city_button_fits_the_map_again_even_after_a_manual_zoom():
    state = {"selected": None, "search": "", "url_view": MapView(zoom=12.0, center=(31.2, 121.5))}
    whole_city(state)
    assert state["city_fits"] == 1 and state["url_view"].map_view() is None
    whole_city(state)
    frames = {"poles": layers.load("poles")}

    def fit_script(opts: MapOptions) -> str:
        overlays = live_map(frames, ENTRIES, None, opts).overlays
        return next(str(child.token) for child in overlays[-1]._children.values()
                    if isinstance(child, FitBesideLegend))

    # each press gives the fit a new token: the map, left as the user zoomed it while
    # the overlays are swapped, fits the city again once per press
    assert state["city_fits"] == 2
    assert fit_script(MapOptions(fit_token=1)) != fit_script(MapOptions(fit_token=2))
    assert fit_script(MapOptions(fit_token=2)) == fit_script(MapOptions(fit_token=2))
