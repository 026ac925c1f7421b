"""Every word in the chosen language: the one checker shared by the AppTest walk
(tests/test_i18n_walk.py) and the browser journeys (tests/test_journeys.py).

:func:`text_problems` looks at (where, text) pairs and reports raw snake_case ids,
Chinese in the English app and English words in the Chinese app.

Exceptions — texts that stay as they are in both languages, removed before the check:

- the data's own words, given by the caller (``data_texts``): an uploaded file's
  headers and cells, firm names and addresses;
- proper names: zones' Chinese and English names (shown together as "中文 / English"
  in the panel and the search list), place names inside placements (街道/镇 张江镇);
- the plans' own words: verbatim quotes, document numbers (沪府办发〔2021〕10号), section
  marks (§五(一)), the technical note on how each outline was made and where its published
  area comes from (``method``, ``official_area_source``: exported for GIS users, authored in
  English with Chinese names), and the English summary of each zone's sources
  (``summary_en``), which names places and quotes documents in Chinese; the Chinese summary
  (``summary_zh``) is checked like any Chinese text, web addresses aside;
  and the 四至 a park card quotes from the zones' notes (``summary_zh``, ``method``);
- the language switch ("语言 / Language", 中文 / English) and the column name a file
  may use for its datum (坐标系);
- file names (``shanghai-layers_wgs84.geojson``);
- in Chinese: acronyms, units and product names (WGS84, EPSG, GCJ-02, BD-09, CGCS2000,
  LQ, GDP, km, CSV, XLSX, GeoJSON, GeoPackage, FlatGeobuf, GeoParquet, PNG, PDF, HTML, MB, OpenStreetMap, OSM, Fisher–Jenks,
  geoBoundaries, ODbL, AMOLED,
  G60, 9+X); the GIS products and standards named in the GIS block (GIS, OGC, API, QGIS,
  ArcGIS, GDAL, QML, SLD), the command it tells to run (shmap serve) and the local
  service's address (http://127.0.0.1:5000).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import layers
from layers.documents import documents
from layers.policy import policy_measures, sector_targets
from ui.park_card import boundary_text

__all__ = ["leftover", "text_problems"]

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]\b")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
FILE_NAME = re.compile(r"[\w./-]+\.(?:csv|geojson|gpkg|html|json|xlsx|toml|txt|md|zip)\b")
LOOPBACK = re.compile(r"https?://127\.0\.0\.1(?::\d+)?")
SECTION = re.compile(r"§[^\s:：,，;；)）]+")
LATIN_ALLOWED = {"WGS", "EPSG", "GCJ", "BD", "CGCS", "LQ", "km", "CSV", "XLSX", "GeoJSON", "GeoPackage",
                 "FlatGeobuf", "GeoParquet", "PNG", "PDF",
                 "HTML", "MB", "GDP", "OpenStreetMap", "OSM", "Fisher", "Jenks", "Language", "English",
                 "geoBoundaries", "ODbL", "AMOLED", "GIS", "OGC", "API", "QGIS", "ArcGIS", "GDAL",
                 "QML", "SLD", "Nominatim",  # OpenStreetMap's geocoder, a proper name
                 "shmap", "serve"}  # the last two: the command the GIS block shows
WEB_ADDRESS = re.compile(r"[\w.-]+\.(?:com|cn|org|net|tw|info)(?:\.cn)?(?:/[\w/.?=&%-]*)?")
ALWAYS = ("语言 / Language", "中文", "English", "坐标系")


def _proper_texts() -> list[str]:
    """The exceptions that are data: names, quotes, numbers, the project's notes."""
    texts = set(ALWAYS)
    for gdf in layers.load_all().values():
        for col in ("name_zh", "name_en", "cite_quote", "method", "official_area_source",
                    "summary_en"):
            texts.update(gdf[col].dropna().astype(str))
        # the 四至 a park card quotes from those notes
        texts.update(boundary_text(e, m) for e, m in zip(gdf["summary_zh"].fillna(""),
                                                         gdf["method"].fillna(""), strict=True))
    texts.update(policy_measures()["quote"])
    texts.update(sector_targets()["quote"])
    texts.update(documents()["number"])
    texts.update(documents()["author"])
    return sorted((x for x in texts if x), key=len, reverse=True)


PROPER = _proper_texts()


def leftover(text: str) -> str:
    """The text as shown (Markdown escapes undone) without its documented exceptions."""
    text = re.sub(r"\\(.)", r"\1", text)
    for proper in PROPER:
        if proper in text:
            text = text.replace(proper, " ")
    return SECTION.sub(" ", FILE_NAME.sub(" ", WEB_ADDRESS.sub(" ", LOOPBACK.sub(" ", text))))


def text_problems(texts: Iterable[tuple[str, str]], lang: str,
                  data_texts: Iterable[str] = ()) -> list[str]:
    """What is wrong with each (where, text) shown in ``lang`` ("zh" or "en"): a raw
    id, Chinese in English, English in Chinese; ``data_texts`` (the data's own words)
    are removed first. An empty list when every word is in ``lang``."""
    data = sorted(set(data_texts), key=len, reverse=True)  # the longest first
    found = []
    for where, text in texts:
        for data_text in data:
            text = text.replace(data_text, " ")
        rest = leftover(text)
        if m := SNAKE.search(rest):
            found.append(f"{where}: raw id {m.group()!r} in {_around(rest, m)!r}")
        if lang == "en" and (m := CJK.search(rest)):
            found.append(f"{where}: Chinese in {_around(rest, m)!r}")
        if lang == "zh":
            words = [w for w in LATIN_WORD.finditer(rest) if w.group() not in LATIN_ALLOWED]
            if words:
                found.append(f"{where}: English {[w.group() for w in words]} in "
                             f"{_around(rest, words[0])!r}")
    return found


def _around(text: str, match: re.Match, *, width: int = 60) -> str:
    """The match with up to ``width`` characters either side (a long text shortened)."""
    return text[max(0, match.start() - width):match.end() + width].strip()
