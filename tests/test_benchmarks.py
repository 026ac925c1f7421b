"""The benchmark scripts run and report every figure the README quotes.

Small N only: the figures themselves are measured by hand (README, issue notes),
never judged by a timed test.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                          check=True, capture_output=True, text=True, cwd=ROOT, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_pipeline_benchmark_reports_each_step_beside_the_bound():
    f = bench("run.py", "--n", "3000", "--json")
    for key in ("n", "import_s", "datum_s", "join_s", "bound_s", "join_over_bound", "measures_s",
                "pipeline_s", "map_build_s", "map_payload_bytes", "peak_rss_mb"):
        assert f[key] is not None and f[key] >= 0, key
    assert f["n"] == f["accepted"] == 3000
    # Every point the bound finds inside a polygon is a pair of the join; the join may
    # add points on edges (zones cover their boundary), never lose one.
    assert f["pairs"] >= f["bound_hits"] > 0
    assert f["pipeline_s"] >= f["import_s"] + f["join_s"]
    assert f["layers"] == 13 and f["map_firm_mode"] == "markers"
    assert 0 < f["map_payload_bytes"] < 3_000_000


def test_the_dask_benchmark_reads_every_row_in_blocks():
    f = bench("run.py", "--n", "3000", "--engine", "dask", "--blocksize", "64KB", "--json")
    assert f["engine"] == "dask" and f["layers"] == 13
    assert f["rows_in"] == f["accepted"] == 3000
    assert f["peak_rss_mb"] > 0


def test_the_app_rerun_benchmark_times_each_interaction():
    f = bench("app_rerun.py", "--n", "4000")
    assert f["n"] == 4000
    for key in ("first_run_s", "upload_run_s", "plain_rerun_s", "sector_switch_s",
                "measure_switch_s", "measure_sector_switch_s", "shortlist_sector_switch_s"):
        assert f[key] > 0, key
