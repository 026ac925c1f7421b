"""A refused file reaches the reader in their language: each whole-file refusal of
geo/ is made to happen for real (bad bytes through the readers and the import), and
its Chinese rendering must hold no English word but names and codes; every raise
site of geo/ must have its pattern in ui/refusals.py. The import report lists the
read's warnings and the renamed columns in the reader's language."""

from __future__ import annotations

import ast
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from test_hostile_input import FIRMS, NS, sheet
from test_hostile_input import xlsx as workbook

from firms.intake import geojson, import_firm_list, readers, xlsx_scan
from firms.intake.messages import ENGLISH, Said
from firms.intake.readers import read_firm_table, table_from_bytes
from geo.errors import ShmapError
from ui.phrases import REASONS
from ui.refusals import FILE_MESSAGES, refusal_text
from ui.views import import_summary

ROOT = Path(__file__).resolve().parent.parent
POINT = {"type": "Point", "coordinates": [121.5, 31.2]}


def _feature(**extra):
    return {"type": "Feature", "properties": {"name": "甲公司"}, "geometry": POINT, **extra}


def _stored(raw: bytes) -> bytes:
    """The same workbook with its members stored, not deflated (bytes can be altered)."""
    src, buf = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info))
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _bad_crc(book: bytes) -> bytes:
    raw = bytearray(_stored(book))
    at = raw.find(b"<sheetData>")
    raw[at + 1:at + 2] = b"S"
    return bytes(raw)


GOOD = workbook({"企业": sheet(FIRMS)})
#: A workbook whose shared strings (300) are far more than its six cells could use.
STRINGS = _zip({**{n: zipfile.ZipFile(io.BytesIO(GOOD)).read(n)
                   for n in zipfile.ZipFile(io.BytesIO(GOOD)).namelist()},
                "xl/sharedStrings.xml": ("<sst>" + "<si><t>x</t></si>" * 300 + "</sst>").encode()})
