"""`shmap validate` passes on the shipped data and fails, clearly, on each broken rule."""

import json
import shutil

import pytest

from cli.main import main
from layers.settings import DATA_DIR
from layers.validate import validation_problems


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit_layer(data, layer_id, mutate):
    path = data / "layers" / f"{layer_id}.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    mutate(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def feature(doc, fid):
    return next(f for f in doc["features"] if f["properties"]["id"] == fid)


def test_shipped_data_is_valid(seeds_dir):
    assert validation_problems(DATA_DIR, seeds_dir) == []


def _drop_method(doc):
    for f in doc["features"]:
        del f["properties"]["method"]


def _unknown_sector(doc):
    feature(doc, "pole_zhangjiang")["properties"]["sectors"] = "ic;teleportation"


def _projected(doc):
    feature(doc, "pole_zhangjiang")["geometry"] = {"type": "Polygon", "coordinates": [
        [[350000, 3450000], [360000, 3450000], [360000, 3460000], [350000, 3450000]]]}


def _bowtie(doc):
    feature(doc, "pole_zhangjiang")["geometry"] = {"type": "Polygon", "coordinates": [
        [[121.6, 31.1], [121.65, 31.2], [121.65, 31.1], [121.6, 31.2], [121.6, 31.1]]]}


def _overlap(doc):
    feature(doc, "pole_lingang")["geometry"] = feature(doc, "pole_zhangjiang")["geometry"]


def _bad_quote(doc):
    feature(doc, "pole_zhangjiang")["properties"]["cite_quote"] = "打造世界一流的月球基地"


def _wrong_district(doc):
    feature(doc, "pole_zhangjiang")["properties"]["districts"] = "崇明区"


@pytest.mark.parametrize(("mutate", "message"), [
    (_drop_method, "missing fields method"),
    (_unknown_sector, "unknown sector ids ['teleportation']"),
    (_projected, "coordinates are not lon/lat degrees"),
    (_bowtie, "invalid geometry"),
    (_overlap, "overlap by"),
    (_bad_quote, "quote not found verbatim"),
    (_wrong_district, "lies outside its named districts"),
])
def test_each_broken_rule_is_reported(data_copy, seeds_dir, mutate, message, capsys):
    edit_layer(data_copy, "poles", mutate)
    code = main(["validate", "--data", str(data_copy), "--seeds", str(seeds_dir)])
    out = capsys.readouterr().out
    assert code == 1
    assert message in out
    assert "problems" in out.splitlines()[-1]


def test_a_changed_file_breaks_its_provenance_hash(data_copy, capsys):
    (data_copy / "sectors.toml").write_text(
        (data_copy / "sectors.toml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert main(["validate", "--data", str(data_copy)]) == 1
    assert "sectors.toml: sha256 differs from provenance" in capsys.readouterr().out


def test_a_file_without_provenance_is_reported(data_copy, capsys):
    (data_copy / "firms" / "new_list.csv").write_text("name\n", encoding="utf-8")
    assert main(["validate", "--data", str(data_copy)]) == 1
    assert "firms/new_list.csv: no provenance entry" in capsys.readouterr().out


def test_a_missing_data_folder_is_one_clear_line(tmp_path, capsys):
    assert main(["validate", "--data", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


# --- issue 12: claimed precision must hold -------------------------------------------

CHANGYANG = "geometry = { point = [121.5276, 31.2749], radius_m = 300 }"


def edit_recipe(data, old, new, file="11_ai_4_x.toml"):
    path = data / "layers" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _drop_evidence(data):
    path = data / "layers" / "11_ai_4_x.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('notes = """', text.index('id = "ai_x_changyang_valley"'))
    end = text.index('"""', start + 11) + 3
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def _small_disc(data):
    edit_recipe(data, CHANGYANG, CHANGYANG.replace("radius_m = 300", "radius_m = 100"))


def _wrong_town(data):  # 五角场, still in 杨浦区 but not in 大桥街道 where the evidence puts it
    edit_recipe(data, CHANGYANG, CHANGYANG.replace("121.5276, 31.2749", "121.5102, 31.3001"))


def _wrong_district(data):  # 北外滩, in 虹口区
    edit_recipe(data, CHANGYANG, CHANGYANG.replace("121.5276, 31.2749", "121.4965, 31.2530"))


@pytest.mark.parametrize(("mutate", "message"), [
    (_drop_evidence, "ai_4_x/ai_x_changyang_valley: claims ±300 m but has no notes"),
    (_small_disc, "ai_4_x/ai_x_changyang_valley: disc radius 100 m is smaller than its precision ±300 m"),
    (_wrong_town, "ai_4_x/ai_x_changyang_valley: centre lies outside 街镇 大桥街道"),
    (_wrong_district, "ai_4_x/ai_x_changyang_valley: centre 121.4965, 31.2530 lies outside its named districts"),
])
def test_each_broken_site_rule_is_reported(data_copy, seeds_dir, mutate, message, capsys):
    mutate(data_copy)
    code = main(["validate", "--data", str(data_copy), "--seeds", str(seeds_dir)])
    assert code == 1
    assert message in capsys.readouterr().out


def test_a_coarse_site_needs_no_notes_but_a_fine_one_does():
    from layers.evidence import notes_problems
    definition = {"layer": {"id": "x"}, "feature": [
        {"id": "coarse", "precision_m": 5000, "notes": ""},
        {"id": "fine", "precision_m": 500, "notes": "  "}]}
    assert [p.split(":")[0] for p in notes_problems(definition)] == ["x/fine"]


def test_units_named_in_evidence_are_read():
    from layers.evidence import named_units
    text = "Derivation: … 街镇: 华泾镇. 区: 徐汇区 (a part in 闵行)."
    assert named_units(text) == {"街镇": ["华泾镇"], "区": ["徐汇区"]}


def test_uncertainty_areas_may_overlap_but_outlines_may_not():
    import geopandas as gpd
    from shapely.geometry import Point

    from geo.metric import buffer_m
    from layers.checks import overlap_problems
    disc = buffer_m(Point(121.5, 31.2), 1000)
    other = buffer_m(Point(121.505, 31.2), 1000)
    frame = gpd.GeoDataFrame({"id": ["a", "b"], "part_of": ["", ""], "precision_m": [1000.0, 200.0]},
                             geometry=[disc, other], crs=4326)
    assert overlap_problems(frame) == []  # a: ±1 km over a 1 km disc only says where
    frame["precision_m"] = [200.0, 200.0]
    assert "a and b overlap" in overlap_problems(frame)[0]


def test_area_tolerance_grows_with_the_precision():
    from layers.checks import area_tolerance_pct
    assert area_tolerance_pct(94.0, 10) == 5.0  # an outline good to 10 m: the 5 % floor
    radius = (3.1e6 / 3.141592653589793) ** 0.5
    assert area_tolerance_pct(3.1, 2000) == pytest.approx(100 * (((radius + 2000) / radius) ** 2 - 1))
