"""The dask engine on a dask.distributed cluster: a LocalCluster of 2 processes on loopback."""

import numpy as np
import pandas as pd
import pytest

from cli.main import main
from firms.cluster import dask_client, local_shape
from firms.intake import import_firm_list
from firms.scale import measures_dask_layers
from firms.synth import write_synthetic
from firms.zones import layer_measures


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return write_synthetic(20_000, 7, tmp_path_factory.mktemp("cluster"))


@pytest.fixture(scope="module")
def client():
    with dask_client(workers=2, threads=1, dashboard=":0", host="127.0.0.1") as c:
        yield c


def _same_measures(got: pd.DataFrame, want: pd.DataFrame) -> None:
    for col in ("firms", "sector_firms", "unclassified", "strong_cluster", "designated"):
        assert list(got[col]) == list(want[col]), col
    for col in ("lq", "plan_fit", "firms_per_km2", "sector_share", "employees"):
        assert np.allclose(got[col].astype(float), want[col].astype(float), equal_nan=True), col


@pytest.mark.loopback
@pytest.mark.slow
def test_the_local_cluster_is_two_worker_processes(client):
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2
    assert len({w["id"] for w in workers.values()}) == 2
    assert len(set(client.run(__import__("os").getpid).values())) == 2  # two processes


@pytest.mark.loopback
@pytest.mark.slow
def test_cluster_measures_equal_the_in_memory_ones(sample, client):
    memory = layer_measures(import_firm_list(sample).accepted, "districts", "ic")
    tables, tally = measures_dask_layers(sample, ["districts"], "ic", blocksize="256KB",
                                         scheduler=client)
    assert tally == {"in": 20_000, "accepted": 20_000, "rejected": 0}
    _same_measures(tables["districts"], memory)


@pytest.mark.loopback
@pytest.mark.slow
def test_parquet_input_gives_the_csv_measures(sample, client, tmp_path):
    frame = pd.read_csv(sample, dtype=str, keep_default_na=False)
    frame["经度"] = frame["经度"].astype(float)  # typed columns, as Parquet writers keep them
    frame["从业人员"] = pd.to_numeric(frame["从业人员"]).astype("Int64")
    parquet = tmp_path / "firms.parquet"
    frame.to_parquet(parquet, row_group_size=4_000)
    from_csv, _ = measures_dask_layers(sample, ["new_towns"], "ic", blocksize="256KB",
                                       scheduler=client)
    from_parquet, tally = measures_dask_layers(parquet, ["new_towns"], "ic", scheduler=client)
    assert tally == {"in": 20_000, "accepted": 20_000, "rejected": 0}
    _same_measures(from_parquet["new_towns"], from_csv["new_towns"])


@pytest.mark.loopback
@pytest.mark.slow
def test_cli_runs_on_a_scheduler_address(sample, client, tmp_path, capsys):
    out = tmp_path / "m.csv"
    assert main(["measures", str(sample), "--layer", "new_towns", "--sector", "ic",
                 "--engine", "dask", "--blocksize", "512KB",
                 "--scheduler", client.scheduler.address, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "rows in 20000: accepted 20000" in err and "dask dashboard: http" in err
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == 5


@pytest.mark.loopback
@pytest.mark.slow
def test_cli_starts_a_local_cluster_and_prints_its_dashboard(sample, tmp_path, capsys):
    out = tmp_path / "m.csv"
    assert main(["measures", str(sample), "--layer", "districts", "--engine", "dask",
                 "--blocksize", "1MB", "--workers", "1", "--dashboard", ":0",
                 "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "dask dashboard: http" in err and "rows in 20000" in err


@pytest.mark.parametrize(("cores", "shape"), [(1, (1, 1)), (2, (2, 1)), (8, (4, 2)),
                                              (32, (16, 2))])
def test_local_shape_follows_the_cores(cores, shape):
    assert local_shape(cores) == shape
