"""The benchmark scripts run and report every figure the README quotes.

Small N only: the figures themselves are measured by hand (README, issue notes),
never judged by a timed test.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: Each runs a benchmark script as a program (its own memory and process figures);
#: the dask runs start a cluster on loopback.
pytestmark = [pytest.mark.subprocess, pytest.mark.loopback, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


def bench(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                          check=True, capture_output=True, text=True, cwd=ROOT, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_pipeline_benchmark_reports_each_step_beside_the_bound():
    f = bench("run.py", "--n", "3000", "--json")
    for key in ("n", "import_s", "import_bound_s", "datum_s", "join_s", "bound_s",
                "join_over_bound", "measures_s", "measures_bound_s", "pipeline_s", "bounds_s",
                "pipeline_over_bounds", "map_build_s", "map_payload_bytes", "peak_rss_mb"):
        assert f[key] is not None and f[key] >= 0, key
    assert f["n"] == f["accepted"] == 3000
    # Every point the bound finds inside a polygon is a pair of the join; the join may
    # add points on edges (zones cover their boundary), never lose one.
    assert f["pairs"] >= f["bound_hits"] > 0
    assert f["pipeline_s"] >= f["import_s"] + f["join_s"]
    bounds = f["import_bound_s"] + f["bound_s"] + f["measures_bound_s"]
    assert abs(f["bounds_s"] - bounds) < 0.01
    assert f["layers"] == 13 and f["map_firm_mode"] == "markers"
    assert 0 < f["map_payload_bytes"] < 3_000_000


def test_repeated_runs_report_medians_and_each_runs_ratio():
    f = bench("run.py", "--n", "2000", "--repeat", "2", "--json")
    assert f["repeat"] == 2 and len(f["pipeline_over_bounds_runs"]) == 2
    low, high = sorted(f["pipeline_over_bounds_runs"])
    assert low <= f["pipeline_over_bounds"] <= high
    assert f["accepted"] == 2000 and f["peak_rss_mb"] > 0


def test_the_worker_comparison_reports_the_machines_parallel_bound():
    f = bench("run.py", "--n", "2000", "--compare-workers", "1,2", "--blocksize", "64KB", "--json")
    assert set(f["runs"]) == {"1", "2"}
    assert all(r["accepted"] == 2000 and r["s"] > 0 for r in f["runs"].values())
    assert 0.5 < f["core_speedup_bound"] < 2.5  # two processes of pure CPU work on ≤ 2 cores
    assert abs(f["speedup_over_bound"] - f["speedup_2_over_1"] / f["core_speedup_bound"]) < 0.02


def test_the_dask_benchmark_reads_every_row_in_blocks():
    f = bench("run.py", "--n", "3000", "--engine", "dask", "--blocksize", "64KB", "--json")
    assert f["engine"] == "dask" and f["layers"] == 13
    assert f["rows_in"] == f["accepted"] == 3000
    assert f["peak_rss_mb"] > 0


def test_the_dask_benchmark_runs_on_a_local_cluster_of_processes():
    f = bench("run.py", "--n", "3000", "--engine", "dask", "--blocksize", "64KB", "--workers",
              "2", "--json")
    assert f["scheduler"] == "LocalCluster 2 processes × 1 thread"
    assert f["rows_in"] == f["accepted"] == 3000 and f["worker_peak_rss_mb"] > 0


def test_the_app_rerun_benchmark_times_each_interaction():
    f = bench("app_rerun.py", "--n", "4000")
    assert f["n"] == 4000
    for key in ("first_run_s", "upload_run_s", "plain_rerun_s", "sector_switch_s",
                "measure_switch_s", "measure_sector_switch_s", "shortlist_sector_switch_s",
                "search_s", "pick_zone_s", "pick_firm_s", "whole_city_s", "pick_hidden_firm_s",
                "draw_site_s"):
        assert f[key] > 0, key


def test_the_hostile_input_benchmark_reports_bomb_datum_export_and_geojson_figures():
    f = bench("hostile.py", "--n", "2000", "--distinct", "1000", "--export-n", "2000",
              "--geojson-mb", "1", "--json")
    assert f["bomb_bytes"] < 10_000 and f["bomb_rows"] == 1
    for key in ("bomb_wall_s", "bomb_cpu_s", "bomb_peak_rss_mb", "datum_one_s", "datum_distinct_s",
                "datum_ratio", "export_s", "export_peak_rss_mb", "geojson_firms_peak_rss_mb",
                "geojson_firms_rows", "geojson_empty_peak_rss_mb"):
        assert f[key] > 0, key
    assert 0.9 < f["geojson_firms_mb"] < 1.1 and f["geojson_empty_rows"] == "TableRejectedError"
    assert f["datum_rows"] == 2000 and f["datum_distinct"] == 1000 and f["export_n"] == 2000


def test_the_placement_benchmark_reports_address_only_against_coordinates():
    f = bench("placement.py", "--n", "2000", "--repeat", "1", "--json")
    assert f["coords_accepted"] == f["address_accepted"] == 2000
    assert f["coords_levels"] == {"coordinates": 2000}
    assert sum(f["address_levels"].values()) == 2000 and "zone" in f["address_levels"]
    assert f["address_certain_pairs"] < f["coords_certain_pairs"]  # coarse firms are possible
    assert f["address_possible_pairs"] > 0 and f["coords_possible_pairs"] == 0
    for key in ("import_ratio", "join_ratio", "total_ratio"):
        assert f[key] > 0


def test_the_service_benchmark_times_each_request_and_the_concurrent_load():
    """By default the list is imported once into a firm GeoPackage (timed apart) and
    served from it; startup is also given in the serve process's CPU seconds."""
    f = bench("serve.py", "--n", "3000")
    assert f["firms_as"] == "gpkg" and f["gpkg_mb"] > 0
    for key in ("import_s", "import_cpu_s", "startup_cpu_s", "startup_s", "page_1000_s", "page_1000_at_half_s", "bbox_1000_s", "one_item_s",
                "bound_round_trip_s", "server_peak_rss_mb", "concurrent_8_wall_s"):
        assert f[key] > 0, key
    assert f["n"] == 3000 and 0 < f["bbox_matched"] < 3000
    assert f["concurrent_8_statuses"] == [200]  # every one of the 8 answered


