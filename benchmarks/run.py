"""Time the firm pipeline on N synthetic firms against every layer; print figures.

    python benchmarks/run.py --n 100000 [--json] [--seed 1] [--repeat 3]
    python benchmarks/run.py --n 10000000 --engine dask [--blocksize 32MB] [--spatial]
    python benchmarks/run.py --n 3000000 --engine dask --workers 2
    python benchmarks/run.py --n 3000000 --compare-workers 1,2

Steps timed: generate (not part of the pipeline), import from CSV (read, check,
place, classify), datum conversion of N points (GCJ-02 → WGS84), join against
all layers, measures for every sector of every layer, and the map page
(server-side build time and bytes sent) with the app's default layers.
``pipeline_s`` = import + join + measures, as ``shmap measures`` runs them: the import
keeps lon/lat columns and builds no point geometries (``points=False``; the join and
the measures need none, the map's grid neither). Peak RSS is the process's maximum
resident set.

Each stage has a bound, timed in the same run on the same data: ``import_bound_s``
(pyarrow reads the file as text, casts lon/lat to float, checks their range, and
checks the credit codes vectorised when there are any; in a child process, so its
memory is not in the pipeline's peak), ``bound_s`` for the join
(prepared ``contains_xy`` of the same points against the same polygons) and
``measures_bound_s`` (one ``np.bincount`` over (zone, sector) codes per layer).
``pipeline_over_bounds`` = pipeline ÷ the sum of the three.
The firms are SYNTHETIC (firms/synth.py), generated in a child process so the
peak RSS reported is the pipeline's.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

import layers
from firms.intake import import_firm_list, uscc
from firms.intake.importer import map_headers
from firms.synth import synthetic_file_name
from firms.zones import firm_table, join_all, zones_for_measures
from geo.datum import convert
from geo.join import bound_contains, firm_lonlat
from geo.measures import zone_sector_table
from layers.io import display_base
from ui.page import map_html
from ui.webmap import MapOptions, build_map, firm_mode

#: The layers the app shows by default, drawn in the map benchmark.
MAP_LAYERS = ("poles", "service_belt", "new_towns", "g60", "parks")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def generate(n: int, seed: int, folder: str) -> tuple[Path, float]:
    """Write N synthetic firms to ``folder`` in a child process, so that the peak RSS
    of this process stays the pipeline's own; (the file, seconds taken)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli.main", "synth", "--n", str(n), "--seed",
                    str(seed), "-o", folder], check=True, capture_output=True)
    return Path(folder) / synthetic_file_name(n, seed), time.perf_counter() - t


def import_bound(path: Path) -> float:
    """Seconds for the least an import must do: read every cell as text (pyarrow),
    cast lon/lat to float, check their range, check credit codes vectorised."""
    t = time.perf_counter()
    with open(path, encoding="utf-8-sig", newline="") as fh:  # the header: the first line only
        header = next(csv.reader(fh))
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False))
    field = {canon: orig for orig, canon in map_headers(header).items()}
    lon = pc.cast(table[field["lon"]], pa.float64())
    lat = pc.cast(table[field["lat"]], pa.float64())
    ok = pc.and_(pc.less_equal(pc.abs(lon), 180), pc.less_equal(pc.abs(lat), 90))
    int(pc.sum(ok).as_py())
    if "uscc" in field:
        uscc.valid_many(table[field["uscc"]])
    return time.perf_counter() - t


def child_import_bound(path: Path) -> float:
    """:func:`import_bound` timed in a child process, so that the memory it takes
    (and the allocator keeps) is not counted in this process's peak RSS."""
    out = subprocess.run([sys.executable, __file__, "--import-bound", str(path)], check=True,
                         capture_output=True, text=True)
    return float(out.stdout)


def measures_bound(pairs: dict[str, pd.DataFrame], sector_codes: np.ndarray,
                   n_sectors: int) -> float:
    """Seconds for one ``np.bincount`` over (zone, sector) codes per layer."""
    t = time.perf_counter()
    for p in pairs.values():
        zone = p["zone"].cat.codes.to_numpy().astype(np.int64)
        np.bincount(zone * n_sectors + sector_codes[p["point"].to_numpy()],
                    minlength=len(p["zone"].cat.categories) * n_sectors)
    return time.perf_counter() - t


def _pipeline(path: Path, frames: dict) -> tuple[dict, object, dict]:
    """Import, datum conversion, join and measures of the file, timed; returns
    (figures, accepted firms, join pairs per layer)."""
    import_bound_s = child_import_bound(path)
    t = time.perf_counter()
    firms = import_firm_list(path, points=False).accepted
    f = {"import_s": time.perf_counter() - t, "import_bound_s": import_bound_s,
         "peak_rss_after_import_mb": peak_rss_mb()}
    t = time.perf_counter()
    convert(*firm_lonlat(firms), "gcj02", "wgs84")
    f["datum_s"] = time.perf_counter() - t
    t = time.perf_counter()
    pairs = join_all(firms, frames)
    f["join_s"] = time.perf_counter() - t
    f["peak_rss_after_join_mb"] = peak_rss_mb()
    t = time.perf_counter()
    table = firm_table(firms)
    f["measure_rows"] = sum(len(zone_sector_table(zones_for_measures(frames[lid]), p, table))
                            for lid, p in pairs.items())
    f["measures_s"] = time.perf_counter() - t
    f["peak_rss_after_measures_mb"] = peak_rss_mb()
    return f, firms, pairs


