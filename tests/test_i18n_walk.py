"""Every word on screen in the chosen language: the app is walked in Chinese and in
English (every tab, a zone selected by search, a firm found, no match, a comparison,
a choropleth, an upload with bad rows) and each visible text is checked for raw
snake_case ids and for words of the other language.

Exceptions — texts that stay as they are in both languages, removed before the check:

- the uploaded file's own words: its headers (企业名称, 经度 … in the header mapping
  and the rejected rows) and cells;
- proper names: zones' Chinese and English names (shown together as "中文 / English"
  in the panel and the search list), firm names and addresses (the file's data),
  place names inside placements (街道/镇 张江镇);
- the plans' own words: verbatim quotes, document numbers (沪府办发〔2021〕10号), section
  marks (§五(一)), and the project's notes on how each outline was made and where
  its published area comes from (``method``, ``official_area_source``, ``evidence``: authored in
  English with Chinese names; not translated yet);
- the language switch ("语言 / Language", 中文 / English) and the column name a file
  may use for its datum (坐标系);
- file names (``shanghai-layers_wgs84.geojson``);
- in Chinese: acronyms, units and product names (WGS84, EPSG, GCJ-02, BD-09, CGCS2000,
  LQ, GDP, km, CSV, XLSX, GeoJSON, GeoPackage, FlatGeobuf, GeoParquet, PNG, HTML, MB, OpenStreetMap, OSM, Fisher–Jenks,
  G60, 9+X).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import layers
from layers.documents import documents
from layers.policy import policy_measures, sector_targets

APP = str(Path(__file__).resolve().parent.parent / "app.py")

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]\b")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|geojson|gpkg|html|json|xlsx|toml|txt)\b")
SECTION = re.compile(r"§[^\s:：,，;；)）]+")
LATIN_ALLOWED = {"WGS", "EPSG", "GCJ", "BD", "CGCS", "LQ", "km", "CSV", "XLSX", "GeoJSON", "GeoPackage",
                 "FlatGeobuf", "GeoParquet", "PNG",
                 "HTML", "MB", "GDP", "OpenStreetMap", "OSM", "Fisher", "Jenks", "Language", "English"}
ALWAYS = ("语言 / Language", "中文", "English", "坐标系")
#: Columns of proper names and addresses (data), by header in either language.
NAME_COLUMNS = {"名称", "Name", "地址", "Address"}


def _proper_texts() -> list[str]:
    """The exceptions that are data: names, quotes, numbers, the project's notes."""
    texts = set(ALWAYS)
    for gdf in layers.load_all().values():
        for col in ("name_zh", "name_en", "cite_quote", "method", "official_area_source",
                    "evidence"):
            texts.update(gdf[col].dropna().astype(str))
    texts.update(policy_measures()["quote"])
    texts.update(sector_targets()["quote"])
    texts.update(documents()["number"])
    texts.update(documents()["author"])
    return sorted((x for x in texts if x), key=len, reverse=True)


PROPER = _proper_texts()


def visible(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) of every text a person sees."""
    out = [(el.type, el.value) for kind in ("title", "subheader", "caption", "markdown", "text",
                                             "info", "warning", "error", "success")
           for el in getattr(at, kind)]
    for kind in ("button", "checkbox", "text_input", "number_input", "download_button"):
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


def leftover(text: str) -> str:
    """The text as shown (Markdown escapes undone) without its documented exceptions."""
    text = re.sub(r"\\(.)", r"\1", text)
    for proper in PROPER:
        if proper in text:
            text = text.replace(proper, " ")
    return SECTION.sub(" ", FILE_NAME.sub(" ", text))


def problems(at: AppTest, lang: str, firm_texts: set[str]) -> list[str]:
    found = []
    for where, text in visible(at):
        for firm_text in sorted(firm_texts, key=len, reverse=True):  # the data's own words first
            text = text.replace(firm_text, " ")
        rest = leftover(text)
        if SNAKE.search(rest):
            found.append(f"{where}: raw id in {text!r}")
        if lang == "en" and CJK.search(rest):
            found.append(f"{where}: Chinese in {text!r}")
        if lang == "zh":
            words = [w for w in LATIN_WORD.findall(rest) if w not in LATIN_ALLOWED]
            if words:
                found.append(f"{where}: English {words} in {text!r}")
    return found


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
    at.selectbox(key="measure").set_value("lq").run()
    at.multiselect(key="sectors").set_value(["biomed"]).run()
    yield "choropleth and sector", at
    at.text_input(key="search").input("东方美谷生命健康").run()  # one match: opens at once
    yield "zone found by search", at
    at.multiselect(key="compare").set_value(["pole_zhangjiang", "pole_lingang"]).run()
    yield "compare", at
    at.text_input(key="search").input("无此地名xyz").run()
    yield "no match", at
    at.text_input(key="search").input("中芯国际").run()  # an IC firm the filter hides: opens
    yield "firm found by search", at
    at.multiselect(key="sectors").set_value([]).run()
    at.radio(key="firm_source").set_value("upload").run()
    at.file_uploader(key="upload").upload("firms.csv", UPLOAD, "text/csv")
    at.run()
    yield "upload", at


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
    assert len(seen) == 7


def test_the_walk_reaches_what_it_checks():
    steps = {step: "\n".join(t for _, t in visible(at)) for step, at in walk("en")}
    assert "Overview" in steps["zone found by search"]
    assert "No match" in steps["no match"]
    assert "Firm details" in steps["firm found by search"]
    assert "outside the current sector filter" in steps["firm found by search"]
    assert "empty firm name" in steps["upload"]
    assert "Data basis" in steps["start"]
