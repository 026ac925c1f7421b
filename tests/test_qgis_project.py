"""The .qgz written beside a GeoPackage export: the app's groups, every table of the
GeoPackage by relative path, the app's colours with approximate outlines dashed —
checked as XML, and opened in headless QGIS (Debian's python3-qgis, 3.22 LTR) where it
is installed: a valid project CRS, every layer valid and styled, no version warning."""

import shutil
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from contextlib import closing

import pytest
from qgis_headless import run_qgis

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


#: Opens a project and prints what QGIS found, as JSON.
PROJECT_PROBE = """
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject
project = QgsProject.instance()
read = project.read(sys.argv[1])
wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
print(json.dumps({
    "read": read, "crs_valid": project.crs().isValid(), "crs": project.crs().authid(),
    "crs_name": project.crs().description(),
    "to_wgs84": QgsCoordinateTransform(project.crs(), wgs84, project).isValid(),
    "layers": {lyr.source().split("layername=")[1]: {
        "valid": lyr.isValid(), "renderer": lyr.renderer().type() if lyr.isValid() else None,
        "features": lyr.featureCount()} for lyr in project.mapLayers().values()}}))
"""


@pytest.mark.subprocess
@pytest.mark.parametrize("datum", ["wgs84", "gcj02"])
def test_headless_qgis_opens_the_project_with_a_crs_and_every_layer_styled(tmp_path, datum):
    _, gpkg = project(tmp_path, datum)
    folder = tmp_path / "moved"  # the project finds its GeoPackage relatively, wherever they go
    folder.mkdir()
    for name in (gpkg.name, gpkg.with_suffix(".qgz").name):
        shutil.move(tmp_path / name, folder / name)
    found, messages = run_qgis(PROJECT_PROBE, str(folder / gpkg.with_suffix(".qgz").name),
                               cwd=folder)
    assert found["read"] and found["crs_valid"], found
    assert "newer version" not in messages
    if datum == "wgs84":
        assert found["crs"] == "EPSG:4326" and found["to_wgs84"]
    else:  # its own engineering CRS: QGIS has no transformation to WGS84 either
        assert "GCJ-02" in found["crs_name"] and not found["to_wgs84"]
    with closing(sqlite3.connect(folder / gpkg.name)) as con:
        counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                  for t in LAYER_IDS}
    assert found["layers"] == {t: {"valid": True, "renderer": "RuleRenderer", "features": n}
                               for t, n in counts.items()}