def test_the_workbook_benchmark_imports_the_same_firms_as_csv_and_as_a_workbook():
    f = bench("workbooks.py", "--n", "2000", "--repeat", "1", "--json")
    assert f["csv"]["accepted"] == f["xlsx"]["accepted"] == 2000
    for key in ("wall_s_ratio", "cpu_s_ratio", "peak_rss_mb_ratio", "cli_wall_s_ratio",
                "cli_peak_rss_mb_ratio"):
        assert f[key] > 0, key
    assert f["xlsx_mb"] > 0 and f["csv_mb"] > 0


def test_the_cluster_benchmark_reports_each_stage_beside_its_bound(tmp_path):
    report, png = tmp_path / "report.html", tmp_path / "task_stream.png"
    f = bench("cluster.py", "--n", "3000", "--blocksize", "64KB", "--report", str(report),
              "--png", str(png), "--json")
    assert f["rows"] == {"in": 3000, "accepted": 3000, "rejected": 0}
    for stage in ("plan", "import", "join"):  # a 0.3 MB file is read in under 0.01 s
        assert f["stages"][stage]["cluster_s"] > 0 and f["stages"][stage]["bound_s"] >= 0, stage
    assert f["task_seconds"]["_csv_block"] > 0 and len(f["worker_peak_rss_mb"]) == 2
    assert report.stat().st_size > 100_000 and png.read_bytes()[:4] == b"\x89PNG"
