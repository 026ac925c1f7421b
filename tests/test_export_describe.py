"""Self-describing exports: datum, licence and version inside the files; GeoPackage 1.2
that GDAL 3.6 validates; QGIS/SLD styles with the dashed rule; CSV cells Excel keeps;
an empty selection refused."""

import csv
import io
import json
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point

import layers
from geo.datum import DATUMS
from layers.errors import EmptySelectionError
from layers.exporting import export_files
from layers.formats import EXCEL_CELL_LIMIT, to_csv

SE = "{http://www.opengis.net/se}"
OGC = "{http://www.opengis.net/ogc}"


@pytest.fixture(scope="module")
def gpkgs(tmp_path_factory):
    """A GeoPackage of three layers (polygons, lines, points) in each datum."""
    tmp = tmp_path_factory.mktemp("gpkg")
    frames = {i: layers.load(i) for i in ("poles", "axes", "g60_cities")}
    out = {}
    for datum in DATUMS:
        name, content = next(iter(export_files(frames, "gpkg", datum=datum, stem="layout").items()))
        (tmp / name).write_bytes(content)
        out[datum] = tmp / name
    return out


def query(path, sql, *params):
    with closing(sqlite3.connect(path)) as con:
        return con.execute(sql, params).fetchall()


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_obfuscated_gpkg_does_not_claim_epsg4326(gpkgs, datum, ogrinfo):
    path = gpkgs[datum]
    srs_ids = {r[0] for r in query(path, "SELECT srs_id FROM gpkg_geometry_columns")}
    assert len(srs_ids) == 1 and min(srs_ids) >= 100000
    (name, org, description), = query(path, "SELECT srs_name, organization, description FROM "
                                            "gpkg_spatial_ref_sys WHERE srs_id = ?", *srs_ids)
    assert org == "NONE" and {"gcj02": "GCJ-02", "bd09": "BD-09"}[datum] in name
    assert "not a true coordinate reference system" in description
    assert "obfuscat" in description
    info = subprocess.run([ogrinfo, "-ro", "-so", str(path), "poles"], capture_output=True,
                          text=True, check=True).stdout
    assert 'ID["EPSG",4326]' not in info and "not a true CRS" in info
    assert query(path, "SELECT DISTINCT datum FROM poles") == [(datum,)]


def test_wgs84_gpkg_is_epsg4326_with_datum_column(gpkgs):
    path = gpkgs["wgs84"]
    assert {r[0] for r in query(path, "SELECT srs_id FROM gpkg_geometry_columns")} == {4326}
    assert query(path, "SELECT DISTINCT datum FROM g60_cities") == [("wgs84",)]


@pytest.mark.parametrize("datum", DATUMS)
def test_gpkg_is_version_1_2_and_gdal_36_validates_it(gpkgs, datum, ogrinfo, validate_gpkg):
    path = gpkgs[datum]
    assert query(path, "PRAGMA user_version") == [(10200,)]
    opened = subprocess.run([ogrinfo, "-ro", "-so", "-al", str(path)], capture_output=True,
                            text=True, check=True)
    assert "partially supported" not in opened.stderr
    assert validate_gpkg(path) == ""


def test_gpkg_carries_licence_source_version_and_date(gpkgs):
    path = gpkgs["gcj02"]
    rows = dict(query(path, "SELECT table_name, description FROM gpkg_contents"))
    for table in ("poles", "axes", "g60_cities"):
        assert "Open Database License" in rows[table] and "Data version layers-" in rows[table]
        assert "GCJ-02" in rows[table]
    xml = " ".join(r[0] for r in query(path, "SELECT metadata FROM gpkg_metadata"))
    for key in ("LICENCE", "ATTRIBUTION", "SOURCE", "DATA_VERSION", "EXPORTED", "DATUM"):
        assert f'key="{key}"' in xml
    assert "© OpenStreetMap contributors" in xml


def test_geojson_metadata_member_says_licence_version_and_date():
    _, content = next(iter(export_files({"poles": layers.load("poles")}, "geojson").items()))
    meta = json.loads(content)["metadata"]
    assert "Open Database License" in meta["licence"]
    assert "OpenStreetMap" in meta["attribution"]
    assert meta["data_version"].startswith("layers-") and len(meta["exported"]) == 10
    assert meta["layers"]["poles"]["source"] == layers.entry("poles").source


def test_same_data_same_version_other_data_other_version():
    def version(ids):
        _, content = next(iter(export_files({i: layers.load(i) for i in ids}, "geojson").items()))
        return json.loads(content)["metadata"]["data_version"]
    assert version(["poles"]) == version(["poles"]) != version(["parks"])


