"""Server time of the map's interactions with N firms (Streamlit AppTest, no browser;
plus the pure functions behind them).

    python benchmarks/map_view.py --n 1000000

Uploads N synthetic firms, then times the app's rerun for a settled view at several
zooms (the value st_folium reports, put where the component puts it:
``st.session_state["map"]``), and times, outside the app, what those reruns and a
drawn site do: choose the firms in view and turn them into the feature group's
script, and measure a drawn polygon. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from shapely.geometry import box
from streamlit.testing.v1 import AppTest

import layers
from firms.intake import import_firm_list
from firms.synth import write_synthetic
from firms.zones import firm_points
from geo.grid import firm_grid
from ui.drawn import measures_for_polygon
from ui.webmap import MapOptions, firms_for_view

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CENTRE = (121.47, 31.23)
VIEWS = {10: 0.45, 12: 0.11, 14: 0.028, 16: 0.007}  # zoom → half-width of a 1000 px view, degrees


def component(zoom: int) -> dict:
    half = VIEWS[zoom]
    x, y = CENTRE
    return {"bounds": {"_southWest": {"lat": y - half * 0.6, "lng": x - half},
                       "_northEast": {"lat": y + half * 0.6, "lng": x + half}}, "zoom": zoom}


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return round(time.perf_counter() - t, 3), out


def functions(path: Path) -> dict:
    """The pure steps: firms in view → feature group → its script; a drawn site."""
    from folium import Map
    from streamlit_folium import _get_feature_group_string
    firms = import_firm_list(path).accepted
    points, grid = firm_points(firms), firm_grid(firms)
    opts = MapOptions(dynamic_firms=True)
    out = {}
    for zoom in VIEWS:
        t_view, group = timed(lambda z=zoom: firms_for_view(firms, component(z), opts, points=points, grid=grid))
        t_js, _ = timed(lambda g=group: _get_feature_group_string(g, map=Map(), idx=0))
        kind = type(next(iter(group._children.values()))).__name__ if group is not None else "none"
        out[f"zoom_{zoom}"] = {"layer": kind, "choose_s": t_view, "script_s": t_js}
    site = box(121.45, 31.20, 121.50, 31.25)
    frames = layers.load_all()
    out["draw_site_s"], pm = timed(lambda: measures_for_polygon(firms, site, frames, points=points))
    out["draw_site_firms"] = pm.firms
    return out


def app_reruns(path: Path) -> dict:
    at = AppTest.from_file(APP, default_timeout=900)
    at.run()
    at.radio(key="firm_source").set_value("upload").run()
    at.file_uploader(key="upload").upload(path.name, path.read_bytes(), "text/csv")
    at.run()
    out = {}
    for rnd in ("first", "again"):  # the first pass includes warming up
        for zoom in VIEWS:
            at.session_state["map"] = component(zoom)
            out[f"rerun_zoom_{zoom}_{rnd}_s"], _ = timed(at.run)
            if at.exception:
                raise RuntimeError([e.value for e in at.exception])
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--no-app", action="store_true", help="time the functions only")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_synthetic(args.n, 1, Path(tmp))
        result = {"n": args.n, **functions(path)}
        if not args.no_app:
            result |= app_reruns(path)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
