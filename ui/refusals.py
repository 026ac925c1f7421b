"""A refused file's message, and the read's warnings, in the reader's language.

firms/intake/readers.py, firms/intake/xlsx.py and firms/intake/importer.py refuse a whole file with one English
message (an :class:`~firms.intake.errors.UnreadableFileError` or
:class:`~firms.intake.errors.TableRejectedError`), which the CLI prints as it is. The app
shows it through :func:`refusal_text`: each message's pattern is given here in
Chinese and English, in the same (pattern, Chinese, English) form as the import's
row reasons (:mod:`ui.phrases`). A group named ``d`` holds a library's own words
(Python's JSON or CSV parser, pandas, expat, zipfile, the OS), translated by
:data:`DETAILS` where known. A message no pattern knows is shown as it is.
"""

from __future__ import annotations

import re

from ui.phrases import compile_table, match_phrase

__all__ = ["DETAILS", "FILE_MESSAGES", "refusal_text"]

_AGAIN_ZH, _AGAIN_EN = "请在 Excel 中打开并重新保存，或导出 CSV", "open and save it again in Excel, or export a CSV"

#: (pattern, Chinese, English) of every whole-file message of geo/ (and the encoding warning).
FILE_MESSAGES: tuple[tuple[str, str, str], ...] = (
    # firms/intake/readers.py: text, CSV, GeoJSON, size and memory
    (r"(.+): not UTF-8 or GB18030 text \(byte 0x(.+) at offset (.+)\); save it as UTF-8 CSV",
     "{0}：不是 UTF-8 或 GB18030 文本（偏移 {2} 处的字节 0x{1}）；请另存为 UTF-8 CSV",
     "{0}: not UTF-8 or GB18030 text (byte 0x{1} at offset {2}); save it as UTF-8 CSV"),
    (r"(.+): the header line is longer than (.+) KB; is this a firm table\? The first line should "
     r"hold the column names", "{0}：表头行超过 {1} KB；这是企业名单吗？第一行应为各列的名称",
     "{0}: the header line is longer than {1} KB; is this a firm table? The first line should "
     "hold the column names"),
    (r"(.+): the header line is not readable CSV \((?P<d>.+)\)", "{0}：表头行不是可读的 CSV（{1}）",
     "{0}: the header line is not readable CSV ({1})"),
    (r"more than (.+) rows: split the file or import a sample", "超过 {0} 行：请拆分文件或只导入其中一部分",
     "more than {0} rows: split the file or import a sample"),
    (r"(.+): not a readable CSV table: (?P<d>.+)", "{0}：不是可读的 CSV 表格：{1}",
     "{0}: not a readable CSV table: {1}"),
    (r"two columns are headed (.+); rename one so each header is unique",
     "有两列的表头都是 {0}；请改掉其中一个，使每列表头各不相同",
     "two columns are headed {0}; rename one so each header is unique"),
    (r"(.+): feature (.+) is (?P<d>.+), not a GeoJSON Feature object; fix or remove it",
     "{0}：第 {1} 个要素是{2}，不是 GeoJSON Feature 对象；请修正或删除它",
     "{0}: feature {1} is {2}, not a GeoJSON Feature object; fix or remove it"),
    (r"(.+): feature (.+) has properties that are (?P<d>.+), not an object; fix or remove it",
     "{0}：第 {1} 个要素的 properties 是{2}，不是对象；请修正或删除它",
     "{0}: feature {1} has properties that are {2}, not an object; fix or remove it"),
    (r"(.+): the top level is (?P<d>.+), not a GeoJSON FeatureCollection object",
     "{0}：顶层是{1}，不是 GeoJSON FeatureCollection 对象",
     "{0}: the top level is {1}, not a GeoJSON FeatureCollection object"),
    (r"(.+): expected a GeoJSON FeatureCollection \(its type is (.+)\)",
     "{0}：应为 GeoJSON FeatureCollection（其 type 为 {1}）",
     "{0}: expected a GeoJSON FeatureCollection (its type is {1})"),
    (r"(.+): 'features' is (?P<d>.+), expected a list of Feature objects",
     "{0}：'features' 是{1}，应为由 Feature 对象组成的列表",
     "{0}: 'features' is {1}, expected a list of Feature objects"),
    (r"(.+): not valid JSON \((?P<d>.+) at line (.+)\)", "{0}：不是有效的 JSON（第 {2} 行：{1}）",
     "{0}: not valid JSON ({1} at line {2})"),
    (r"(.+): JSON nested too deeply to be GeoJSON firm points; check the file",
     "{0}：JSON 嵌套过深，不像是企业点位的 GeoJSON；请检查文件",
     "{0}: JSON nested too deeply to be GeoJSON firm points; check the file"),
    (r"(.+): more than (.+) features: split the file", "{0}：要素超过 {1} 个：请拆分文件",
     "{0}: more than {1} features: split the file"),
    (r"(.+): (.+) MB; importing it in memory needs about (.+) GB \(about (.+)× the file size\) and "
     r"(.+) GB are free: use `shmap measures --engine dask` \(blocks, or a cluster: "
     r"docs/scale\.md\) or split the file",
     "{0}：{1} MB；在内存中导入约需 {2} GB（约为文件大小的 {3} 倍），而可用内存只有 {4} GB："
     "请用 `shmap measures --engine dask`（分块计算，或用集群：docs/scale.md），或拆分文件",
     "{0}: {1} MB; importing it in memory needs about {2} GB (about {3}× the file size) and "
     "{4} GB are free: use `shmap measures --engine dask` (blocks, or a cluster: "
     "docs/scale.md) or split the file"),
    (r"(.+): unsupported file type (?P<d>.+); use \.csv, \.xlsx or \.geojson",
     "{0}：不支持的文件类型 {1}；请用 .csv、.xlsx 或 .geojson",
     "{0}: unsupported file type {1}; use .csv, .xlsx or .geojson"),
    (r"(.+): cannot read \((?P<d>.+)\)", "{0}：无法读取（{1}）", "{0}: cannot read ({1})"),
    (r"(.+): (.+) MB is over the (.+) MB limit for GeoJSON \(it is parsed whole\); save it as CSV "
     r"\(lon/lat columns\)",
     "{0}：{1} MB，超过 GeoJSON 的 {2} MB 上限（GeoJSON 须整个解析）；请另存为 CSV（含经度/纬度列）",
     "{0}: {1} MB is over the {2} MB limit for GeoJSON (it is parsed whole); save it as CSV "
     "(lon/lat columns)"),
    (r"(.+): the text was read as GB18030 but looks like Latin-1/Windows-1252 \(e\.g\. (.+), read "
     r"as (.+)\); if names look garbled, save the file as UTF-8 and import it again",
     "{0}：文本按 GB18030 读取，但看来是 Latin-1/Windows-1252 编码（例如 {1} 被读成 {2}）；"
     "如果名称显示为乱码，请把文件另存为 UTF-8 后重新导入",
     "{0}: the text was read as GB18030 but looks like Latin-1/Windows-1252 (e.g. {1}, read "
     "as {2}); if names look garbled, save the file as UTF-8 and import it again"),
    # firms/intake/xlsx.py: the archive, the limits, the sheets
    (r"(.+): not an \.xlsx file \(not a zip archive\); save it from Excel as \.xlsx or export a CSV",
     "{0}：不是 .xlsx 文件（不是 zip 压缩包）；请在 Excel 中另存为 .xlsx，或导出 CSV",
     "{0}: not an .xlsx file (not a zip archive); save it from Excel as .xlsx or export a CSV"),
    (r"(.+): member (.+) expands (.+)× \(a zip bomb\?\); refused",
     "{0}：其中的 {1} 解压后膨胀 {2} 倍（疑似 zip 炸弹），已拒绝",
     "{0}: member {1} expands {2}× (a zip bomb?); refused"),
    (r"(.+): (.+) GB uncompressed, over the (.+) GB limit; export a CSV instead",
     "{0}：解压后 {1} GB，超过 {2} GB 的上限；请改为导出 CSV",
     "{0}: {1} GB uncompressed, over the {2} GB limit; export a CSV instead"),
    (r"(.+): not a complete \.xlsx workbook \(no \[Content_Types\]\.xml part\); " + re.escape(_AGAIN_EN),
     "{0}：不是完整的 .xlsx 工作簿（缺少 [Content_Types].xml 部分）；" + _AGAIN_ZH,
     "{0}: not a complete .xlsx workbook (no [Content_Types].xml part); " + _AGAIN_EN),
    (r"(.+): sheet (.+) holds more than (.+) cells \(rows × columns actually present\); split the "
     r"workbook or export a CSV",
     "{0}：工作表 {1} 的单元格超过 {2} 个（按实际存在的行 × 列计）；请拆分工作簿，或导出 CSV",
     "{0}: sheet {1} holds more than {2} cells (rows × columns actually present); split the "
     "workbook or export a CSV"),
    (r"(.+): sheet (.+) row (.+) has a value in column (.+), beyond the (.+) columns read; delete "
     r"the stray cells or export a CSV",
     "{0}：工作表 {1} 第 {2} 行在 {3} 列有值，超出读取的前 {4} 列；请删除这些多余的单元格，或导出 CSV",
     "{0}: sheet {1} row {2} has a value in column {3}, beyond the {4} columns read; delete "
     "the stray cells or export a CSV"),
    (r"(.+): sheet (.+) has more than (.+) rows: split the file", "{0}：工作表 {1} 超过 {2} 行：请拆分文件",
     "{0}: sheet {1} has more than {2} rows: split the file"),
    (r"(.+): sheet (.+) has two columns headed (.+) \(columns (.+) and (.+)\); rename one so each "
     r"header is unique",
     "{0}：工作表 {1} 有两列的表头都是 {2}（{3} 列和 {4} 列）；请改掉其中一个，使每列表头各不相同",
     "{0}: sheet {1} has two columns headed {2} (columns {3} and {4}); rename one so each "
     "header is unique"),
    (r"(.+): the workbook's XML declares entities or a DTD \(refused: XXE / entity expansion\); "
     + re.escape(_AGAIN_EN),
     "{0}：工作簿的 XML 声明了实体或 DTD（为防 XXE / 实体膨胀攻击，已拒绝）；" + _AGAIN_ZH,
     "{0}: the workbook's XML declares entities or a DTD (refused: XXE / entity expansion); "
     + _AGAIN_EN),
    (r"(.+): the workbook's XML is damaged \((?P<d>.+)\); " + re.escape(_AGAIN_EN),
     "{0}：工作簿的 XML 已损坏（{1}）；" + _AGAIN_ZH,
     "{0}: the workbook's XML is damaged ({1}); " + _AGAIN_EN),
    (r"(.+): not a readable \.xlsx workbook \((\w+): (?P<d>.*)\); " + re.escape(_AGAIN_EN),
     "{0}：不是可读的 .xlsx 工作簿（{2}）；" + _AGAIN_ZH,
     "{0}: not a readable .xlsx workbook ({1}: {2}); " + _AGAIN_EN),
    (r"(.+): the workbook holds (.+) shared strings but its sheets only (.+) cells to use them "
     r"\(made to exhaust memory\?\); " + re.escape(_AGAIN_EN),
     "{0}：工作簿含 {1} 个共享字符串，而各工作表只有 {2} 个单元格可用到它们（是为耗尽内存而做的文件？）；"
     + _AGAIN_ZH,
     "{0}: the workbook holds {1} shared strings but its sheets only {2} cells to use them "
     "(made to exhaust memory?); " + _AGAIN_EN),
    (r"(.+): no sheet named (.+); its sheets are (.+)", "{0}：没有名为 {1} 的工作表；现有的工作表为 {2}",
     "{0}: no sheet named {1}; its sheets are {2}"),
    (r"(.+): the workbook has no cell with a value", "{0}：工作簿中没有一个有值的单元格",
     "{0}: the workbook has no cell with a value"),
    (r"(.+): data on (.+) sheets: (?P<d>.+); import one sheet at a time \(the CLI's --sheet NAME\), "
     r"or copy them into one sheet",
     "{0}：有 {1} 个工作表含数据：{2}；请一次只导入一个工作表（在侧栏选择；命令行用 --sheet 工作表名），"
     "或把它们复制到同一个工作表中",
     "{0}: data on {1} sheets: {2}; import one sheet at a time (the CLI's --sheet NAME), "
     "or copy them into one sheet"),
    # firms/intake/importer.py: the table was read but has no column to import by
    (r"no firm-name column: expected a header such as 企业名称, 名称 or name \(found: (.*)\)",
     "没有企业名称列：表头应为 企业名称、名称 或 name 等（文件中的列：{0}）",
     "no firm-name column: expected a header such as 企业名称, 名称 or name (found: {0})"),
    (r"no place columns: expected 经度/纬度 \(lon/lat\) or 地址 \(address\)",
     "没有位置列：应有 经度/纬度（lon/lat）或 地址（address）列",
     "no place columns: expected 经度/纬度 (lon/lat) or 地址 (address)"),
)

