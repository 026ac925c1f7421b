"""Importing firm lists: encodings, headers, credit codes, coordinates, places, duplicates.

Fixture files are made here, small and readable, in the formats users send:
a GBK CSV, a UTF-8-BOM CSV, an XLSX with Chinese headers, a GeoJSON.
"""

import io
import json
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from firms.intake import import_firm_list, uscc
from firms.intake.importer import TableRejectedError, map_headers
from firms.intake.readers import (
    UnreadableFileError,
    decode_csv,
    read_firm_table,
    table_from_bytes,
    table_from_xlsx_bytes,
)
from geo.datum import wgs84_to_bd09, wgs84_to_gcj02
from layers.errors import UsageError
from layers.io import base_units
from layers.settings import DATA_DIR

VALID = ["914403001922038216", "91110108551385082Q", "911522010783762860"]

HEADER = "企业名称,统一社会信用代码,经度,纬度,地址,所属行业,从业人员\n"


def csv_import(text: str, datum: str = "wgs84", encoding: str = "utf-8-sig"):
    table, info = table_from_bytes(text.encode(encoding), "firms.csv")
    return import_firm_list(table, datum=datum, info=info)


def rejected_reason(result, row: int) -> tuple[str, str]:
    r = result.rejected.set_index("row").loc[row]
    return r["field"], r["reason"]


# --- credit codes -----------------------------------------------------------------

@pytest.mark.parametrize("code", VALID)
def test_verified_codes_pass_the_gb32100_check(code):
    assert uscc.problem(uscc.normalise(code)) is None


def test_full_width_and_lower_case_codes_are_normalised():
    assert uscc.normalise("９１１１０１０８５５１３８５０８２ｑ") == "91110108551385082Q"


@pytest.mark.parametrize(("code", "why"), [
    ("914403001922038217", "should be 6"),
    ("91440300192203821", "17 characters"),
    ("91440300192203821I", "outside the GB 32100 set: I"),
    ("9.14E+17", "scientific notation"),
])
def test_bad_codes_say_why(code, why):
    assert why in uscc.problem(uscc.normalise(code))


# --- reading files ----------------------------------------------------------------

def test_utf8_bom_csv_is_read_and_headers_reported():
    result = csv_import(HEADER + f"张江芯片有限公司,{VALID[0]},121.60,31.20,,集成电路制造,50\n")
    assert result.report["encoding"] == "utf-8-sig"
    assert result.report["header_mapping"]["统一社会信用代码"] == "uscc"
    assert result.report["header_mapping"]["所属行业"] == "industry"
    assert result.accepted.loc[0, "name"] == "张江芯片有限公司"


def test_gbk_csv_is_read_as_gb18030():
    text = HEADER + "临港装备有限公司,,121.90,30.92,,高端装备,\n"
    table, info = table_from_bytes(text.encode("gbk"), "gbk.csv")
    assert info["encoding"] == "gb18030"
    assert table.loc[0, "企业名称"] == "临港装备有限公司"


def test_undecodable_csv_is_refused_without_replacement_characters():
    with pytest.raises(UnreadableFileError, match=r"byte 0xff at offset 5"):
        decode_csv(b"name\n\xff\xfe\xff\n", "bad.csv")


def test_unsupported_extension_is_refused(tmp_path):
    path = tmp_path / "firms.docx"
    path.write_bytes(b"x")
    with pytest.raises(UnreadableFileError, match="unsupported file type .docx"):
        read_firm_table(path)


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_xlsx_with_chinese_headers_and_a_numeric_credit_code():
    raw = _xlsx([["企业名称", "统一社会信用代码", "经度", "纬度", "从业人员"],
                 ["甲公司", VALID[1], 121.47, 31.23, 120],
                 ["乙公司", 9.14403001922038e17, 121.48, 31.22, 15]])
    table = table_from_xlsx_bytes(raw, "firms.xlsx")
    result = import_firm_list(table)
    assert result.accepted.loc[0, "uscc"] == VALID[1]
    assert result.accepted.loc[0, "employees"] == 120
    field, reason = rejected_reason(result, 2)
    assert field == "uscc" and "scientific notation" in reason


def test_xlsx_zip_bomb_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 30_000_000)
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        table_from_xlsx_bytes(buf.getvalue(), "bomb.xlsx")


