"""`shmap serve --postgis URL` over a real PostgreSQL + PostGIS on loopback that `shmap
export --postgis` filled: the same collections, titles and typed fields as the
GeoPackage backend; a firm list beside them; a password in the URL never printed, written
into pygeoapi's configuration or served; a bad URL, a database that does not answer or
holds none of the layers is one clear line and exit status 2.

(The standards behaviour — typed filters, 400s, geo+json, CRS, GDAL's OAPIF driver reading
every collection — is tested on both backends in test_serve.py.)"""

import json
import os
import socket
import sys

import pytest
import yaml
from postgis_server import postgis_with_layers
from serving import get, get_json, qichacha_csv, serving

import layers

#: The marks of a test with the database (started once for the module).
WITH_DATABASE = [pytest.mark.loopback, pytest.mark.subprocess, pytest.mark.slow]

SERVED = ["poles", "parks"]
SECRET = "Pw-never-shown-7f3a"


@pytest.fixture(scope="module")
def database():
    with postgis_with_layers(SERVED) as url:
        yield url


def with_database(test):
    for mark in WITH_DATABASE:
        test = mark(test)
    return test


def with_password(url: str) -> str:
    """The URL with a password (the test server trusts loopback and ignores it)."""
    return url.replace("shmap@", f"shmap:{SECRET}@")


@with_database
def test_collections_titles_and_fields_are_the_geopackage_backends(database, tmp_path):
    from cli.serve import postgis_collections, write_collections

    titles = {e.id: f"{e.title_en} / {e.title_zh}" for e in layers.catalog()}
    from_postgis = postgis_collections(database, [*SERVED, "districts"], titles=titles)
    from_gpkg = write_collections({k: layers.load(k) for k in SERVED}, tmp_path / "s.gpkg",
                                  titles=titles)
    assert list(from_postgis) == SERVED  # districts was not loaded: not offered
    for cid in SERVED:
        for key in ("title", "description", "keywords", "fields"):
            assert from_postgis[cid][key] == from_gpkg[cid][key], (cid, key)
        assert from_postgis[cid]["bbox"] == pytest.approx(from_gpkg[cid]["bbox"], abs=1e-6)
    assert from_postgis["parks"]["fields"]["area_km2"] == {"type": "number"}
    assert from_postgis["parks"]["fields"]["approximate"] == {"type": "boolean"}


@with_database
def test_the_password_stays_out_of_pygeoapis_configuration(database, tmp_path):
    from pygeoapi.openapi import get_oas

    from cli.serve import postgis_collections, pygeoapi_config

    collections = postgis_collections(with_password(database), SERVED, titles={})
    config = pygeoapi_config(collections, url="http://127.0.0.1:1", locale_dir=tmp_path)
    provider = config["resources"]["poles"]["providers"][0]
    assert provider["name"] == "cli.pg_provider.PostGISProvider"
    assert provider["data"]["user"] == "shmap" and "password" not in provider["data"]
    assert SECRET not in yaml.safe_dump(config)
    assert SECRET not in json.dumps(get_oas(config), default=str)


@with_database
def test_served_with_a_firm_list_and_the_password_never_shown(database, tmp_path):
    firm_file = qichacha_csv(tmp_path / "企查查导出.csv")
    printed: list[str] = []
    with serving(*SERVED, "--postgis", with_password(database), "--firms", str(firm_file),
                 output=printed) as url:
        collections = get_json(f"{url}/collections?f=json")["collections"]
        assert {c["id"] for c in collections} == {*SERVED, "firms"}
        poles = get_json(f"{url}/collections/poles/items?f=json&limit=1000")
        assert [f["id"] for f in poles["features"]] == list(layers.load("poles").index)
        assert len(get_json(f"{url}/collections/firms/items?f=json")["features"]) == 6
        for path in ("", "/collections", "/collections/poles", "/collections/poles/queryables",
                     "/openapi", "/collections/poles/items", "/collections/poles/items/"
                     "pole_zhangjiang", "/collections/poles/schema.xsd"):
            for form in ("json", "html"):
                status, _, body = get(f"{url}{path}?f={form}")
                assert status == 200 and SECRET.encode() not in body, (path, form)
    assert "from PostGIS at postgresql://shmap:***@127.0.0.1" in printed[0]
    assert SECRET not in printed[0]


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://shmap:{pw}@db.example:5433/gis?sslmode=require",
     "postgresql://shmap:***@db.example:5433/gis?sslmode=require"),
    ("postgresql://shmap:p@ss{pw}@db.example/gis", "postgresql://shmap:***@db.example/gis"),
    ("postgresql://shmap@db.example/gis", "postgresql://shmap@db.example/gis"),
    ("shmap:{pw}@db.example/gis", "(not a URL)"),
])
def test_a_url_is_shown_without_its_password(url, shown):
    from cli.pg_url import masked_url

    assert masked_url(url.format(pw=SECRET)) == shown