#: (pattern, Chinese, English) of a library's words inside a message (the group ``d``),
#: each replaced wherever it occurs, in order. Unknown words stay as they are.
DETAILS: tuple[tuple[str, str, str], ...] = (
    # what a GeoJSON member turned out to be (firms.intake.readers._kind)
    *((rf"\A{en}\Z", zh, en) for en, zh in (
        ("an object", "对象"), ("a list", "列表"), ("a string", "字符串"), ("a boolean", "布尔值"),
        ("null", "空值 null"), ("a number", "数字"), ("a value", "值"))),
    (r"\A\(none\)\Z", "（无扩展名）", "(none)"),
    # Python's JSON parser (json.decoder, Python 3.11)
    *((rf"\A{re.escape(en)}\Z", zh, en) for en, zh in (
        ("Expecting value", "此处应有一个值"),
        ("Expecting property name enclosed in double quotes", "此处应有用双引号括起的属性名"),
        ("Expecting ':' delimiter", "此处应有冒号 ':'"), ("Expecting ',' delimiter", "此处应有逗号 ','"),
        ("Extra data", "数据结束后还有多余内容"), ("Unterminated string starting at", "字符串缺少结尾的引号"),
        ("Invalid control character at", "字符串中有控制字符"), ("Invalid \\escape", "无效的反斜杠转义"),
        ("Invalid \\uXXXX escape", "无效的 \\u 转义"))),
    # Python's csv module and pandas' CSV parser
    (r"\Anew-line character seen in unquoted field - do you need to open the file in "
     r"universal-newline mode\?\Z", "未加引号的字段中有换行符（如单独的回车符）",
     "new-line character seen in unquoted field - do you need to open the file in "
     "universal-newline mode?"),
    (r"\AError tokenizing data\. C error: Expected (\d+) fields in line (\d+), saw (\d+)(\s*)\Z",
     "第 {1} 行有 {2} 个字段，而表头有 {0} 个", "Error tokenizing data. C error: Expected {0} fields "
     "in line {1}, saw {2}{3}"),
    (r"\AError tokenizing data\. C error: EOF inside string starting at row (\d+)(\s*)\Z",
     "引号直到文件末尾都未闭合（该字段始于第 {0} 行，从 0 数起）",
     "Error tokenizing data. C error: EOF inside string starting at row {0}{1}"),
    (r"\ANo columns to parse from file\Z", "文件中没有可读的列（文件为空？）", "No columns to parse from file"),
    # expat (an XLSX part's XML), zipfile, openpyxl
    *((rf"\A{re.escape(en)}(?=: line \d+, column \d+\Z)", zh, en) for en, zh in (
        ("no element found", "内容不完整（没有元素）"), ("mismatched tag", "标签不配对"),
        ("syntax error", "语法错误"), ("not well-formed (invalid token)", "格式不正确（无效的记号）"),
        ("unclosed token", "记号未闭合"), ("junk after document element", "文档元素之后有多余内容"))),
    (r": line (\d+), column (\d+)\Z", "：第 {0} 行第 {1} 列", ": line {0}, column {1}"),
    (r"\ABad CRC-32 for file '(.+)'\Z", "压缩包中的 '{0}' CRC-32 校验不符", "Bad CRC-32 for file '{0}'"),
    (r"\AFile contains no valid workbook part\Z", "压缩包中没有有效的工作簿部分",
     "File contains no valid workbook part"),
    # a workbook's sheets with data, as firms.intake.xlsx lists them
    (r" \(([\d,]+) (rows?)\)", "（{0} 行）", " ({0} {1})"),
    # the OS, reading a file by path (the CLI)
    (r"\AIs a directory\Z", "这是一个文件夹", "Is a directory"),
    (r"\APermission denied\Z", "没有读取权限", "Permission denied"),
    (r"\ANo such file or directory\Z", "文件不存在", "No such file or directory"),
)

_MESSAGES = compile_table(FILE_MESSAGES, flags=re.DOTALL)
_DETAILS = compile_table(DETAILS)


def _detail(text: str, lang: str) -> str:
    for pattern, zh, en in _DETAILS:
        text = pattern.sub(lambda m, z=zh, e=en: (z if lang == "zh" else e).format(*m.groups()), text)
    return text


def refusal_text(message, lang: str = "zh") -> str:
    """A refused file's message (an exception or its text), or a read's warning, in
    ``lang``; a message no pattern knows is returned as it is."""
    text = str(message)
    done = match_phrase(text, lang, _MESSAGES, detail=_detail)
    return text if done is None else done