def test_row_cap_is_a_clear_error():
    raw = _xlsx([["name", "lon", "lat"]] + [[f"f{i}", 121.5, 31.2] for i in range(5)])
    with pytest.raises(UnreadableFileError, match="more than 3 rows"):
        table_from_xlsx_bytes(raw, "big.xlsx", max_rows=3)


def test_geojson_points_are_read_and_other_geometries_rejected():
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "点公司"},
         "geometry": {"type": "Point", "coordinates": [121.5, 31.2]}},
        {"type": "Feature", "properties": {"name": "面公司"},
         "geometry": {"type": "Polygon", "coordinates": [[[121, 31], [121.1, 31], [121, 31.1],
                                                          [121, 31]]]}}]}
    table, _ = table_from_bytes(json.dumps(doc).encode(), "firms.geojson")
    result = import_firm_list(table)
    assert list(result.accepted["name"]) == ["点公司"]
    assert rejected_reason(result, 2) == ("geometry", "geometry is a Polygon, not a Point")


# --- headers ----------------------------------------------------------------------

def test_header_aliases_map_chinese_and_english_names():
    mapping = map_headers(["Company Name", "LNG", "Latitude", "地址", "GB/T 4754", "坐标系", "备注"])
    assert mapping == {"Company Name": "name", "LNG": "lon", "Latitude": "lat", "地址": "address",
                       "GB/T 4754": "industry_code", "坐标系": "datum"}


def test_a_table_without_names_or_places_is_refused():
    with pytest.raises(TableRejectedError, match="no firm-name column"):
        import_firm_list(pd.DataFrame({"经度": ["121.5"], "纬度": ["31.2"]}))
    with pytest.raises(TableRejectedError, match="no place columns"):
        import_firm_list(pd.DataFrame({"名称": ["甲"]}))


# --- values -----------------------------------------------------------------------

def test_credit_codes_stay_text_when_a_cell_is_blank():
    rows = [f"公司{i},{code},121.5{i},31.2{i},,," for i, code in enumerate([VALID[0], "", VALID[2]])]
    result = csv_import(HEADER + "\n".join(rows) + "\n")
    assert list(result.accepted["uscc"]) == [VALID[0], "", VALID[2]]
    assert list(result.accepted["uscc_valid"]) == [True, None, True]


def test_an_invalid_check_character_is_flagged_not_dropped():
    result = csv_import(HEADER + "甲公司,914403001922038217,121.5,31.2,,,\n")
    assert len(result.accepted) == 1
    assert result.accepted.loc[0, "uscc_valid"] == False  # noqa: E712 (numpy bool)
    assert "should be 6" in result.accepted.loc[0, "uscc_problem"]
    assert result.report["invalid_uscc_flagged"] == 1


def test_swapped_coordinates_are_fixed_with_a_flag():
    result = csv_import(HEADER + "甲公司,,31.2301,121.4737,,,\n")
    row = result.accepted.iloc[0]
    assert (row["lon"], row["lat"]) == (121.4737, 31.2301)
    assert "swapped" in row["issues"]
    assert result.report["swapped_fixed"] == 1


@pytest.mark.parametrize(("lon", "lat", "field", "reason"), [
    ("0", "0", "lon", "(0, 0) is a placeholder"),
    ("NaN", "31.2", "lon", "not a number"),
    ("121.5", "abc", "lat", "latitude is not a number: abc"),
    ("121.5", "", "lat", "longitude given without latitude"),
    ("200", "31.2", "lon", "out of range"),
    ("116.39", "39.90", "lon", "outside Shanghai"),
])
def test_bad_coordinates_are_rejected_with_the_reason(lon, lat, field, reason):
    result = csv_import(HEADER + f"甲公司,,{lon},{lat},,,\n")
    got_field, got_reason = rejected_reason(result, 1)
    assert got_field == field and reason in got_reason
    assert result.rejected.loc[0, "经度"] == lon  # original value kept


