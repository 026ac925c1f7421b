"""`shmap serve` is an OGC API – Features service a real client reads: GDAL's OAPIF
driver lists every collection and reads the same features and attributes as the
GeoJSON export; a bbox query returns the features that meet the box."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

import layers
from layers.exporting import export_files

pytestmark = pytest.mark.loopback

STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`shmap serve` on a free loopback port, stopped (and its folder removed) at the end."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                get_json(f"{url}/conformance?f=json")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"shmap serve did not start:\n{log.read_text()}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert f"serving {len(layers.catalog())} layers" in log.read_text()


def geojson_export(layer_id: str, folder: Path) -> gpd.GeoDataFrame:
    name, content = next(iter(export_files({layer_id: layers.load(layer_id)}, "geojson").items()))
    path = folder / name
    path.write_bytes(content)
    return pyogrio.read_dataframe(path)


def test_ogrinfo_lists_every_layer_as_a_collection(server, ogrinfo):
    out = subprocess.run([ogrinfo, "-ro", f"OAPIF:{server}"], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    listed = {line.split(": ", 1)[1].split(" ")[0] for line in out.splitlines()
              if line[:1].isdigit() and ": " in line}
    assert listed == {e.id for e in layers.catalog()}


@pytest.mark.parametrize("layer_id", [e.id for e in layers.catalog()])
def test_collection_reads_as_the_geojson_export(server, layer_id, tmp_path, ogrinfo):
    expected = geojson_export(layer_id, tmp_path)
    info = subprocess.run([ogrinfo, "-ro", "-so", f"OAPIF:{server}", layer_id],
                          capture_output=True, text=True, check=True, timeout=120).stdout
    assert f"Feature Count: {len(expected)}" in info
    served = pyogrio.read_dataframe(f"OAPIF:{server}", layer=layer_id)
    assert list(served["id"]) == list(expected["id"])
    columns = [c for c in expected.columns if c != "geometry"]
    assert set(columns) <= set(served.columns)
    pd.testing.assert_frame_equal(
        served[columns].astype(object).where(served[columns].notna(), None),
        expected[columns].astype(object).where(expected[columns].notna(), None),
        check_dtype=False)
    assert all(a.equals_exact(b, 1e-7) for a, b in zip(served.geometry, expected.geometry,
                                                        strict=True))


def test_bbox_returns_the_features_meeting_the_box(server):
    box = (121.45, 31.0, 121.75, 31.3)  # Pudong and the centre
    parks = layers.load("parks")
    expected = set(parks.index[parks.intersects(shapely.box(*box))])
    assert 0 < len(expected) < len(parks)
    bbox = ",".join(str(v) for v in box)
    doc = get_json(f"{server}/collections/parks/items?f=json&limit=1000&bbox={bbox}")
    assert {f["properties"]["id"] for f in doc["features"]} == expected
    assert doc["numberMatched"] == len(expected)
    through_gdal = pyogrio.read_dataframe(f"OAPIF:{server}", layer="parks", bbox=box)
    assert set(through_gdal["id"]) == expected


def test_service_is_read_only(server):
    request = urllib.request.Request(f"{server}/collections/poles/items", method="POST",
                                     data=b'{"type":"Feature","properties":{},"geometry":null}',
                                     headers={"Content-Type": "application/geo+json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=20)
    assert err.value.code in (400, 405)
    assert len(get_json(f"{server}/collections/poles/items?f=json")["features"]) == \
        len(layers.load("poles"))


@pytest.mark.subprocess
def test_a_firm_list_is_served_beside_chosen_layers(tmp_path):
    """`shmap serve poles --firms FILE`: two collections, the firms' accepted rows."""
    from firms.intake import import_firm_list
    from layers.settings import DATA_DIR

    firm_file = DATA_DIR / "firms" / "institutions_named_in_seeds.csv"
    accepted = import_firm_list(firm_file).accepted
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "poles", "--firms",
                             str(firm_file), "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                collections = get_json(f"{url}/collections?f=json")["collections"]
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.5)
        assert {c["id"] for c in collections} == {"poles", "firms"}
        served = pyogrio.read_dataframe(f"OAPIF:{url}", layer="firms")
        assert sorted(served["row"]) == sorted(accepted["row"])
        assert set(served["name"]) == set(accepted["name"])
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_taken_port_is_one_clear_error(run_cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "poles", "--port", port)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0]
