"""Joining firms to zones and measuring them: conservation, boundary rule, LQ, clusters."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

import layers
from firms.intake import import_firm_list
from firms.intake.importer import with_points as with_points_of
from firms.shortlist import WEIGHTS, shortlist
from firms.synth import synthetic_file_name, synthetic_firms
from firms.zones import (
    firm_points,
    join_all,
    join_and_count,
    join_layer,
    layer_counts,
    layer_measures,
    measures_of,
)
from geo.join import SortedPoints, bound_contains, firm_lonlat, zone_pairs
from geo.measures import (
    location_quotients,
    plan_fit,
    strong_cluster_flags,
    zone_measures,
    zone_sector_counts,
    zone_sector_table,
)
from layers.settings import DATA_DIR


def pairs_for(lon, lat, ids, geoms, part_of=None):
    return zone_pairs(SortedPoints(lon, lat), ids, geoms, part_of)


# --- join -------------------------------------------------------------------------

def test_point_on_a_shared_edge_goes_to_the_first_zone_only():
    west, east = box(0, 0, 1, 1), box(1, 0, 2, 1)
    pairs = pairs_for([1.0, 0.5, 1.5], [0.5, 0.5, 0.5], ["W", "E"], [west, east])
    assert sorted(map(tuple, pairs[["point", "zone"]].to_numpy())) == [(0, "W"), (1, "W"), (2, "E")]
    pairs = pairs_for([1.0], [0.5], ["E", "W"], [east, west])
    assert list(pairs["zone"]) == ["E"]


def test_overlapping_areas_of_uncertainty_both_count_a_point_inside_both():
    # two sites known only to lie somewhere in the same 街镇: a firm inside both counts for both;
    # a point on the later zone's edge still goes to the first zone only
    first, later = box(0, 0, 2, 2), box(1, 0, 3, 2)
    pairs = pairs_for([1.5, 1.0, 0.5, 2.5], [1.0, 1.0, 1.0, 1.0], ["A", "B"], [first, later])
    assert sorted(map(tuple, pairs[["point", "zone"]].to_numpy())) == [
        (0, "A"), (0, "B"), (1, "A"), (2, "A"), (3, "B")]


def test_nested_zones_both_count_a_point():
    parent, child = box(0, 0, 4, 4), box(1, 1, 2, 2)
    pairs = pairs_for([1.5, 1.0, 3.0], [1.5, 1.0, 3.0], ["P", "C"], [parent, child], {"C": "P"})
    assert sorted(map(tuple, pairs[["point", "zone"]].to_numpy())) == [
        (0, "C"), (0, "P"), (1, "C"), (1, "P"), (2, "P")]


def test_boundary_points_between_real_districts_are_counted_once():
    d = layers.load("districts")
    shared = d.loc["district_xuhui"].geometry.boundary.intersection(
        d.loc["district_changning"].geometry.boundary)
    pts = [shared.interpolate(f, normalized=True) for f in np.linspace(0.05, 0.95, 25)]
    lon = np.array([p.x for p in pts])
    lat = np.array([p.y for p in pts])
    pairs = pairs_for(lon, lat, list(d.index), list(d.geometry))
    assert len(pairs) == 25 and not pairs["point"].duplicated().any()


def test_join_counts_match_the_bound_and_are_conserved():
    rng = np.random.default_rng(3)
    lon = rng.uniform(120.9, 122.0, 50_000)
    lat = rng.uniform(30.7, 31.9, 50_000)
    d = layers.load("districts")
    pairs = pairs_for(lon, lat, list(d.index), list(d.geometry))
    inside = shapely.contains_xy(shapely.union_all(d.geometry.values), lon, lat)
    assert len(pairs) == int(inside.sum()) == bound_contains(lon, lat, list(d.geometry))
    assert not pairs["point"].duplicated().any()


def test_every_layer_joins_without_losing_points_of_a_partition():
    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    pairs = join_all(firms)
    assert set(pairs) >= {"districts", "poles", "biomed_1_5_x", "parks"}
    assert len(pairs["districts"]) == len(firms) - _outside_districts(firms)
    assert not pairs["districts"]["point"].duplicated().any()


def _outside_districts(firms) -> int:
    d = shapely.union_all(layers.load("districts").geometry.values)
    return int((~shapely.intersects_xy(d, firms.geometry.x, firms.geometry.y)).sum())


# --- measures ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def toy():
    """Three zones, twelve firms; zone C is empty."""
    zones = pd.DataFrame({"area_km2": [2.0, 4.0, 1.0],
                          "sectors": [["ic"], ["biomed"], []]}, index=["A", "B", "C"])
    firms = pd.DataFrame({"sector": ["ic"] * 5 + ["biomed"] * 4 + ["unclassified"] * 3,
                          "employees": [10.0] * 12})
    pairs = pd.DataFrame({"point": [0, 1, 2, 3, 5, 4, 6, 7, 8, 9, 10, 11],
                          "zone": ["A"] * 5 + ["B"] * 7})
    return zones, firms, pairs


def test_measures_are_aligned_and_do_not_mutate(toy):
    zones, firms, pairs = toy
    before = (zones.copy(), firms.copy(), pairs.copy())
    m = zone_measures(zones, pairs, firms, sector="ic")
    assert list(m.index) == ["A", "B", "C"]
    pd.testing.assert_frame_equal(zones, before[0])
    pd.testing.assert_frame_equal(firms, before[1])
    pd.testing.assert_frame_equal(pairs, before[2])
    assert list(m["firms"]) == [5, 7, 0]
    assert m.loc["A", "firms_per_km2"] == 2.5
    assert m.loc["A", "employees"] == 50
    assert m.loc["A", "sector_share"] == pytest.approx(4 / 5)
    # LQ = (4/5) / (5/12)
    assert m.loc["A", "lq"] == pytest.approx((4 / 5) / (5 / 12))
    assert m.loc["A", "plan_fit"] == pytest.approx(4 / 5)
    assert m.loc["B", "plan_fit"] == pytest.approx(3 / 4)  # 3 biomed of 4 classified
    assert np.isnan(m.loc["C", "lq"]) and m.loc["C", "firms"] == 0


def test_lq_of_the_whole_city_is_one_for_every_sector():
    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    city = pd.DataFrame({"point": np.arange(len(firms)), "zone": "shanghai"})
    counts = zone_sector_counts(city, firms["sector"].reset_index(drop=True),
                                pd.Index(["shanghai"]))
    lq = location_quotients(counts, firms["sector"].value_counts())
    assert np.allclose(lq.loc["shanghai"].to_numpy(), 1.0)
    assert len(lq.columns) >= 10


def test_strong_cluster_rule():
    lq = pd.Series([0.5, 1.2, 2.0, 3.0, 4.0, 0.0], index=list("abcdef"))
    count = pd.Series([10, 10, 10, 50, 1, 0], index=list("abcdef"))
    flags = strong_cluster_flags(lq, count)
    # among a–e: LQ p75 = 3.0, count p25 = 10 → only d (LQ 3, 50 firms); e is too small
    assert list(flags[flags].index) == ["d"]


def test_plan_fit_ignores_unclassified_firms():
    counts = pd.DataFrame({"ic": [3], "ai": [1], "unclassified": [6]}, index=["Z"])
    assert plan_fit(counts, pd.Series({"Z": ["ic"]}))["Z"] == pytest.approx(0.75)
    assert np.isnan(plan_fit(counts, pd.Series({"Z": []}))["Z"])


def test_zone_sector_table_lists_each_sector_present(toy):
    zones, firms, pairs = toy
    table = zone_sector_table(zones, pairs, firms)
    assert set(map(tuple, table[["zone", "sector"]].to_numpy())) == {
        ("A", "ic"), ("A", "biomed"), ("B", "ic"), ("B", "biomed"), ("B", "unclassified")}
    assert table["firms"].sum() == 12


def test_layer_measures_for_a_real_layer():
    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    m = layer_measures(firms, "new_towns", "ic")
    assert list(m.index) == list(layers.load("new_towns").index)
    assert (m["firms"] >= m["sector_firms"]).all()
    assert m["designated"].loc["newtown_jiading"]


def test_counts_kept_once_serve_every_sector_unchanged():
    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    zones = layers.load("biomed_1_5_x")
    counts = layer_counts(firms, zones, join_layer(firm_points(firms), zones))
    before = counts.counts.copy()
    for sector in ("ic", "biomed", "hydrogen_storage", "ic"):
        kept = measures_of(counts, zones, sector)
        fresh = layer_measures(firms, "biomed_1_5_x", sector)
        pd.testing.assert_frame_equal(kept, fresh)
    pd.testing.assert_frame_equal(counts.counts, before)


def test_an_import_without_point_geometries_joins_and_measures_the_same():
    path = DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv"
    with_points = import_firm_list(path).accepted
    plain = import_firm_list(path, points=False).accepted
    assert isinstance(with_points, gpd.GeoDataFrame)
    assert not isinstance(plain, gpd.GeoDataFrame) and "geometry" not in plain
    pd.testing.assert_frame_equal(plain, pd.DataFrame(with_points.drop(columns="geometry")))
    for layer_id in ("districts", "biomed_1_5_x", "poles"):
        pd.testing.assert_frame_equal(layer_measures(plain, layer_id, "ic"),
                                      layer_measures(with_points, layer_id, "ic"))
    # the points are built from the same columns, in EPSG:4326
    rebuilt = with_points_of(plain)
    assert rebuilt.crs == with_points.crs and rebuilt.geom_equals(with_points.geometry).all()


def test_firm_positions_come_from_the_geometry_when_a_frame_has_one():
    firms = gpd.GeoDataFrame({"lon": [0.0], "lat": [0.0]}, geometry=[Point(121.5, 31.2)],
                             crs="EPSG:4326")  # e.g. moved to a basemap's datum
    lon, lat = firm_lonlat(firms)
    assert (lon[0], lat[0]) == (121.5, 31.2)
    lon, lat = firm_lonlat(pd.DataFrame(firms.drop(columns="geometry")))
    assert (lon[0], lat[0]) == (0.0, 0.0)


def test_join_and_count_is_the_join_then_the_count_in_one_call():
    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    zones = layers.load("new_towns")
    joined = join_and_count(firms, zones)
    pairs = join_layer(firm_points(firms), zones)
    pd.testing.assert_frame_equal(joined.pairs, pairs)
    pd.testing.assert_frame_equal(joined.counts.counts, layer_counts(firms, zones, pairs).counts)
    # conserved: every pair is counted once, in its zone and the firm's sector
    assert int(joined.counts.counts.to_numpy().sum()) == len(joined.pairs)
    assert int(joined.counts.city.sum()) == len(firms)
    shared = join_and_count(firms, zones, points=firm_points(firms))
    pd.testing.assert_frame_equal(shared.pairs, joined.pairs)


def test_a_zones_strong_cluster_flag_does_not_depend_on_the_filter():
    from ui.views import layer_measure_tables, visible_frames, zone_table

    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    frames = layers.load_all()
    entries = {e.id: e for e in layers.catalog()}
    zones = frames["ai_4_x"]
    counts = {"ai_4_x": layer_counts(firms, zones, join_layer(firm_points(firms), zones))}
    measures = layer_measure_tables(frames, counts, "ai")
    whole = zone_table(visible_frames(frames, ["ai_4_x"], []), entries, measures, "zh")
    narrowed = zone_table(visible_frames(frames, ["ai_4_x"], ["ic"]), entries, measures, "zh")
    assert 0 < len(narrowed) < len(whole)
    assert whole["strong_cluster"].any()
    pd.testing.assert_frame_equal(narrowed, whole.loc[narrowed.index])


def test_coverage_counts_each_firm_once_and_shows_those_outside_every_zone():
    from ui.views import layer_coverage

    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    frames = {k: layers.load(k) for k in ("districts", "poles")}
    pairs = join_all(firms, frames)
    entries = {e.id: e for e in layers.catalog()}
    cov = layer_coverage(pairs, len(firms), entries, "en").set_index("Layer")
    shanghai = shapely.union_all(frames["districts"].geometry.values)
    in_districts = int(shapely.covers(shanghai, firms.geometry.values).sum())
    districts = cov.loc[entries["districts"].title("en")]
    assert districts["Inside any zone"] == in_districts
    assert districts["Outside every zone"] == len(firms) - in_districts > 0  # 小洋山 firms
    poles = cov.loc[entries["poles"].title("en")]
    assert poles["Inside any zone"] < len(pairs["poles"])  # nested zones: once here, in each there


# --- shortlist and synthetic firms -------------------------------------------------

def test_shortlist_shows_each_part_and_sums_them():
    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    table = shortlist(firms, "biomed")
    parts = table[[f"score_{k}" for k in WEIGHTS]]
    assert np.allclose(parts.sum(axis=1), table["score"], atol=1e-3)
    assert table["score"].is_monotonic_decreasing
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert table.iloc[0]["designated"]
    assert not table.index.duplicated().any()
    assert (parts["score_designated"] <= WEIGHTS["designated"]).all()


def test_a_shortlist_from_kept_counts_equals_one_counted_afresh():
    from firms.shortlist import CANDIDATE_LAYERS

    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    points = firm_points(firms)
    counts = {lid: layer_counts(firms, layers.load(lid), join_layer(points, layers.load(lid)))
              for lid in CANDIDATE_LAYERS}
    for sector in ("ai", "marine"):
        pd.testing.assert_frame_equal(shortlist(firms, sector, counts=counts),
                                      shortlist(firms, sector))


def test_synthetic_firms_are_labelled_in_every_row_and_name():
    table = synthetic_firms(300, seed=9)
    assert (table["synthetic"] == "yes").all()
    assert table["企业名称"].str.contains("synthetic").all()
    assert synthetic_file_name(300, 9) == "firms_synthetic_n300_seed9.csv"
    assert "统一社会信用代码" not in table.columns


def test_synthetic_firms_cluster_where_the_plan_puts_them():
    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    m = layer_measures(firms, "biomed_1_5_x", "biomed")
    assert m.loc["biomed_core_zhangjiang", "lq"] > 1


def test_a_single_firm_joins_to_one_district():
    gdf = gpd.GeoDataFrame({"sector": ["ic"]}, geometry=[Point(121.5, 31.2)], crs="EPSG:4326")
    assert len(join_all(gdf, {"districts": layers.load("districts")})["districts"]) == 1


def test_cli_measures_shortlist_and_synth(tmp_path, capsys):
    from cli.main import main
    firms = str(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv")
    out = tmp_path / "m.csv"
    assert main(["measures", firms, "--layer", "new_towns", "--sector", "集成电路", "-o", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table["id"]) == list(layers.load("new_towns").index)
    assert {"firms", "lq", "strong_cluster", "plan_fit"} <= set(table.columns)
    assert main(["shortlist", "--sector", "ai", "--firms", firms, "--top", "5"]) == 0
    assert "score_designated" in capsys.readouterr().out
    assert main(["synth", "--n", "50", "--seed", "2", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "firms_synthetic_n50_seed2.csv").is_file()
    assert main(["measures", firms, "--layer", "moon"]) == 2
    assert main(["shortlist", "--sector", "chips"]) == 2


def test_lq_counts_every_city_firm_even_outside_the_zones():
    """Firms of a sector that no zone holds still count in the city's total."""
    zones = pd.DataFrame({"area_km2": [1.0], "sectors": [["ic"]]}, index=["A"])
    firms = pd.DataFrame({"sector": ["ic", "ic", "biomed", "biomed"]})
    pairs = pd.DataFrame({"point": [0, 1], "zone": ["A", "A"]})  # the biomed firms lie outside
    m = zone_measures(zones, pairs, firms, sector="ic")
    assert m.loc["A", "lq"] == pytest.approx(1.0 / 0.5)  # share 1 in A, 1/2 in the city
