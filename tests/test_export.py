"""Exports that GIS tools read without surprises: RFC 7946 GeoJSON, GeoPackage, CSV."""

import csv
import io
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon

import layers
from cli.main import main
from geo.datum import wgs84_to_gcj02
from layers.formats import neutralise_cell, to_csv, to_geojson

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "layout.geojson"
    assert main(["export", "poles", "new_towns", "ai_4_x", "-o", str(out)]) == 0
    return out


def _rings(geom):
    """(exterior, holes) of each polygon of a GeoJSON geometry."""
    polys = {"Polygon": [geom["coordinates"]], "MultiPolygon": geom["coordinates"]}
    return [(rings[0], rings[1:]) for rings in polys.get(geom["type"], [])]


def test_geojson_follows_rfc7946(exported):
    text = exported.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert "crs" not in doc
    assert doc["datum"] == "wgs84"
    assert "张江科学城" in text  # Chinese unescaped
    assert "\\u" not in text
    decimals = max(len(m) for m in re.findall(r"\.(\d+)", json.dumps(
        [f["geometry"] for f in doc["features"]])))
    assert decimals <= 7
    for f in doc["features"]:
        for exterior, holes in _rings(f["geometry"]):
            assert shapely.LinearRing(exterior).is_ccw, f["properties"]["id"]
            assert all(not shapely.LinearRing(h).is_ccw for h in holes)
        for x, y in shapely.get_coordinates(shapely.geometry.shape(f["geometry"])):
            assert 120 < x < 123 and 30 < y < 32


def test_geojson_reads_back_with_same_rows_ids_and_names(exported):
    back = gpd.read_file(exported)
    expected = [*layers.load("poles")["id"], *layers.load("new_towns")["id"],
                *layers.load("ai_4_x")["id"]]
    assert list(back["id"]) == expected
    assert back.set_index("id").loc["newtown_nanhui", "name_zh"] == "南汇新城"
    assert back.crs.to_epsg() == 4326


def test_ogrinfo_reads_the_geojson(exported, ogrinfo):
    out = subprocess.run([ogrinfo, "-ro", "-al", "-so", str(exported)], capture_output=True,
                         text=True, check=True).stdout
    n = len(layers.load("poles")) + len(layers.load("new_towns")) + len(layers.load("ai_4_x"))
    assert f"Feature Count: {n}" in out
    assert "WGS 84" in out
    full = subprocess.run([ogrinfo, "-ro", "-al", str(exported), "-where", "id='newtown_songjiang'"],
                          capture_output=True, text=True, check=True).stdout
    assert "name_zh (String) = 松江新城" in full


def test_gpkg_has_one_table_per_layer_in_epsg4326(tmp_path, ogrinfo):
    out = tmp_path / "layout.gpkg"
    assert main(["export", "poles", "parks", "-o", str(out)]) == 0
    listing = subprocess.run([ogrinfo, "-ro", str(out)], capture_output=True, text=True,
                             check=True).stdout
    assert "poles" in listing and "parks" in listing
    info = subprocess.run([ogrinfo, "-ro", "-so", str(out), "poles"], capture_output=True,
                          text=True, check=True).stdout
    assert 'ID["EPSG",4326]' in info
    assert f"Feature Count: {len(layers.load('poles'))}" in info
    back = gpd.read_file(out, layer="parks")
    assert list(back["id"]) == list(layers.load("parks")["id"])
    assert back.crs.to_epsg() == 4326


def test_sector_filter_keeps_only_matching_features(tmp_path):
    out = tmp_path / "ic.geojson"
    assert main(["export", "parks", "ic_one_body_two_wings", "--sector", "ic", "-o", str(out)]) == 0
    back = gpd.read_file(out)
    assert len(back) > 0
    assert all("ic" in s.split(";") for s in back["sectors"])
    assert "park_lingang_hydrogen" not in set(back["id"])


