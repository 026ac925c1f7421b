"""WGS84 ⇄ GCJ-02 ⇄ BD-09: golden values, round trips, behaviour outside China."""

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, Polygon

from geo import datum
from geo.metric import distance_m


def test_golden_value_wgs84_to_gcj02():
    lon, lat = datum.wgs84_to_gcj02(116.391, 39.907)
    assert round(lon, 6) == 116.397241
    assert round(lat, 6) == 39.908401


def test_offset_in_shanghai_is_hundreds_of_metres():
    lon, lat = datum.wgs84_to_gcj02(121.4737, 31.2304)
    offset = distance_m(Point(121.4737, 31.2304), Point(lon, lat))
    assert 300 < offset < 700


@pytest.mark.parametrize(("src", "dst"), [("wgs84", "gcj02"), ("wgs84", "bd09"), ("gcj02", "bd09")])
def test_round_trip_error_below_one_centimetre(src, dst):
    rng = np.random.default_rng(7)
    lon = rng.uniform(120.85, 122.0, 20_000)
    lat = rng.uniform(30.68, 31.87, 20_000)
    x, y = datum.convert(lon, lat, src, dst)
    back_x, back_y = datum.convert(x, y, dst, src)
    # 1 cm is about 1e-7 degrees; demand a hundred times better.
    assert np.abs(back_x - lon).max() < 1e-9
    assert np.abs(back_y - lat).max() < 1e-9


def test_inverse_is_iterative_not_one_step():
    """A one-step inverse (subtracting the offset at the GCJ point) errs by metres."""
    g = datum.wgs84_to_gcj02(121.5, 31.2)
    one_step = (2 * g[0] - datum.wgs84_to_gcj02(*g)[0], 2 * g[1] - datum.wgs84_to_gcj02(*g)[1])
    exact = datum.gcj02_to_wgs84(*g)
    assert distance_m(Point(one_step), Point(121.5, 31.2)) > 0.01
    assert distance_m(Point(exact), Point(121.5, 31.2)) < 1e-4


def test_outside_china_gcj02_is_wgs84():
    assert datum.wgs84_to_gcj02(2.3522, 48.8566) == (2.3522, 48.8566)  # Paris
    assert datum.gcj02_to_wgs84(-74.006, 40.7128) == (-74.006, 40.7128)  # New York
    assert not datum.in_china_box(2.35, 48.86)
    assert datum.in_china_box(121.47, 31.23)


def test_bd09_still_offsets_outside_china():
    lon, lat = datum.wgs84_to_bd09(2.3522, 48.8566)
    assert (lon, lat) != (2.3522, 48.8566)
    assert np.allclose(datum.bd09_to_wgs84(lon, lat), (2.3522, 48.8566), atol=1e-9)


def test_frame_conversion_copies_and_records_datum():
    poly = Polygon([(121.4, 31.2), (121.5, 31.2), (121.5, 31.3), (121.4, 31.2)])
    gdf = gpd.GeoDataFrame({"name": ["张江"]}, geometry=[poly], crs="EPSG:4326")
    before = gdf.geometry.iloc[0].wkt
    moved = datum.convert_frame(gdf, "wgs84", "gcj02")
    assert gdf.geometry.iloc[0].wkt == before
    assert moved.attrs["datum"] == "gcj02"
    x0, y0 = moved.geometry.iloc[0].exterior.coords[0]
    assert (x0, y0) == pytest.approx(datum.wgs84_to_gcj02(121.4, 31.2))
    back = datum.convert_frame(moved, "gcj02", "wgs84")
    assert back.geometry.iloc[0].equals_exact(poly, tolerance=1e-9)


def test_frame_conversion_refuses_projected_frames():
    gdf = gpd.GeoDataFrame(geometry=[Point(350000, 3450000)], crs="EPSG:32651")
    with pytest.raises(ValueError, match="EPSG:4326"):
        datum.convert_frame(gdf, "wgs84", "gcj02")


@pytest.mark.parametrize(("name", "expected"), [("GCJ-02", "gcj02"), ("wgs84", "wgs84"),
                                                ("BD09", "bd09"), ("高德", "gcj02")])
def test_datum_names(name, expected):
    assert datum.parse_datum(name) == expected


def test_unknown_datum_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown datum 'beijing54'"):
        datum.parse_datum("beijing54")


@pytest.mark.parametrize("name", ["CGCS2000", "cgcs-2000", "EPSG:4490", "EPSG:4326", "epsg 4326",
                                  "4490", "国家2000"])
def test_cgcs2000_and_epsg_codes_are_wgs84_within_the_projects_precision(name):
    assert datum.parse_datum(name) == "wgs84"


def test_parse_datums_agrees_with_parse_datum_name_by_name():
    names = ["WGS84", "GCJ-02", "bd09", " 火星 ", "EPSG:4490", "cgcs_2000", "ED50", "", "gcj 02",
             "百度", "epsg：4326", "junk"]
    expected = []
    for name in names:
        try:
            expected.append(datum.parse_datum(name))
        except ValueError:
            expected.append("")
    assert list(datum.parse_datums(names)) == expected
