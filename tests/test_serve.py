"""`shmap serve` is an OGC API – Features service a real client reads: GDAL's OAPIF
driver lists every collection, reads the same features and attributes as the GeoJSON
export with numbers typed as numbers; bbox and property filters select what they say;
the service claims only the conformance classes it implements. Each holds for both
backends: the GeoPackage the service writes, and a PostGIS database `shmap export
--postgis` filled (`shmap serve --postgis URL`)."""

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from postgis_server import postgis_with_layers
from serving import get, get_json, ogr_fields, qichacha_csv, serving

import layers
from layers.exporting import export_files
from layers.fieldtypes import OGR_TYPES, field_type
from layers.schema import COLUMNS

pytestmark = pytest.mark.loopback

PART = "http://www.opengis.net/spec/ogcapi-features-{}/1.0/conf/{}"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"


@pytest.fixture(scope="module", params=[
    "gpkg", pytest.param("postgis", marks=[pytest.mark.slow, pytest.mark.subprocess])])
def server(request):
    """`shmap serve` of every layer on a free loopback port, stopped at the end: from its
    own GeoPackage, or from a real PostGIS on loopback that `shmap export` filled."""
    if request.param == "gpkg":
        with serving() as url:
            yield url
        return
    with postgis_with_layers([e.id for e in layers.catalog()]) as database, \
            serving("--postgis", database) as url:
        yield url


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
def test_collection_reads_as_the_geojson_export_with_typed_fields(server, layer_id, tmp_path,
                                                                  ogrinfo):
    expected = geojson_export(layer_id, tmp_path)
    fields = ogr_fields(ogrinfo, server, layer_id)
    want = {c: OGR_TYPES[field_type(c)] for c in COLUMNS}
    assert {c: fields[c] for c in COLUMNS} == want  # Real is Real even where all null
    served = pyogrio.read_dataframe(f"OAPIF:{server}", layer=layer_id)
    assert list(served["id"]) == list(expected["id"])
    columns = [c for c in expected.columns if c != "geometry"]
    pd.testing.assert_frame_equal(
        served[columns].astype(object).where(served[columns].notna(), None),
        expected[columns].astype(object).where(expected[columns].notna(), None),
        check_dtype=False)
    assert all(multi(a).equals_exact(multi(b), 1e-7)
               for a, b in zip(served.geometry, expected.geometry, strict=True))


def multi(geom):
    """The geometry as its multi-part type (a GeoPackage table promotes mixed layers)."""
    kinds = {"Polygon": shapely.MultiPolygon, "LineString": shapely.MultiLineString,
             "Point": shapely.MultiPoint}
    return kinds[geom.geom_type]([geom]) if geom.geom_type in kinds else geom


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


@pytest.mark.parametrize(("layer_id", "query", "keep"), [
    ("biomed_1_5_x", "approximate=true", lambda g: g["approximate"]),
    ("biomed_1_5_x", "approximate=false", lambda g: ~g["approximate"]),
    ("parks", "precision_m=1500", lambda g: g["precision_m"] == 1500),
    ("parks", "basis=secondary", lambda g: g["basis"] == "secondary"),
])
def test_property_filters_compare_typed_values(server, layer_id, query, keep):
    frame = layers.load(layer_id)
    expected = set(frame.index[keep(frame)])
    assert 0 < len(expected) < len(frame), "the filter must select some, not all"
    doc = get_json(f"{server}/collections/{layer_id}/items?f=json&limit=1000&{query}")
    assert {f["id"] for f in doc["features"]} == expected
    assert doc["numberMatched"] == len(expected)


@pytest.mark.parametrize(("field", "descending"), [("official_area_km2", False),
                                                   ("official_area_km2", True),
                                                   ("name_zh", False)])
def test_sortby_orders_nulls_lowest_then_by_the_layers_order(server, field, descending):
    """The same order from either backend: nulls first (last when descending), text by
    code point, ties in the layer's own order."""
    parks = layers.load("parks")
    values = [None if pd.isna(v) else v for v in parks[field]]
    assert None in values or field == "name_zh"
    nulls = [i for i, v in enumerate(values) if v is None]
    rest = sorted((i for i, v in enumerate(values) if v is not None),
                  key=lambda i: values[i], reverse=descending)  # stable: ties in layer order
    rank = rest + nulls if descending else nulls + rest
    doc = get_json(f"{server}/collections/parks/items?f=json&limit=1000&skipGeometry=true"
                   f"&sortby={'-' if descending else ''}{field}")
    assert [f["id"] for f in doc["features"]] == [parks.index[i] for i in rank]


