"""Park-only answers: "which parks for IC / for a biomedicine firm" without whole
districts, candidate sites or one outline twice, with reasons that separate the
zones and headers and CSVs in words."""

import re

import pandas as pd
import pytest

import layers
from firms.demo import demo_firms
from firms.shortlist import shortlist
from firms.zones import join_and_count
from layers.zone_kinds import ZONE_KINDS, kind_of_role, zone_kinds
from ui.legend import choropleth_lines, merged_breaks
from ui.markdown_table import markdown_table
from ui.rankings import ranking, ranking_top, ranking_view
from ui.shortlist_view import shortlist_csv_frame, shortlist_table
from ui.views import choropleth_values, layer_measure_tables, zone_table

ENTRIES = {e.id: e for e in layers.catalog()}
RAW = re.compile(r"^[a-z]+(_[a-z0-9]+)+$|=|^(True|False)$")


@pytest.fixture(scope="module")
def frames():
    return layers.load_all()


@pytest.fixture(scope="module")
def kinds(frames):
    return zone_kinds(frames)


@pytest.fixture(scope="module")
def firms():
    return demo_firms()


@pytest.fixture(scope="module")
def ic_table(frames, firms):
    polygon = {lid: g for lid, g in frames.items() if ENTRIES[lid].kind == "polygon"}
    counts = {lid: join_and_count(firms, g).counts for lid, g in polygon.items()}
    return zone_table(polygon, ENTRIES, layer_measure_tables(frames, counts, "ic"), "zh")


def test_every_role_of_the_plans_has_a_zone_kind(frames):
    roles = {r for g in frames.values() for r in g["role"]}
    assert {r for r in roles if kind_of_role(r) is None} <= {"城市", "轴线", "走廊轴线"} | {
        r for r in roles if r.endswith("节点")}  # point and line features only


def test_district_level_x_zones_are_districts_and_one_outline_is_one_group(kinds):
    for zid in ("biomed_x_songjiang", "smart_mfg_cluster_jiading", "digital_key_pudong"):
        assert kinds.loc[zid, "group_kind"] == "district"
    assert kinds.loc["ic_wing_lingang", "outline"] == "pole_lingang"
    assert kinds.loc["ic_candidate_new_base", "group_kind"] == "candidate"
    # a park drawn as a whole pole's outline is ranked with the pole, not the parks
    assert kinds.loc["tese_marine_innovation_park", "group_kind"] == "pole"
    assert kinds.loc["ic_park_design_zhangjiang", "group_kind"] == "park"


def test_which_parks_for_ic_lists_parks_once_each_sorted_by_ic_firms(ic_table, kinds):
    rows = ranking(ic_table, kinds, kinds=["park"], sort_by="sector_firms", lang="zh")
    assert len(rows) >= 20
    assert set(rows["kind"]) == {"园区"}
    assert not kinds.loc[rows.index, "outline"].duplicated().any()
    assert not rows["name"].duplicated().any()
    assert rows["sector_firms"].is_monotonic_decreasing
    top = set(rows.head(8).index)
    assert top & {"ic_park_dongfang_xingang", "ic_park_design_zhangjiang"}
    assert "tese_ic_design_park" not in rows.index  # the same outline as 集成电路设计产业园
    merged = rows.loc["ic_park_design_zhangjiang", "role"]
    assert "特色产业园区（2020 首批）" in merged and "特色产业园区 ·" in merged
    view = ranking_view(rows, sector="ic", lang="zh")
    assert "集成电路企业数" in view.columns and "区位熵 LQ（集成电路）" in view.columns
    assert ranking_view(rows, sector="ic", lang="en").columns[2] == "Integrated circuits firms"


