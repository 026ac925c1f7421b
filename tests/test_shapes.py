"""Geometry recipes build what they say, in metres, and explain themselves."""

import math

import pytest
import shapely
from shapely.geometry import Point

from geo.errors import RecipeError
from geo.metric import area_km2, buffer_m, length_km
from geo.shapes import BaseUnits, build_geometry, describe
from layers.io import base_units


def no_refs(ref):
    raise AssertionError(f"unexpected ref {ref}")


@pytest.fixture(scope="module")
def base() -> BaseUnits:
    return base_units()


def test_towns_recipe_is_the_union_of_osm_units(base):
    geom = build_geometry({"towns": ["张江镇", "康桥镇"]}, base, no_refs)
    expected = area_km2(base.towns["张江镇"]) + area_km2(base.towns["康桥镇"])
    assert area_km2(geom) == pytest.approx(expected, rel=1e-3)


def test_disc_of_published_area_has_that_area(base):
    geom = build_geometry({"point": "station:张江高科", "area_km2": 5.0}, base, no_refs)
    assert area_km2(geom) == pytest.approx(5.0, rel=0.01)
    assert geom.contains(base.stations["张江高科"])


def test_buffer_is_in_metres_not_degrees():
    line = shapely.LineString([(121.2, 31.0), (121.3, 31.0)])
    corridor = buffer_m(line, 1000)
    # 0.1° of longitude at 31°N is about 9.54 km; a 1 km buffer each side adds 2 km width.
    assert area_km2(corridor) == pytest.approx(length_km(line) * 2 + math.pi, rel=0.02)


def test_clip_to_district_keeps_shape_inside(base):
    geom = build_geometry({"point": [121.45, 31.28], "radius_m": 3000, "clip_to": ["静安区"]},
                          base, no_refs)
    assert base.districts["静安区"].buffer(1e-9).contains(geom)


def test_unknown_names_are_errors(base):
    with pytest.raises(RecipeError, match="unknown 街道/镇: 不存在镇"):
        build_geometry({"towns": ["不存在镇"]}, base, no_refs)
    with pytest.raises(RecipeError, match="unknown metro station"):
        build_geometry({"point": "station:火星"}, base, no_refs)
    with pytest.raises(RecipeError, match="exactly one of"):
        build_geometry({"towns": ["张江镇"], "districts": ["浦东新区"]}, base, no_refs)
    with pytest.raises(RecipeError, match="unknown recipe keys: radius"):
        build_geometry({"point": [121.4, 31.2], "radius": 3}, base, no_refs)


def test_refs_are_resolved_by_the_caller(base):
    target = Point(121.5, 31.2).buffer(0.01)
    assert build_geometry({"ref": "x/y"}, base, lambda ref: target).equals(target)


def test_description_names_the_construction():
    text = describe({"line": ["station:莘庄", [121.3, 31.1]], "buffer_m": 3000,
                     "clip_to": ["松江区"]})
    assert text == ("polyline through 2 points (1 at metro stations), buffered 3 km each side; "
                    "clipped to 松江区")
