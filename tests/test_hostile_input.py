"""Hostile and careless input: one clear line, no traceback, no lost file, bounded work.

Each attack is a small file generated here and run through the real CLI
(``cli.main.main`` in this process, the ``run_cli`` fixture): a refusal exits 2 with one
``shmap: error:`` line; an import that finishes keeps rows in = accepted + rejected.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from conftest import CliRun
from shapely.geometry import Point

from firms.intake.readers import table_from_bytes
from layers.errors import UsageError
from layers.formats import write_gpkg

ROOT = Path(__file__).resolve().parent.parent
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml"


# ---------------------------------------------------------------- file makers

def xlsx(sheets: dict[str, str], *, content_types: bool = True, hidden: tuple[str, ...] = ()
         ) -> bytes:
    """A minimal workbook from raw sheet XML (name → <sheetData> body and extras); the
    sheets named in ``hidden`` are hidden."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if content_types:
            parts = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                            f'ContentType="{MEDIA}.worksheet+xml"/>'
                            for i in range(1, len(sheets) + 1))
            z.writestr("[Content_Types].xml", f'<Types xmlns="{PKG}/content-types">'
                       '<Default Extension="rels" ContentType="application/'
                       'vnd.openxmlformats-package.relationships+xml"/>'
                       '<Default Extension="xml" ContentType="application/xml"/>'
                       f'<Override PartName="/xl/workbook.xml" ContentType="{MEDIA}.sheet.main+xml"/>'
                       f"{parts}</Types>")
        z.writestr("_rels/.rels", f'<Relationships xmlns="{PKG}/relationships"><Relationship '
                   f'Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        entries = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"'
                          + (' state="hidden"' if n in hidden else "") + "/>"
                          for i, n in enumerate(sheets, start=1))
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>{entries}'
                   "</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                       f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}/relationships">'
                   f"{rels}</Relationships>")
        for i, body in enumerate(sheets.values(), start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", body)
    return buf.getvalue()


def sheet(rows: list[list[str]], *, extra_rows: str = "", dimension: str = "",
          prolog: str = "") -> str:
    """Sheet XML with inline-string cells, then ``extra_rows`` (raw XML) appended."""
    def cell(r, c, text):
        col = chr(ord("A") + c)
        return f'<c r="{col}{r}" t="inlineStr"><is><t>{text}</t></is></c>'
    body = "".join(f'<row r="{r}">' + "".join(cell(r, c, t) for c, t in enumerate(row)) + "</row>"
                   for r, row in enumerate(rows, start=1))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{NS}">{dim}'
            f"<sheetData>{body}{extra_rows}</sheetData></worksheet>")


FIRMS = [["企业名称", "地址"], ["甲公司", "上海市浦东新区张江镇"], ["乙公司", "上海市松江区"]]


def refused(done: CliRun, *needles: str) -> str:
    """Assert one clear error line, exit 2, no traceback; return the line."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("shmap: error:")]
    assert len(errors) == 1, done.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def imported(done: CliRun) -> dict[str, int]:
    """Assert a finished import with rows in = accepted + rejected; return the counts."""
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    m = re.search(r"rows in (\d+): accepted (\d+) .* rejected (\d+)", done.stdout)
    assert m, done.stdout
    rows_in, accepted, rejected = map(int, m.groups())
    assert rows_in == accepted + rejected
    return {"rows_in": rows_in, "accepted": accepted, "rejected": rejected}


@pytest.fixture
def import_file(run_cli, tmp_path):
    """``import_file(name, content, *options)``: the content written to ``tmp_path/name``
    and imported by ``shmap firms import`` into ``tmp_path/out.geojson``."""
    def run(name: str, content: bytes | str, *more: str) -> CliRun:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return run_cli("firms", "import", str(path), "-o", str(tmp_path / "out.geojson"), *more)
    return run


# ---------------------------------------------------------------- XLSX

@pytest.mark.subprocess
def test_a_dimension_bomb_is_read_from_its_real_cells_in_bounded_memory(run_cli, tmp_path):
    """A 2 KB sheet declaring A1:XFD1048576 with an empty row 1,048,576 (the issue's
    5.7 GB MemoryError) is read from its real cells; memory measured in a child. The
    time it takes is a figure of benchmarks/hostile.py; here only a guard far above it
    (padding the declared million rows took minutes) so the test cannot hang silently."""
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(xlsx({"Sheet1": sheet(FIRMS, dimension="A1:XFD1048576",
                                           extra_rows='<row r="1048576"/>')}))
    assert bomb.stat().st_size < 5_000
    # Peaks from VmHWM, the child's own: its ru_maxrss starts at the forking parent's
    # peak on Linux (kept across exec), which would hide the read under pytest's memory.
    probe = textwrap.dedent(f"""
        import json, re, resource
        from firms.intake.readers import read_firm_table

        def peak_mb():
            with open("/proc/self/status") as status:
                return int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1)) / 1024

        before, start = peak_mb(), resource.getrusage(resource.RUSAGE_SELF)
        table, info = read_firm_table({str(bomb)!r})
        after, end = peak_mb(), resource.getrusage(resource.RUSAGE_SELF)
        cpu = end.ru_utime + end.ru_stime - start.ru_utime - start.ru_stime
        print(json.dumps({{"rows": len(table), "cpu_s": cpu, "rss_mb": after,
                          "read_mb": after - before}}))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=True)
    figures = json.loads(done.stdout.splitlines()[-1])
    assert figures["rows"] == 2
    # the peak the read adds to the process (the libraries imported before it are
    # the same for any file): the padded million rows took gigabytes
    assert figures["read_mb"] < 300 and figures["rss_mb"] < 300, figures
    assert figures["cpu_s"] < 20, figures
    assert imported(run_cli("firms", "import", str(bomb), "-o", str(tmp_path / "o.csv"))) == {
        "rows_in": 2, "accepted": 2, "rejected": 0}