def run(n: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path, generate_s = generate(n, seed, tmp)
        return {**run_file(path, n=n), "generate_s": round(generate_s, 3)}


def run_repeated(n: int, seed: int, repeat: int) -> dict:
    """:func:`run_file` ``repeat`` times on one file, each in a fresh process (so no run
    inherits another's memory or caches); the median of every timing, the largest
    peak RSS, and each run's ``pipeline_over_bounds``."""
    import statistics

    with tempfile.TemporaryDirectory() as tmp:
        path, generate_s = generate(n, seed, tmp)
        runs = [json.loads(subprocess.run(
            [sys.executable, __file__, "--file", str(path), "--n", str(n), "--json"], check=True,
            capture_output=True, text=True).stdout) for _ in range(repeat)]
    out = dict(runs[0])
    for key in runs[0]:
        if key.endswith(("_s", "_over_bound", "_over_bounds")):
            out[key] = round(statistics.median(r[key] for r in runs), 4)
        elif key.endswith("_mb"):
            out[key] = max(r[key] for r in runs)
    out.update({"repeat": repeat, "generate_s": round(generate_s, 3),
                "pipeline_over_bounds_runs": [r["pipeline_over_bounds"] for r in runs]})
    return out


def run_file(path: Path, *, n: int) -> dict:
    """The pipeline, its bounds and the map build on one synthetic firm file."""
    frames = layers.load_all()
    polygons = [g for f in frames.values() for g in f.geometry
                if g.geom_type in ("Polygon", "MultiPolygon")]
    f, firms, pairs = _pipeline(path, frames)
    t = time.perf_counter()
    f["bound_hits"] = bound_contains(*firm_lonlat(firms), polygons)
    f["bound_s"] = time.perf_counter() - t
    codes, sectors = pd.factorize(firms["sector"])
    f["measures_bound_s"] = measures_bound(pairs, codes, len(sectors))
    f["bounds_s"] = f["import_bound_s"] + f["bound_s"] + f["measures_bound_s"]
    f["pipeline_s"] = f["import_s"] + f["join_s"] + f["measures_s"]
    shown = {k: frames[k] for k in MAP_LAYERS}
    t = time.perf_counter()
    page = map_html(build_map(shown, {e.id: e for e in layers.catalog()}, firms, MapOptions(),
                              display_base()))
    f["map_build_s"] = time.perf_counter() - t
    return {
        "n": n, "accepted": len(firms),
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in f.items()},
        "join_over_bound": round(f["join_s"] / f["bound_s"], 2) if f["bound_s"] else None,
        "pipeline_over_bounds": round(f["pipeline_s"] / f["bounds_s"], 2),
        "pairs": int(sum(len(p) for p in pairs.values())), "layers": len(pairs),
        "polygons": len(polygons), "map_payload_bytes": len(page.encode()),
        "map_firm_mode": firm_mode(len(firms)), "peak_rss_mb": round(peak_rss_mb(), 1),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
                   f"{platform.python_version()}, numpy {np.__version__}",
    }


def run_dask(n: int, seed: int, blocksize: str, spatial: bool = False,
             workers: int | None = None) -> dict:
    """Scale-out: the whole file through ``measures_dask_layers`` (all polygon layers in
    one pass, blocks of ``blocksize``) or, with ``spatial``, ``measures_dask_spatial``;
    in this process's threads, or with ``workers`` on a LocalCluster of that many
    single-threaded worker processes (started before the clock runs); with the peak
    RSS of this process and of the largest worker."""
    from firms.cluster import dask_client
    from firms.scale import measures_dask_layers, measures_dask_spatial

    ids = [e.id for e in layers.catalog()]
    run = measures_dask_spatial if spatial else measures_dask_layers
    with tempfile.TemporaryDirectory() as tmp:
        path, generate_s = generate(n, seed, tmp)
        size_mb = path.stat().st_size / 1e6
        worker_rss = None
        if workers:
            with dask_client(workers=workers, threads=1, dashboard=":0") as client:
                t = time.perf_counter()
                tables, tally = run(path, ids, sector="ic", blocksize=blocksize, scheduler=client)
                dask_s = time.perf_counter() - t
                worker_rss = max(client.run(peak_rss_mb).values())
        else:
            t = time.perf_counter()
            tables, tally = run(path, ids, sector="ic", blocksize=blocksize)
            dask_s = time.perf_counter() - t
    return {"n": n, "engine": "dask", "spatial": spatial, "blocksize": blocksize,
            "scheduler": f"LocalCluster {workers} processes × 1 thread" if workers
            else "threads (this process)",
            "file_mb": round(size_mb, 1), "generate_s": round(generate_s, 3),
            "measures_all_layers_s": round(dask_s, 3), "layers": len(tables),
            "rows_in": tally["in"], "accepted": tally["accepted"],
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "worker_peak_rss_mb": round(worker_rss, 1) if worker_rss else None,
            "machine": f"{platform.machine()}, {platform.python_implementation()} "
                       f"{platform.python_version()}, numpy {np.__version__}"}


