"""Column headers of a firm list: the spellings of the exports people have (企查查, 天眼查,
启信宝, 国家企业信用信息公示系统, the project's own), and where the header row is.

Real exports put a title row, a note or a merged banner above the header; the header is
the first of the first :data:`HEADER_SEARCH_ROWS` rows that names a firm-name column and a
place (an address, or longitude and latitude), else the first that names a firm-name
column, else the first row.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Sequence

import pandas as pd

from layers.text import fold

__all__ = ["GEOMETRY_LAT", "GEOMETRY_LON", "HEADER_ALIASES", "TEMPLATE_HEADERS", "template_frame", "HEADER_SEARCH_ROWS", "INDUSTRY_LEVELS", "HEADER_SEARCH_BYTES",
           "find_header_row", "header_key", "header_start", "map_headers", "promote_header", "skip_title_lines"]

#: Bytes of a CSV searched for its header line (after any BOM).
HEADER_SEARCH_BYTES = 131_072

#: Columns a GeoJSON reader fills from each feature's Point geometry: they win over
#: coordinate-like properties (经度/纬度, X/Y …), which stay as the user's columns.
GEOMETRY_LON, GEOMETRY_LAT = "__geometry_lon", "__geometry_lat"

#: Rows searched for the header, from the top of the file or sheet.
HEADER_SEARCH_ROWS = 20

#: Canonical field → header spellings accepted (compared after NFKC, lower-case,
#: and removing spaces, underscores, hyphens and brackets).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "名称", "公司名称", "单位名称", "机构名称", "企业名", "name", "firmname",
             "companyname", "company", "firm", "enterprise"),
    "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "统一信用代码", "uscc", "creditcode",
             "unifiedsocialcreditcode"),
    "lon": ("经度", "lon", "lng", "long", "longitude", "x"),
    "lat": ("纬度", "lat", "latitude", "y"),
    "address": ("地址", "注册地址", "企业地址", "经营地址", "住所", "通信地址", "办公地址",
                "住所地", "企业注册地址", "最新年报地址", "address", "addr"),
    "industry": ("行业", "所属行业", "国标行业", "行业小类", "行业中类", "行业大类", "行业门类",
                 "行业类别", "行业名称", "主营业务", "industry", "sector", "business"),
    "industry_code": ("国民经济行业代码", "行业代码", "国标行业代码", "gbt4754", "gb/t4754",
                      "gbt4754code", "industrycode", "naics", "isic"),
    "employees": ("参保人数", "从业人员", "从业人数", "员工人数", "职工人数", "社保人数",
                  "employees", "staff", "headcount"),
    "capital": ("注册资本", "注册资金", "registeredcapital", "capital"),
    "founded": ("成立日期", "成立时间", "注册日期", "founded", "establisheddate",
                "dateofestablishment"),
    "status": ("登记状态", "经营状态", "企业状态", "状态", "registrationstatus", "status"),
    "datum": ("坐标系", "坐标系统", "datum", "crs", "coordsys"),
    "precision_m": ("定位精度", "定位精度米", "精度", "precisionm", "placementprecisionm"),
    "name_en": ("英文名称", "英文名", "nameen", "englishname"),
}

#: Industry headers from the most specific level to the least: where a file has several
#: (国标行业 门类, 大类 …), the most specific is read.
INDUSTRY_LEVELS = ("行业小类", "行业中类", "行业大类", "行业门类")


def header_key(text: object) -> str:
    """A header as compared: NFKC, lower case, without spaces, ``_``, ``-`` and brackets."""
    return fold(str(text), case="lower", drop=r"\s_\-()（）\[\]【】:：")


_ALIAS_LOOKUP = {header_key(a): canon for canon, names in HEADER_ALIASES.items() for a in names}
_LEVEL_RANK = {header_key(h): i for i, h in enumerate(INDUSTRY_LEVELS)}


def _rank(header: str) -> int:
    """Industry headers by level (小类 first); any other header after them, in file order."""
    return _LEVEL_RANK.get(header_key(header), len(INDUSTRY_LEVELS))


def map_headers(columns: Iterable[object]) -> dict[str, str]:
    """Original header → canonical field, for the headers that have one.

    When two headers map to the same field, the first (leftmost) is used, except that
    the most specific industry level wins (:data:`INDUSTRY_LEVELS`) and a GeoJSON
    geometry's columns (:data:`GEOMETRY_LON`) win over coordinate-like properties.
    """
    cols = [str(c) for c in columns]
    mapping: dict[str, str] = {}
    if GEOMETRY_LON in cols and GEOMETRY_LAT in cols:
        mapping = {GEOMETRY_LON: "lon", GEOMETRY_LAT: "lat"}
    order = sorted(range(len(cols)), key=lambda i: (_rank(cols[i]), i))
    for i in order:
        canon = _ALIAS_LOOKUP.get(header_key(cols[i]))
        if canon and canon not in mapping.values():
            mapping[cols[i]] = canon
    return {c: mapping[c] for c in cols if c in mapping}  # in file order


def _fields(row: Sequence[object]) -> set[str]:
    return set(map_headers([c for c in row if str(c).strip()]).values())


def find_header_row(rows: Sequence[Sequence[object]], *, limit: int = HEADER_SEARCH_ROWS) -> int:
    """The position (0-based) of the header among ``rows`` (the first ``limit`` searched):
    the first naming a firm name and a place, else the first naming a firm name, else 0."""
    named = None
    for i, row in enumerate(rows[:limit]):
        fields = _fields(row)
        if "name" in fields and ("address" in fields or {"lon", "lat"} <= fields):
            return i
        if "name" in fields and named is None:
            named = i
    return named or 0


def _above_info(header_row: int, titles: list[str]) -> dict[str, object]:
    """What the report says of the header: its row (1-based) and the text above it."""
    return {"header_row": header_row, "above_header": [t[:200] for t in titles if t][:5]}


def header_start(head: bytes) -> tuple[int, dict[str, object]]:
    """Where a CSV's header line starts in ``head`` (the file's first bytes, BOM included):
    its byte offset (0 when the header is the first line), ``header_row`` (its line number,
    1-based) and the text above it, by :func:`find_header_row` over the first lines. The
    head is read as UTF-8, else GB18030; the file is decoded strictly afterwards. A line
    break is one byte in both, never inside a character, so the offset is exact."""
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    body = head[bom:bom + HEADER_SEARCH_BYTES]
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(body)
    except UnicodeDecodeError:
        text = codecs.getincrementaldecoder("gb18030")(errors="replace").decode(body)
    lines = text.split("\n")[:HEADER_SEARCH_ROWS]
    try:
        rows = [next(csv.reader([line.rstrip("\r")]), []) for line in lines]
    except csv.Error:
        return 0, {"header_row": 1}
    at = find_header_row(rows)
    if at == 0:
        return 0, {"header_row": 1}
    start = bom
    for _ in range(at):
        start = head.index(b"\n", start) + 1
    titles = [" ".join(c.strip() for c in row if c.strip()) for row in rows[:at]]
    return start, _above_info(at + 1, titles)


def skip_title_lines(raw: bytes) -> tuple[bytes, dict[str, object]]:
    """A CSV's bytes from its header line on (BOM kept): title rows, notes and blank lines
    above it dropped, with ``header_row`` and the text above it (:func:`header_start`)."""
    start, above = header_start(raw[:len(codecs.BOM_UTF8) + HEADER_SEARCH_BYTES])
    if start == 0:
        return raw, above
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    return raw[:bom] + raw[start:], above


def promote_header(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, object]]:
    """A sheet read with its first non-empty row as header, with the real header row
    found among the first rows (:func:`find_header_row`) and the rows above it dropped.
    ``header_row`` counts the sheet's non-empty rows from 1."""
    rows = [list(frame.columns), *frame.head(HEADER_SEARCH_ROWS).to_numpy().tolist()]
    at = find_header_row(rows)
    if at == 0:
        return frame, {"header_row": 1}
    header = [str(h).strip() or f"column_{i + 1}" for i, h in enumerate(rows[at])]
    titles = [" ".join(str(c).strip() for c in row if str(c).strip()
                       and not str(c).startswith("column_")) for row in rows[:at]]
    body = frame.iloc[at:].reset_index(drop=True)
    body.columns = header
    return body, _above_info(at + 1, titles)


#: The columns of the firm-list template a person can download and fill in.
TEMPLATE_HEADERS = ("企业名称", "统一社会信用代码", "登记状态", "注册资本", "成立日期", "企业地址",
                    "所属行业", "参保人数", "经度", "纬度", "坐标系")


def template_frame() -> pd.DataFrame:
    """A firm list to fill in: the recognised headers and two example rows (an address
    only; coordinates with their datum), each saying it is an example to delete."""
    return pd.DataFrame([
        ("示例（请删除本行）：上海某集成电路设计有限公司", "", "存续", "1000万元人民币", "2020-01-01",
         "上海市浦东新区张江镇祖冲之路1号", "集成电路设计", "50", "", "", ""),
        ("示例（请删除本行）：上海某生物医药有限公司", "", "存续", "500万美元", "2018-06-30", "",
         "医药制造业", "120", "121.6005", "31.2036", "WGS84")], columns=list(TEMPLATE_HEADERS))
