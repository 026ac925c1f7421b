"""The shipped layers: schema, sources, shapes, and loud failure on bad files."""

import json
import shutil
from pathlib import Path

import pytest
import shapely

import layers
from layers.catalog import layer_files
from layers.checks import (
    area_problems,
    citation_problems,
    district_problems,
    overlap_problems,
    part_of_problems,
)
from layers.errors import UsageError
from layers.io import base_units, build_layers, layer_path
from layers.schema import COLUMNS, split_list
from layers.sectors import sector_ids
from layers.settings import LAYERS_DIR

LAYER_IDS = [e.id for e in layers.catalog()]

EXPECTED_LAYERS = {"districts", "poles", "service_belt", "manufacturing_belt", "axes",
                   "manufacturing_nodes", "new_towns", "g60", "g60_cities", "ic_one_body_two_wings", "biomed_1_5_x",
                   "ai_4_x", "fintech", "parks", "digital_key_areas", "tese_parks"}

#: (feature id, published km²) that the issue names; the computed area must be within 25 %.
PUBLISHED_AREAS = {
    "pole_zhangjiang": 94.0, "pole_lingang": 873.0, "lingang_pilot_zone": 119.5,
    "newtown_jiading": 159.5, "newtown_qingpu": 91.1, "newtown_songjiang": 158.4,
    "newtown_fengxian": 67.9, "newtown_nanhui": 343.3,
}


@pytest.fixture(scope="module")
def all_layers():
    return layers.load_all()


@pytest.fixture(scope="module")
def features(all_layers):
    import pandas as pd
    return pd.concat(all_layers.values())


def test_catalog_holds_the_layout_layers():
    assert set(LAYER_IDS) == EXPECTED_LAYERS
    for e in layers.catalog():
        assert e.title_zh and e.title_en and e.source
        assert e.kind in ("polygon", "line", "point")


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_layer_has_schema_crs_and_valid_geometry(layer_id):
    gdf = layers.load(layer_id)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert len(gdf) > 0
    assert gdf.geometry.is_valid.all()
    assert (gdf["layer"] == layer_id).all()
    assert (gdf["precision_m"] > 0).all()
    known = set(sector_ids())
    assert all(set(split_list(s)) <= known for s in gdf["sectors"])


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_every_quote_is_verbatim_in_its_seed(layer_id, seeds_dir):
    assert citation_problems(layers.load(layer_id), seeds_dir) == []


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_features_lie_in_the_districts_the_text_names(layer_id):
    assert district_problems(layers.load(layer_id), base_units().districts) == []


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_no_overlaps_within_a_layer_except_part_of(layer_id):
    assert overlap_problems(layers.load(layer_id)) == []


def test_feature_ids_are_unique_across_layers(features):
    assert not features["id"].duplicated().any()


@pytest.mark.parametrize(("fid", "published"), PUBLISHED_AREAS.items())
def test_area_within_25_percent_of_published(features, fid, published):
    row = features.loc[fid]
    assert row["official_area_km2"] == published
    diff = (row["area_km2"] - published) / published * 100
    print(f"{fid}: computed {row['area_km2']:.1f} km², published {published} km², {diff:+.1f} %")
    assert abs(diff) <= 25
    assert row["area_diff_pct"] == pytest.approx(diff, abs=0.1)


def test_every_published_area_is_within_25_percent_or_what_its_precision_allows(features):
    assert area_problems(features) == []


def test_area_is_computed_in_metres_not_degrees(all_layers):
    d = all_layers["districts"]
    assert d["area_km2"].sum() == pytest.approx(7003, rel=0.01)  # OSM, tidal flats included
    assert d.loc["district_huangpu", "area_km2"] == pytest.approx(20.55, rel=0.01)


def test_sector_system_nodes_sit_where_the_text_puts_them(features):
    towns = base_units().towns
    districts = base_units().districts
    assert districts["嘉定区"].contains(features.loc["ic_park_smart_sensor_jiading"].geometry)
    assert districts["奉贤区"].contains(features.loc["biomed_dongfang_meigu"].geometry.centroid)
    assert districts["金山区"].contains(features.loc["biomed_jinhaian"].geometry.centroid)
    assert districts["宝山区"].contains(features.loc["biomed_north_shanghai"].geometry.centroid)
    assert districts["闵行区"].contains(features.loc["ai_carrier_maqiao"].geometry.centroid)
    assert towns["北外滩街道"].equals(features.loc["core_north_bund"].geometry)
    zhangjiang = features.loc["pole_zhangjiang"].geometry
    assert zhangjiang.contains(features.loc["ic_park_design_zhangjiang"].geometry.centroid)
    assert zhangjiang.intersection(towns["张江镇"]).area / towns["张江镇"].area > 0.6


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_parts_lie_within_their_parent(layer_id):
    assert part_of_problems(layers.load(layer_id)) == []


