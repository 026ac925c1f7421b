"""Typed exports: every layer, in every format and datum, reads back with the column
types the schema declares (docs/layer-schema.json), through GDAL's ogrinfo (Debian
GDAL 3.6), pyogrio (its own GDAL) and pyarrow."""

import json
import re
import subprocess
from pathlib import Path

import geopandas as gpd
import jsonschema
import pyarrow.parquet as pq
import pyogrio
import pytest

import layers
from geo.datum import DATUMS
from layers.exporting import FORMATS, export_files
from layers.fieldtypes import OGR_TYPES, field_type, json_schema, json_schema_text
from layers.schema import COLUMNS
from layers.settings import PROJECT_ROOT

PYOGRIO_TYPES = {"real": "float64", "boolean": "bool", "text": "object"}
ARROW_TYPES = {"real": "double", "boolean": "bool", "text": "string"}
LAYER_IDS = [e.id for e in layers.catalog()]


def write(tmp: Path, frames, fmt, datum, *, stem="all") -> Path:
    files = export_files(frames, fmt, datum=datum, stem=stem)
    for name, content in files.items():
        (tmp / name).write_bytes(content)
    return tmp / next(iter(files))


def ogr_field_types(ogrinfo, path: Path, layer: str | None = None) -> dict[str, str]:
    """Field → OGR type as ogrinfo prints it (``area_km2: Real (0.0)``)."""
    args = [ogrinfo, "-ro", "-so", str(path)] + ([layer] if layer else ["-al"])
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return dict(re.findall(r"^(\w+): (\w+(?:\(\w+\))?) \(", out, flags=re.M))


def declared_ogr(fmt: str) -> dict[str, str]:
    return {c: OGR_TYPES[field_type(c)] for c in COLUMNS}


def assert_pyogrio_types(path: Path, layer: str | None = None) -> None:
    info = pyogrio.read_info(path, layer=layer)
    got = dict(zip(info["fields"], info["dtypes"], strict=True))
    want = {c: PYOGRIO_TYPES[field_type(c)] for c in COLUMNS}
    assert {c: got[c] for c in COLUMNS} == want, path.name


@pytest.fixture(scope="module")
def all_layers():
    return layers.load_all()


@pytest.mark.parametrize("datum", DATUMS)
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "parquet"])
def test_all_layers_read_back_with_declared_types(all_layers, fmt, datum, tmp_path, ogrinfo,
                                                  request):
    path = write(tmp_path, all_layers, fmt, datum)
    if fmt == "gpkg":  # every table of every layer, in each datum, validates
        assert request.getfixturevalue("validate_gpkg")(path) == ""
    tables = LAYER_IDS if fmt == "gpkg" else [None]
    for table in tables:
        got = ogr_field_types(ogrinfo, path, table)
        assert {c: got[c] for c in COLUMNS} == declared_ogr(fmt), (path.name, table)
        assert_pyogrio_types(path, table)


@pytest.mark.parametrize("datum", DATUMS)
def test_geoparquet_has_declared_arrow_types(all_layers, datum, tmp_path):
    path = write(tmp_path, all_layers, "parquet", datum)
    schema = pq.read_schema(path)
    want = {c: ARROW_TYPES[field_type(c)] for c in COLUMNS}
    got = {c: str(schema.field(c).type).replace("large_string", "string") for c in COLUMNS}
    assert got == want
    back = gpd.read_parquet(path)
    assert len(back) == sum(len(f) for f in all_layers.values())
    assert (back["datum"] == datum).all()
    assert (back.crs.to_epsg() == 4326) == (datum == "wgs84")


@pytest.mark.parametrize("fmt", ["gpkg", "csv", "fgb"])
def test_each_layer_alone_keeps_declared_types(all_layers, fmt, tmp_path, ogrinfo):
    """A point layer has no area and no length: its columns are still Real, not text."""
    for layer_id, gdf in all_layers.items():
        path = write(tmp_path, {layer_id: gdf}, fmt, "wgs84", stem=layer_id)
        got = ogr_field_types(ogrinfo, path, layer_id if fmt == "gpkg" else None)
        assert {c: got[c] for c in COLUMNS} == declared_ogr(fmt), (layer_id, fmt)
        assert_pyogrio_types(path, layer_id if fmt == "gpkg" else None)


def test_loaded_layers_have_declared_dtypes(all_layers):
    for layer_id, gdf in all_layers.items():
        for col in COLUMNS:
            kind = field_type(col)
            dtype = gdf[col].dtype
            ok = {"real": dtype == "float64", "boolean": dtype == "bool",
                  "text": gdf[col].map(lambda v: isinstance(v, str)).all()}[kind]
            assert ok, (layer_id, col, dtype)


def test_schema_file_is_the_generated_schema_and_validates_exports(all_layers):
    shipped = (PROJECT_ROOT / "docs" / "layer-schema.json").read_text(encoding="utf-8")
    assert shipped == json_schema_text(), "run: shmap schema -o docs/layer-schema.json"
    schema = json_schema()
    assert schema["properties"]["area_km2"]["x-unit"].startswith("km²")
    assert schema["properties"]["precision_m"]["x-unit"] == "metres"
    _, content = next(iter(export_files(all_layers, "geojson").items()))
    for feature in json.loads(content)["features"]:
        jsonschema.validate(feature["properties"], schema)


def test_csvt_sits_beside_the_csv_from_the_cli(tmp_path):
    from cli.main import main

    out = tmp_path / "poles.csv"
    assert main(["export", "poles", "g60_cities", "-o", str(out)]) == 0
    csvt = (tmp_path / "poles.csvt").read_text().strip().split(",")
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert len(csvt) == len(header)
    types = dict(zip(header, csvt, strict=True))
    assert types["area_km2"] == '"Real"' and types["approximate"] == '"Integer(Boolean)"'
    assert types["wkt"] == '"WKT"' and types["name_zh"] == '"String"'
