"""`shmap export … -o bundle.zip`: the GIS bundle — GeoPackage with its styles, the QGIS
project beside it, QML/SLD per layer and a README that carries the licence, the
attribution and the datum with the files."""

import zipfile

import pytest

from cli.main import main

LAYER_IDS = ["districts", "poles", "parks"]


@pytest.mark.parametrize("datum", ["wgs84", "gcj02"])
def test_the_bundle_holds_every_file_and_a_readme_with_licence_and_datum(tmp_path, datum,
                                                                         validate_gpkg):
    assert main(["export", *LAYER_IDS, "--datum", datum, "-o", str(tmp_path / "layout.zip")]) == 0
    suffix = "" if datum == "wgs84" else f"_{datum}"
    with zipfile.ZipFile(tmp_path / f"layout{suffix}.zip") as z:
        names = set(z.namelist())
        readme = z.read("README.md").decode()
        z.extract(f"layout{suffix}.gpkg", tmp_path / "out")
    assert {"README.md", f"layout{suffix}.gpkg", f"layout{suffix}.qgz"} <= names
    assert {f"layout{suffix}.{i}.{kind}" for i in LAYER_IDS for kind in ("qml", "sld")} <= names
    assert "Open Database License" in readme and "© OpenStreetMap contributors" in readme
    assert ("WGS84 (EPSG:4326)" in readme) == (datum == "wgs84")
    assert ("NOT WGS84" in readme) == (datum != "wgs84")
    assert all(f"`{name}`" in readme for name in names - {"README.md"})
    assert validate_gpkg(tmp_path / "out" / f"layout{suffix}.gpkg") == ""
