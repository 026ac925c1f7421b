"""What intake said, in the reader's language: a row's reason, flag or placement, by key.

Intake writes each message as a :class:`~firms.intake.messages.Said` — English text that
carries its key and values (the rejected-rows CSV, for machines, keeps the English). Here
each key has its Chinese and English wording; values that are a library's or intake's own
words (what a GeoJSON member was, an OS error …) are worded through :data:`WORDS`, by exact
text. Nothing English is read to find what was meant.
"""

from __future__ import annotations

from collections.abc import Mapping

from firms.intake.messages import Said

__all__ = ["REASONS", "WORDED", "WORDS", "phrase", "said_text"]

#: key → (Chinese, English); English None means intake's own English is right for readers.
REASONS: dict[str, tuple[str, str | None]] = {
    "empty_name": ("企业名称为空", None),
    "name_invisible": ("企业名称没有可见的字符（只有不可见字符或控制字符）", None),
    "geometry_not_object": ("几何是{kind}，不是 GeoJSON 几何对象", None),
    "geometry_not_point": ("几何是 {type}，不是点（Point）", None),
    "point_coordinates_kind": ("点坐标是{kind}，应为 [经度, 纬度]", None),
    "point_coordinates_numbers": ("点坐标不是两个数字，应为 [经度, 纬度]", None),
    "unknown_datum": ("未知坐标系 {value}：请用 WGS84、GCJ-02、BD-09 或 CGCS2000", None),
    "lon_not_number": ("经度不是数字：{value}", None),
    "lat_not_number": ("纬度不是数字：{value}", None),
    "lon_without_lat": ("有经度而无纬度", None),
    "lat_without_lon": ("有纬度而无经度", None),
    "zero_zero": ("(0, 0) 是占位值，不是位置", None),
    "out_of_range": ("坐标超出经纬度范围", None),
    "no_place": ("既无坐标也无地址", None),
    "address_unplaced": ("无坐标，地址中也没有上海的街道/镇或区",
                         "no coordinates, and the address names no subdistrict, town or "
                         "district of Shanghai"),
    "outside_shanghai": ("位置在上海市域以外", None),
    "uscc_scientific": ("{code} 是科学计数法：表格软件把代码变成了数字并丢了位数；请把该列按文本重新导出",
                        None),
    "uscc_number": ("{code} 被存成了数字；请把该列按文本重新导出", None),
    "uscc_length": ("{code} 有 {length} 个字符，应为 18 个", None),
    "uscc_characters": ("{code} 含 GB 32100 字符集以外的字符：{characters}", None),
    "uscc_check": ("{code}：校验位为 {found}，应为 {expected}", None),
    "duplicate_code": ("与第 {row} 行重复（统一社会信用代码相同）",
                       "duplicate of row {row} (same credit code)"),
    "duplicate_name_address": ("与第 {row} 行重复（名称和地址相同）", None),
    "swapped": ("经纬度互换，已修正", None),
    "precision_not_number": ("定位精度不是数字，已留空", "precision not a number; left empty"),
    "employees_not_number": ("从业人员不是非负数，已留空", None),
    "employees_implausible": ("从业人员超过 {limit}，多于任何企业，已留空", None),
    "name_hidden_characters": ("名称含不可见或改变文字方向的字符（{characters}），请核对", None),
    "capital_implausible": ("注册资本 {value} 超出任何企业（超过 10 万亿元），请核对数字及其单位",
                            "registered capital {value} is beyond any firm's (over 10 trillion "
                            "yuan); check the figure and its unit"),
    "placed_wgs84": ("坐标（WGS84）", None),
    "placed_converted": ("坐标（{datum} → WGS84）", None),
    "placed_town": ("街道/镇 {unit}（代表点）", "subdistrict/town {unit} (representative point)"),
    "placed_district": ("区 {unit}（代表点）", "district {unit} (representative point)"),
    "placed_zone": ("园区/片区 {unit}（以其范围为误差）", None),
    "placed_geocoded": ("在线地理编码：{provider}（匹配级别 {level}）", None),
    "placed_town_district": ("街道/镇 {unit}（无边界数据，按 {district} 代表点）",
                             "subdistrict/town {unit} without an outline (district {district}, "
                             "representative point)"),
    "placed_town_station": ("街道/镇 {unit}（无边界数据，在同名地铁站 {km} 公里范围内；只计为可能）",
                            "subdistrict/town {unit} without an outline: within {km} km of the "
                            "metro station of its name (counted as possible only)"),
    "not_in_shanghai": ("不在上海：{place}", None),
    "geometry_differs": ("采用几何坐标；属性 {lon}/{lat} 与之相差 {metres} 米", None),
    "geometry_not_degrees": ("采用几何坐标；属性 {lon}/{lat} 不是经纬度",
                             "geometry used; the properties {lon}/{lat} are not degrees"),
    "capital_unread": ("注册资本无法读作金额，已留空",
                       "registered capital not read as an amount; left empty"),
    "founded_unread": ("成立日期无法读作日期，已留空", "founding date not read as a date; left empty"),
}

