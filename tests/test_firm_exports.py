"""A firm list shaped like a 企查查 export, imported and written in every format: the
list's own numbers and dates typed as numbers and dates, `uscc_valid` a boolean, a
`.csvt` beside the CSV, a GeoParquet bbox covering column, and every file saying its
datum and whose data it is — read back by GDAL's ogrinfo and pyarrow."""

import json
import re
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from serving import qichacha_csv

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

TYPED = {"uscc_valid": "Integer(Boolean)", "registered_capital": "Real", "employees": "Real",
         "founded": "Date", "lon": "Real", "lat": "Real", "row": "Integer64", "name": "String"}


@pytest.fixture(scope="module")
def firm_file(tmp_path_factory):
    return qichacha_csv(tmp_path_factory.mktemp("in") / "企查查导出.csv")


def import_to(firm_file, out):
    result = subprocess.run([sys.executable, "-m", "cli.main", "firms", "import", str(firm_file),
                             "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


def ogr_fields(ogrinfo, path) -> tuple[dict[str, str], str]:
    out = subprocess.run([ogrinfo, "-ro", "-so", "-al", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return dict(re.findall(r"^(\S+): (\w+(?:\(\w+\))?) \(", out, flags=re.M)), out


@pytest.mark.parametrize("suffix", ["gpkg", "fgb", "csv"])
def test_typed_formats_keep_numbers_dates_and_booleans(firm_file, suffix, tmp_path, ogrinfo):
    path = import_to(firm_file, tmp_path / f"firms.{suffix}")
    fields, info = ogr_fields(ogrinfo, path)
    want = dict(TYPED)
    if suffix == "fgb":  # FlatGeobuf has no date type: a date is a DateTime at midnight
        want["founded"] = "DateTime"
    assert {k: fields.get(k) for k in want} == want, suffix
    assert "Feature Count: 6" in info
    if suffix == "gpkg":
        assert "WGS84 (EPSG:4326)" in info and "provider's terms" in info


def test_invalid_credit_code_is_false_not_text(firm_file, tmp_path):
    import sqlite3
    from contextlib import closing

    path = import_to(firm_file, tmp_path / "firms.gpkg")
    with closing(sqlite3.connect(path)) as con:
        rows = dict(con.execute("SELECT uscc, uscc_valid FROM firms").fetchall())
    assert rows["913101150000000000"] == 0 and rows[""] is None
    assert sum(v == 1 for v in rows.values()) == 4


def test_geoparquet_is_typed_with_a_bbox_covering_column(firm_file, tmp_path):
    path = import_to(firm_file, tmp_path / "firms.parquet")
    schema = pq.read_schema(path)
    types = {f.name: str(f.type) for f in schema}
    assert types["founded"] == "date32[day]" and types["uscc_valid"] == "bool"
    assert types["registered_capital"] == "double" and types["employees"] == "double"
    assert types["bbox"].startswith("struct<xmin: double")
    geo = json.loads(schema.metadata[b"geo"])
    column = geo["columns"][geo["primary_column"]]
    assert column["covering"]["bbox"]["xmin"] == ["bbox", "xmin"]
    assert geo["version"] == "1.1.0"
    items = json.loads(schema.metadata[b"shanghai_cluster_map"])
    assert items["DATUM"].startswith("WGS84")


def test_geojson_says_whose_data_it_is_where_gdal_reads_it(firm_file, tmp_path, ogrinfo):
    path = import_to(firm_file, tmp_path / "firms.geojson")
    _, info = ogr_fields(ogrinfo, path)
    assert "DESCRIPTION=Firm list" in info
    doc = json.loads(path.read_text(encoding="utf-8"))
    dates = {f["properties"]["founded"] for f in doc["features"]}
    assert "2001-04-03" in dates
    assert all(isinstance(f["properties"]["employees"], (int, float, type(None))) for f in doc["features"])


def test_csv_gets_its_csvt(firm_file, tmp_path):
    path = import_to(firm_file, tmp_path / "firms.csv")
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    csvt = (tmp_path / "firms.csvt").read_text().strip().split(",")
    types = dict(zip(header, csvt, strict=True))
    assert types["founded"] == '"Date"' and types["uscc_valid"] == '"Integer(Boolean)"'
    assert types["wkt"] == '"WKT"'