def test_the_short_ranking_numbers_its_rows_and_adds_the_sort_column(ic_table, kinds):
    rows = ranking(ic_table, kinds, kinds=["park"], sort_by="plan_fit", lang="en")
    view, formats = ranking_top(rows, top=5, sort_by="plan_fit", sector="ic", lang="en")
    assert list(view["Rank"]) == [1, 2, 3, 4, 5]
    assert list(view["Name"]) == list(rows["name"].head(5))
    assert "Plan fit (Integrated circuits)" in view.columns  # sorted by it: shown
    assert "Role" not in view.columns and "Layer" not in view.columns  # the grid's
    assert "Firms, up to (with coarse placements)" in view.columns  # possible, beside certain
    text = markdown_table(view, formats=formats)
    cells = [line.split(" | ") for line in text.splitlines()[2:]]

    def column(header: str) -> list[str]:
        return [row[list(view.columns).index(header)] for row in cells]
    assert all(re.fullmatch(r"\d+\.\d%", s) for s in column("Integrated circuits share"))
    assert all(re.fullmatch(r"[\d,]+", n) for n in column("Firms"))  # whole, not 12.0


def test_every_kind_shows_one_outline_once(ic_table, kinds):
    rows = ranking(ic_table, kinds, kinds=ZONE_KINDS, sort_by="sector_firms", lang="en")
    assert "ic_wing_lingang" not in rows.index and "pole_lingang" in rows.index
    assert "翼" in rows.loc["pole_lingang", "role"] and "极" in rows.loc["pole_lingang", "role"]


@pytest.mark.parametrize("sector", ["biomed", "ic"])
def test_the_shortlist_leaves_out_districts_and_candidates_and_its_reasons_separate(firms, kinds,
                                                                                    sector):
    ranked = shortlist(firms, sector)
    assert not set(ranked["kind"]) & {"district", "candidate"}
    assert not kinds.loc[ranked.index, "outline"].duplicated().any()
    parks = shortlist(firms, sector, kinds=("park",))
    assert set(parks["kind"]) == {"park"}
    top = shortlist_table(parks, ENTRIES, top=10, lang="zh", sector=sector)
    assert top["理由"].nunique() == 10
    assert top["理由"].str.contains("范围内到地铁站平均").all()
    assert parks.head(10)["metro_km"].round(1).nunique() >= 7  # the factor separates
    asked = shortlist(firms, sector, kinds=("district",))
    assert (asked["kind"] == "district").all() and len(asked) > 0


def test_the_metro_distance_is_measured_across_the_zone(firms):
    ranked = shortlist(firms, "biomed", kinds=("park", "pole", "new_town"))
    # 临港 has stations inside, yet most of its 857 km² is far from any
    assert ranked.loc["pole_lingang", "metro_km"] > 5
    assert ranked.loc["ic_park_design_zhangjiang", "metro_km"] < 2.5


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_shortlist_csv_reads_in_words(firms, lang):
    csv = shortlist_csv_frame(shortlist(firms, "biomed", kinds=("park",)), ENTRIES, top=10,
                              basis="synthetic", sector="biomed", lang=lang)
    assert not [c for c in csv.columns if RAW.search(str(c))], list(csv.columns)
    cells = {str(v) for col in csv.columns for v in csv[col]}
    assert not {"biomed", "synthetic", "True", "False", "biomed_1_5_x"} & cells
    assert ("生物医药企业数" if lang == "zh" else "Biomedicine firms") in csv.columns


def test_count_classes_are_whole_numbers():
    values = pd.Series([0, 1, 3, 7, 13, 16, 17, 40, 41, 120], dtype=float)
    for method in ("quantile", "equal", "natural"):
        edges = merged_breaks(values, method=method, integer=True)
        assert all(e == int(e) for e in edges), edges
        lines = choropleth_lines("sector_firms", method, edges, lang="zh", integer=True)
        assert not [ln for ln in lines if re.search(r"\d\.\d", re.sub("<[^>]+>", "", ln))], lines


def test_the_choropleth_follows_the_zone_kinds(frames, firms):
    counts = {"biomed_1_5_x": join_and_count(firms, frames["biomed_1_5_x"]).counts}
    tables = layer_measure_tables(frames, counts, "biomed")
    keep = zone_kinds(frames).query("group_kind == 'park'").index
    values, _ = choropleth_values(tables, frames, measure="sector_firms", layer="biomed_1_5_x",
                                  keep=keep)
    assert values["biomed_x_songjiang"] != values["biomed_x_songjiang"]  # NaN: not coloured
    assert values["biomed_dongfang_meigu"] >= 0