#: Words that stand as a value inside a message (a library's or intake's own), by exact
#: text → (Chinese, English).
WORDS: dict[str, tuple[str, str]] = {
    # what a GeoJSON member turned out to be
    **{en: (zh, en) for en, zh in (
        ("an object", "对象"), ("a list", "列表"), ("a string", "字符串"), ("a boolean", "布尔值"),
        ("null", "空值 null"), ("a number", "数字"), ("a value", "值"))},
    "(none)": ("（无扩展名）", "(none)"),
    # Python's JSON parser (json.decoder's messages)
    **{en: (zh, en) for en, zh in (
        ("Expecting value", "此处应有一个值"),
        ("Expecting property name enclosed in double quotes", "此处应有用双引号括起的属性名"),
        ("Expecting ':' delimiter", "此处应有冒号 ':'"), ("Expecting ',' delimiter", "此处应有逗号 ','"),
        ("Extra data", "数据结束后还有多余内容"), ("Unterminated string starting at", "字符串缺少结尾的引号"),
        ("Invalid control character at", "字符串中有控制字符"), ("Invalid \\escape", "无效的反斜杠转义"),
        ("Invalid \\uXXXX escape", "无效的 \\u 转义"))},
    # the GeoJSON stream parser (yajl through ijson), after its "parse/lexical error: "
    **{en: (zh, en) for en, zh in (
        ("premature EOF", "文件在 JSON 结束前就结束了"),
        ("trailing garbage", "数据结束后还有多余内容"),
        ("invalid object key (must be a string)", "对象的键必须是字符串"),
        ("object key and value must be separated by a colon (':')", "键和值之间应有冒号 ':'"),
        ("after key and value, inside map, I expect ',' or '}'", "对象中的键值对之后应为 ',' 或 '}'"),
        ("after array element, I expect ',' or ']'", "数组元素之后应为 ',' 或 ']'"),
        ("unallowed token at this point in JSON text", "此处不应出现该记号"),
        ("invalid char in json text.", "JSON 文本中有无效字符"),
        ("invalid string in json text.", "JSON 文本中有无效的字符串"),
        ("invalid bytes in UTF8 string.", "字符串中有无效的 UTF-8 字节"),
        ("invalid character inside string.", "字符串中有无效字符（如未转义的控制字符）"),
        ("inside a JSON string, a character must be escaped", "字符串中的某个字符必须转义"),
        ("invalid (non-hex) character occurs after '\\u' inside string.", "\\u 之后应为十六进制数字"),
        ("malformed number, a digit is required after the minus sign.", "数字格式错误：负号后应为数字"),
        ("malformed number, a digit is required after the decimal point.",
         "数字格式错误：小数点后应为数字"),
        ("malformed number, a digit is required after the exponent.", "数字格式错误：指数后应为数字"))},
    # Python's csv module
    "new-line character seen in unquoted field - do you need to open the file in "
    "universal-newline mode?": ("未加引号的字段中有换行符（如单独的回车符）",
                                "a line break inside an unquoted field (e.g. a lone CR)"),
    # expat's messages, by its error code (an XLSX part's XML)
    **{en: (zh, en) for en, zh in (
        ("no element found", "内容不完整（没有元素）"), ("mismatched tag", "标签不配对"),
        ("syntax error", "语法错误"), ("not well-formed (invalid token)", "格式不正确（无效的记号）"),
        ("unclosed token", "记号未闭合"), ("junk after document element", "文档元素之后有多余内容"))},
    # openpyxl
    "File contains no valid workbook part": ("压缩包中没有有效的工作簿部分",
                                             "File contains no valid workbook part"),
    # the OS, reading a file by path (the CLI)
    "Is a directory": ("这是一个文件夹", "Is a directory"),
    "Permission denied": ("没有读取权限", "Permission denied"),
    "No such file or directory": ("文件不存在", "No such file or directory"),
}


#: the names of values that hold such words (the others are the file's own text or figures).
WORDED = frozenset({"kind", "detail", "reason", "suffix"})


def said_text(message: Said, lang: str, table: Mapping[str, tuple[str, str | None]]) -> str:
    """``message`` worded in ``lang`` by its key in ``table`` (its values worded through
    :data:`WORDS`); the message's own English where the key is not in ``table``."""
    wording = table.get(message.key)
    if wording is None:
        return str(message)
    zh, en = wording
    template = zh if lang == "zh" else en
    if template is None:
        return str(message)
    values = {k: WORDS[v][0 if lang == "zh" else 1] if k in WORDED and v in WORDS else v
              for k, v in message.values.items()}
    return template.format(**values)


def phrase(text: str, lang: str = "zh", messages: Mapping[str, Said] | None = None) -> str:
    """A cell intake wrote (a reason, a flag or a placement) in ``lang``: found by its exact
    text in ``messages`` (the import's record of what it said); other text as it is."""
    if not isinstance(text, str) or not text:
        return text
    said = text if isinstance(text, Said) else (messages or {}).get(text)
    return text if said is None else said_text(said, lang, REASONS)