def test_declared_datum_is_converted_to_wgs84_per_file_and_per_row():
    gx, gy = wgs84_to_gcj02(121.5, 31.2)
    bx, by = wgs84_to_bd09(121.6, 31.1)
    text = ("企业名称,经度,纬度,坐标系\n"
            f"高德公司,{gx:.9f},{gy:.9f},\n"
            f"百度公司,{bx:.9f},{by:.9f},BD-09\n")
    result = csv_import(text, datum="gcj02")
    a, b = result.accepted.iloc[0], result.accepted.iloc[1]
    assert (a["lon"], a["lat"]) == pytest.approx((121.5, 31.2), abs=1e-8)
    assert (b["lon"], b["lat"]) == pytest.approx((121.6, 31.1), abs=1e-8)
    assert a["datum_in"] == "gcj02" and b["datum_in"] == "bd09"
    assert "gcj02 → WGS84" in a["placement"]


def test_unknown_datum_in_a_row_is_rejected():
    result = csv_import("企业名称,经度,纬度,坐标系\n甲,121.5,31.2,Beijing54\n")
    assert rejected_reason(result, 1)[0] == "datum"


def test_cgcs2000_and_epsg_codes_are_read_as_wgs84():
    rows = "".join(f"{n},121.5,31.2,{d}\n" for n, d in
                   [("甲", "CGCS2000"), ("乙", "EPSG:4490"), ("丙", "EPSG:4326"), ("丁", "epsg 4326")])
    result = csv_import("企业名称,经度,纬度,坐标系\n" + rows)
    assert result.report["rejected"] == 0
    assert list(result.accepted["datum_in"]) == ["wgs84"] * 4
    assert list(result.accepted["lon"]) == [121.5] * 4  # no shift applied


def test_rows_without_coordinates_are_placed_by_address():
    text = HEADER + ("甲公司,,,,上海市浦东新区张江镇祖冲之路,,\n"
                     "乙公司,,,,上海市松江区某路1号,,\n"
                     "丙公司,,,,北京市海淀区,,\n"
                     "丁公司,,,,,,\n"
                     "戊公司,,,,某路1号,,\n")
    result = csv_import(text)
    towns, districts = base_units().towns, base_units().districts
    a, b = result.accepted.iloc[0], result.accepted.iloc[1]
    assert a["placement"].startswith("街道/镇 张江镇")
    assert towns["张江镇"].contains(a.geometry)
    assert b["placement"].startswith("区 松江区")
    assert districts["松江区"].contains(b.geometry)
    assert a["placement_precision_m"] < b["placement_precision_m"]
    assert rejected_reason(result, 3) == ("address", "not in Shanghai: 北京市")
    assert rejected_reason(result, 4) == ("address", "no coordinates and no address")
    assert rejected_reason(result, 5) == ("address", "no coordinates, and the address names no "
                                          "街道/镇 or 区 of Shanghai")


def test_duplicates_keep_the_first_row():
    text = HEADER + (f"甲公司,{VALID[0]},121.50,31.20,,,\n"
                     f"甲公司（分部）,{VALID[0]},121.51,31.21,,,\n"
                     "乙公司,,121.52,31.22,上海市黄浦区中山东一路1号,,\n"
                     "乙公司,,121.53,31.23,上海市黄浦区中山东一路1号,,\n")
    result = csv_import(text)
    assert list(result.accepted["row"]) == [1, 3]
    assert rejected_reason(result, 2) == ("duplicate", "duplicate of row 1 (same 统一社会信用代码)")
    assert rejected_reason(result, 4) == ("duplicate", "duplicate of row 3 (same name and address)")


def test_employees_that_are_not_numbers_are_flagged():
    result = csv_import(HEADER + "甲公司,,121.5,31.2,,,约一百\n")
    assert np.isnan(result.accepted.loc[0, "employees"])
    assert "employees" in result.accepted.loc[0, "issues"]


def test_nothing_is_lost_on_a_messy_table():
    rng = np.random.default_rng(5)
    cells = ["", "121.5", "31.2", "0", "abc", "9.14E+17", VALID[0], "上海市徐汇区", "甲公司"]
    table = pd.DataFrame(rng.choice(cells, size=(400, 5)),
                         columns=["名称", "经度", "纬度", "统一社会信用代码", "地址"])
    result = import_firm_list(table)
    r = result.report
    assert r["rows_in"] == 400 == r["accepted"] + r["rejected"]
    assert sorted([*result.accepted["row"], *result.rejected["row"]]) == list(range(1, 401))
    original = table.iloc[result.rejected["row"].to_numpy() - 1].reset_index(drop=True)
    assert result.rejected[table.columns].equals(original)
    assert (result.rejected["reason"] != "").all()