SHEET_XML = f'<worksheet xmlns="{NS}"><sheetData>'
# (id, file name, bytes, keyword arguments of table_from_bytes, limits patched in geo/)
CASES = [
    ("not-utf8-or-gb18030", "企业.csv", b"\xff\xfe\xff,\x81\n", {}, {}),
    ("header-too-long", "企业.csv", b"x" * 70_000, {}, {}),
    ("header-not-csv", "企业.csv", b"a\rb,\"c\n1,2\n", {}, {}),
    ("too-many-rows", "企业.csv", "企业名称,地址\n甲,浦东\n乙,松江\n".encode(), {"max_rows": 1}, {}),
    ("ragged-csv", "企业.csv", "企业名称,地址\n甲,浦东\n乙,松江,多,余\n".encode(), {}, {}),
    ("unclosed-quote", "企业.csv", "企业名称,地址\n\"甲,浦东\n".encode(), {}, {}),
    ("empty-csv", "企业.csv", b"", {}, {}),
    ("duplicate-header", "企业.csv", "企业名称, 企业名称\n甲,乙\n".encode(), {}, {}),
    ("feature-not-object", "企业.geojson", json.dumps(
        {"type": "FeatureCollection", "features": [_feature(), "哦"]}).encode(), {}, {}),
    ("properties-not-object", "企业.geojson", json.dumps(
        {"type": "FeatureCollection", "features": [_feature(properties=[1])]}).encode(), {}, {}),
    ("top-level-list", "企业.geojson", json.dumps([_feature()]).encode(), {}, {}),
    ("not-featurecollection", "企业.geojson", json.dumps({"type": "Feature"}).encode(), {}, {}),
    ("features-not-list", "企业.geojson", b'{"type": "FeatureCollection", "features": null}', {}, {}),
    ("json-no-value", "企业.geojson", b'{"type": }', {}, {}),
    ("json-comma", "企业.geojson", b'{"type": "FeatureCollection" "features": []}', {}, {}),
    ("json-unterminated", "企业.geojson", b'{"type": "Feat', {}, {}),
    ("json-too-deep", "企业.geojson", b'{"features":' + b"[" * 5000 + b"]" * 5000 + b"}", {}, {}),
    ("json-number-too-long", "企业.geojson", b'{"type": "FeatureCollection", "features": [' +
     json.dumps(_feature()).encode()[:-1] + b', "n": 1' + b"0" * 5000 + b"}]}", {}, {}),
    ("json-stream-number-too-large", "企业.geojson", b'{"type": "FeatureCollection", "features": '
     b'[{"type": "Feature", "properties": {"n": 12345678901234567890}}]}', {},
     {(geojson, "SMALL_BYTES"): 10}),
    ("json-stream-broken", "企业.geojson", b'{"type": "FeatureCollection", "features": [{]}', {},
     {(geojson, "SMALL_BYTES"): 10}),
    ("json-stream-not-text", "企业.geojson", '{"说明": "企业", "type": "FeatureCollection", '
     '"features": ['.encode("gb18030") + b'{"a": "\x81\x20"}]}', {}, {(readers, "HEAD_BYTES"): 20}),
    ("too-many-features", "企业.geojson", json.dumps(
        {"type": "FeatureCollection", "features": [_feature(), _feature()]}).encode(),
     {"max_rows": 1}, {}),
    ("memory", "企业.csv", "企业名称,地址\n甲,浦东\n".encode(), {},
     {(readers, "available_memory"): lambda: 100}),
    ("unsupported-type", "企业.pdf", b"%PDF-1.4", {}, {}),
    ("no-extension", "企业", b"a,b\n", {}, {}),
    ("geojson-too-big", "企业.geojson", json.dumps({"type": "FeatureCollection",
                                                  "features": [_feature()] * 3}).encode(), {},
     {(readers, "MAX_GEOJSON_BYTES"): 100}),
    ("not-a-zip", "企业.xlsx", b"\xd0\xcf\x11\xe0 an old .xls", {}, {}),
    ("zip-bomb", "企业.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/x.xml": bytes(11_000_000)}),
     {}, {}),
    ("uncompressed-too-big", "企业.xlsx", GOOD, {}, {(xlsx_scan, "MAX_XLSX_UNCOMPRESSED_BYTES"): 1000}),
    ("no-content-types", "企业.xlsx", workbook({"企业": sheet(FIRMS)}, content_types=False), {}, {}),
    ("too-many-cells", "企业.xlsx", GOOD, {}, {(xlsx_scan, "MAX_XLSX_CELLS"): 4}),
    ("value-far-right", "企业.xlsx", workbook({"企业": sheet([["企业名称", "地址", "", "", "远"]])}), {},
     {(xlsx_scan, "MAX_XLSX_COLUMNS"): 3}),
    ("sheet-too-many-rows", "企业.xlsx", GOOD, {"max_rows": 1}, {}),
    ("sheet-duplicate-header", "企业.xlsx", workbook({"企业": sheet([["企业名称", "企业名称"]])}), {}, {}),
    ("xml-entities", "企业.xlsx", workbook({"企业": sheet(FIRMS, prolog=(
        '<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'))}), {}, {}),
    ("xml-no-element", "企业.xlsx", workbook({"企业": SHEET_XML + "<row>"}), {}, {}),
    ("xml-mismatched-tag", "企业.xlsx", workbook({"企业": SHEET_XML + "</row></sheetData></worksheet>"}),
     {}, {}),
    ("xml-syntax", "企业.xlsx", workbook({"企业": "乱码"}), {}, {}),
    ("xml-invalid-token", "企业.xlsx", workbook({"企业": SHEET_XML + "<a<"}), {}, {}),
    ("bad-crc", "企业.xlsx", _bad_crc(GOOD), {}, {}),
    ("no-workbook-part", "企业.xlsx", _zip({"[Content_Types].xml": b"<Types/>"}), {}, {}),
    ("shared-strings", "企业.xlsx", STRINGS, {}, {(xlsx_scan, "SPARE_SHARED_STRINGS"): 0}),
    ("no-such-sheet", "企业.xlsx", GOOD, {"sheet": "别的"}, {}),
    ("no-cell", "企业.xlsx", workbook({"空": sheet([])}), {}, {}),
    ("hidden-sheet", "企业.xlsx", workbook({"上海": sheet(FIRMS), "查找": sheet(FIRMS[:2])},
                                         hidden=("查找",)), {}, {}),
    ("xlsx-named-csv", "企业.csv", GOOD, {}, {}),
    ("xls-named-csv", "企业.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old .xls", {}, {}),
    ("data-on-two-sheets", "企业.xlsx", workbook({"上海": sheet(FIRMS), "更多": sheet(FIRMS[:2])}), {}, {}),
    ("no-name-column", "企业.csv", "名字,地点\n甲,浦东\n".encode(), {}, {}),
    ("no-place-column", "企业.csv", "企业名称,备注\n甲,无\n".encode(), {}, {}),
]
#: Names and codes a Chinese message may keep in Latin letters.
CODES = re.compile(r"UTF-8|GB18030|Latin-1/Windows-1252|CSV|GeoJSON|FeatureCollection|Feature|JSON|XML|"
                   r"DTD|XXE|CRC-32|Excel|zip|\[Content_Types\]\.xml|\.?xlsx|\.xls|\.csv|\.geojson|\.pdf|"
                   r"properties|features|type|KB|MB|GB|0x[0-9a-f]+|`shmap measures --engine dask`|"
                   r"docs/scale\.md|--sheet|name|lon/lat|address|[\w/]+\.xml|null")