@pytest.mark.parametrize("query", ["foo=bar", "filter=name_zh%3D%27x%27", "q=park",
                                   "precision_m=abc", "approximate=maybe", "sortby=nosuch"])
def test_unknown_or_invalid_parameters_are_refused_with_400(server, query):
    status, headers, body = get(f"{server}/collections/parks/items?f=json&{query}")
    assert status == 400, (query, body[:200])
    assert json.loads(body)["code"]


def test_items_are_geojson_by_media_type(server):
    status, headers, body = get(f"{server}/collections/poles/items?limit=2",
                                headers={"Accept": "application/geo+json"})
    assert status == 200 and headers["Content-Type"] == "application/geo+json"
    assert json.loads(body)["type"] == "FeatureCollection"
    _, headers, _ = get(f"{server}/collections/poles/items/pole_zhangjiang?f=json")
    assert headers["Content-Type"] == "application/geo+json"
    assert "max-age" in headers["Cache-Control"]


def test_conformance_lists_only_what_is_implemented(server):
    declared = set(get_json(f"{server}/conformance?f=json")["conformsTo"])
    assert not any("ogcapi-features-4" in c or "ogcapi-features-5" in c for c in declared)
    assert {PART.format(1, "core"), PART.format(1, "geojson"), PART.format(2, "crs"),
            PART.format(3, "queryables")} <= declared


def test_part2_crs_and_bbox_crs_really_work(server):
    """Each CRS declared in `crs` reprojects the answer; `bbox-crs` reads the box in it."""
    collection = get_json(f"{server}/collections/poles?f=json")
    assert {EPSG.format(c) for c in (4326, 4490, 3857)} <= set(collection["crs"])
    status, headers, body = get(f"{server}/collections/poles/items/pole_zhangjiang?f=json"
                                f"&crs={EPSG.format(3857)}")
    assert status == 200 and headers["Content-Crs"] == f"<{EPSG.format(3857)}>"
    x, y = shapely.geometry.shape(json.loads(body)["geometry"]).centroid.coords[0]
    assert 1.34e7 < x < 1.36e7 and 3.6e6 < y < 3.7e6  # metres, Web Mercator
    status, _, body = get(f"{server}/collections/poles/items/pole_zhangjiang?f=json"
                          f"&crs={EPSG.format(4326)}")
    lat, lon = shapely.geometry.shape(json.loads(body)["geometry"]).centroid.coords[0]
    assert 30 < lat < 32 and 121 < lon < 122  # EPSG:4326 is latitude first
    box = (121.45, 31.0, 121.75, 31.3)
    degrees = get_json(f"{server}/collections/parks/items?f=json&limit=1000&bbox="
                       + ",".join(map(str, box)))
    import pyproj

    t = pyproj.Transformer.from_crs(4326, 3857, always_xy=True)
    x0, y0 = t.transform(box[0], box[1])
    x1, y1 = t.transform(box[2], box[3])
    metres = get_json(f"{server}/collections/parks/items?f=json&limit=1000&bbox={x0},{y0},"
                      f"{x1},{y1}&bbox-crs={EPSG.format(3857)}")
    assert {f["id"] for f in metres["features"]} == {f["id"] for f in degrees["features"]}


def test_queryables_are_typed(server):
    props = get_json(f"{server}/collections/parks/queryables?f=json")["properties"]
    assert props["approximate"]["type"] == "boolean"
    assert props["precision_m"]["type"] == "number" and props["area_km2"]["type"] == "number"
    assert props["name_zh"]["type"] == "string"


def test_openapi_resolves_without_the_internet(server):
    text = get(f"{server}/openapi?f=json")[2].decode()
    doc = json.loads(text)
    refs = re.findall(r'"\$ref":\s*"([^"]+)"', text)
    assert refs and all(r.startswith("#/") for r in refs)
    for ref in set(refs):  # each points at something in the document
        node = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]


