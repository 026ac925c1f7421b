"""The bincount measures equal the groupby ones they replaced (issue 16).

The reference functions below are the previous implementation, kept verbatim as
the specification: counts per (zone, sector) by ``groupby``, and the long
zone × sector table sector by sector."""

import numpy as np
import pandas as pd
import pytest

import layers
from firms.intake import import_firm_list
from firms.synth import write_synthetic
from firms.zones import firm_table, join_all, zones_for_measures
from geo.measures import (
    city_counts,
    location_quotients,
    strong_cluster_flags,
    zone_sector_counts,
    zone_sector_table,
)


def reference_counts(pairs, firm_sector, zone_index, values=None):
    sector = firm_sector.to_numpy()[pairs["point"].to_numpy()]
    frame = pd.DataFrame({"zone": pairs["zone"].to_numpy(), "sector": sector})
    if values is None:
        table = frame.groupby(["zone", "sector"]).size().unstack(fill_value=0)
    else:
        frame["v"] = values.to_numpy()[pairs["point"].to_numpy()]
        table = frame.groupby(["zone", "sector"])["v"].sum(min_count=1).unstack()
    return table.reindex(zone_index).fillna(0) if values is None else table.reindex(zone_index)


def reference_table(zones, pairs, firms):
    counts = reference_counts(pairs, firms["sector"], zones.index)
    lq = location_quotients(counts, firms["sector"].value_counts())
    total = counts.sum(axis=1)
    rows = []
    for s in counts.columns:
        strong = strong_cluster_flags(lq[s].fillna(0), counts[s])
        part = pd.DataFrame({"zone": counts.index, "sector": s, "firms": counts[s].astype(int),
                             "share": counts[s] / total.where(total > 0), "lq": lq[s],
                             "strong_cluster": strong})
        rows.append(part[part["firms"] > 0])
    return pd.concat(rows, ignore_index=True).sort_values(["zone", "sector"], ignore_index=True)


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    firms = import_firm_list(write_synthetic(30_000, 21, tmp_path_factory.mktemp("bincount"))).accepted
    firms.loc[firms.index[::7], "employees"] = np.nan  # cells without employee figures
    frames = layers.load_all()
    return firms, frames, join_all(firms, frames)


def test_counts_and_employee_sums_equal_the_groupby_ones_on_every_layer(joined):
    firms, frames, pairs = joined
    table = firm_table(firms)
    plain = pd.DataFrame({"sector": firms["sector"].to_numpy(), "employees": table["employees"]})
    for lid, p in pairs.items():
        zones = frames[lid].index
        for sector in (table["sector"], plain["sector"]):  # categorical and text columns
            got = zone_sector_counts(p, sector, zones)
            want = reference_counts(p, plain["sector"], zones)
            pd.testing.assert_frame_equal(got, want, check_dtype=False, check_names=False,
                                          check_column_type=False, check_index_type=False)
            got = zone_sector_counts(p, sector, zones, values=table["employees"])
            want = reference_counts(p, plain["sector"], zones, table["employees"])
            pd.testing.assert_frame_equal(got, want, check_dtype=False, check_names=False,
                                          check_column_type=False, check_index_type=False)


def test_the_long_table_equals_the_sector_by_sector_one_on_every_layer(joined):
    firms, frames, pairs = joined
    table = firm_table(firms)
    plain = pd.DataFrame({"sector": firms["sector"].to_numpy()})
    rows = 0
    for lid, p in pairs.items():
        zones = zones_for_measures(frames[lid])
        got = zone_sector_table(zones, p, table)
        want = reference_table(zones, p, plain)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, check_column_type=False)
        rows += len(got)
    assert rows > 100


def test_city_counts_are_the_value_counts(joined):
    firms, _, _ = joined
    want = firms["sector"].value_counts()
    got = city_counts(pd.Series(pd.Categorical(firms["sector"])))
    assert got.to_dict() == want.to_dict()