def _refusal(raw: bytes, name: str, kwargs: dict, limits: dict) -> Said:
    """The message of the refusal of ``raw`` named ``name``, with intake's ``limits`` lowered."""
    with pytest.MonkeyPatch.context() as patch, pytest.raises(ShmapError) as caught:
        for (module, attr), value in limits.items():
            patch.setattr(module, attr, value)
        import_firm_list(raw, name=name, **kwargs) if "max_rows" not in kwargs else \
            table_from_bytes(raw, name, **kwargs)
    return caught.value.args[0]


def _cannot_read(tmp_path) -> Said:
    folder = tmp_path / "企业.csv"
    folder.mkdir()
    with pytest.raises(ShmapError) as caught:
        read_firm_table(folder)
    return caught.value.args[0]


def _assert_chinese(message: Said, name: str = "") -> None:
    """The message carries a key the screen knows; in English it is intake's own words;
    in Chinese it keeps every figure, and no English word is left but names and codes."""
    assert isinstance(message, Said) and message.key in FILE_MESSAGES, message
    assert refusal_text(message, "en") == str(message)
    zh = refusal_text(message, "zh").replace(name or "\0", "")
    left = re.findall(r"[A-Za-z]{2,}", CODES.sub(" ", re.sub(r"'[^']*'", " ", zh)))
    assert not left, (zh, left)
    figures = set(re.findall(r"\d+", str(message).replace(name or "\0", "")))
    assert figures <= set(re.findall(r"\d+", zh)) | _library_figures(message), zh


def _library_figures(message: Said) -> set[str]:
    """Figures that stand only inside a library's own words (a detail the Chinese
    message words by the figures the message carries instead)."""
    return set(re.findall(r"\d+", message.values.get("detail", ""))) \
        if message.key in ("csv_ragged", "csv_unclosed_quote", "xlsx_xml_damaged",
                           "xlsx_zip_damaged", "xlsx_unreadable") else set()


