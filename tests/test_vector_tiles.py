"""`shmap export … -o layers.pmtiles`: the layers as Mapbox Vector Tiles in one PMTiles
archive (GDAL's PMTiles driver), for web GIS clients: every layer present in the
tiles, the licence in the archive's metadata, WGS84 only."""

import subprocess
import sys

import pyogrio
import pytest

import layers

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

LAYER_IDS = ["districts", "poles", "axes", "g60_cities", "parks"]


def shmap(*args):
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True,
                          text=True, timeout=600)


def test_every_layer_is_in_the_tiles_with_the_licence(tmp_path):
    out = tmp_path / "layers.pmtiles"
    result = shmap("export", *LAYER_IDS, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["layers.pmtiles"]  # no styles beside tiles
    info = pyogrio.read_info(out, layer="layers")
    meta = info["dataset_metadata"]
    assert "Open Database License" in meta["description"] and "OpenStreetMap" in meta["description"]
    assert (meta["minzoom"], meta["maxzoom"]) == ("7", "14")
    tiles = pyogrio.read_dataframe(out, layer="layers")  # the most detailed zoom
    for layer_id in LAYER_IDS:
        ids = set(tiles.loc[tiles["layer"] == layer_id, "id"])
        assert ids == set(layers.load(layer_id)["id"]), layer_id


def test_obfuscated_datums_are_refused_for_tiles(tmp_path):
    result = shmap("export", "poles", "--datum", "gcj02", "-o", str(tmp_path / "p.pmtiles"))
    assert result.returncode == 2
    assert "vector tiles are WGS84" in result.stderr and not list(tmp_path.iterdir())