def test_gcj02_export_is_marked_and_shifted(tmp_path):
    out = tmp_path / "towns.geojson"
    assert main(["export", "g60_cities", "--datum", "gcj02", "-o", str(out)]) == 0
    assert not out.exists()
    moved = tmp_path / "towns_gcj02.geojson"
    doc = json.loads(moved.read_text(encoding="utf-8"))
    assert doc["datum"] == "gcj02" and "not WGS84" in doc["datum_note"]
    songjiang = next(f for f in doc["features"] if f["properties"]["id"] == "g60city_songjiang")
    src = layers.load("g60_cities").loc["g60city_songjiang"].geometry
    assert songjiang["geometry"]["coordinates"] == pytest.approx(
        list(wgs84_to_gcj02(src.x, src.y)), abs=1e-7)


def test_csv_neutralises_formulas_and_carries_wkt():
    gdf = gpd.GeoDataFrame({"id": ["a", "b"], "name_zh": ["=HYPERLINK(\"x\")", "张江"],
                            "note": ["@SUM(1)", "+1"], "value": [-3.5, 2.0]},
                           geometry=[Point(121.5, 31.2), Polygon([(121, 31), (121.1, 31),
                                                                 (121.1, 31.1)])],
                           crs="EPSG:4326")
    rows = list(csv.DictReader(io.StringIO(to_csv(gdf))))
    assert rows[0]["name_zh"] == "'=HYPERLINK(\"x\")"
    assert rows[0]["note"] == "'@SUM(1)" and rows[1]["note"] == "'+1"
    assert rows[0]["value"] == "-3.5"  # numbers are not text: left alone
    assert rows[1]["name_zh"] == "张江"
    assert shapely.from_wkt(rows[1]["wkt"]).equals(gdf.geometry.iloc[1])
    assert float(rows[0]["lon"]) == 121.5 and rows[0]["datum"] == "wgs84"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(text):
    assert neutralise_cell(text) == "'" + text


def test_csv_export_from_cli_is_excel_friendly(tmp_path):
    out = tmp_path / "poles.csv"
    assert main(["export", "poles", "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM so Excel reads UTF-8 Chinese
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == list(layers.load("poles")["id"])


def test_geojson_rejects_projected_frames():
    gdf = gpd.GeoDataFrame(geometry=[Point(350000, 3450000)], crs="EPSG:32651")
    with pytest.raises(ValueError, match="EPSG:4326"):
        to_geojson(gdf)


def test_geojson_nan_becomes_null():
    gdf = gpd.GeoDataFrame({"v": [np.nan]}, geometry=[Point(121, 31)], crs="EPSG:4326")
    assert json.loads(to_geojson(gdf))["features"][0]["properties"]["v"] is None


@pytest.mark.parametrize(("args", "message"), [
    (["export", "moon", "-o", "x.geojson"], "unknown layer moon"),
    (["export", "poles", "--sector", "chips", "-o", "x.geojson"], "unknown sector 'chips'"),
    (["export", "poles", "-o", "/no/such/folder/x.geojson"], "cannot write"),
    (["export", "poles", "-o", "x.shp"], "unknown format 'shp'"),
])
def test_cli_errors_are_one_line_and_nonzero(run_cli, args, message, tmp_path):
    result = run_cli(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


@pytest.mark.subprocess
def test_shmap_runs_as_a_program_with_its_exit_status():
    """The command line's own process (the other CLI tests run ``main`` in theirs): the
    ``shmap`` console script names ``cli.main:main``, and ``python -m cli.main`` exits with
    the status ``main`` returns and one error line."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["shmap"] == "cli.main:main"
    done = subprocess.run([sys.executable, "-m", "cli.main", "export", "moon", "-o", "x.geojson"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("shmap: error: unknown layer moon"), lines


def test_cli_lists_layers_as_json(run_cli):
    result = run_cli("layers", "--json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert {r["id"]: r["features"] for r in rows}["districts"] == 16


def test_validate_passes_on_shipped_data(run_cli, seeds_dir):
    result = run_cli("validate", "--seeds", str(seeds_dir))
    assert result.returncode == 0, result.stdout
    assert "data valid" in result.stdout
