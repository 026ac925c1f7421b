"""A firm placed coarsely stands for a disc of its precision: certainly in a zone that
holds the disc, possibly in one it crosses; the discs are made once for every layer and
kept within a bound (lon/lat in EPSG:4326, metres in EPSG:32651)."""

import numpy as np
import pandas as pd
import shapely

from firms import certainty
from firms.certainty import region_pairs
from geo.metric import buffer_m, distance_m

CENTRE = shapely.Point(121.5, 31.2)


def firms_east_of_centre(km: list[float], *, precision_m: float = 500.0) -> pd.DataFrame:
    """Firms on the parallel through CENTRE, ``km`` east of it (~95 km a degree here)."""
    lon = [CENTRE.x + k / 95.1 for k in km]
    return pd.DataFrame({"lon": lon, "lat": [CENTRE.y] * len(km),
                         "placement_precision_m": [precision_m] * len(km)})


def test_a_disc_inside_is_certain_one_across_the_edge_possible_one_away_neither():
    zone = buffer_m(CENTRE, 5_000.0)  # a zone 5 km around the centre
    firms = firms_east_of_centre([0.0, 4.9, 20.0])
    assert 4_800 < distance_m(CENTRE, shapely.Point(firms.lon[1], firms.lat[1])) < 5_000
    certain, possible = region_pairs(firms, np.arange(3), ["zone"], [zone], {})
    assert certain["point"].tolist() == [0]
    assert possible["point"].tolist() == [1]


def test_the_discs_are_those_of_a_buffer_one_at_a_time():
    firms = firms_east_of_centre([0.0, 3.0])
    _, _, discs = certainty._regions(firms, np.arange(2), {})
    for disc, lon in zip(discs, firms["lon"], strict=True):  # centres kept to 1e-6 degree
        alone = buffer_m(shapely.Point(round(lon, 6), CENTRE.y), 500.0, quad_segs=8)
        assert shapely.equals_exact(disc, alone, tolerance=1e-9)


def test_the_discs_kept_between_calls_stay_within_one_list(monkeypatch):
    monkeypatch.setattr(certainty, "DISCS_KEPT", 10)
    monkeypatch.setattr(certainty, "_DISCS", {})
    zone = buffer_m(CENTRE, 50_000.0)
    many = firms_east_of_centre([k / 10 for k in range(30)])
    region_pairs(many, np.arange(30), ["zone"], [zone], {})
    assert len(certainty._DISCS) == 30  # one list's, reused by the next layer
    region_pairs(many, np.arange(30), ["zone"], [zone], {})
    assert len(certainty._DISCS) == 30
    few = firms_east_of_centre([40.0, 41.0])
    certain, _ = region_pairs(few, np.arange(2), ["zone"], [zone], {})
    assert len(certainty._DISCS) == 2  # past the bound: emptied before the new list
    assert certain["point"].tolist() == [0, 1]
