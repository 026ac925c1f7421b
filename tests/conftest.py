"""Shared fixtures, and a summary of computed vs published areas at the end of the run."""

from __future__ import annotations

import dataclasses
import functools
import shutil
import subprocess
from pathlib import Path

import pytest

import layers
from layers.settings import SEEDS_DIR


@pytest.fixture(autouse=True, scope="session")
def components_scanned_once():
    """Streamlit's AppTest scans every installed package for component manifests on
    each new AppTest (about 0.7 s, hundreds of times a run); the installed packages do
    not change during a run, so the first scan's answer serves every later one."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests",
                      functools.cache(manifest_scanner.scan_component_manifests))
        yield


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS_DIR}")
    return SEEDS_DIR


@dataclasses.dataclass(frozen=True)
class CliRun:
    """What one ``shmap`` command did: its exit status and what it printed (the names of
    :class:`subprocess.CompletedProcess`, so a test reads the same either way)."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capfd):
    """``run_cli("export", "poles", "-o", path)`` runs ``shmap`` in this process through
    ``cli.main.main`` and returns a :class:`CliRun`: the status ``main`` returns (or
    argparse's ``SystemExit`` code), and stdout/stderr captured at the file descriptors,
    so what GDAL or another C library prints is seen too. An exception the command does
    not turn into its one ``shmap: error:`` line is raised here and fails the test, as
    its traceback on stderr would have. Spare the 1.5–2 s a new interpreter costs; keep a
    subprocess for what needs one (a signal, a fresh ``sys.modules``, the ``-m`` entry)."""
    from cli.main import main

    def run(*args: object) -> CliRun:
        capfd.readouterr()  # what the test printed before is not the command's
        try:
            status = main([str(a) for a in args])
        except SystemExit as stop:  # argparse: exit 2 on a bad command line, 0 on --help
            status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        out, err = capfd.readouterr()
        return CliRun(status, out, err)
    return run


def required_program(name: str, package: str) -> str:
    """The path of a program the tests need; a clear failure when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (Debian {package}) is required: `make test` installs it")
    return path


@pytest.fixture(scope="session")
def ogrinfo() -> str:
    return required_program("ogrinfo", "gdal-bin")


#: GDAL's GeoPackage validator (Debian python3-gdal, run by Debian's python3).
GPKG_VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
SYSTEM_PYTHON = Path("/usr/bin/python3")


@pytest.fixture(scope="session")
def validate_gpkg():
    """A function that runs validate_gpkg.py on a file and returns its complaints ("" if
    none); the test is skipped where python3-gdal is not installed (`make sysdeps` does)."""
    if not GPKG_VALIDATOR.is_file() or not SYSTEM_PYTHON.is_file():
        pytest.skip("GDAL's validate_gpkg.py (Debian python3-gdal) not installed: `make sysdeps`")

    def run(path: Path) -> str:
        result = subprocess.run([str(SYSTEM_PYTHON), str(GPKG_VALIDATOR), str(path)],
                                capture_output=True, text=True, check=False)
        return "" if result.returncode == 0 and not result.stdout.strip() else \
            (result.stdout + result.stderr or f"exit {result.returncode}")
    return run


@pytest.fixture(scope="session")
def chromium() -> str:
    return required_program("chromium", "chromium")


@pytest.fixture(scope="session")
def app_url():
    """The real app (``streamlit run app.py``) on a loopback port, one per test process
    (each xdist worker): its first page pays the app's warm-up (layers, demo firms, joins)
    once, not once per module. Each test opens its own page, so its own session; a test
    that needs a server to itself (its memory, its start) starts one (``webpage.app_server``)."""
    from webpage import app_server

    try:
        with app_server() as url:
            yield url
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def dask_cluster():
    """A dask.distributed LocalCluster of 2 worker processes on loopback, one per test
    process, and a client of it that is not the process's default scheduler: the tests
    that send work to a cluster's address share it (starting one costs about 8 s of CPU;
    tests/test_cluster.py starts its own through ``firms.cluster.dask_client``, whose
    cluster is what it checks)."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster, \
            Client(cluster, set_as_default=False) as client:
        yield client


@pytest.fixture(scope="session")
def browser(chromium):
    """Headless Debian Chromium driven by Playwright, one per test process; each test
    opens its own pages (and closes them or leaves them to the end of the run)."""
    from playwright.sync_api import sync_playwright
    from webpage import CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


#: Markers that follow from a shared fixture: a test using it is marked so (pyproject.toml
#: lists the markers; mark anything else a test does yourself, e.g. ``@pytest.mark.slow``).
FIXTURE_MARKERS = {
    "chromium": ("browser",),
    "browser": ("browser",),
    "app_url": ("browser", "loopback", "subprocess"),
    "geocoder_server": ("loopback",),
    "dask_cluster": ("loopback", "subprocess"),
}


def pytest_collection_modifyitems(config, items):
    """Mark tests by the shared fixtures they use, then order the modules by their likely
    cost, heaviest first (a browser test counts 5, another slow test or an AppTest 1):
    with ``-n 2 --dist loadfile`` the longest modules start first and short ones fill in."""
    for item in items:
        for name in dict.fromkeys(m for f in item.fixturenames for m in FIXTURE_MARKERS.get(f, ())):
            item.add_marker(name)
    cost: dict[Path, int] = {}
    for item in items:
        weight = 5 if item.get_closest_marker("browser") else int(any(
            item.get_closest_marker(m) for m in ("slow", "apptest")))
        cost[item.path] = cost.get(item.path, 0) + weight
    items.sort(key=lambda item: -cost[item.path])


def pytest_terminal_summary(terminalreporter):
    """Print each published area beside the computed one (the figures the tests check)."""
    rows = []
    for e in layers.catalog():
        gdf = layers.load(e.id)
        for r in gdf[gdf["official_area_km2"].notna()].itertuples():
            how = "  (disc of the published area: equal by construction)" \
                if "disc of the published area" in r.method else ""
            rows.append(f"  {r.id:<42} {r.area_km2:9.1f} km²  published {r.official_area_km2:7.1f}"
                        f"  ({r.area_diff_pct:+.1f} %){how}")
    terminalreporter.section("computed vs published areas (EPSG:32651)")
    for line in rows:
        terminalreporter.write_line(line)


@pytest.fixture
def geocoder_server():
    """A fake online geocoder on 127.0.0.1 (:mod:`geocoding_server`): ``asked`` records
    each request, ``fail`` makes it fail as a live service does."""
    from geocoding_server import geocoding_server

    with geocoding_server() as server:
        yield server
