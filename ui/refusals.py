"""A refused file's message, and the read's warnings, in the reader's language.

Intake refuses a whole file with one :class:`~firms.intake.errors.UnreadableFileError`
or :class:`~firms.intake.errors.TableRejectedError` whose message is a
:class:`~firms.intake.messages.Said`: the command line prints its English; the app words
it here by its key, in the same (Chinese, English) form as the rows' reasons
(:mod:`ui.phrases`). A library's words inside a message are worded through
:data:`ui.phrases.WORDS` or, where the message carries where they point (a line, a
column, a field count), by those figures.
"""

from __future__ import annotations

from firms.intake.messages import Said
from ui.phrases import said_text

__all__ = ["FILE_MESSAGES", "refusal_text"]

_AGAIN = "请在 Excel 中打开并重新保存，或导出 CSV"

#: key → (Chinese, English) of every whole-file message of intake (and the encoding
#: warning); English None: intake's own English reads right.
FILE_MESSAGES: dict[str, tuple[str, str | None]] = {
    "not_text": ("{name}：不是 UTF-8 或 GB18030 文本（偏移 {offset} 处的字节 0x{byte}）；请另存为 UTF-8 CSV",
                 None),
    "header_too_long": ("{name}：表头行超过 {kb} KB；这是企业名单吗？第一行应为各列的名称", None),
    "header_not_csv": ("{name}：表头行不是可读的 CSV（{detail}）", None),
    "too_many_rows": ("超过 {limit} 行：请拆分文件或只导入其中一部分", None),
    "not_csv": ("{name}：不是可读的 CSV 表格：{detail}", None),
    "csv_empty": ("{name}：不是可读的 CSV 表格：文件中没有可读的列（文件为空？）", None),
    "csv_ragged": ("{name}：不是可读的 CSV 表格：第 {line} 行有 {saw} 个字段，而表头有 {expected} 个",
                   None),
    "csv_unclosed_quote": ("{name}：不是可读的 CSV 表格：引号直到第 {line} 行（文件末尾）都未闭合", None),
    "duplicate_header": ("有两列的表头都是 {header}；请改掉其中一个，使每列表头各不相同", None),
    "feature_not_object": ("{name}：第 {number} 个要素是{kind}，不是 GeoJSON Feature 对象；请修正或删除它",
                           None),
    "properties_not_object": ("{name}：第 {number} 个要素的 properties 是{kind}，不是对象；请修正或删除它",
                              None),
    "top_not_object": ("{name}：顶层是{kind}，不是 GeoJSON FeatureCollection 对象", None),
    "not_feature_collection": ("{name}：应为 GeoJSON FeatureCollection（其 type 为 {type}）", None),
    "features_not_list": ("{name}：'features' 是{kind}，应为由 Feature 对象组成的列表", None),
    "json_invalid": ("{name}：不是有效的 JSON（第 {line} 行：{detail}）", None),
    "json_too_deep": ("{name}：JSON 嵌套过深，不像是企业点位的 GeoJSON；请检查文件", None),
    "too_many_features": ("{name}：要素超过 {limit} 个：请拆分文件", None),
    "memory": ("{name}：{mb} MB；在内存中导入约需 {need_gb} GB（约为文件大小的 {factor} 倍），而可用内存只有 "
               "{free_gb} GB：请用 `shmap measures --engine dask`（分块计算，或用集群：docs/scale.md），"
               "或拆分文件", None),
    "unsupported_type": ("{name}：不支持的文件类型 {suffix}；请用 .csv、.xlsx 或 .geojson", None),
    "cannot_read": ("{name}：无法读取（{detail}）", None),
    "geojson_too_big": ("{name}：{mb} MB，超过 GeoJSON 的 {limit_mb} MB 上限；请另存为 CSV（含经度/纬度列）",
                        None),
    "json_number_too_long": ("{name}：有一个数字位数过多，无法读取；长编码请加引号写成文本，或删除该数字", None),
    "json_number_too_large": ("{name}：第 {number} 个要素中有一个数字过大，无法读取（超过 18 位，或超出 "
                              "±1.8e308）；长编码请加引号写成文本，或删除该数字", None),
    "json_stream_invalid": ("{name}：不是有效的 JSON（在第 {number} 个要素中或之后：{detail}）", None),
    "json_not_text": ("{name}：不是 UTF-8 或 GB18030 文本（第 {number} 个要素中的字节 0x{byte}）；"
                      "请另存为 UTF-8", None),
    "latin1_warning": ("{name}：文本按 GB18030 读取，但看来是 Latin-1/Windows-1252 编码（例如 {example} "
                       "被读成 {read_as}）；如果名称显示为乱码，请把文件另存为 UTF-8 后重新导入", None),
    "xlsx_not_zip": ("{name}：不是 .xlsx 文件（不是 zip 压缩包）；请在 Excel 中另存为 .xlsx，或导出 CSV", None),
    "xlsx_zip_bomb": ("{name}：其中的 {member} 解压后膨胀 {ratio} 倍（疑似 zip 炸弹），已拒绝", None),
    "xlsx_too_big": ("{name}：解压后 {gb} GB，超过 {limit_gb} GB 的上限；请改为导出 CSV", None),
    "xlsx_incomplete": ("{name}：不是完整的 .xlsx 工作簿（缺少 [Content_Types].xml 部分）；" + _AGAIN, None),
    "xlsx_too_many_cells": ("{name}：工作表 {sheet} 的单元格超过 {limit} 个（按实际存在的行 × 列计）；"
                            "请拆分工作簿，或导出 CSV", None),
    "xlsx_stray_column": ("{name}：工作表 {sheet} 第 {row} 行在 {column} 列有值，超出读取的前 {limit} 列；"
                          "请删除这些多余的单元格，或导出 CSV", None),
    "xlsx_too_many_rows": ("{name}：工作表 {sheet} 超过 {limit} 行：请拆分文件", None),
    "xlsx_duplicate_header": ("{name}：工作表 {sheet} 有两列的表头都是 {header}（{first} 列和 {second} 列）；"
                              "请改掉其中一个，使每列表头各不相同", None),
    "xlsx_entities": ("{name}：工作簿的 XML 声明了实体或 DTD（为防 XXE / 实体膨胀攻击，已拒绝）；" + _AGAIN,
                      None),
    "xlsx_xml_damaged": ("{name}：工作簿的 XML 已损坏（{reason}：第 {line} 行第 {column} 列）；" + _AGAIN,
                         None),
    "xlsx_zip_damaged": ("{name}：工作簿已损坏（压缩包中的 '{member}' CRC-32 校验不符）；" + _AGAIN, None),
    "xlsx_unreadable": ("{name}：不是可读的 .xlsx 工作簿（{detail}）；" + _AGAIN, None),
    "xlsx_shared_strings": ("{name}：工作簿含 {count} 个共享字符串，而各工作表只有 {cells} 个单元格可用到它们"
                            "（疑为耗尽内存而做的文件）；" + _AGAIN, None),
    "xlsx_no_sheet": ("{name}：没有名为 {sheet} 的工作表；现有的工作表为 {sheets}", None),
    "xlsx_empty": ("{name}：工作簿中没有一个有值的单元格", None),
    "xlsx_several_sheets": ("{name}：有 {count} 个工作表含数据（各表行数）：{rows}；请一次只导入一个工作表"
                            "（在侧栏选择；命令行用 --sheet 工作表名），或把它们复制到同一个工作表中", None),
    "xlsx_several_sheets_hidden": ("{name}：有 {count} 个工作表含数据（各表行数）：{rows}，其中 {hidden} "
                                   "是隐藏的工作表（查找表？）；请一次只导入一个工作表（在侧栏选择；命令行用 "
                                   "--sheet 工作表名），或把它们复制到同一个工作表中", None),
    "csv_is_xlsx": ("{name}：这是 .xlsx 工作簿（zip 压缩包），不是 CSV 文本；请把扩展名改为 .xlsx 后重新导入",
                    None),
    "csv_is_xls": ("{name}：这是旧版 Excel .xls 工作簿，不是 CSV 文本；请在 Excel 中另存为 .xlsx 或 CSV",
                   None),
    "merged_lines": ("{name}：第 {row} 行的 {column} 列含 {lines} 个换行：可能有未闭合的引号把这么多行并成了一行；"
                     "请检查从该行起的引号", None),
    "no_name_column": ("没有企业名称列：表头应为 企业名称、名称 或 name 等（文件中的列：{found}）", None),
    "no_place_columns": ("没有位置列：应有 经度/纬度（lon/lat）或 地址（address）列", None),
}


def refusal_text(message: object, lang: str = "zh") -> str:
    """A refused file's message (an exception or its :class:`Said`), or a read's warning,
    in ``lang``; a message that carries no key is returned as it is."""
    said = message.args[0] if isinstance(message, BaseException) and message.args else message
    if isinstance(said, Said):
        return said_text(said, lang, FILE_MESSAGES)
    return str(message)