def test_a_value_far_right_is_refused_not_padded(import_file):
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    done = import_file("far.xlsx", xlsx({"S": sheet(FIRMS, extra_rows=far)}))
    refused(done, "far.xlsx", "row 1048576", "column XFD", "delete the stray cells")


def test_every_sheet_is_read_and_several_with_data_must_be_chosen(import_file):
    book = xlsx({"上海": sheet(FIRMS), "Empty": sheet([]), "更多": sheet(FIRMS[:1] + FIRMS[2:])})
    line = refused(import_file("two.xlsx", book), "'上海' (2 rows)", "'更多' (1 row)",
                   "--sheet NAME")
    assert "Empty" not in line
    assert imported(import_file("two.xlsx", book, "--sheet", "更多"))["rows_in"] == 1
    refused(import_file("two.xlsx", book, "--sheet", "nope"), "no sheet named 'nope'")


def test_a_second_sheet_alone_with_data_is_imported(import_file):
    book = xlsx({"Cover": sheet([]), "Firms": sheet(FIRMS)})
    assert imported(import_file("b.xlsx", book))["rows_in"] == 2


def test_duplicate_xlsx_headers_are_refused_with_both_columns(import_file):
    book = xlsx({"S": sheet([["企业名称", "地址", "企业名称"], ["甲", "浦东新区", "乙"]])})
    refused(import_file("dup.xlsx", book), "two columns headed '企业名称'",
            "columns A and C", "rename one")


def test_an_xlsx_without_content_types_is_refused(import_file):
    refused(import_file("bare.xlsx", xlsx({"S": sheet(FIRMS)}, content_types=False)),
            "[Content_Types].xml", "save it again")


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
], ids=["xxe", "entity-expansion"])
def test_xml_entities_are_refused_as_a_clear_error(import_file, prolog):
    book = xlsx({"S": sheet(FIRMS, prolog=prolog)})
    refused(import_file("evil.xlsx", book), "evil.xlsx", "XXE / entity expansion")


def test_a_numeric_credit_code_keeps_its_spreadsheet_form():
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" '
             't="inlineStr"><is><t>uscc</t></is></c></row><row r="2"><c r="A2" t="inlineStr">'
             '<is><t>甲</t></is></c><c r="B2"><v>9.14403001922038E+17</v></c></row>')
    raw = xlsx({"S": sheet([], extra_rows=cells)})  # rows given as raw XML
    table, info = table_from_bytes(raw, "codes.xlsx")
    assert table.loc[0, "uscc"] == "9.14403001922038e+17" and info["sheet"] == "S"


# ---------------------------------------------------------------- GeoJSON

def feature(geometry, **props):
    return {"type": "Feature", "properties": {"name": "甲公司", **props}, "geometry": geometry}


POINT = {"type": "Point", "coordinates": [121.5, 31.2]}


@pytest.mark.parametrize(("doc", "needle"), [
    ([feature(POINT)], "top level is a list"),
    ({"type": "FeatureCollection", "features": {"a": 1}}, "'features' is an object"),
    ({"type": "FeatureCollection", "features": [feature(POINT), "oops"]},
     "feature 2 is a string"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": [1]}]},
     "feature 1 has properties that are a list"),
], ids=["top-level-list", "features-object", "feature-string", "properties-list"])
def test_malformed_geojson_is_refused_by_shape(import_file, doc, needle):
    refused(import_file("bad.geojson", json.dumps(doc)), "bad.geojson", needle)


