"""The zone measures of a firm list travel in the GIS export: ``shmap export … --firms``
(and the app's bundle, same code) gives each zone typed measure columns — counts as
Integer, densities, shares and LQs as Real, the strong-cluster flag as Boolean — equal
to the measures computed directly, certain and possible counts apart, and the bundle's
README says what each column means in Chinese and English."""

import csv
import re
import subprocess
import zipfile

import pandas as pd
import pyogrio
import pytest
from serving import qichacha_csv

import layers
from cli.inputs import firms_or_error
from firms.zone_export import sectors_of
from firms.zones import join_and_count, measures_of

LAYERS = ("poles", "parks")


@pytest.fixture(scope="module")
def firm_file(tmp_path_factory):
    """The 企查查-style list of the service tests and two rows placed by address only
    (a town, coarser than a point: counted as possible where the town meets a zone)."""
    path = qichacha_csv(tmp_path_factory.mktemp("firms") / "qichacha.csv")
    with open(path, "a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["上海川沙示例芯片有限公司", "", "2018-03-01", "500", "20",
                         "上海市浦东新区川沙新镇", "", "", "", "3973", "集成电路制造"])
        writer.writerow(["上海张江镇示例生物有限公司", "", "2016-06-06", "900", "35",
                         "上海市浦东新区张江镇", "", "", "", "2720", "化学药品制剂制造"])
    return path


@pytest.fixture(scope="module")
def bundle(firm_file, tmp_path_factory):
    from cli.main import main

    out = tmp_path_factory.mktemp("bundle") / "layers.zip"
    assert main(["export", *LAYERS, "-o", str(out), "--firms", str(firm_file)]) == 0
    folder = out.parent / "unzipped"
    with zipfile.ZipFile(out) as z:
        z.extractall(folder)
    return folder


def expected(firm_file, layer_id: str) -> pd.DataFrame:
    """The measures computed directly, one column per exported name."""
    firms = firms_or_error(str(firm_file), "wgs84", points=False).accepted
    zones = layers.load(layer_id)
    counts = join_and_count(firms, zones).counts
    base = measures_of(counts, zones)
    table = pd.DataFrame({"firms_certain": base["firms"], "firms_possible": base["firms_possible"],
                          "firms_per_km2": base["firms_per_km2"], "plan_fit": base["plan_fit"]})
    for sector in sectors_of(firms):
        m = measures_of(counts, zones, sector)
        table[f"{sector}_firms"] = m["sector_firms"]
        table[f"{sector}_firms_possible"] = m["sector_firms_possible"]
        table[f"{sector}_share"] = m["sector_share"]
        table[f"{sector}_lq"] = m["lq"]
        table[f"{sector}_strong_cluster"] = m["strong_cluster"]
    return table


@pytest.mark.parametrize("layer_id", LAYERS)
def test_gdal_reads_the_measure_columns_typed(bundle, ogrinfo, layer_id):
    gpkg = next(bundle.glob("*.gpkg"))
    out = subprocess.run([ogrinfo, "-ro", "-so", str(gpkg), layer_id], capture_output=True,
                         text=True, check=True).stdout
    types = dict(re.findall(r"^(\w+): (\w+(?:\(\w+\))?) \(", out, flags=re.M))
    assert types["firms_certain"] == types["firms_possible"] == "Integer"
    assert types["firms_per_km2"] == types["plan_fit"] == types["employees"] == "Real"
    assert types["ic_firms"] == types["ic_firms_possible"] == "Integer"
    assert types["ic_share"] == types["ic_lq"] == "Real"
    assert types["ic_strong_cluster"] == "Integer(Boolean)"
    assert types["biomed_lq"] == "Real"


@pytest.mark.parametrize("layer_id", LAYERS)
def test_the_exported_measures_are_the_measures(bundle, firm_file, layer_id):
    gpkg = next(bundle.glob("*.gpkg"))
    got = pyogrio.read_dataframe(gpkg, layer=layer_id).set_index("id")
    want = expected(firm_file, layer_id)
    assert set(want.columns) <= set(got.columns)
    for column in want.columns:
        a, b = got.loc[want.index, column], want[column]
        if b.dtype == bool:
            assert (a.astype(bool) == b).all(), column
        else:
            pd.testing.assert_series_equal(a.astype(float), b.astype(float), check_names=False,
                                           atol=1e-9, obj=column)
    assert want["firms_certain"].sum() > 0  # firms fell in zones: the check compares counts


def test_possible_counts_are_kept_apart_from_certain(bundle):
    got = pyogrio.read_dataframe(next(bundle.glob("*.gpkg")), layer="poles")
    assert (got["firms_possible"] >= got["firms_certain"]).all()
    assert (got["firms_possible"] > got["firms_certain"]).any()  # the town-placed firms


def test_the_readme_explains_every_measure_column_in_both_languages(bundle):
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    got = pyogrio.read_info(next(bundle.glob("*.gpkg")), layer="poles")["fields"]
    measures = [f for f in got if f in ("firms_certain", "firms_possible", "firms_per_km2",
                                        "employees", "unclassified", "plan_fit")
                or re.match(r"^[a-z]+_(firms|firms_possible|share|lq|strong_cluster)$", f)]
    assert len(measures) >= 11
    for field in measures:
        assert readme.count(f"- `{field}`: ") == 2, field  # once in Chinese, once in English
    assert "## 区域企业指标" in readme and "## Zone measures of the firm list" in readme
    assert "counts as certain in a zone only where its placement certainly lies" in readme
    assert "集成电路：区位熵" in readme and "Integrated circuits: location quotient" in readme


def test_without_a_firm_list_the_export_has_no_measures(tmp_path):
    from cli.main import main

    assert main(["export", "poles", "-o", str(tmp_path / "plain.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "plain.zip") as z:
        z.extractall(tmp_path)
        readme = z.read("README.md").decode("utf-8")
    assert "firms_certain" not in pyogrio.read_info(tmp_path / "plain.gpkg", layer="poles")[
        "fields"]
    assert "Zone measures" not in readme