def _spin(n: int) -> float:
    """CPU work with no memory traffic: the machine's parallel bound (see :func:`core_speedup`)."""
    total = 0.0
    for i in range(n):
        total += (i % 7) * 0.5
    return total


def core_speedup(workers: int, *, n: int = 30_000_000) -> float:
    """How much faster ``workers`` processes finish ``workers`` equal pieces of pure CPU
    work than one process does them in turn: the most a scale-out engine could gain
    on this machine now (2.0 on two free cores; less when the cores are shared)."""
    from concurrent.futures import ProcessPoolExecutor

    piece = n // workers
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [1000] * workers))  # processes started before the clock
        t = time.perf_counter()
        for _ in range(workers):
            _spin(piece)
        serial = time.perf_counter() - t
        t = time.perf_counter()
        list(pool.map(_spin, [piece] * workers))
        parallel = time.perf_counter() - t
    return serial / parallel


def run_workers(n: int, seed: int, blocksize: str, counts: list[int]) -> dict:
    """The distributed engine on LocalClusters of each of ``counts`` worker processes,
    on the same file, with the machine's own bound (:func:`core_speedup`) measured
    just before each cluster run."""
    from firms.cluster import dask_client
    from firms.scale import measures_dask_layers

    ids = [e.id for e in layers.catalog()]
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        path, _ = generate(n, seed, tmp)
        for workers in counts:
            # the bound's work scales with the run's (10 loop steps per firm, 3–30 million),
            # so that it takes a time like the run's own and not a fixed half-minute
            bound = core_speedup(max(counts), n=min(30_000_000, max(3_000_000, 10 * n)))
            with dask_client(workers=workers, threads=1, dashboard=":0") as client:
                t = time.perf_counter()
                tables, tally = measures_dask_layers(path, ids, sector="ic", blocksize=blocksize,
                                                     scheduler=client)
                seconds = time.perf_counter() - t
                rss = max(client.run(peak_rss_mb).values())
            runs[workers] = {"s": round(seconds, 2), "worker_peak_rss_mb": round(rss, 1),
                             "core_speedup": round(bound, 2), "accepted": tally["accepted"]}
    one, most = runs[min(counts)]["s"], runs[max(counts)]["s"]
    speedup = one / most
    bound = min(r["core_speedup"] for r in runs.values())
    return {"n": n, "engine": "dask distributed", "blocksize": blocksize, "runs": runs,
            f"speedup_{max(counts)}_over_{min(counts)}": round(speedup, 2),
            "core_speedup_bound": round(bound, 2),
            "speedup_over_bound": round(speedup / bound, 2)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--engine", choices=("memory", "dask"), default="memory")
    ap.add_argument("--blocksize", default="auto", help="dask block size (auto: as shmap's)")
    ap.add_argument("--workers", type=int,
                    help="with --engine dask: a LocalCluster of this many worker processes")
    ap.add_argument("--compare-workers", metavar="N,M",
                    help="the distributed engine on LocalClusters of N then M worker processes, "
                         "with the machine's parallel bound (pure CPU work in as many processes)")
    ap.add_argument("--spatial", action="store_true",
                    help="with --engine dask: re-partition the firms by a Hilbert index first")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run the pipeline this many times, each in a fresh process, on one "
                         "file; report medians")
    ap.add_argument("--import-bound", metavar="CSV", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)  # a child of run_repeated
    args = ap.parse_args(argv)
    if args.import_bound:  # the child of child_import_bound
        print(import_bound(Path(args.import_bound)))
        return 0
    if args.compare_workers:
        counts = [int(c) for c in args.compare_workers.split(",")]
        figures = run_workers(args.n, args.seed, args.blocksize, counts)
    elif args.file:
        figures = run_file(Path(args.file), n=args.n)
    elif args.engine == "memory":
        figures = run_repeated(args.n, args.seed, args.repeat) if args.repeat > 1 else \
            run(args.n, args.seed)
    else:
        figures = run_dask(args.n, args.seed, args.blocksize, args.spatial, args.workers)
    if args.json:
        print(json.dumps(figures))
    else:
        for k, v in figures.items():
            print(f"{k:>18}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
