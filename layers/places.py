"""Named places of Shanghai for firm placement, built from the base data."""

from __future__ import annotations

import math
from functools import cache

import shapely

from geo.firms import Places
from geo.metric import area_km2, buffer_m
from layers.io import base_units

#: Firms must fall within the districts plus this margin (coastline and datum slop).
SHANGHAI_MARGIN_M = 1000.0


def _equal_area_radius_m(geom) -> float:
    return round(math.sqrt(float(area_km2(geom)) * 1e6 / math.pi), -1)


@cache
def shanghai_places() -> Places:
    """Towns and districts with representative points and a precision (the radius
    of a circle of the unit's area, metres), and Shanghai's outline."""
    base = base_units()
    towns = {n: (g.representative_point(), _equal_area_radius_m(g)) for n, g in base.towns.items()}
    districts = {n: (g.representative_point(), _equal_area_radius_m(g))
                 for n, g in base.districts.items()}
    aliases = {n: n for n in districts}
    aliases.update({n.removesuffix("新区").removesuffix("区"): n for n in districts})
    outline = buffer_m(shapely.union_all(list(base.districts.values())), SHANGHAI_MARGIN_M,
                       quad_segs=4)
    return Places(towns=towns, districts=districts, district_aliases=aliases, shanghai=outline)
