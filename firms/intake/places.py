"""Named places of Shanghai for firm placement, built from the base data.

Shanghai's outline (its districts and 小洋山 of 临港新片区, plus a 1 km margin) is
stored in ``data/shanghai_outline.geojson`` rather than rebuilt by every process
(a union and a metric buffer of the OSM districts); :func:`build_shanghai_outline`
makes it and ``python -m firms.intake.places`` rewrites the file and its provenance entry.
"""

from __future__ import annotations

import csv
import json
import math
import tomllib
from functools import cache
from pathlib import Path
from typing import cast

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

import layers
from firms.intake.address import placement_text
from firms.intake.importer import Places
from firms.intake.messages import Said, said
from firms.intake.rows import NEAR_PREFIX, Unit, within_key
from geo.cover import CoverGrid
from geo.datum import DATUMS
from geo.metric import area_km2, buffer_m
from geo.shapes import BaseUnits
from layers.io import base_units
from layers.provenance import derived_entry, read_provenance, write_provenance
from layers.schema import split_list
from layers.settings import DATA_DIR
from layers.text import fold

__all__ = ["ELSEWHERE_FILE", "OUTLINE_FILE", "SHANGHAI_MARGIN_M", "TOWN_NAMES_FILE",
           "TOWN_POSITIONS_FILE", "ZONE_ALIASES_FILE", "build_shanghai_outline",
           "shanghai_outline", "shanghai_places", "town_positions", "write_shanghai_outline"]

#: Firms must fall within the districts plus this margin (coastline and datum slop).
SHANGHAI_MARGIN_M = 1000.0
OUTLINE_FILE = DATA_DIR / "shanghai_outline.geojson"
#: Every 街道/镇 of Shanghai by the statistics bureau's 2023 division codes.
TOWN_NAMES_FILE = DATA_DIR / "base" / "towns_nbs2023.csv"
#: Provinces, cities and county-level cities outside Shanghai (same codes).
ELSEWHERE_FILE = DATA_DIR / "base" / "places_outside_shanghai_nbs2023.csv"
#: 街道/镇 without an OSM outline: positioned from a metro station of their name (with a
#: ring sized from their published area) or left at their district, and why.
TOWN_POSITIONS_FILE = DATA_DIR / "town_positions.toml"
#: Names of the project's zones as addresses write them → layer and feature.
ZONE_ALIASES_FILE = DATA_DIR / "zone_aliases.csv"
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


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _unit(name: str, level: str, unit_id: str, geom: BaseGeometry, district: str = "") -> Unit:
    return Unit(name, level, unit_id, geom.representative_point(), _equal_area_radius_m(geom),
                district)


def town_positions(base: BaseUnits, path: Path = TOWN_POSITIONS_FILE
                   ) -> dict[str, tuple[str, Point, float]]:
    """Division code → (station name, station point, ring radius in metres) of each 街道/镇
    positioned by a metro station of its name (EPSG:4326)."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    return {t["code"]: (t["station"], cast(Point, base.stations[t["station"]]),
                        float(t["radius_m"])) for t in doc["town"]}


def _town_units(base: BaseUnits, districts: dict[str, Unit]
                ) -> tuple[dict[str, Unit], dict[str, BaseGeometry]]:
    """Every 街道/镇 of the division codes: on its outline where the base data has one;
    else, where a metro station bears its name, on a ring around that station clipped to
    its district (level ``town_station``, unit id ``near:town:<code>``: the ring is not the
    town's outline, so only the district it lies within can make a firm certain); else at
    its district (level ``town_district``)."""
    units: dict[str, Unit] = {}
    outlines: dict[str, BaseGeometry] = {}
    positioned = town_positions(base)
    for row in _rows(TOWN_NAMES_FILE):
        name, district = row["name"], row["district"]
        if name in base.towns:
            unit_id = f"town:{row['code']}"
            units[name] = _unit(name, "town", unit_id, base.towns[name], district)
            outlines[unit_id] = base.towns[name]
        elif row["code"] in positioned:
            _, point, radius = positioned[row["code"]]
            unit_id = f"{NEAR_PREFIX}town:{row['code']}"
            units[name] = Unit(name, "town_station", unit_id, point, radius, district)
            outlines[unit_id] = shapely.intersection(buffer_m(point, radius, quad_segs=16),
                                                     base.districts[district])
            outlines[within_key(unit_id)] = base.districts[district]
        else:
            d = districts[district]
            units[name] = Unit(name, "town_district", d.unit_id, d.point, d.precision_m, district)
    return units, outlines


def _zone_units(districts: dict[str, Unit]
                ) -> tuple[dict[str, Unit], dict[str, BaseGeometry]]:
    """The zones addresses name (``data/zone_aliases.csv``), by every alias."""
    units: dict[str, Unit] = {}
    outlines: dict[str, BaseGeometry] = {}
    for row in _rows(ZONE_ALIASES_FILE):
        alias = fold(row["alias"])
        if row["layer"] == "districts":
            units[alias] = districts[row["feature"]]
            continue
        feature = layers.load(row["layer"]).loc[row["feature"]]
        unit_id = f"zone:{row['layer']}/{row['feature']}"
        outline = cast(BaseGeometry, feature["geometry"])  # one feature's shape
        units[alias] = _unit(str(feature["name_zh"]), "zone", unit_id, outline,
                             "|".join(split_list(feature["districts"])))
        outlines[unit_id] = outline
    return units, outlines


@cache
def shanghai_places() -> Places:
    """Zones, towns and districts with representative points and a precision (the radius
    of a circle of the unit's area, metres), their outlines, the names of places outside
    Shanghai, and Shanghai's outline (:func:`shanghai_outline`) with its cover grid."""
    base = base_units()
    district_units = {n: _unit(n, "district", f"district:{n}", g, n)
                      for n, g in base.districts.items()}
    town_units, town_outlines = _town_units(base, district_units)
    zone_units, zone_outlines = _zone_units(district_units)
    towns = {n: (u.point, u.precision_m) for n, u in town_units.items() if u.level == "town"}
    districts = {n: (u.point, u.precision_m) for n, u in district_units.items()}
    aliases = {n: n for n in districts}
    aliases.update({n.removesuffix("新区").removesuffix("区"): n for n in districts})
    outline = shanghai_outline()
    outlines = {u.unit_id: base.districts[n] for n, u in district_units.items()}
    outlines.update(town_outlines)
    outlines.update(zone_outlines)
    return Places(towns=towns, districts=districts, district_aliases=aliases, shanghai=outline,
                  grid=CoverGrid.build(outline),
                  units={**district_units, **town_units, **zone_units}, outlines=outlines,
                  elsewhere=tuple(r["name"] for r in _rows(ELSEWHERE_FILE)))


@cache
def placement_messages() -> dict[str, Said]:
    """Every placement text an import can write (coordinates in each datum, each zone,
    街道/镇 and 区 of :func:`shanghai_places`) → its :class:`Said`, so a screen words a firm's
    placement by its exact text."""
    places = shanghai_places()
    made = [said("placed_wgs84"), *(said("placed_converted", datum=d) for d in DATUMS),
            *(placement_text(u) for u in places.units.values())]
    return {str(m): m for m in made}


if __name__ == "__main__":
    write_shanghai_outline()
    print(f"wrote {OUTLINE_FILE}")