def test_html_pages_ask_nothing_of_other_hosts(server):
    for path in ("", "/collections", "/collections/parks", "/collections/parks/items",
                 "/collections/parks/items/park_zizhu_hitech_zone", "/conformance", "/openapi"):
        status, headers, body = get(f"{server}{path}?f=html")
        assert status == 200, path
        html = body.decode()
        loaded = re.findall(r'<(?:script|img|iframe)\b[^>]*\ssrc="([^"]*)"', html) + \
            re.findall(r'<link\b[^>]*\shref="([^"]*)"[^>]*>', html)
        assert all(u.startswith((server, "/")) or not u.startswith(("http", "//"))
                   for u in loaded), (path, loaded)
        assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_service_is_read_only(server):
    import urllib.request

    request = urllib.request.Request(f"{server}/collections/poles/items", method="POST",
                                     data=b'{"type":"Feature","properties":{},"geometry":null}',
                                     headers={"Content-Type": "application/geo+json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=20)
    assert err.value.code == 405
    assert len(get_json(f"{server}/collections/poles/items?f=json")["features"]) == \
        len(layers.load("poles"))


@pytest.mark.subprocess
def test_a_firm_list_is_served_typed_beside_chosen_layers(tmp_path, ogrinfo):
    """`shmap serve poles --firms FILE`: two collections; the list's own numbers and dates
    typed; `uscc_valid` boolean."""
    from firms.intake import import_firm_list

    firm_file = qichacha_csv(tmp_path / "企查查导出.csv")
    accepted = import_firm_list(firm_file).accepted
    with serving("poles", "--firms", str(firm_file)) as url:
        collections = get_json(f"{url}/collections?f=json")["collections"]
        assert {c["id"] for c in collections} == {"poles", "firms"}
        fields = ogr_fields(ogrinfo, url, "firms")
        assert fields["uscc_valid"] == "Integer(Boolean)"
        assert fields["registered_capital"] == "Real" and fields["employees"] == "Real"
        assert fields["founded"] == "Date" and fields["lon"] == "Real"
        served = pyogrio.read_dataframe(f"OAPIF:{url}", layer="firms")
        assert sorted(served["row"]) == sorted(accepted["row"])
        assert set(served["name"]) == set(accepted["name"])
        box = (121.55, 31.15, 121.61, 31.25)  # Zhangjiang; the firm at 121.61 on its edge counts
        inside = accepted[accepted["lon"].between(box[0], box[2])
                          & accepted["lat"].between(box[1], box[3])]
        assert 0 < len(inside) < len(accepted)
        page = get_json(f"{url}/collections/firms/items?f=json&limit=2&bbox="
                        + ",".join(map(str, box)))
        assert page["numberMatched"] == len(inside)
        assert [f["id"] for f in page["features"]] == sorted(inside["row"])[:2]
        invalid = get_json(f"{url}/collections/firms/items?f=json&uscc_valid=false")
        assert [f["properties"]["uscc"] for f in invalid["features"]] == ["913101150000000000"]


def test_firms_beyond_loopback_need_a_token(tmp_path):
    firm_file = qichacha_csv(tmp_path / "firms.csv")
    result = subprocess.run([sys.executable, "-m", "cli.main", "serve", "poles", "--firms",
                             str(firm_file), "--host", "0.0.0.0", "--port", "1"],
                            capture_output=True, text=True, timeout=120,
                            env={k: v for k, v in __import__("os").environ.items()
                                 if k != "SHMAP_SERVE_TOKEN"})
    assert result.returncode == 2
    assert "needs an access token" in result.stderr.strip().splitlines()[-1]


def test_a_token_guards_the_firms_and_cors_is_as_configured(tmp_path, ogrinfo):
    token = "s3cret-token-for-tests"
    firm_file = qichacha_csv(tmp_path / "firms.csv")
    with serving("poles", "--firms", str(firm_file), "--cors", "https://gis.example",
                 env={"SHMAP_SERVE_TOKEN": token}) as url:
        status, headers, _ = get(f"{url}/collections/firms/items?f=json")
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert get(f"{url}/collections/firms/items?f=json",
                   headers={"Authorization": "Bearer wrong-token-wrong"})[0] == 401
        status, headers, _ = get(f"{url}/collections/firms/items?f=json",
                                 headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and headers["Cache-Control"] == "private, no-store"
        through_gdal = subprocess.run(  # GDAL sends the token as the docs say
            [ogrinfo, "-ro", "-so", "--config", "GDAL_HTTP_HEADERS",
             f"Authorization: Bearer {token}", f"OAPIF:{url}", "firms"],
            capture_output=True, text=True, timeout=120)
        assert "Feature Count: 6" in through_gdal.stdout, through_gdal.stderr
        status, headers, _ = get(f"{url}/collections/poles/items?f=json",
                                 headers={"Origin": "https://gis.example"})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://gis.example"
        _, headers, _ = get(f"{url}/collections/poles/items?f=json",
                            headers={"Origin": "https://other.example"})
        assert "Access-Control-Allow-Origin" not in headers


def test_a_taken_port_is_one_clear_error(run_cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "poles", "--port", port)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0]