@pytest.mark.parametrize(("name", "raw", "kwargs", "limits"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_refusal_reads_in_chinese_with_its_names_and_figures(name, raw, kwargs, limits):
    _assert_chinese(_refusal(raw, name, kwargs, limits), name)


def test_a_file_the_os_cannot_read_is_refused_in_chinese(tmp_path):
    message = _cannot_read(tmp_path)
    _assert_chinese(message, str(tmp_path / "企业.csv"))
    assert refusal_text(message, "zh").endswith("：无法读取（这是一个文件夹）")


LATIN1 = "name,address\nMüller GmbH,Pudong\n".encode("cp1252")


def _latin1_warning() -> Said:
    _, info = table_from_bytes(LATIN1, "企业.csv")
    (warning,) = info["warnings"]
    return warning


def _merged_lines_warning() -> Said:
    lines = ["企业名称,地址", "甲公司,上海市松江区", '"乙公司,上海市松江区',
             *(f"公司{i},上海市松江区" for i in range(50)), '丙公司",上海市松江区']
    _, info = table_from_bytes("\n".join(lines).encode(), "企业.csv")
    (warning,) = info["warnings"]
    return warning


def test_the_merged_lines_warning_reads_in_chinese():
    warning = _merged_lines_warning()
    _assert_chinese(warning, "企业.csv")
    assert warning.values["row"] == "2" and warning.values["lines"] == "51"


def test_the_encoding_warning_reads_in_chinese():
    warning = _latin1_warning()
    _assert_chinese(warning)
    assert "'Müller'" in refusal_text(warning, "zh")


def test_a_message_without_a_key_is_shown_as_it_is():
    assert refusal_text("something new", "zh") == "something new"
    assert refusal_text(ValueError("plain words"), "zh") == "plain words"


def _said_key(node: ast.AST) -> str | None:
    """The key of a ``said("key", …)`` call, else None."""
    return (node.args[0].value if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "said"
            and node.args and isinstance(node.args[0], ast.Constant) else None)


def _raise_sites() -> dict[str, set[str]]:
    """Every UnreadableFileError / TableRejectedError made in firms/intake/, as (place → the
    keys of the ``said(...)`` it is made with, directly or by a helper of its module whose
    every return is one; empty when it is made with anything else)."""
    sites: dict[str, set[str]] = {}
    for path in sorted((ROOT / "firms" / "intake").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers = {}
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            keys = [_said_key(r.value) for r in ast.walk(fn) if isinstance(r, ast.Return)]
            if keys and all(keys):
                helpers[fn.name] = set(keys)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                    "UnreadableFileError", "TableRejectedError"):
                arg = node.args[0] if node.args else None
                key = _said_key(arg)
                sites[f"{path.name}:{node.lineno}"] = (
                    {key} if key else helpers.get(getattr(getattr(arg, "func", None), "id", ""),
                                                  set()))
    return sites


def test_every_refusal_intake_can_raise_has_its_wording_and_is_provoked_here(tmp_path):
    sites = _raise_sites()
    assert len(sites) >= 30  # the walk finds them (38 when this was written)
    assert not [p for p, k in sites.items() if not k]  # each made with said("key", …)
    keys = set().union(*sites.values())
    assert keys <= set(FILE_MESSAGES)  # each worded for screens
    provoked = {_refusal(raw, name, kwargs, limits).key for _, name, raw, kwargs, limits in CASES}
    provoked.add(_cannot_read(tmp_path).key)
    generic = {"not_csv"}  # the fallback when a CSV failure is none of the known kinds
    assert keys - generic == provoked  # each refusal made to happen above, and no other
    warnings = {_latin1_warning().key, _merged_lines_warning().key}
    assert set(FILE_MESSAGES) == keys | warnings  # no wording for nothing


def test_every_message_intake_can_say_is_worded_for_screens():
    """Each key of intake's catalogue is worded once: a whole-file message here, a row's
    reason, flag or placement in ui.phrases."""
    assert set(ENGLISH) == set(FILE_MESSAGES) | set(REASONS)
    assert not set(FILE_MESSAGES) & set(REASONS)


# ---------------------------------------------------------------- the import report

def _summary(raw: bytes, lang: str) -> dict[str, list[str]]:
    table = import_summary(import_firm_list(raw, name="企业.csv").report, lang)
    out: dict[str, list[str]] = {}
    for item, value in table.itertuples(index=False):
        out.setdefault(item, []).append(value)
    return out


def test_the_import_report_lists_the_reads_warning_in_the_readers_language():
    warning = _latin1_warning()
    zh, en = _summary(LATIN1, "zh"), _summary(LATIN1, "en")
    (shown,) = zh["读取文件时的提醒"]
    assert shown.startswith("企业.csv：文本按 GB18030 读取，但看来是 Latin-1/Windows-1252 编码（例如 'Müller'")
    assert en["Warning about the read"] == [warning]
    assert "读取文件时的提醒" not in _summary("企业名称,地址\n甲公司,上海市松江区\n".encode(), "zh")


def test_the_import_report_lists_each_column_renamed_with_its_new_name():
    raw = "企业名称,地址,row,reason,Name,wkt\n甲公司,上海市浦东新区张江镇,r1,为何,Jia,POINT (1 2)\n".encode()
    zh, en = _summary(raw, "zh"), _summary(raw, "en")
    label = "列已改名（原名与输出列或另一列重名，不分大小写）"
    assert zh[f"{label}: row"] == ["row_1"]
    assert zh[f"{label}: reason"] == ["reason_1"]
    assert zh[f"{label}: Name"] == ["Name_1"]  # beside 企业名称 → name
    assert zh[f"{label}: wkt"] == ["wkt_1"]  # a column the CSV adds
    assert en["Column renamed (its name, ignoring case, is an output column's or another "
              "column's): row"] == ["row_1"]
    assert not [k for k in _summary(LATIN1, "zh") if k.startswith("列已改名")]