def test_every_feature_says_how_it_was_made_and_how_sure(features):
    assert (features["method"].str.len() > 20).all()
    assert set(features["basis"]) <= {"official", "secondary", "conflicting", "inferred",
                                      "schematic"}
    traced = features[features["method"].str.contains("traced by hand|disc of")]
    assert traced["approximate"].all()


def test_shipped_files_match_a_fresh_build():
    fresh = build_layers(layer_files())
    for layer_id, gdf in fresh.items():
        shipped = layers.load(layer_id)
        assert list(shipped.index) == list(gdf.index)
        for fid in gdf.index:
            a, b = shipped.loc[fid].geometry, gdf.loc[fid].geometry
            assert shapely.hausdorff_distance(a, b) < 1e-6, f"{layer_id}/{fid} changed: run shmap build"
        assert shipped["citation"].tolist() == gdf["citation"].tolist()
        assert shipped["method"].tolist() == gdf["method"].tolist()


def _broken_copy(tmp_path: Path, layer_id: str, mutate) -> Path:
    target = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, target)
    path = layer_path(layer_id, target)
    doc = json.loads(path.read_text(encoding="utf-8"))
    mutate(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return target


def _drop_field(doc):
    for f in doc["features"]:
        del f["properties"]["citation"]


def _unknown_sector(doc):
    doc["features"][0]["properties"]["sectors"] = "ic;quantum_cats"


def _bowtie(doc):
    doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [
        [[121.4, 31.2], [121.5, 31.3], [121.5, 31.2], [121.4, 31.3], [121.4, 31.2]]]}


def _projected(doc):
    doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [
        [[350000, 3450000], [360000, 3450000], [360000, 3460000], [350000, 3450000]]]}


@pytest.mark.parametrize(("mutate", "message"), [
    (_drop_field, "missing fields citation"),
    (_unknown_sector, "unknown sector ids ['quantum_cats']"),
    (_bowtie, "invalid geometry (Self-intersection"),
    (_projected, "coordinates are not lon/lat degrees"),
])
def test_load_fails_loudly_on_a_bad_file(tmp_path, mutate, message):
    broken = _broken_copy(tmp_path, "poles", mutate)
    with pytest.raises(layers.LayerError) as info:
        layers.load("poles", broken)
    assert message in str(info.value)


def test_unknown_layer_names_the_known_ones():
    with pytest.raises(UsageError, match="known layers: districts, poles"):
        layers.load("moon_base")


def test_load_returns_a_copy():
    a = layers.load("poles")
    a.loc["pole_zhangjiang", "name_en"] = "changed"
    assert layers.load("poles").loc["pole_zhangjiang", "name_en"] != "changed"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_zone_panel_shows_basis_precision_and_evidence(lang):
    from ui.i18n import t
    from ui.views import zone_details, zone_sources
    row = layers.load("ai_4_x").loc["ai_x_changyang_valley"]
    details = dict(zone_details(row, layers.entry("ai_4_x"), lang))
    assert details[t("basis", lang)] == t("basis_secondary", lang)
    assert details[t("precision", lang)].startswith("±300 m")
    sources = dict(zone_sources(row, lang))
    assert "长阳路1687号" in sources[t("evidence", lang)] and "GCJ-02" in sources[t("evidence", lang)]


def test_every_feature_has_a_summary_in_both_languages(features):
    for lang, script in (("zh", r"[\u4e00-\u9fff]"), ("en", r"\b(?:the|a|of)\b")):
        col = features[f"summary_{lang}"]
        assert (col.str.len() > 40).all(), features.loc[col.str.len() <= 40, "id"].tolist()
        assert col.str.contains(script).all()
    assert "notes" not in features.columns  # research notes stay in the definitions


def test_every_feature_claiming_2_km_or_better_keeps_research_notes():
    from layers.catalog import layer_files, read_layer_file
    fine = [f for p in layer_files().values() for f in read_layer_file(p).get("feature", [])
            if f["precision_m"] <= 2000]
    assert len(fine) > 50
    assert all(str(f.get("notes", "")).strip() for f in fine)


def test_the_special_parks_layer_states_its_coverage():
    entry = layers.entry("tese_parks")
    gdf = layers.load("tese_parks")
    cov = dict(entry.coverage)
    assert cov == {"catalogue": 53, "named": 26, "drawn": 25}
    assert len(gdf) == cov["drawn"]  # the 26th found (“新食尚都市…”) has no district to draw
    missing = cov["catalogue"] - cov["named"]
    for text in (entry.title_zh, entry.source):
        assert str(cov["catalogue"]) in text and f"{cov['drawn']}" in text and f"{missing}" in text
    assert f"{cov['drawn']} drawn" in entry.title_en and f"{missing} not found" in entry.title_en
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"{cov['drawn']} drawn, {cov['named'] - cov['drawn']} named but not drawn, {missing} not found" in readme
    assert gdf["role"].str.startswith("特色产业园区（").all()
