"""Every word on screen in the chosen language: the app is walked in Chinese and in
English (every tab, a zone selected by search, a firm found, no match, a comparison,
a choropleth, an upload with bad rows) and each visible text is checked for raw
snake_case ids and for words of the other language by the checker in tests/wording.py
(which lists the exceptions: names, quotes, document numbers, file names, acronyms).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from apptabs import open_tab
from streamlit.testing.v1 import AppTest
from wording import text_problems

from ui.tabs import CARD_TABS, TABLE_TABS

pytestmark = [pytest.mark.apptest, pytest.mark.slow]

APP = str(Path(__file__).resolve().parent.parent / "app.py")

#: Columns of proper names and addresses (data), by header in either language.
NAME_COLUMNS = {"名称", "Name", "地址", "Address"}


def visible(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) of every text a person sees."""
    out = [(el.type, el.value) for kind in ("title", "subheader", "caption", "markdown", "text",
                                             "info", "warning", "error", "success")
           for el in getattr(at, kind)]
    for kind in ("button", "checkbox", "toggle", "text_input", "number_input", "download_button"):
        out += [(kind, w.label) for w in getattr(at, kind)]
    for kind in ("radio", "selectbox", "multiselect"):
        for w in getattr(at, kind):
            out += [(kind, w.label)] + [(f"{kind} option", str(o)) for o in w.options]
    out += [("tab", b.label) for b in at.tabs] + [("expander", b.label) for b in at.expander]
    out += [("status", b.label) for b in at.status]
    for df in at.dataframe:
        out += _table_texts(df)
    return out


def _table_texts(df) -> list[tuple[str, str]]:
    value: pd.DataFrame = df.value
    config = json.loads(df.proto.columns or "{}")
    out = [("header", str(c)) for c in value.columns if str(c) not in NAME_COLUMNS]
    shown_index = not config.get("_index", {}).get("hidden") \
        and not isinstance(value.index, pd.RangeIndex) and value.index.name not in NAME_COLUMNS
    if shown_index:
        out += [("index", str(i)) for i in value.index]
    for col in value.columns:
        if str(col) in NAME_COLUMNS or value[col].dtype == bool:
            continue
        out += [("cell", v) for v in value[col].head(60) if isinstance(v, str)]
    return out


def problems(at: AppTest, lang: str, firm_texts: set[str]) -> list[str]:
    return text_problems(visible(at), lang, firm_texts)


UPLOAD = ("企业名称,经度,纬度,地址\n"
          "甲公司,121.50,31.20,上海市浦东新区张江路1号\n"
          ",121.51,31.21,\n"
          "乙公司,0,0,\n"
          "丙公司,116.39,39.90,北京\n"
          "丁公司,,,上海市浦东新区张江镇\n").encode()


def walk(lang: str):
    """Each step of the walk, the app after it."""
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.radio(key="lang").set_value(lang).run()
    yield "start", at
    for tab in TABLE_TABS[1:]:  # the app draws only the open tab: each is opened
        yield f"tab {tab}", open_tab(at, tab)
    open_tab(at, "zones_table")
    at.selectbox(key="measure").set_value("lq").run()
    at.multiselect(key="sectors").set_value(["biomed"]).run()
    yield "choropleth and sector", at
    at.toggle(key="zones_whole").set_value(True).run()
    yield "whole ranking", at
    at.text_input(key="search").input("东方美谷生命健康").run()  # one match: opens at once
    yield "zone found by search", at
    for tab in CARD_TABS[1:]:  # the card draws only its open tab: each is opened
        yield f"card {tab}", open_tab(at, tab)
    open_tab(at, "compare").multiselect(key="compare").set_value(["pole_zhangjiang", "pole_lingang"]).run()
    yield "compare", at
    at.text_input(key="search").input("无此地名xyz").run()
    yield "no match", at
    at.text_input(key="search").input("中芯国际").run()  # an IC firm the filter hides: opens
    yield "firm found by search", at
    at.multiselect(key="sectors").set_value([]).run()
    at.radio(key="firm_source").set_value("upload").run()
    at.file_uploader(key="upload").upload("firms.csv", UPLOAD, "text/csv")
    yield "upload", open_tab(at.run(), "import_report")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_visible_word_is_in_the_chosen_language(lang):
    firm_texts = {"中芯国际集成电路制造（上海）有限公司", "SMIC Shanghai", "上海市浦东新区张江路18号",
                  "甲公司", "乙公司", "丙公司", "丁公司", "张江镇", "北京", "上海市浦东新区张江路1号",
                  "上海市浦东新区张江镇", "企业名称", "经度", "纬度", "地址"}  # the upload's own headers
    seen = []
    for step, at in walk(lang):
        assert not at.exception, (step, [e.value for e in at.exception])
        seen.append(step)
        found = problems(at, lang, firm_texts)
        assert not found, f"{lang}, after {step}:\n" + "\n".join(found[:30])
    assert len(seen) == 8 + len(TABLE_TABS) - 1 + len(CARD_TABS) - 1


def test_the_walk_reaches_what_it_checks():
    steps = {step: "\n".join(t for _, t in visible(at)) for step, at in walk("en")}
    assert "in the order chosen" in steps["choropleth and sector"]
    grid_only = "\nSectors\n"  # a column of the grid, not of the short ranking
    assert grid_only in steps["whole ranking"] and grid_only not in steps["choropleth and sector"]
    assert "Overview" in steps["zone found by search"]
    assert "No match" in steps["no match"]
    assert "Firm details" in steps["firm found by search"]
    assert "outside the current sector filter" in steps["firm found by search"]
    assert "empty firm name" in steps["upload"]
    assert "Data basis" in steps["tab shortlist"]