def test_gpkg_styles_are_qgis_defaults_with_dashed_approximate_rule(gpkgs):
    rows = query(gpkgs["wgs84"], "SELECT f_table_name, f_geometry_column, styleQML, styleSLD, "
                                 "useAsDefault FROM layer_styles")
    assert {r[0] for r in rows} == {"poles", "axes", "g60_cities"}
    assert all(r[1] == "geom" and r[4] == 1 for r in rows)
    for table, _, qml_text, sld_text, _ in rows:
        assert_dashed_qml(qml_text, layers.entry(table).style.color)
        assert_dashed_sld(sld_text)


def _rgb(hex_colour):
    h = hex_colour.lstrip("#")
    return ",".join(str(int(h[i:i + 2], 16)) for i in (0, 2, 4))


def assert_dashed_qml(text, colour):
    root = ET.fromstring(text.split("\n", 1)[1])
    rules = {r.get("filter"): r.get("symbol") for r in root.iter("rule")}
    assert set(rules) == {'"approximate" = true', "ELSE"}
    symbols = {s.get("name"): s for s in root.iter("symbol")}

    def options(symbol):
        return {o.get("name"): o.get("value") for o in symbol.iter("Option") if o.get("name")}

    dashed = options(symbols[rules['"approximate" = true']])
    solid = options(symbols[rules["ELSE"]])
    style_key = "line_style" if "line_style" in dashed else "outline_style"
    assert dashed[style_key] == "dash" and solid[style_key] == "solid"
    colour_key = "line_color" if "line_color" in dashed else "outline_color"
    assert dashed[colour_key].startswith(_rgb(colour))


def assert_dashed_sld(text):
    root = ET.fromstring(text.split("\n", 1)[1])
    dash = {}
    for rule in root.iter(f"{SE}Rule"):
        literal = rule.find(f".//{OGC}Literal").text
        params = {p.get("name"): p.text for p in rule.iter(f"{SE}SvgParameter")}
        dash[literal] = params.get("stroke-dasharray")
    assert dash == {"true": "6 4", "false": None}


def test_cli_writes_qml_and_sld_beside_a_geojson(run_cli, tmp_path):
    out = tmp_path / "layout.geojson"
    assert run_cli("export", "poles", "axes", "-o", str(out)).returncode == 0
    for layer_id in ("poles", "axes"):
        assert_dashed_qml((tmp_path / f"layout.{layer_id}.qml").read_text(),
                          layers.entry(layer_id).style.color)
        assert_dashed_sld((tmp_path / f"layout.{layer_id}.sld").read_text())


def test_empty_selection_is_refused_with_exit_2_and_no_file(run_cli, tmp_path):
    out = tmp_path / "none.gpkg"
    result = run_cli("export", "g60_cities", "--sector", "ic", "-o", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nothing to export" in lines[0]
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(EmptySelectionError):
        export_files({"poles": layers.load("poles").iloc[:0]}, "csv")


def test_layers_without_a_match_are_left_out_not_written_empty(run_cli, tmp_path):
    out = tmp_path / "ic.gpkg"
    result = run_cli("export", "poles", "g60_cities", "--sector", "ic", "-o", str(out))
    assert result.returncode == 0 and "left out" in result.stdout
    tables = {r[0] for r in query(out, "SELECT table_name FROM gpkg_contents "
                                       "WHERE data_type = 'features'")}
    assert tables == {"poles"}


def test_csv_replaces_wkt_longer_than_an_excel_cell_by_its_centroid():
    districts = layers.load("districts")
    full = shapely.to_wkt(districts.geometry.values, rounding_precision=7)
    too_long = {i for i, w in zip(districts["id"], full, strict=True) if len(w) > EXCEL_CELL_LIMIT}
    assert too_long, "the district outlines are the case this rule is for"
    rows = list(csv.DictReader(io.StringIO(to_csv(districts))))
    assert max(len(v) for r in rows for v in r.values()) <= EXCEL_CELL_LIMIT
    for r in rows:
        if r["id"] in too_long:
            centroid = districts.loc[r["id"]].geometry.centroid
            assert shapely.from_wkt(r["wkt"]).distance(centroid) < 1e-6
            assert "32,767" in r["wkt_note"]
        else:
            assert r["wkt_note"] == ""
            assert shapely.from_wkt(r["wkt"]).equals_exact(
                districts.loc[r["id"]].geometry, 1e-6)


def test_short_wkt_is_kept_whole():
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(121.5, 31.2)], crs="EPSG:4326")
    row = next(csv.DictReader(io.StringIO(to_csv(gdf))))
    assert row["wkt"] == "POINT (121.5 31.2)" and row["wkt_note"] == ""


