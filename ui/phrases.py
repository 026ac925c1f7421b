"""The import's reasons, flags and placements in the reader's language.

firms/intake/steps.py writes them in English (the rejected-rows CSV for machines keeps
that text). Here each known pattern is given in Chinese and English; a text that
matches no pattern is shown as it is (e.g. a reader's message about a malformed
geometry) — the one place English may stay in the Chinese import report.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["PATTERNS", "compile_table", "match_phrase", "phrase"]

#: (pattern, Chinese, English), the groups of the pattern filling {0}, {1} … in order.
PATTERNS: tuple[tuple[str, str, str], ...] = (
    (r"empty firm name", "企业名称为空", "empty firm name"),
    (r"unknown datum (.+): use WGS84, GCJ-02, BD-09 or CGCS2000",
     "未知坐标系 {0}：请用 WGS84、GCJ-02、BD-09 或 CGCS2000",
     "unknown datum {0}: use WGS84, GCJ-02, BD-09 or CGCS2000"),
    (r"longitude is not a number: (.*)", "经度不是数字：{0}", "longitude is not a number: {0}"),
    (r"latitude is not a number: (.*)", "纬度不是数字：{0}", "latitude is not a number: {0}"),
    (r"longitude given without latitude", "有经度而无纬度", "longitude given without latitude"),
    (r"latitude given without longitude", "有纬度而无经度", "latitude given without longitude"),
    (r"\(0, 0\) is a placeholder, not a location", "(0, 0) 是占位值，不是位置",
     "(0, 0) is a placeholder, not a location"),
    (r"coordinates out of range for degrees", "坐标超出经纬度范围", "coordinates out of range for degrees"),
    (r"no coordinates and no address", "既无坐标也无地址", "no coordinates and no address"),
    (r"no coordinates, and the address names no 街道/镇 or 区 of Shanghai",
     "无坐标，地址中也没有上海的街道/镇或区", "no coordinates, and the address names no "
     "subdistrict, town or district of Shanghai"),
    (r"point lies outside Shanghai", "位置在上海市域以外", "point lies outside Shanghai"),
    (r"(.+) was stored as a number; re-export the column as text",
     "{0} 被存成了数字；请把该列按文本重新导出", "{0} was stored as a number; re-export the column as text"),
    (r"(.+) has (\d+) characters, not 18", "{0} 有 {1} 个字符，应为 18 个", "{0} has {1} characters, not 18"),
    (r"(.+) contains characters outside the GB 32100 set: (.*)", "{0} 含 GB 32100 字符集以外的字符：{1}",
     "{0} contains characters outside the GB 32100 set: {1}"),
    (r"(.+): check character is (.+), should be (.+)", "{0}：校验位为 {1}，应为 {2}",
     "{0}: check character is {1}, should be {2}"),
    (r"duplicate of row (\d+) \(same 统一社会信用代码\)", "与第 {0} 行重复（统一社会信用代码相同）",
     "duplicate of row {0} (same credit code)"),
    (r"duplicate of row (\d+) \(same name and address\)", "与第 {0} 行重复（名称和地址相同）",
     "duplicate of row {0} (same name and address)"),
    (r"lon/lat were swapped; fixed", "经纬度互换，已修正", "lon/lat were swapped; fixed"),
    (r"precision_m not a number; left empty", "定位精度不是数字，已留空", "precision not a number; left empty"),
    (r"employees not a non-negative number; left empty", "从业人员不是非负数，已留空",
     "employees not a non-negative number; left empty"),
    (r"coordinates \(WGS84\)", "坐标（WGS84）", "coordinates (WGS84)"),
    (r"coordinates \((.+) → WGS84\)", "坐标（{0} → WGS84）", "coordinates ({0} → WGS84)"),
    (r"街道/镇 (.+) \(representative point\)", "街道/镇 {0}（代表点）", "subdistrict/town {0} (representative point)"),
    (r"区 (.+) \(representative point\)", "区 {0}（代表点）", "district {0} (representative point)"),
    (r"街道/镇 (.+) without an outline \(区 (.+), representative point\)",
     "街道/镇 {0}（无边界数据，按 {1} 代表点）",
     "subdistrict/town {0} without an outline (district {1}, representative point)"),
    (r"zone (.+) \(its outline\)", "园区/片区 {0}（以其范围为误差）", "zone {0} (its outline)"),
    (r"not in Shanghai: (.+)", "不在上海：{0}", "not in Shanghai: {0}"),
    (r"geometry used; the properties (.+)/(.+) differ from it \(([0-9,]+) m\)",
     "采用几何坐标；属性 {0}/{1} 与之相差 {2} 米", "geometry used; the properties {0}/{1} differ "
     "from it by {2} m"),
    (r"geometry used; the properties (.+)/(.+) differ from it \(not degrees\)",
     "采用几何坐标；属性 {0}/{1} 不是经纬度", "geometry used; the properties {0}/{1} are not degrees"),
    (r"注册资本 not read as an amount; left empty", "注册资本无法读作金额，已留空",
     "registered capital not read as an amount; left empty"),
    (r"成立日期 not read as a date; left empty", "成立日期无法读作日期，已留空",
     "founding date not read as a date; left empty"),
)

def compile_table(table: tuple[tuple[str, str, str], ...], *, flags: int = 0) -> tuple:
    """A table of (pattern, Chinese, English) with its patterns compiled."""
    return tuple((re.compile(p, flags), zh, en) for p, zh, en in table)


_COMPILED = compile_table(PATTERNS)


def match_phrase(text: str, lang: str, table: tuple, *,
                 detail: Callable[[str, str], str] | None = None) -> str | None:
    """``text`` in ``lang`` by the first pattern of the compiled ``table`` it matches
    whole, or None; a group named ``d`` (a library's words inside the text) is first
    passed through ``detail(group, lang)``."""
    for pattern, zh, en in table:
        m = pattern.fullmatch(text)
        if m:
            groups = list(m.groups())
            if detail is not None and "d" in pattern.groupindex:
                at = pattern.groupindex["d"] - 1
                groups[at] = detail(groups[at], lang)
            return (zh if lang == "zh" else en).format(*groups)
    return None


def phrase(text: str, lang: str = "zh") -> str:
    """``text`` (one reason, flag or placement, or several joined by ``"; "``) in ``lang``;
    a part no pattern knows is kept as it is. Parts are matched shortest first, since
    a flag may itself hold ``"; "``."""
    if not isinstance(text, str) or not text:
        return text
    pieces, out, i = text.split("; "), [], 0
    while i < len(pieces):
        for j in range(i + 1, len(pieces) + 1):
            done = match_phrase("; ".join(pieces[i:j]), lang, _COMPILED)
            if done is not None:
                out.append(done)
                i = j
                break
        else:
            out.append(pieces[i])
            i += 1
    return ("；" if lang == "zh" else "; ").join(out)
