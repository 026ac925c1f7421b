"""The dask engine gives the same measures as the single-machine path."""

import numpy as np
import pandas as pd
import pytest

from cli.main import main
from firms.intake import import_firm_list
from firms.scale import firm_partitions, measures_dask
from firms.synth import write_synthetic
from firms.zones import layer_measures


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return write_synthetic(100_000, 11, tmp_path_factory.mktemp("scale"))


@pytest.mark.parametrize(("layer_id", "sector"), [("biomed_1_5_x", "biomed"), ("districts", "ic")])
def test_dask_measures_equal_the_in_memory_ones(sample, layer_id, sector):
    memory = layer_measures(import_firm_list(sample).accepted, layer_id, sector)
    scaled, tally = measures_dask(sample, layer_id, sector, blocksize="2MB")
    assert tally == {"in": 100_000, "accepted": 100_000, "rejected": 0}
    for col in ("firms", "sector_firms", "unclassified", "strong_cluster", "designated"):
        assert list(scaled[col]) == list(memory[col]), col
    for col in ("lq", "plan_fit", "firms_per_km2", "sector_share", "employees"):
        assert np.allclose(scaled[col].astype(float), memory[col].astype(float), equal_nan=True), col


def test_firm_partitions_are_a_dask_geopandas_frame(sample):
    parts = firm_partitions(sample, blocksize="2MB")
    assert parts.npartitions > 1
    assert type(parts).__module__.startswith("dask_geopandas")
    assert len(parts.compute()) == 100_000


@pytest.mark.loopback
@pytest.mark.slow
def test_cli_engine_dask(sample, tmp_path, capsys, dask_cluster):
    out = tmp_path / "m.csv"
    assert main(["measures", str(sample), "--layer", "new_towns", "--sector", "ic",
                 "--engine", "dask", "--blocksize", "4MB",
                 "--scheduler", dask_cluster.scheduler.address, "-o", str(out)]) == 0
    assert "rows in 100000" in capsys.readouterr().err
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == 5


@pytest.mark.slow
def test_spatially_partitioned_dask_measures_equal_the_in_memory_ones(sample, tmp_path):
    from firms.scale import measures_dask_spatial

    memory = layer_measures(import_firm_list(sample).accepted, "new_towns", "ic")
    tables, tally = measures_dask_spatial(sample, ["new_towns"], "ic", blocksize="2MB",
                                          npartitions=4, workdir=tmp_path)
    spatial = tables["new_towns"]
    assert tally == {"in": 100_000, "accepted": 100_000, "rejected": 0}
    assert list(spatial["firms"]) == list(memory["firms"])
    assert np.allclose(spatial["lq"], memory["lq"], equal_nan=True)
    assert list(tmp_path.iterdir()) == []  # the staged GeoParquet is removed


@pytest.mark.loopback
@pytest.mark.parametrize("spatial", [False, True])
def test_both_dask_engines_count_rejected_rows(tmp_path, capsys, spatial, dask_cluster):
    good = pd.read_csv(write_synthetic(2_000, 5, tmp_path), dtype=str, keep_default_na=False)
    bad = good.head(3).copy()
    bad["经度"] = ["not a number", "0", "116.39"]  # text, a (0, 0) placeholder, Beijing
    bad["纬度"] = ["31.2", "0", "39.9"]
    path = tmp_path / "mixed.csv"
    pd.concat([good, bad]).to_csv(path, index=False)
    out = tmp_path / "m.csv"
    args = ["measures", str(path), "--layer", "districts", "--engine", "dask",
            "--blocksize", "64KB", "--scheduler", dask_cluster.scheduler.address,
            "-o", str(out)] + (
                ["--spatial"] if spatial else [])
    assert main(args) == 0
    assert "rows in 2003: accepted 2000, rejected 3" in capsys.readouterr().err
    memory = layer_measures(import_firm_list(path).accepted, "districts")
    assert list(pd.read_csv(out, encoding="utf-8-sig")["firms"]) == list(memory["firms"])


def test_a_gb18030_file_is_read_by_blocks_as_the_single_machine_import_reads_it(tmp_path):
    utf8 = write_synthetic(3_000, 7, tmp_path)
    gb = tmp_path / "gb18030.csv"
    gb.write_bytes(utf8.read_bytes().decode("utf-8").encode("gb18030"))
    assert "企业" in gb.read_bytes().decode("gb18030")  # Chinese headers and names
    memory = layer_measures(import_firm_list(gb).accepted, "districts", "ic")
    scaled, tally = measures_dask(gb, "districts", "ic", blocksize="64KB")
    assert tally == {"in": 3_000, "accepted": 3_000, "rejected": 0}
    assert list(scaled["firms"]) == list(memory["firms"])
    assert list(scaled["sector_firms"]) == list(memory["sector_firms"])


def test_a_file_neither_utf8_nor_gb18030_is_refused_by_name(tmp_path):
    from geo.errors import ShmapError

    bad = tmp_path / "latin.csv"
    bad.write_bytes("企业名称,经度,纬度\n".encode() + b"\xff\xfe\xff,121.4,31.2\n")
    with pytest.raises(ShmapError, match=r"latin\.csv: not UTF-8 or GB18030 text"):
        measures_dask(bad, "districts", "ic", blocksize="64KB")


def test_auto_blocks_give_every_worker_thread_several_even_blocks(tmp_path):
    from firms.scale import AUTO_BLOCK_BYTES, BLOCKS_PER_SLOT, block_size

    low, high = AUTO_BLOCK_BYTES
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:  # a sparse 252 MB file: only its size is read
        fh.truncate(252_000_000)
    assert block_size(big, "auto", slots=2) == 252_000_000 // (BLOCKS_PER_SLOT * 2)  # 8 blocks
    assert block_size(big, "auto", slots=1) == high  # never above 32 MB
    assert block_size(big, "auto", slots=64) == low  # nor below 8 MB
    assert block_size(big, "16MB", slots=2) == "16MB"  # a size given is kept