@pytest.mark.parametrize(("deep", "needle"), [
    ('{"type":"FeatureCollection","features":' + "[" * 5000 + "]" * 5000 + "}",
     "feature 1 is a list"),
    ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":'
     + "[" * 5000 + "]" * 5000 + "}}]}", "nested too deeply"),
    ('{"features":' + "[" * 5000 + "]" * 5000 + ',"type":"FeatureCollection"}',
     "nested too deeply"),
], ids=["features", "property", "type-after-features"])
def test_geojson_nested_5000_deep_is_refused(import_file, deep, needle):
    """Read as a stream, depth costs no recursion: the shape is refused by name."""
    refused(import_file("deep.geojson", deep), needle)


def test_bad_geometries_reject_their_rows_with_the_reason(import_file, tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        feature(POINT), feature("POINT (121.5 31.2)"), feature({"type": "Point", "coordinates": None}),
        feature({"type": "Point", "coordinates": 121.5}),
        feature({"type": "Point", "coordinates": ["121.5", True]}),
        feature({"type": "Point", "coordinates": [121.4, 31.1]}, __geometry_error="mine")]}
    counts = imported(import_file("g.geojson", json.dumps(doc)))
    assert counts == {"rows_in": 6, "accepted": 2, "rejected": 4}
    rejected = pd.read_csv(tmp_path / "out.rejected.csv", dtype=str, encoding="utf-8-sig")
    assert list(rejected["reason"]) == [
        "geometry is a string, not a GeoJSON geometry object",
        "Point coordinates are null, expected [longitude, latitude]",
        "Point coordinates are a number, expected [longitude, latitude]",
        "Point coordinates are not two numbers, expected [longitude, latitude]"]
    accepted = gpd.read_file(tmp_path / "out.geojson")
    assert list(accepted["__geometry_error"]) == ["", "mine"]  # a user's column is kept


# ---------------------------------------------------------------- CSV text

def test_a_header_line_over_64_kb_is_refused(import_file):
    header = ",".join(f"column_{i}" for i in range(10_000))
    refused(import_file("wide.csv", header + "\n" + "," * 9_999 + "\n"),
            "header line is longer than 64 KB")


def test_latin1_text_read_as_gb18030_is_named_in_a_warning(import_file):
    text = "name,address\nMüller GmbH,Pudong\nBäcker AG,Songjiang\n"
    done = import_file("latin.csv", text.encode("cp1252"))
    assert imported(done)["rows_in"] == 2
    warning = next(line for line in done.stderr.splitlines() if line.startswith("warning:"))
    assert "latin.csv" in warning and "Latin-1/Windows-1252" in warning and "'Müller'" in warning
    assert "save the file as UTF-8" in warning


def test_chinese_gb18030_text_gets_no_encoding_warning():
    text = "企业名称,地址\n穆勒公司,上海市浦东新区\n贝克公司,上海市松江区\n"
    _, info = table_from_bytes(text.encode("gb18030"), "gbk.csv")
    assert info["encoding"] == "gb18030" and info["warnings"] == []


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from firms.intake import readers

    monkeypatch.setattr(readers, "MAX_GEOJSON_BYTES", 100)
    path = tmp_path / "big.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature(POINT)] * 3}))
    with pytest.raises(readers.UnreadableFileError, match="over the 0 MB limit.*save it as CSV"):
        readers.read_firm_table(path)


# ---------------------------------------------------------------- user columns

def test_columns_named_like_output_columns_keep_their_values(import_file, tmp_path):
    text = ("企业名称,地址,row,field,reason,geometry,__secret,issues\n"
            "甲公司,上海市浦东新区张江镇,r1,f1,why1,POINT(0 0),s1,i1\n"
            ",上海市松江区,r2,f2,why2,POINT(1 1),s2,i2\n")
    done = import_file("cols.csv", text)
    assert imported(done) == {"rows_in": 2, "accepted": 1, "rejected": 1}
    assert "row → row_1" in done.stdout and "geometry → geometry_1" in done.stdout
    accepted = gpd.read_file(tmp_path / "out.geojson")
    row = accepted.iloc[0]
    assert (row["row"], row["row_1"], row["field_1"], row["reason_1"]) == (1, "r1", "f1", "why1")
    assert (row["geometry_1"], row["__secret"], row["issues_1"]) == ("POINT(0 0)", "s1", "i1")
    rejected = pd.read_csv(tmp_path / "out.rejected.csv", dtype=str, encoding="utf-8-sig")
    assert list(rejected.columns[:3]) == ["row", "field", "reason"]
    assert rejected.loc[0, "row_1"] == "r2" and rejected.loc[0, "__secret"] == "s2"


