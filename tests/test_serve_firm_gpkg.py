"""`shmap serve --firms firms.gpkg` serves a firm GeoPackage `shmap firms import` wrote as
it is, read-only: GDAL's OAPIF driver reads the same typed fields, bbox queries answer
exactly what the same list imported at start answers (firms on a box's edge included),
one firm comes by its id, and a GeoPackage the tool did not write as a firm list is
refused with one clear line. The provider's bbox needs nothing beyond GDAL's R-tree."""

import hashlib
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from serving import get, get_json, ogr_fields, qichacha_csv, serving

from firms.synth import write_synthetic

pytestmark = [pytest.mark.loopback, pytest.mark.subprocess]


def shmap(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def imported(source: Path) -> Path:
    out = source.with_suffix(".gpkg")
    result = shmap("firms", "import", source, "-o", out)
    assert result.returncode == 0, result.stderr
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    """A 企查查-shaped export and 2,000 synthetic firms, each as its CSV and as the
    GeoPackage `shmap firms import` made of it."""
    folder = tmp_path_factory.mktemp("firm_lists")
    csvs = {"qichacha": qichacha_csv(folder / "企查查导出.csv"),
            "synthetic": write_synthetic(2000, 7, folder)}
    return {name: (csv, imported(csv)) for name, csv in csvs.items()}


@pytest.fixture(scope="module")
def both(lists):
    """The synthetic list served twice at once: imported at start from its CSV, and from
    its GeoPackage as it is; the GeoPackage's digest before serving."""
    csv, gpkg = lists["synthetic"]
    before = digest(gpkg)
    with serving("poles", "--firms", str(csv)) as from_csv, \
            serving("poles", "--firms", str(gpkg)) as from_gpkg:
        yield from_csv, from_gpkg, before


def test_the_imported_geopackage_has_what_the_service_needs(lists, ogrinfo):
    _, gpkg = lists["qichacha"]
    out = subprocess.run([ogrinfo, "-ro", str(gpkg), "-sql",
                          "SELECT HasSpatialIndex('firms', 'geom')"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    assert "= 1" in out.split("OGRFeature")[-1]
    with closing(sqlite3.connect(gpkg)) as con:
        indexed = [con.execute(f'PRAGMA index_info("{name}")').fetchone()[2]
                   for _, name, *_ in con.execute("PRAGMA index_list(firms)")]
    assert indexed == ["row"]


def test_typed_fields_read_as_the_list_imported_at_start(lists, ogrinfo):
    csv, gpkg = lists["qichacha"]
    with serving("poles", "--firms", str(csv)) as url:
        at_start = ogr_fields(ogrinfo, url, "firms")
    with serving("poles", "--firms", str(gpkg)) as url:
        as_is = ogr_fields(ogrinfo, url, "firms")
        served = pyogrio.read_dataframe(f"OAPIF:{url}", layer="firms")
    assert as_is == at_start
    assert as_is["uscc_valid"] == "Integer(Boolean)" and as_is["founded"] == "Date"
    assert as_is["registered_capital"] == "Real" and as_is["row"] == "Integer64"
    written = gpd.read_file(gpkg)
    assert sorted(served["row"]) == sorted(written["row"])


def edge_boxes(gpkg: Path) -> list[tuple[float, float, float, float]]:
    """Boxes whose edges run through firms' own coordinates, and a district."""
    firms = gpd.read_file(gpkg)
    lon, lat = firms["lon"].to_numpy(), firms["lat"].to_numpy()
    boxes = [(121.50, 31.15, 121.65, 31.30)]
    for i, j in ((3, 11), (40, 977), (512, 1500)):
        x0, x1 = sorted((lon[i], lon[j]))
        y0, y1 = sorted((lat[i], lat[j]))
        boxes.append((float(x0), float(y0), float(x1), float(y1)))
    return boxes


def test_bbox_answers_equal_those_of_the_list_imported_at_start(both, lists):
    from_csv, from_gpkg, _ = both
    _, gpkg = lists["synthetic"]
    firms = gpd.read_file(gpkg)
    for box in edge_boxes(gpkg):
        inside = firms[firms["lon"].between(box[0], box[2]) & firms["lat"].between(box[1], box[3])]
        assert 0 < len(inside) < len(firms)
        bbox = ",".join(repr(v) for v in box)
        pages = [get_json(f"{u}/collections/firms/items?f=json&limit=5000&bbox={bbox}")
                 for u in (from_csv, from_gpkg)]
        assert pages[0]["numberMatched"] == pages[1]["numberMatched"] == len(inside)
        assert [f["id"] for f in pages[1]["features"]] == sorted(inside["row"])
        assert [f["properties"] for f in pages[1]["features"]] == \
            [f["properties"] for f in pages[0]["features"]]
        coords = [np.array([f["geometry"]["coordinates"] for f in p["features"]])
                  for p in pages]
        np.testing.assert_allclose(coords[1], coords[0], rtol=0, atol=1e-7)
        filtered = [get_json(f"{u}/collections/firms/items?f=json&limit=5000&bbox={bbox}"
                             f"&sector=ai") for u in (from_csv, from_gpkg)]
        assert [f["id"] for f in filtered[1]["features"]] == \
            [f["id"] for f in filtered[0]["features"]]


def test_one_firm_by_its_id_and_a_missing_one_is_404(both):
    from_csv, from_gpkg, _ = both
    firm = get_json(f"{from_gpkg}/collections/firms/items/1234?f=json")
    assert firm["id"] == 1234 and firm["properties"]["row"] == 1234
    assert firm["properties"] == get_json(f"{from_csv}/collections/firms/items/1234?f=json")[
        "properties"]
    assert get(f"{from_gpkg}/collections/firms/items/999999?f=json")[0] == 404


def test_the_served_geopackage_is_left_as_it_was(both, lists):
    _, from_gpkg, before = both
    get_json(f"{from_gpkg}/collections/firms/items?f=json&limit=100")
    assert digest(lists["synthetic"][1]) == before


@pytest.mark.parametrize("kind", ["a layer export", "not a GeoPackage", "another tool's"])
def test_a_geopackage_that_is_not_an_imported_firm_list_is_refused(kind, tmp_path, lists):
    path = tmp_path / "firms.gpkg"
    if kind == "a layer export":
        assert shmap("export", "poles", "-o", path).returncode == 0
    elif kind == "not a GeoPackage":
        path.write_text("企业名称,经度,纬度\n", encoding="utf-8")
    else:  # the same points written by GDAL without the firm list's description
        gpd.read_file(lists["qichacha"][1]).to_file(path, layer="firms", engine="pyogrio")
    before = digest(path)
    result = shmap("serve", "poles", "--firms", path, "--port", 1)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not a firm list written by `shmap firms import`" in lines[0]
    assert "shmap firms import FILE -o firms.gpkg" in lines[0]
    assert digest(path) == before


def test_an_earlier_import_without_the_id_index_is_served_with_a_note(lists, tmp_path):
    older = tmp_path / "older.gpkg"
    older.write_bytes(lists["qichacha"][1].read_bytes())
    with closing(sqlite3.connect(older)) as con, con:
        con.execute("DROP INDEX firms_row_idx")
    printed: list[str] = []
    with serving("poles", "--firms", str(older), output=printed) as url:
        assert get_json(f"{url}/collections/firms/items/3?f=json")["id"] == 3
    assert "has no index on `row`" in printed[0]


def test_points_astride_the_rtree_box_edge_are_decided_on_their_own_coordinates(tmp_path):
    """R-tree boxes are float32: points a hair either side of a bbox edge share a box
    that straddles it; the answer follows their float64 coordinates."""
    from cli.gpkg_provider import IndexedGPKGProvider
    from layers.formats import write_gpkg

    edge = 121.61
    xs = [edge - 1e-9, edge, edge + 1e-9, np.nextafter(edge, 0), np.nextafter(edge, 200),
          121.6, 121.62]
    frame = gpd.GeoDataFrame({"row": range(1, len(xs) + 1)},
                             geometry=shapely.points(xs, [31.2] * len(xs)), crs=4326)
    path = tmp_path / "edge.gpkg"
    write_gpkg({"firms": frame}, path)
    provider = IndexedGPKGProvider({"name": "x", "type": "feature", "data": str(path),
                                    "table": "firms", "id_field": "row"})
    expected = [r for r, x in zip(frame["row"], xs, strict=True) if 121.5 <= x <= edge]
    assert len(expected) == 4
    page = provider.query(limit=100, bbox=[121.5, 31.0, edge, 31.3])
    assert [f["id"] for f in page["features"]] == expected == list(range(1, 3)) + [4, 6]
    assert page["numberMatched"] == 4
    filtered = provider.query(limit=100, bbox=[121.5, 31.0, edge, 31.3],
                              properties=[("row", "2")])
    assert [f["id"] for f in filtered["features"]] == [2]
    above = provider.query(limit=100, bbox=[edge, 31.0, 121.7, 31.3], resulttype="hits")
    assert above["numberMatched"] == 4