def test_the_url_gives_libpq_its_parts_and_keeps_the_password_aside():
    from cli.pg_provider import connection

    conn = connection(f"postgresql://shm%40p:{SECRET}%2F@db.example:6543/gis?sslmode=require")
    assert conn["data"] == {"host": "db.example", "port": 6543, "dbname": "gis",
                            "user": "shm@p"}
    assert conn["options"] == {"sslmode": "require", "connect_timeout": "10"}
    assert SECRET not in repr(conn)


@pytest.mark.loopback
@pytest.mark.parametrize(("url", "says"), [
    ("{pw}@127.0.0.1/gis", "give postgresql://user@host:port/database"),
    ("mysql://shmap:{pw}@127.0.0.1/gis", "give postgresql://user@host:port/database"),
    ("postgresql://shmap:{pw}@127.0.0.1:{port}", "give postgresql://user@host:port/database"),
    ("postgresql://shmap:{pw}@127.0.0.1:notaport/gis", "not a PostgreSQL URL"),
    ("postgresql://shmap:{pw}@127.0.0.1:{port}/gis", "cannot read PostGIS at "
                                                     "postgresql://shmap:***@127.0.0.1:"),
])
def test_a_bad_or_unreachable_database_is_one_clear_line(run_cli, url, says):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here
    result = run_cli("serve", "--postgis", url.format(pw=SECRET, port=port))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in result.stderr
    assert SECRET not in result.stderr + result.stdout


@with_database
def test_layers_the_database_lacks_are_named(run_cli, database):
    result = run_cli("serve", "districts", "axes", "--postgis", with_password(database))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "none of the chosen layers is in the PostGIS database" in lines[0]
    assert SECRET not in result.stderr


@pytest.mark.parametrize(("url", "bare"), [
    ("postgresql://shmap:{pw}@db.example:5433/gis?sslmode=require",
     "postgresql://shmap@db.example:5433/gis?sslmode=require"),
    ("postgresql://shmap:p%40ss{pw}@db.example/gis", "postgresql://shmap@db.example/gis"),
    ("postgresql://shmap@db.example/gis?password={pw}&sslmode=require",
     "postgresql://shmap@db.example/gis?sslmode=require"),
])
def test_a_url_gives_up_its_password_to_be_passed_aside(url, bare):
    from cli.pg_url import without_password

    given, password = without_password(url.format(pw=SECRET))
    assert given == bare and password.endswith(SECRET) and SECRET not in given


def test_a_url_without_a_password_is_kept_as_written():
    from cli.pg_url import without_password

    assert without_password("postgresql://shmap@db.example/gis") == (
        "postgresql://shmap@db.example/gis", None)


def test_the_export_gives_psql_the_password_in_its_environment_not_its_command_line(
        tmp_path, monkeypatch, run_cli):
    """psql's command line is readable by every user of the machine (ps); its
    environment is not. A stand-in psql records both, then fails as a refused load does."""
    seen = tmp_path / "seen.json"
    fake = tmp_path / "bin" / "psql"
    fake.parent.mkdir()
    fake.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                    f"json.dump({{'argv': sys.argv, 'password': os.environ.get('PGPASSWORD')}},"
                    f" open({str(seen)!r}, 'w'))\n"
                    "sys.stderr.write('psql: ERROR:  stopped by the test\\n')\nsys.exit(3)\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    done = run_cli("export", "poles", "--postgis", f"postgresql://shmap:{SECRET}@127.0.0.1:1/gis")
    got = json.loads(seen.read_text(encoding="utf-8"))
    assert done.returncode == 2 and "PostGIS load failed, nothing was changed: stopped by the test" \
        in done.stderr
    assert got["password"] == SECRET
    assert not any(SECRET in a for a in got["argv"])
    assert "postgresql://shmap@127.0.0.1:1/gis" in got["argv"]
    assert SECRET not in done.stdout + done.stderr