def test_appending_every_layer_into_one_table_keeps_numbers_numeric(gpkgs, tmp_path, ogrinfo):
    """The PostGIS recipe of docs/gis.md, with a GeoPackage as the target database."""
    ogr2ogr = Path(ogrinfo).with_name("ogr2ogr")
    target = tmp_path / "one.gpkg"
    subprocess.run([str(ogr2ogr), "-f", "GPKG", str(target), str(gpkgs["wgs84"]), "poles", "axes",
                    "g60_cities", "-nln", "layout", "-append", "-nlt", "GEOMETRY"], check=True,
                   capture_output=True, timeout=120)
    info = subprocess.run([ogrinfo, "-ro", "-so", str(target), "layout"], capture_output=True,
                          text=True, check=True).stdout
    n = sum(len(layers.load(i)) for i in ("poles", "axes", "g60_cities"))
    assert f"Feature Count: {n}" in info
    for field in ("area_km2", "length_km", "official_area_km2", "area_diff_pct", "precision_m"):
        assert f"{field}: Real" in info
    assert "approximate: Integer(Boolean)" in info


def test_flatgeobuf_and_geoparquet_carry_licence_version_and_datum(tmp_path):
    import pyarrow.parquet as pq
    import pyogrio

    frames = {i: layers.load(i) for i in ("poles", "axes")}
    found = {}
    for fmt in ("fgb", "parquet"):
        name, content = next(iter(export_files(frames, fmt, datum="bd09", stem="x").items()))
        (tmp_path / name).write_bytes(content)
        if fmt == "fgb":
            found[fmt] = pyogrio.read_info(tmp_path / name)["layer_metadata"]
        else:
            found[fmt] = json.loads(pq.read_schema(tmp_path / name).metadata[b"shanghai_cluster_map"])
    for items in found.values():
        assert "Open Database License" in items["LICENCE"]
        assert items["DATA_VERSION"].startswith("layers-") and items["DATUM"].startswith("BD-09")
        assert "poles, axes" in items["DESCRIPTION"]


def test_geojson_features_say_their_datum_so_conversion_keeps_it(tmp_path, ogrinfo):
    name, content = next(iter(export_files({"poles": layers.load("poles")}, "geojson",
                                           datum="gcj02").items()))
    (tmp_path / name).write_bytes(content)
    converted = tmp_path / "converted.gpkg"
    subprocess.run([str(Path(ogrinfo).with_name("ogr2ogr")), "-f", "GPKG", str(converted),
                    str(tmp_path / name)], check=True, capture_output=True, timeout=120)
    table = query(converted, "SELECT table_name FROM gpkg_contents")[0][0]
    assert query(converted, f'SELECT DISTINCT datum FROM "{table}"') == [("gcj02",)]


@pytest.mark.parametrize("fmt", ["gpkg", "fgb"])
@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_ogr2ogr_refuses_to_reproject_an_obfuscated_file_to_wgs84(fmt, datum, tmp_path, ogrinfo):
    """The file's SRS is an engineering CRS: there is no null "ballpark" operation to
    EPSG:4326, so `ogr2ogr -t_srs EPSG:4326` stops instead of relabelling unshifted
    coordinates as WGS84; an explicit `-s_srs` is the only way through."""
    name, content = next(iter(export_files({"poles": layers.load("poles")}, fmt, datum=datum,
                                           stem="poles").items()))
    (tmp_path / name).write_bytes(content)
    ogr2ogr = str(Path(ogrinfo).with_name("ogr2ogr"))
    out = tmp_path / f"out.{fmt}"
    refused = subprocess.run([ogr2ogr, "-t_srs", "EPSG:4326", str(out), str(tmp_path / name)],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "Cannot find coordinate operations" in refused.stderr
    reopened = subprocess.run([ogrinfo, "-ro", "-so", "-al", str(out)], capture_output=True,
                              text=True)
    assert reopened.returncode != 0 or "Feature Count: 0" in reopened.stdout  # nothing got out
    if fmt == "gpkg":  # QGIS's default reading: the layer's own SRS, never EPSG:4326
        info = subprocess.run([ogrinfo, "-ro", "-so", str(tmp_path / name), "poles"],
                              capture_output=True, text=True, check=True).stdout
        assert "ENGCRS[" in info and 'ID["EPSG",4326]' not in info


def test_an_all_layer_geojson_has_a_layer_name_postgresql_keeps_whole():
    frames = layers.load_all()
    _, content = next(iter(export_files(frames, "geojson", stem="layout").items()))
    assert json.loads(content)["name"] == "layout"  # the ids joined would be 180+ bytes
    _, content = next(iter(export_files({"poles": frames["poles"]}, "geojson").items()))
    assert json.loads(content)["name"] == "poles"
