"""Each evidence rule of `shmap validate` refuses a copy of the data broken the way a
reviewer would break it: a precision the derivation does not support, a fine claim
without an address, a coordinate or a traced edge, an outline moved out of the 街镇 its
notes name, an area far from the published one without a reason, a site drawn away from
the position its evidence gives, and an internal reference where a user or a GIS file can
see it."""

import json
import shutil

import pytest

from cli.main import main
from layers.settings import DATA_DIR


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit_definition(data, file, fid, old, new, count=1):
    """Replace ``old`` by ``new`` (``count`` times, -1: all) within one feature's block
    of a layer definition."""
    path = data / "layers" / file
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id = "{fid}"')
    end = text.find("[[feature]]", start)
    end = len(text) if end < 0 else end
    block = text[start:end]
    assert old in block, f"{old!r} not in {fid}"
    path.write_text(text[:start] + block.replace(old, new, count) + text[end:], encoding="utf-8")


def edit_built(data, layer_id, fid, mutate):
    path = data / "layers" / f"{layer_id}.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    mutate(next(f for f in doc["features"] if f["properties"]["id"] == fid))
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def validate(data, seeds_dir, capsys) -> str:
    code = main(["validate", "--data", str(data), "--seeds", str(seeds_dir)])
    out = capsys.readouterr().out
    assert code == 1, out
    return out


def _finer_than_derivation(data):  # 金山: no coordinates found, a judged point
    edit_definition(data, "10_biomed_1_5_x.toml", "biomed_jinhaian",
                    "precision_m = 4000", "precision_m = 50")


def _fine_claim_from_a_station(data):  # 长阳创谷 said to rest on a metro station only
    edit_definition(data, "11_ai_4_x.toml", "ai_x_changyang_valley",
                    'kind = "coordinate"', 'kind = "station"')


def _address_without_a_door_number(data):
    edit_definition(data, "13_parks.toml", "park_shibei_clinical_medicine", "301号", "", count=-1)


def _shift(coords, dx):
    if isinstance(coords[0], (int, float)):
        return [coords[0] + dx, coords[1]]
    return [_shift(c, dx) for c in coords]


def _outline_moved_within_its_pole(data):  # 4.8 km west: still in 张江, no longer in 唐镇
    edit_built(data, "ic_one_body_two_wings", "ic_park_design_zhangjiang",
               lambda f: f["geometry"].update(coordinates=_shift(f["geometry"]["coordinates"], -0.05)))


def _published_area_changed(data):  # 陆家嘴 drawn 34.9 km², said to be published as 20
    edit_built(data, "fintech", "fintech_lujiazui",
               lambda f: f["properties"].update(official_area_km2=20.0, area_diff_pct=74.5))


def _drawn_away_from_its_evidence(data):  # 祝桥 back at its old point, 4.5 km off the centroid
    edit_definition(data, "05a_manufacturing_nodes.toml", "node_zhuqiao",
                    "point = [121.7981, 31.1236]", "point = [121.76, 31.10]")


def _summary_names_a_file(data):
    edit_built(data, "poles", "pole_zhangjiang",
               lambda f: f["properties"].update(summary_zh="依据 BOUNDARIES.md ✅"))


def _notes_name_a_seed_file(data):
    edit_definition(data, "13_parks.toml", "park_jinshan_display", "Sources: ",
                    "Sources: 003_6b82db74c365b8ba.txt; ")


@pytest.mark.parametrize(("mutate", "message"), [
    (_finer_than_derivation,
     "biomed_1_5_x/biomed_jinhaian: claims ±50 m but its derivation (judged) supports only ±4000 m"),
    (_fine_claim_from_a_station,
     "ai_4_x/ai_x_changyang_valley: claims ±300 m, which needs an address, a coordinate or a "
     "traced edge"),
    (_address_without_a_door_number,
     "parks/park_shibei_clinical_medicine: claims ±500 m, which needs an address"),
    (_outline_moved_within_its_pole,
     "ic_one_body_two_wings/ic_park_design_zhangjiang: only 0% of its outline lies in 街镇 唐镇"),
    (_published_area_changed,
     "fintech_lujiazui: area 34.9 km² is +74.5 % from the published 20 km², more than ±700 m allows"),
    (_drawn_away_from_its_evidence,
     "manufacturing_nodes/node_zhuqiao: drawn 4,4"),
    (_summary_names_a_file, "poles/pole_zhangjiang summary_zh: an internal document: 'BOUNDARIES'"),
    (_summary_names_a_file, "poles/pole_zhangjiang summary_zh: an emoji"),
    (_notes_name_a_seed_file, "parks/park_jinshan_display notes: a seed file name"),
])
def test_each_evidence_rule_refuses_the_broken_copy(data_copy, seeds_dir, capsys, mutate, message):
    mutate(data_copy)
    assert message in validate(data_copy, seeds_dir, capsys)


def test_an_explained_area_difference_is_accepted(data_copy, seeds_dir, capsys):
    _published_area_changed(data_copy)
    edit_definition(data_copy, "12_fintech.toml", "fintech_lujiazui", "cite = ",
                    'area_difference = "A test: the published figure covers a smaller zone."\n'
                    "cite = ")
    assert "fintech_lujiazui: area" not in validate(data_copy, seeds_dir, capsys)


def test_an_outline_with_no_named_town_or_a_disc_is_not_held_to_one():
    import geopandas as gpd
    from shapely.geometry import Point, box

    from geo.metric import buffer_m
    from geo.shapes import BaseUnits
    from layers.evidence import unit_problems
    town = box(121.50, 31.20, 121.52, 31.22)
    base = BaseUnits(towns={"甲镇": town}, districts={}, stations={})
    far = box(121.60, 31.20, 121.62, 31.22)
    disc = buffer_m(Point(121.61, 31.21), 3000)
    gdf = gpd.GeoDataFrame({"id": ["outline", "unnamed", "disc"]},
                           geometry=[far, far, disc], crs=4326).set_index("id", drop=False)
    definition = {"layer": {"id": "x"}, "feature": [
        {"id": "outline", "precision_m": 300, "notes": "街镇: 甲镇.", "geometry": {"polygon": []}},
        {"id": "unnamed", "precision_m": 300, "notes": "", "geometry": {"polygon": []}},
        {"id": "disc", "precision_m": 3000, "notes": "街镇: 甲镇.", "geometry": {"point": [0, 0]}}]}
    assert [p.split(":")[0] for p in unit_problems(definition, gdf, base)] == ["x/outline"]
