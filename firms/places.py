"""Named places of Shanghai for firm placement, built from the base data."""

from __future__ import annotations

import math
from functools import cache

import shapely

import layers
from geo.firms import Places
from geo.metric import area_km2, buffer_m
from layers.io import base_units

__all__ = ["SHANGHAI_MARGIN_M", "shanghai_places"]

#: Firms must fall within the districts plus this margin (coastline and datum slop).
SHANGHAI_MARGIN_M = 1000.0


def _equal_area_radius_m(geom) -> float:
    return round(math.sqrt(float(area_km2(geom)) * 1e6 / math.pi), -1)


@cache
def shanghai_places() -> Places:
    """Towns and districts with representative points and a precision (the radius
    of a circle of the unit's area, metres), and Shanghai's outline: its districts
    and 小洋山 of 临港新片区, plus a 1 km margin."""
    base = base_units()
    towns = {n: (g.representative_point(), _equal_area_radius_m(g)) for n, g in base.towns.items()}
    districts = {n: (g.representative_point(), _equal_area_radius_m(g))
                 for n, g in base.districts.items()}
    aliases = {n: n for n in districts}
    aliases.update({n.removesuffix("新区").removesuffix("区"): n for n in districts})
    # 小洋山 belongs to 临港新片区 though it lies in Zhejiang's 嵊泗县: firms there count.
    yangshan = layers.load("poles").loc["lingang_yangshan", "geometry"]
    outline = buffer_m(shapely.union_all([*base.districts.values(), yangshan]), SHANGHAI_MARGIN_M,
                       quad_segs=4)
    return Places(towns=towns, districts=districts, district_aliases=aliases, shanghai=outline)