def test_the_tools_own_rejected_csv_can_be_fixed_and_imported_again(run_cli, import_file, tmp_path):
    first = import_file("firms.csv", "企业名称,地址\n甲公司,上海市浦东新区张江镇\n乙公司,\n")
    assert imported(first)["rejected"] == 1
    rejected = tmp_path / "out.rejected.csv"
    fixed = rejected.read_text(encoding="utf-8-sig").replace("乙公司,", "乙公司,上海市松江区")
    rejected.write_text(fixed, encoding="utf-8-sig")
    again = run_cli("firms", "import", str(rejected), "-o", str(tmp_path / "again.geojson"))
    assert imported(again) == {"rows_in": 1, "accepted": 1, "rejected": 0}
    assert "row → row_1, field → field_1, reason → reason_1" in again.stdout


# ---------------------------------------------------------------- nothing lost

def test_output_equal_to_the_input_is_refused_and_the_input_kept(run_cli, tmp_path):
    src = tmp_path / "firms.csv"
    src.write_text("企业名称,地址\n甲公司,上海市浦东新区\n", encoding="utf-8")
    before = src.read_bytes()
    refused(run_cli("firms", "import", str(src), "-o", str(src)), "that is the input file")
    assert src.read_bytes() == before


def test_importing_a_rejected_csv_never_writes_over_it(run_cli, tmp_path):
    src = tmp_path / "x.rejected.csv"
    src.write_text("row,field,reason,企业名称,地址\n2,address,none,乙公司,上海市松江区\n",
                   encoding="utf-8-sig")
    before = src.read_bytes()
    refused(run_cli("firms", "import", str(src), "-o", str(tmp_path / "x.csv")),
            "its rejected rows would go to", "x.rejected.csv, which is the input file")
    assert src.read_bytes() == before


@pytest.fixture
def read_only_dir(tmp_path) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    probe = folder / "probe"
    try:
        probe.write_text("")
    except OSError:
        return folder
    probe.unlink()  # root writes anyway: use a place root cannot write either
    if Path("/sys").is_dir() and not os.access("/sys", os.W_OK):
        return Path("/sys")
    try:
        (Path("/sys") / "probe.csv").write_text("")
    except OSError:
        return Path("/sys")
    pytest.skip("no read-only folder available")


@pytest.mark.parametrize("command", [
    ["firms", "import", "{src}", "-o", "{out}"],
    ["measures", "{src}", "--layer", "poles", "-o", "{out}"],
    ["shortlist", "--sector", "ic", "--firms", "{src}", "-o", "{out}"],
    ["export", "poles", "-o", "{out}"],
], ids=["import", "measures", "shortlist", "export"])
def test_output_into_a_folder_or_a_read_only_place_is_one_clear_line(run_cli, tmp_path,
                                                                      read_only_dir, command):
    src = tmp_path / "firms.csv"
    src.write_text("企业名称,地址\n甲公司,上海市浦东新区张江镇\n", encoding="utf-8")
    folder = tmp_path / "a.csv"
    folder.mkdir()
    for out, needle in [(folder, "it is a folder"), (read_only_dir / "o.csv", "cannot write")]:
        args = [a.format(src=src, out=out) for a in command]
        refused(run_cli(*args), needle)


def _firm_frame(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [f"f{i}" for i in range(n)]},
                            geometry=[Point(121.5, 31.2)] * n, crs="EPSG:4326")


def test_a_failed_gpkg_write_leaves_the_earlier_export_whole(tmp_path, monkeypatch):
    out = tmp_path / "firms.gpkg"
    write_gpkg({"firms": _firm_frame(3)}, out)
    real_to_file = gpd.GeoDataFrame.to_file

    def fail_midway(self, path, **kw):  # the failure: a 0-feature file, then an error
        real_to_file(self.iloc[:0], path, **kw)
        raise RuntimeError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", fail_midway)
    with pytest.raises(RuntimeError, match="disk full"):
        write_gpkg({"firms": _firm_frame(2)}, out)
    monkeypatch.undo()
    assert len(gpd.read_file(out)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["firms.gpkg"]  # no temporary left


def test_an_unwritable_gpkg_is_a_usage_error(tmp_path):
    folder = tmp_path / "x.gpkg"
    folder.mkdir()
    with pytest.raises(UsageError, match="it is a folder"):
        write_gpkg({"firms": _firm_frame(1)}, folder)


# ---------------------------------------------------------------- cost

def test_many_distinct_junk_datums_each_get_their_own_reason():
    from firms.intake import import_firm_list

    rows = "".join(f"f{i},121.5,31.2,junk{i % 50}\n" for i in range(200))
    table, info = table_from_bytes(("企业名称,经度,纬度,坐标系\n" + rows).encode(), "j.csv")
    result = import_firm_list(table, datum="wgs84", info=info)
    assert result.report["rejected_by_field"] == {"datum": 200}
    assert result.rejected.loc[7, "reason"].startswith("unknown datum 'junk7'")
