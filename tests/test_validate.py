"""`shmap validate` passes on the shipped data and fails, clearly, on each broken rule."""

import json
import shutil

import pytest

from layers.settings import DATA_DIR
from layers.validate import validation_problems
from ui.cli import main


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
