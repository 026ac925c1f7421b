"""The placement ladder (geometry → coordinates → a zone the address names → 街道/镇 → 区),
each rung with its precision, and counts that respect it: certain and possible."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely
from exports import ADDRESSES, ELSEWHERE, geojson_with_properties

import layers
from firms.intake import import_firm_list
from firms.intake.places import shanghai_places
from firms.zones import active_only, join_and_count, measures_of
from geo.datum import wgs84_to_gcj02
from geo.metric import buffer_m


def _import(addresses, **kw):
    text = "企业名称,企业地址,所属行业\n" + "".join(
        f"企业{i},{a},软件开发\n" for i, a in enumerate(addresses))
    return import_firm_list(text.encode("utf-8"), name="firms.csv", **kw)


@pytest.mark.parametrize(("address", "level", "unit"), ADDRESSES)
def test_each_address_is_placed_on_the_rung_it_names(address, level, unit):
    firm = _import([address]).accepted.iloc[0]
    assert (firm["placement_level"], firm["placed_unit"]) == (level, unit)
    outline = shanghai_places().outlines[unit]
    assert outline.contains(firm.geometry)  # its point lies in what it was placed to
    assert firm["placement_precision_m"] > 500


def test_all_sixteen_districts_are_reached():
    placed = _import([a for a, _, _ in ADDRESSES]).accepted
    districts = layers.load("districts")
    hit = {n for n, g in zip(districts["name_zh"], districts.geometry, strict=True)
           if placed.geometry.within(g).any()}
    assert len(hit) == 16


def test_a_zone_is_placed_with_its_outline_as_uncertainty_and_says_so():
    firm = _import([ADDRESSES[0][0]]).accepted.iloc[0]
    lingang = layers.load("poles").loc["pole_lingang"]
    assert firm["placement"] == "zone 临港产业增长极（临港新片区） (its outline)"
    radius = (lingang["area_km2"] * 1e6 / 3.14159265) ** 0.5
    assert firm["placement_precision_m"] == pytest.approx(radius, rel=0.01)


def test_a_town_without_an_outline_or_station_keeps_its_name_at_its_district():
    firm = _import(["上海市松江区车墩镇车都大道1号"]).accepted.iloc[0]
    assert firm["placement"] == ("街道/镇 车墩镇 without an outline (区 松江区, representative "
                                 "point)")
    assert firm["placed_unit"] == "district:松江区"


def test_a_town_with_a_station_of_its_name_is_a_ring_around_that_station():
    firm = _import(["上海市松江区九亭镇沪亭北路1号"]).accepted.iloc[0]
    assert firm["placement"] == ("街道/镇 九亭镇 without an outline: within 6.4 km of the metro "
                                 "station of its name (possible in zones, never certain)")
    assert (firm["placement_level"], firm["placed_unit"]) == ("town_station",
                                                              "near:town:310117107")
    assert firm["placement_precision_m"] == 6400


def test_every_town_of_the_division_codes_is_known_by_name():
    units = shanghai_places().units
    towns = pd.read_csv("data/base/towns_nbs2023.csv", dtype=str)
    assert len(towns) == 234 and towns["district"].nunique() == 16
    assert all(units[n].district == d for n, d in zip(towns["name"], towns["district"],
                                                       strict=True))


@pytest.mark.parametrize(("address", "place"), ELSEWHERE)
def test_an_address_in_another_province_or_city_is_rejected_by_name(address, place):
    result = _import([address])
    assert result.report["accepted"] == 0
    assert tuple(result.rejected.iloc[0][["field", "reason"]]) == (
        "address", f"not in Shanghai: {place}")


def test_a_shanghai_road_named_after_another_city_is_not_rejected():
    firm = _import(["上海市黄浦区福州路100号"]).accepted.iloc[0]
    assert firm["placed_unit"] == "district:黄浦区"


def test_a_zone_in_another_district_than_the_one_named_is_not_used():
    firm = _import(["上海市松江区漕河泾开发区松江高科技园莘砖公路1号"]).accepted.iloc[0]
    assert firm["placed_unit"] == "district:松江区"


def test_a_geojson_geometry_wins_over_coordinate_properties_and_the_gap_is_reported():
    gx, gy = 121.60, 31.20
    cx, cy = wgs84_to_gcj02(gx, gy)  # properties in GCJ-02: about 500 m off
    raw = geojson_with_properties([("甲", gx, gy, cx, cy), ("乙", gx, gy, gx, gy),
                                   ("丙", gx, gy, 455000.0, 3452000.0)])
    firms = import_firm_list(raw, name="firms.geojson").accepted
    assert list(firms["lon"]) == [gx] * 3 and list(firms["lat"]) == [gy] * 3
    assert list(firms["placement_level"]) == ["geometry"] * 3
    assert firms.iloc[0]["issues"].startswith("geometry used; the properties 经度/纬度 differ")
    assert firms.iloc[1]["issues"] == ""
    assert firms.iloc[2]["issues"].endswith("(not degrees)")


def test_ten_thousand_firms_known_only_to_songjiang_add_none_to_songjiang_new_town():
    result = _import([f"上海市松江区某路{i}号" for i in range(10_000)], points=False)
    assert result.report["placement_levels"] == {"district": 10_000}
    towns = layers.load("new_towns")
    joined = join_and_count(result.accepted, towns)
    table = measures_of(joined.counts, towns, "digital")
    songjiang = table.loc["newtown_songjiang"]
    assert songjiang["firms"] == 0 and songjiang["sector_firms"] == 0
    assert songjiang["firms_possible"] == 10_000
    assert table.drop(index="newtown_songjiang")["firms_possible"].sum() == 0
    assert table.attrs["coarse_firms"] == 10_000
    districts = layers.load("districts")
    whole = measures_of(join_and_count(result.accepted, districts).counts, districts)
    assert whole.loc["district_songjiang", "firms"] == 10_000  # its own district: certain


def test_a_town_inside_a_zone_counts_there_and_one_straddling_it_is_possible():
    poles = layers.load("poles")
    places = shanghai_places()
    inside = [n for n, u in places.units.items() if u.level == "town"
              and places.outlines[u.unit_id].within(buffer_m(poles.loc["pole_lingang"].geometry,
                                                             1.0))]
    assert "泥城镇" in inside
    firms = _import(["上海市浦东新区泥城镇某路1号", "上海市浦东新区张江镇祖冲之路1号"]).accepted
    joined = join_and_count(firms, poles)
    certain = set(zip(joined.pairs["point"], joined.pairs["zone"], strict=True))
    possible = set(zip(joined.possible["point"], joined.possible["zone"], strict=True))
    assert (0, "pole_lingang") in certain
    assert (1, "pole_zhangjiang") in possible and (1, "pole_zhangjiang") not in certain


def test_a_declared_precision_is_a_disc_counted_only_where_it_fits():
    zone = layers.load("poles").loc[["pole_zhangjiang"]]
    centre = shapely.centroid(zone.geometry.iloc[0])
    text = ("企业名称,经度,纬度,定位精度\n"
            f"甲,{centre.x},{centre.y},500\n"
            f"乙,{centre.x},{centre.y},20000\n"
            f"丙,{centre.x},{centre.y},\n")
    firms = import_firm_list(text.encode(), name="f.csv").accepted
    joined = join_and_count(firms, zone)
    assert sorted(joined.pairs["point"]) == [0, 2]
    assert list(joined.possible["point"]) == [1]


def test_inactive_firms_are_out_of_counts_unless_asked():
    text = ("企业名称,登记状态,企业地址\n甲,存续,上海市黄浦区外滩街道中山东一路1号\n"
            "乙,注销,上海市黄浦区外滩街道中山东一路2号\n丙,吊销，未注销,上海市黄浦区外滩街道中山东一路3号\n")
    firms = import_firm_list(text.encode(), name="f.csv").accepted
    districts = layers.load("districts")
    counted = measures_of(join_and_count(firms, districts).counts, districts)
    assert counted.loc["district_huangpu", "firms"] == 1
    everyone = measures_of(join_and_count(firms, districts, include_inactive=True).counts,
                           districts)
    assert everyone.loc["district_huangpu", "firms"] == 3
    assert list(active_only(firms)["name"]) == ["甲"]


def test_the_dask_engine_counts_certain_and_possible_as_the_in_memory_path(tmp_path):
    from firms.scale import measures_dask_layers
    from firms.zones import layer_measures

    rows = [f"企业{i},{'注销' if i % 7 == 0 else '存续'},{ADDRESSES[i % len(ADDRESSES)][0]},软件开发,,\n"
            for i in range(1500)]
    rows += [f"坐标企业{i},存续,,软件开发,121.{4 + i % 5}{i % 10},31.{1 + i % 3}{i % 7}\n"
             for i in range(300)]
    path = tmp_path / "firms.csv"
    path.write_text("企业名称,登记状态,企业地址,所属行业,经度,纬度\n" + "".join(rows), encoding="utf-8")
    firms = import_firm_list(path, points=False).accepted
    tables, tally = measures_dask_layers(path, ["poles", "new_towns"], sector="digital",
                                         blocksize=20_000)
    assert tally["accepted"] == len(firms)
    cols = ["firms", "firms_possible", "sector_firms", "sector_firms_possible"]
    for lid, table in tables.items():
        memory = layer_measures(firms, lid, "digital")
        pd.testing.assert_frame_equal(table[cols], memory[cols], check_dtype=False)
        assert table["firms_possible"].sum() > table["firms"].sum()


def test_the_shortlist_scores_certain_firms_and_shows_how_many_more_may_be():
    from firms.shortlist import shortlist
    from layers.zone_kinds import ZONE_KINDS
    from ui.shortlist_view import why

    firms = _import(["上海市松江区车墩镇某路1号"] * 1 + [f"上海市松江区某路{i}号" for i in range(40)]
                    ).accepted
    ranked = shortlist(firms, "digital", kinds=ZONE_KINDS)  # whole districts asked for too
    assert ranked.loc["biomed_x_songjiang", "sector_firms"] == 41  # the whole of 松江区
    assert ranked.attrs["coarse_firms"] == 41
    row = ranked.loc["newtown_songjiang"]
    assert (row["sector_firms"], row["sector_firms_possible"]) == (0, 41)
    assert "最多 41 家" in why(row, "zh") and "up to 41" in why(row, "en")


def test_a_ring_town_is_possible_only_where_its_ring_reaches_and_certain_in_its_district():
    from firms.shortlist import shortlist
    from layers.zone_kinds import ZONE_KINDS

    # 九亭 station lies 7.2 km from 松江新城's outline; 九亭镇's ring is 6.4 km
    firms = _import(["上海市松江区九亭镇某路1号", "上海市松江区车墩镇某路1号"]).accepted
    ranked = shortlist(firms, "digital", kinds=ZONE_KINDS)
    assert ranked.loc["biomed_x_songjiang", "sector_firms"] == 2  # both certainly in 松江区
    row = ranked.loc["newtown_songjiang"]
    assert (row["sector_firms"], row["sector_firms_possible"]) == (0, 1)  # only 车墩
