"""No prepared GEOS geometry is ever shared between threads.

GEOS prepared geometries are not thread-safe (libgeos/geos#825): two threads
querying one prepared polygon can abort the process. The point tests (the join,
the Shanghai test) prepare private copies (:mod:`geo.prepared`), so the cached
layers and outline that Streamlit sessions and dask threads share stay unprepared.
"""

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

import layers
from firms.intake import import_firm_list
from firms.intake.places import shanghai_places
from firms.scale import measures_dask_layers
from firms.synth import write_synthetic
from firms.zones import join_all, join_and_count
from geo.prepared import own_geometries
from layers.settings import DATA_DIR

#: Two threads prepare and query the same polygons (``shared``) or their own
#: copies made by the engine's helper (``own``); prints both threads' hit counts.
RACE = textwrap.dedent("""
    import sys, threading
    import numpy as np, shapely
    from geo.prepared import own_geometries
    polys = [shapely.Point(i * 0.01, 0).buffer(1.0, quad_segs=64) for i in range(2000)]
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1.5, 1.5, 500), rng.uniform(-1.5, 1.5, 500)
    barrier = threading.Barrier(2)
    results = []
    def work():
        mine = polys if sys.argv[1] == "shared" else list(own_geometries(polys))
        total = 0
        for g in mine:
            barrier.wait()
            shapely.prepare(g)
            total += int(shapely.intersects_xy(g, x, y).sum())
        results.append(total)
    threads = [threading.Thread(target=work) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print(results[0], results[1])
""")


def _race(mode: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RACE, mode], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return write_synthetic(1_500, 3, tmp_path_factory.mktemp("threads"))


@pytest.mark.slow
def test_twenty_runs_on_two_threads_give_identical_results(small):
    runs = [measures_dask_layers(small, ["districts", "new_towns"], "ic", blocksize="40KB",
                                 scheduler="threads", num_workers=2) for _ in range(20)]
    first_tables, first_tally = runs[0]
    assert first_tally == {"in": 1_500, "accepted": 1_500, "rejected": 0}
    assert first_tables["districts"]["firms"].sum() > 0
    for tables, tally in runs[1:]:
        assert tally == first_tally
        for lid, table in tables.items():
            pd.testing.assert_frame_equal(table, first_tables[lid])


def test_the_join_and_the_shanghai_test_leave_shared_geometries_unprepared():
    import shapely

    frames = layers.load_all()
    firms = import_firm_list(DATA_DIR / "firms" / "firms_synthetic_n5000_seed1.csv").accepted
    joined = join_all(firms, frames)  # every layer, shared edges and overlaps resolved
    assert sum(len(p) for p in joined.values()) > len(firms)
    for lid, gdf in frames.items():
        assert not shapely.is_prepared(gdf.geometry.to_numpy()).any(), lid
    assert not shapely.is_prepared(shanghai_places().shanghai)


def test_sessions_joining_the_same_cached_layers_on_two_threads_agree(small):
    """What the app does when two sessions count an upload at once: the layer frames
    and the firms are shared objects; twenty rounds, each thread's counts equal."""
    import threading

    firms = import_firm_list(small).accepted
    frames = {lid: layers.load(lid) for lid in ("districts", "new_towns", "biomed_1_5_x")}
    expected = {lid: join_and_count(firms, f).counts.counts for lid, f in frames.items()}
    barrier = threading.Barrier(2)
    failures: list[str] = []

    def session():
        for _ in range(20):
            barrier.wait()
            for lid, f in frames.items():
                got = join_and_count(firms, f).counts.counts
                if not got.equals(expected[lid]):
                    failures.append(lid)

    threads = [threading.Thread(target=session) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert failures == []


@pytest.mark.subprocess
@pytest.mark.slow
def test_own_copies_survive_two_threads_where_shared_prepared_polygons_abort():
    own = _race("own")
    assert own.returncode == 0, own.stderr
    a, b = own.stdout.split()
    assert a == b
    shared = [_race("shared").returncode for _ in range(6)]
    if all(rc == 0 for rc in shared):
        pytest.skip("the GEOS race did not show in 6 runs on this machine (it is timing-dependent)")
    assert any(rc < 0 or rc >= 128 for rc in shared)  # killed by SIGABRT/SIGSEGV


def test_own_geometries_are_equal_copies():
    import shapely

    polys = [shapely.box(0, 0, 1, 1), None, shapely.Point(1, 2)]
    copies = own_geometries(polys)
    assert copies[1] is None
    assert copies[0].equals_exact(polys[0], 0) and copies[0] is not polys[0]
