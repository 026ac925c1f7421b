"""`shmap export LAYERS --postgis URL` into a real PostgreSQL 15 + PostGIS 3 started on
loopback: every layer a typed table in SRID 4326, identifiers within 63 bytes, the
licence as the table's comment, styles in `layer_styles` as QGIS writes and reads them;
a second load changes nothing."""

import subprocess
import sys

import pytest
from postgis_server import DATABASE, postgis_server, postgis_with_layers, psql
from qgis_headless import run_qgis

import layers

pytestmark = [pytest.mark.loopback, pytest.mark.subprocess, pytest.mark.slow]

LAYER_IDS = [e.id for e in layers.catalog()]


def shmap(*args):
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def loaded():
    with postgis_with_layers(LAYER_IDS) as url:
        yield url


def test_every_layer_is_a_table_with_its_rows_in_srid_4326(loaded):
    for layer_id in LAYER_IDS:
        (count, srid), = psql(loaded, f'SELECT count(*), max(ST_SRID(geom)) FROM "{layer_id}"')
        assert int(count) == len(layers.load(layer_id)) and srid == "4326", layer_id


def test_columns_are_typed(loaded):
    types = dict(map(tuple, psql(loaded, "SELECT column_name, data_type FROM "
                                          "information_schema.columns WHERE table_name = 'poles'")))
    assert types["area_km2"] == "double precision" and types["precision_m"] == "double precision"
    assert types["approximate"] == "boolean" and types["name_zh"] == "character varying"
    assert types["length_km"] == "double precision"  # all null in a polygon layer, still a number
    assert psql(loaded, "SELECT DISTINCT datum FROM poles") == [["wgs84"]]  # as in every export
    longest = psql(loaded, "SELECT max(octet_length(relname)) FROM pg_class")[0][0]
    assert int(longest) <= 63


def test_the_licence_is_the_tables_comment(loaded):
    (comment,), = psql(loaded, "SELECT obj_description('public.parks'::regclass)")
    assert "Open Database License" in comment and "OpenStreetMap" in comment


def test_styles_are_in_layer_styles_as_qgis_reads_them(loaded):
    rows = psql(loaded, "SELECT f_table_catalog, f_table_schema, f_table_name, "
                        "f_geometry_column, type, useasdefault, "
                        "xpath_exists('/qgis/renderer-v2', styleqml) FROM layer_styles")
    assert {r[2] for r in rows} == set(LAYER_IDS)
    kinds = {"polygon": "Polygon", "line": "Line", "point": "Point"}
    for catalog, schema, table, column, kind, default, renderer in rows:
        assert (catalog, schema, column, default, renderer) == (DATABASE, "public", "geom", "t",
                                                                 "t")
        assert kind == kinds[layers.entry(table).kind]


def test_a_second_load_is_refused_and_changes_nothing(loaded):
    before = psql(loaded, "SELECT count(*) FROM layer_styles")
    result = shmap("export", "poles", "--postgis", loaded)
    assert result.returncode == 2
    assert "nothing was changed" in result.stderr and "already exists" in result.stderr
    assert psql(loaded, "SELECT count(*) FROM layer_styles") == before


#: Opens PostGIS tables as QGIS's data source manager does and prints what it got.
POSTGIS_PROBE = """
from qgis.core import QgsVectorLayer

found = {}
for item in sys.argv[2:]:
    table, kind = item.split(":")
    uri = f'{sys.argv[1]} type={kind} table="public"."{table}" (geom)'
    layer = QgsVectorLayer(uri, table, "postgres")
    found[table] = {"valid": layer.isValid(), "features": layer.featureCount(),
                    "renderer": layer.renderer().type() if layer.isValid() else None}
print(json.dumps(found))
"""
_KIND = {"polygon": "MultiPolygon", "line": "MultiLineString", "point": "Point"}


def test_headless_qgis_opens_every_table_with_its_style(loaded):
    host_port, database = loaded.split("@", 1)[1].split("/")
    host, port = host_port.split(":")
    connection = f"dbname='{database}' host={host} port={port} user='shmap' sslmode=disable"
    tables = [f"{i}:{_KIND[layers.entry(i).kind]}" for i in LAYER_IDS]
    found, _ = run_qgis(POSTGIS_PROBE, connection, *tables)
    assert found == {i: {"valid": True, "features": len(layers.load(i)),
                         "renderer": "RuleRenderer"} for i in LAYER_IDS}


def test_a_firm_lists_zone_measures_load_typed(tmp_path):
    from serving import qichacha_csv

    firm_file = qichacha_csv(tmp_path / "qichacha.csv")
    with postgis_server() as url:
        result = shmap("export", "poles", "--postgis", url, "--firms", str(firm_file))
        assert result.returncode == 0, result.stderr
        types = dict(map(tuple, psql(url, "SELECT column_name, data_type FROM information_schema"
                                          ".columns WHERE table_name = 'poles'")))
        (certain,), = psql(url, "SELECT sum(firms_certain) FROM poles")
    assert types["firms_certain"] == types["ic_firms_possible"] == "integer"
    assert types["firms_per_km2"] == types["ic_lq"] == "double precision"
    assert types["ic_strong_cluster"] == "boolean"
    assert int(certain) > 0