def test_firm_file_round_trip_through_the_cli(tmp_path):
    from cli.main import main
    src = tmp_path / "firms.csv"
    src.write_text(HEADER + f"甲公司,{VALID[0]},121.50,31.20,,集成电路,10\n"
                   "=HYPERLINK(\"x\"),,0,0,,,\n", encoding="utf-8")
    out = tmp_path / "accepted.geojson"
    assert main(["firms", "import", str(src), "-o", str(out)]) == 0
    accepted = json.loads(out.read_text(encoding="utf-8"))
    assert [f["properties"]["name"] for f in accepted["features"]] == ["甲公司"]
    assert accepted["features"][0]["properties"]["sector"] == "ic"
    rejected = (tmp_path / "accepted.rejected.csv").read_text(encoding="utf-8-sig")
    assert rejected.splitlines()[0].startswith("row,field,reason,企业名称")
    assert "'=HYPERLINK" in rejected  # formula neutralised in the report


@pytest.mark.parametrize("failing", ["write_csv", "write_table_csv"])
def test_the_accepted_file_and_its_rejected_rows_are_written_as_a_pair(tmp_path, monkeypatch,
                                                                        failing):
    import firms.output as importing

    src = tmp_path / "firms.csv"
    src.write_text(HEADER + f"甲公司,{VALID[0]},121.50,31.20,,集成电路,10\n"
                   "乙公司,,0,0,,,\n", encoding="utf-8")
    out = tmp_path / "accepted.csv"
    result = import_firm_list(src)
    importing.write_import(result, out)
    before = {p.name: p.read_bytes() for p in tmp_path.glob("accepted*")}
    assert set(before) == {"accepted.csv", "accepted.csvt", "accepted.rejected.csv"}

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(importing, failing, broken)  # the accepted or the rejected file fails
    other = import_firm_list(src)
    other.rejected["reason"] = "changed"
    other.accepted["name"] = "丙公司"
    with pytest.raises(UsageError, match="No space left"):
        importing.write_import(other, out)
    # neither file moved: the earlier pair is intact, and no temporary file is left
    assert {p.name: p.read_bytes() for p in tmp_path.glob("accepted*")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["firms.csv", *before])


def test_shipped_institutions_import_cleanly():
    result = import_firm_list(DATA_DIR / "firms" / "institutions_named_in_seeds.csv")
    assert result.report["rejected"] == 0
    assert (result.accepted["uscc"] == "").all()  # no invented credit codes
    assert (result.accepted["placement_precision_m"] == 1500).all()


def test_shipped_institutions_cite_the_seeds_and_sit_in_their_district(seeds_dir):
    from layers.citations import quote_problem
    table = pd.read_csv(DATA_DIR / "firms" / "institutions_named_in_seeds.csv", dtype=str)
    districts = base_units().districts
    for row in table.itertuples():
        assert quote_problem(seeds_dir, row.来源文件, row.引文) is None, row.名称
        named = [d for d in districts if d in row.地址]
        assert len(named) == 1, row.地址
        point = shapely.Point(float(row.经度), float(row.纬度))
        assert districts[named[0]].contains(point), f"{row.名称} not in {named[0]}"


def test_the_row_limit_follows_memory_not_a_fixed_count(tmp_path):
    from firms.intake.readers import (
        IMPORT_MEMORY_PER_FILE_BYTE,
        MAX_ROWS,
        check_memory,
        read_firm_table,
    )

    assert MAX_ROWS > 100_000_000  # no fixed 2M cap
    check_memory(1_000_000, "small.csv", available=8 * 10**9)
    with pytest.raises(UnreadableFileError, match=r"needs about 8\.0 GB .* 2\.0 GB are free"):
        check_memory(10**9, "huge.csv", available=2 * 10**9)
    path = tmp_path / "firms.csv"
    path.write_text("企业名称,经度,纬度\na,121.5,31.2\n", encoding="utf-8")
    table, _ = read_firm_table(path)  # this machine has room for a tiny file
    assert len(table) == 1 and IMPORT_MEMORY_PER_FILE_BYTE * path.stat().st_size < 10**6
