"""The .qgz written beside a GeoPackage export: the app's groups, every table of the
GeoPackage by relative path, the app's colours with approximate outlines dashed.
(Checked as XML: QGIS itself is not installed where the tests run.)"""

import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from contextlib import closing

import layers
from cli.main import main
from ui.i18n import group_label

LAYER_IDS = ["districts", "poles", "axes", "new_towns", "g60_cities", "parks"]


def project(tmp_path, datum="wgs84"):
    assert main(["export", *LAYER_IDS, "--datum", datum, "-o", str(tmp_path / "layout.gpkg")]) == 0
    suffix = "" if datum == "wgs84" else f"_{datum}"
    with zipfile.ZipFile(tmp_path / f"layout{suffix}.qgz") as z:
        (name,) = z.namelist()
        text = z.read(name).decode()
    return ET.fromstring(text.split("\n", 1)[1]), tmp_path / f"layout{suffix}.gpkg"


def test_layers_are_grouped_as_in_the_app(tmp_path):
    root, _ = project(tmp_path)
    tree = root.find("layer-tree-group")
    groups = {g.get("name"): [lyr.get("source").split("layername=")[1]
                              for lyr in g.findall("layer-tree-layer")]
              for g in tree.findall("layer-tree-group")}
    expected: dict[str, set] = {}
    for layer_id in LAYER_IDS:
        group = layers.entry(layer_id).group
        expected.setdefault(f"{group_label(group, 'zh')} / {group_label(group, 'en')}",
                            set()).add(layer_id)
    assert {k: set(v) for k, v in groups.items()} == expected
    assert list(groups)[-1].startswith(group_label("base", "zh"))  # districts drawn underneath


def test_every_layer_points_to_a_table_of_the_gpkg_beside_it(tmp_path):
    root, gpkg = project(tmp_path)
    with closing(sqlite3.connect(gpkg)) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents "
                                            "WHERE data_type = 'features'")}
    sources = {m.find("datasource").text for m in root.iter("maplayer")}
    assert sources == {f"./{gpkg.name}|layername={t}" for t in tables}
    assert root.find("properties/Paths/Absolute").text == "false"


def test_renderers_dash_approximate_outlines_in_layer_colours(tmp_path):
    root, _ = project(tmp_path)
    for m in root.iter("maplayer"):
        layer_id = m.find("datasource").text.split("layername=")[1]
        rules = {r.get("filter"): r.get("symbol") for r in m.iter("rule")}
        symbols = {s.get("name"): s for s in m.iter("symbol")}
        dashed = {o.get("name"): o.get("value")
                  for o in symbols[rules['"approximate" = true']].iter("Option") if o.get("name")}
        assert "dash" in (dashed.get("outline_style"), dashed.get("line_style")), layer_id
        colour = layers.entry(layer_id).style.color.lstrip("#")
        rgb = ",".join(str(int(colour[i:i + 2], 16)) for i in (0, 2, 4))
        assert (dashed.get("outline_color") or dashed.get("line_color")).startswith(rgb)


def test_gcj02_project_is_in_the_files_own_crs(tmp_path):
    root, _ = project(tmp_path, "gcj02")
    for ref in root.iter("spatialrefsys"):
        assert "GCJ-02" in ref.find("wkt").text and ref.find("authid").text in (None, "")
