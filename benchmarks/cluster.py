"""The dask engine on a LocalCluster: time per stage and peak memory per worker, each
beside its single-machine bound measured in the same run; the dashboard's task stream.

    python benchmarks/cluster.py --n 3000000 [--workers 2] [--blocksize auto] [--json]
        [--report docs/img/task_stream.html] [--png docs/img/task_stream.png]

Stages: ``plan`` (the one pass over the file on the client: encoding, row boundaries;
bound: reading the file's bytes once), ``import`` (each block through the intake, the
``_csv_block`` tasks; bound: pyarrow reads the whole file as text and checks lon/lat,
as benchmarks/run.py's ``import_bound``), ``join`` (joining and counting each block,
the ``_summary`` tasks; bound: prepared ``contains_xy`` of all N points against every
polygon). A stage's cluster time is the sum of its tasks' seconds divided by the
workers (the wall time it takes when the workers share it evenly); ``over_bound`` =
that ÷ the bound, which runs in one process. Bounds run in a child process.
The firms are SYNTHETIC (``shmap synth``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from run import child_import_bound, generate, peak_rss_mb  # noqa: E402


def bounds(path: Path) -> dict:
    """Single-machine bounds of the stages (this process: run it as a child)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import layers
    from geo.join import bound_contains

    t = time.perf_counter()
    with open(path, "rb") as fh:
        while fh.read(8 << 20):
            pass
    read_s = time.perf_counter() - t
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        include_columns=["经度", "纬度"], column_types={"经度": pa.float64(), "纬度": pa.float64()}))
    lon, lat = table["经度"].to_numpy(), table["纬度"].to_numpy()
    polygons = [g for f in layers.load_all().values() for g in f.geometry
                if g.geom_type in ("Polygon", "MultiPolygon")]
    t = time.perf_counter()
    bound_contains(lon, lat, polygons)
    return {"plan": read_s, "join": time.perf_counter() - t}


def _child_bounds(path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--bounds", str(path)], check=True,
                         capture_output=True, text=True)
    return {**json.loads(out.stdout.splitlines()[-1]), "import": child_import_bound(path)}


def _stage_seconds(stream: list[dict]) -> dict[str, float]:
    """Seconds of compute per task prefix, summed over the task stream."""
    seconds: dict[str, float] = defaultdict(float)
    for task in stream:
        prefix = str(task["key"][0] if isinstance(task["key"], tuple) else task["key"])
        prefix = prefix.split("-", 1)[0]  # a delayed call's key: its function's name, "-", a token
        for part in task["startstops"]:
            if part["action"] == "compute":
                seconds[prefix] += part["stop"] - part["start"]
    return dict(seconds)


def cluster_run(path: Path, workers: int, blocksize: str, report: Path | None) -> dict:
    """The engine on a LocalCluster of ``workers`` single-threaded processes."""
    from distributed import get_task_stream, performance_report

    import layers
    from firms.cluster import dask_client
    from firms.scale import measures_dask_layers

    ids = [e.id for e in layers.catalog()]
    with dask_client(workers=workers, threads=1, dashboard=":0") as client:
        client.run(lambda: __import__("firms.scale"))  # workers import before the clock
        report = report or Path(tempfile.mkdtemp()) / "report.html"
        with performance_report(filename=str(report), mode="inline"), \
                get_task_stream(client) as stream:
            t, epoch = time.perf_counter(), time.time()
            _, tally = measures_dask_layers(path, ids, sector="ic", blocksize=blocksize,
                                            scheduler=client)
            wall = time.perf_counter() - t
        first = min(p["start"] for task in stream.data for p in task["startstops"])
        worker_rss = client.run(peak_rss_mb)
    tasks = _stage_seconds(stream.data)
    return {"wall_s": wall, "tally": tally, "tasks": tasks, "plan_s": first - epoch,
            "worker_peak_rss_mb": {w.rsplit(":", 1)[-1]: round(v, 1)
                                   for w, v in worker_rss.items()}}


def run(n: int, seed: int, workers: int, blocksize: str, report: Path | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path, _ = generate(n, seed, tmp)
        bound = _child_bounds(path)
        got = cluster_run(path, workers, blocksize, report)
        size = path.stat().st_size
    stages = {"import": got["tasks"].get("_csv_block", 0.0) / workers,
              "join": (got["tasks"].get("_summary", 0.0)) / workers}
    stages["plan"] = got["plan_s"]  # the client's pass, until the first task starts
    return {
        "n": n, "file_mb": round(size / 1e6, 1), "workers": workers, "blocksize": blocksize,
        "wall_s": round(got["wall_s"], 2), "rows": got["tally"],
        "stages": {k: {"cluster_s": round(v, 2), "bound_s": round(bound[k], 2),
                       "over_bound": round(v / bound[k], 2) if bound[k] else None}
                   for k, v in stages.items()},
        "task_seconds": {k: round(v, 2) for k, v in got["tasks"].items()},
        "bounds_over_wall": round(sum(bound.values()) / workers / got["wall_s"], 2),
        "worker_peak_rss_mb": got["worker_peak_rss_mb"],
        "client_peak_rss_mb": round(peak_rss_mb(), 1),
    }


def screenshot(html: Path, png: Path) -> None:
    """The report's "Task Stream" tab as a PNG, by headless Chromium (a copy of the report
    opened on that tab: bokeh's Tabs with ``active`` 1)."""
    import re

    text = html.read_text(encoding="utf-8")
    shown = html.with_name(html.stem + ".task_stream.html")
    shown.write_text(re.sub(r'("name":"Tabs","id":"p\d+","attributes":\{)', r'\1"active":1,',
                            text, count=1), encoding="utf-8")
    subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--window-size=1400,700", "--virtual-time-budget=8000",
                    f"--screenshot={png.resolve()}", shown.resolve().as_uri()], check=True,
                   capture_output=True, timeout=120)
    shown.unlink()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--blocksize", default="auto")
    ap.add_argument("--report", type=Path, help="write the dask performance report here")
    ap.add_argument("--png", type=Path, help="and its task stream as a PNG here")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--bounds", metavar="CSV", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.bounds:
        print(json.dumps(bounds(Path(args.bounds))))
        return 0
    figures = run(args.n, args.seed, args.workers, args.blocksize, args.report)
    if args.report and args.png:
        screenshot(args.report.resolve(), args.png)
    print(json.dumps(figures) if args.json else json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
