"""`shmap serve --firms` with N synthetic firms: startup, a page of 1,000, a bbox query,
one item, and 8 concurrent requests (all answered? the server's peak memory).

    python benchmarks/serve.py --n 1000000               # a firm GeoPackage, served as it is
    python benchmarks/serve.py --n 1000000 --firms-as csv  # the CSV, imported at start

With ``--firms-as gpkg`` (the default) the list is first made into a GeoPackage once by
``shmap firms import`` (timed apart: ``import_*``). Startup is given as wall seconds and
as the CPU seconds the serve process spent until it answered (``startup_cpu_s``, user +
system from ``/proc``), which other work on a shared machine does not inflate.

The machine's own bound, measured in the same run, is the loopback round trip of the
service's smallest answer (``/conformance``): each figure is also given as a ratio to
it. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from webpage import free_port  # noqa: E402

from firms.synth import write_synthetic  # noqa: E402

BBOX = "121.50,31.15,121.65,31.30"  # Lujiazui–Zhangjiang, about a district


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=300) as response:
        return response.status, response.read()


def timed(url: str, repeat: int = 3) -> tuple[float, bytes]:
    """Median seconds of ``repeat`` GETs, and the last body."""
    times, body = [], b""
    for _ in range(repeat):
        start = time.perf_counter()
        _, body = fetch(url)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 4), body


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has spent (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)


def imported(firm_file: Path) -> tuple[Path, dict]:
    """``shmap firms import FILE -o FILE.gpkg``: the GeoPackage, wall and CPU seconds."""
    out = firm_file.with_suffix(".gpkg")
    began, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "cli.main", "firms", "import", str(firm_file), "-o",
                    str(out)], cwd=ROOT, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return out, {"import_s": round(time.perf_counter() - began, 2),
                 "import_cpu_s": round(after.ru_utime + after.ru_stime - cpu.ru_utime
                                       - cpu.ru_stime, 2),
                 "gpkg_mb": round(out.stat().st_size / 1e6, 1)}


def start(firm_file: Path, port: int) -> tuple[subprocess.Popen, float]:
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "poles", "--firms",
                             str(firm_file), "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            fetch(f"{url}/conformance?f=json")
            return proc, round(time.perf_counter() - began, 2)
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("shmap serve stopped before answering") from None
            time.sleep(0.2)


def concurrent(url: str, n: int, pid: int) -> dict:
    """8 requests at once (pages at spread offsets and bbox pages): statuses, wall time,
    the server's peak memory after."""
    urls = [f"{url}/collections/firms/items?f=json&limit=1000&offset={i * n // 9}"
            for i in range(4)] + [f"{url}/collections/firms/items?f=json&limit=1000&bbox={BBOX}"
                                  f"&offset={i * 1000}" for i in range(4)]
    began = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        statuses = [s for s, _ in pool.map(fetch, urls)]
    return {"concurrent_8_statuses": sorted(set(statuses)),
            "concurrent_8_wall_s": round(time.perf_counter() - began, 3),
            "server_peak_rss_mb": peak_rss_mb(pid)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--firms-as", choices=("gpkg", "csv"), default="gpkg")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        firm_file, prepared = write_synthetic(args.n, 1, Path(tmp)), {}
        if args.firms_as == "gpkg":
            firm_file, prepared = imported(firm_file)
        proc, startup = start(firm_file, free_port())
        startup_cpu = cpu_seconds(proc.pid)
        url = f"http://127.0.0.1:{proc.args[-1]}"
        try:
            floor, _ = timed(f"{url}/conformance?f=json", repeat=5)
            page, _ = timed(f"{url}/collections/firms/items?f=json&limit=1000")
            deep, _ = timed(f"{url}/collections/firms/items?f=json&limit=1000"
                            f"&offset={args.n // 2}")
            bbox, body = timed(f"{url}/collections/firms/items?f=json&limit=1000&bbox={BBOX}")
            matched = json.loads(body).get("numberMatched")
            item, _ = timed(f"{url}/collections/firms/items/{args.n // 3}?f=json")
            figures = {"n": args.n, "firms_as": args.firms_as, **prepared,
                       "startup_s": startup, "startup_cpu_s": startup_cpu, "page_1000_s": page,
                       "page_1000_at_half_s": deep, "bbox_1000_s": bbox,
                       "bbox_matched": matched, "one_item_s": item,
                       "bound_round_trip_s": floor}
            figures.update({f"{k}_ratio": round(figures[k] / floor, 1)
                            for k in ("page_1000_s", "bbox_1000_s", "one_item_s")})
            figures["idle_peak_rss_mb"] = peak_rss_mb(proc.pid)
            figures.update(concurrent(url, args.n, proc.pid))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
