"""Named places of Shanghai for firm placement, built from the base data.

Shanghai's outline (its districts and 小洋山 of 临港新片区, plus a 1 km margin) is
stored in ``data/shanghai_outline.geojson`` rather than rebuilt by every process
(a union and a metric buffer of the OSM districts); :func:`build_shanghai_outline`
makes it and ``python -m firms.intake.places`` rewrites the file and its provenance entry.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import cast

import shapely
from shapely.geometry.base import BaseGeometry

import layers
from firms.intake.importer import Places
from firms.intake.messages import Said, said
from geo.cover import CoverGrid
from geo.datum import DATUMS
from geo.metric import area_km2, buffer_m
from layers.io import base_units
from layers.provenance import derived_entry, read_provenance, write_provenance
from layers.settings import DATA_DIR

__all__ = ["OUTLINE_FILE", "SHANGHAI_MARGIN_M", "build_shanghai_outline", "shanghai_outline",
           "shanghai_places", "write_shanghai_outline"]

#: Firms must fall within the districts plus this margin (coastline and datum slop).
SHANGHAI_MARGIN_M = 1000.0
OUTLINE_FILE = DATA_DIR / "shanghai_outline.geojson"
OUTLINE_SOURCE = ("derived by firms/intake/places.py build_shanghai_outline: union of the 16 districts "
                  "of base/districts_osm.geojson and the lingang_yangshan feature of "
                  "layers/poles.geojson, buffered 1 km in EPSG:32651 (quad_segs=4)")


def _equal_area_radius_m(geom: BaseGeometry) -> float:
    return round(math.sqrt(float(area_km2(geom)) * 1e6 / math.pi), -1)


def build_shanghai_outline() -> BaseGeometry:
    """Shanghai's districts and 小洋山 of 临港新片区 (it lies in Zhejiang's 嵊泗县, but
    firms there count), plus a 1 km margin; EPSG:4326."""
    yangshan = cast(BaseGeometry, layers.load("poles").loc["lingang_yangshan", "geometry"])
    outline: BaseGeometry = buffer_m(
        shapely.union_all([*base_units().districts.values(), yangshan]), SHANGHAI_MARGIN_M,
        quad_segs=4)
    return outline


def write_shanghai_outline(path: Path = OUTLINE_FILE) -> None:
    """Write the outline as a one-feature GeoJSON and record it in data/provenance.json."""
    outline = build_shanghai_outline()
    doc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"what": "Shanghai outline for the firm import",
                                          "margin_m": SHANGHAI_MARGIN_M},
        "geometry": json.loads(shapely.to_geojson(outline))}]}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    entries = read_provenance()
    entries[path.relative_to(DATA_DIR).as_posix()] = derived_entry(
        path, OUTLINE_SOURCE, precision="that of the OSM district boundaries (tens of metres) "
                                        "plus the 1 km margin")
    write_provenance(entries)


@cache
def shanghai_outline() -> BaseGeometry:
    """The stored outline (EPSG:4326)."""
    doc = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))
    return shapely.geometry.shape(doc["features"][0]["geometry"])


@cache
def shanghai_places() -> Places:
    """Towns and districts with representative points and a precision (the radius
    of a circle of the unit's area, metres), and Shanghai's outline
    (:func:`shanghai_outline`) with its cover grid."""
    base = base_units()
    towns = {n: (g.representative_point(), _equal_area_radius_m(g)) for n, g in base.towns.items()}
    districts = {n: (g.representative_point(), _equal_area_radius_m(g))
                 for n, g in base.districts.items()}
    aliases = {n: n for n in districts}
    aliases.update({n.removesuffix("新区").removesuffix("区"): n for n in districts})
    outline = shanghai_outline()
    return Places(towns=towns, districts=districts, district_aliases=aliases, shanghai=outline,
                  grid=CoverGrid.build(outline))


@cache
def placement_messages() -> dict[str, Said]:
    """Every placement text an import can write (coordinates in each datum, each 街道/镇
    and 区 of :func:`shanghai_places`) → its :class:`Said`, so a screen words a firm's
    placement by its exact text."""
    places = shanghai_places()
    made = [said("placed_wgs84"), *(said("placed_converted", datum=d) for d in DATUMS),
            *(said("placed_town", unit=n) for n in places.towns),
            *(said("placed_district", unit=n) for n in places.districts)]
    return {str(m): m for m in made}


if __name__ == "__main__":
    write_shanghai_outline()
    print(f"wrote {OUTLINE_FILE}")
