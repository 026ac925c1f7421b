"""The 街道/镇 without an OSM outline: each is either positioned from a metro station of
its name, with a ring sized from a quoted published area, or left at its district with a
stated reason; the evidence is in plain words in both languages."""

import math
import re
import tomllib

import pandas as pd
import pytest

from firms.intake.places import TOWN_NAMES_FILE, TOWN_POSITIONS_FILE, shanghai_places
from layers.evidence import internal_references
from layers.io import base_units

DOC = tomllib.loads(TOWN_POSITIONS_FILE.read_text(encoding="utf-8"))
TOWNS = pd.read_csv(TOWN_NAMES_FILE, dtype=str).set_index("code")
BASE = base_units()
POSITIONED = {t["code"]: t for t in DOC["town"]}
FALLBACK = {c: g["why"] for g in DOC["fallback"] for c in g["codes"]}


def short_name(name: str) -> str:
    return re.sub(r"(街道|镇|乡)$", "", re.sub(r"(镇)?街道$", "", name))


def test_every_town_without_an_outline_is_decided_once():
    without = {c for c, name in TOWNS["name"].items() if name not in BASE.towns}
    assert len(without) == 121
    assert set(POSITIONED) | set(FALLBACK) == without
    assert not set(POSITIONED) & set(FALLBACK)
    assert sum(len(g["codes"]) for g in DOC["fallback"]) == len(FALLBACK)


@pytest.mark.parametrize("code", sorted(POSITIONED))
def test_a_positioned_town_rests_on_a_station_of_its_name_in_its_district(code):
    town = POSITIONED[code]
    assert (town["name"], town["district"]) == tuple(TOWNS.loc[code, ["name", "district"]])
    assert town["station"] in (town["name"], short_name(town["name"]))
    assert BASE.districts[town["district"]].contains(BASE.stations[town["station"]])


@pytest.mark.parametrize("code", sorted(POSITIONED))
def test_the_ring_is_the_diameter_of_a_disc_of_the_quoted_area(code):
    town = POSITIONED[code]
    area = float(town["area_km2"])
    assert town["radius_m"] == math.ceil(2 * math.sqrt(area / math.pi) * 10) * 100
    digits = re.sub(r"\D", "", town["area_quote"])
    assert re.sub(r"\D", "", f"{area:g}") in digits  # the quote states the figure
    assert town["area_source"].startswith(("http://", "https://"))


@pytest.mark.parametrize("code", sorted(POSITIONED))
def test_the_evidence_is_plain_and_in_both_languages(code):
    town = POSITIONED[code]
    km = f"{town['radius_m'] / 1000:g}"
    assert town["station"] in town["summary_zh"] and f"{km} 公里" in town["summary_zh"]
    assert town["station"] in town["summary_en"] and f"{km} km" in town["summary_en"]
    assert "可能" in town["summary_zh"] and "possibly" in town["summary_en"]
    words = " ".join(str(town.get(k, "")) for k in ("summary_zh", "summary_en", "notes"))
    assert internal_references(words) == []


def test_a_town_left_at_its_district_for_want_of_a_station_has_none_of_its_name():
    stations = set(BASE.stations)
    for code, why in FALLBACK.items():
        name = TOWNS.loc[code, "name"]
        has_station = bool({name, short_name(name)} & stations)
        assert has_station == (why == "no_area"), name
    for group in DOC["fallback"]:
        assert group["summary_zh"] and group["summary_en"]
        assert internal_references(group["summary_zh"] + group["summary_en"]) == []


def test_places_put_each_positioned_town_on_its_station_with_a_ring_inside_its_district():
    places = shanghai_places()
    for code, town in POSITIONED.items():
        unit = places.units[town["name"]]
        assert (unit.level, unit.unit_id) == ("town_station", f"near:town:{code}")
        assert unit.point.equals(BASE.stations[town["station"]])
        assert unit.precision_m == town["radius_m"]
        ring = places.outlines[unit.unit_id]
        district = BASE.districts[town["district"]]
        assert ring.difference(district).area < 1e-9 * district.area
        assert places.outlines[f"{unit.unit_id}|within"].equals(district)
