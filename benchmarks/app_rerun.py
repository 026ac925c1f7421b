"""Server time of the app's reruns with N firms loaded (Streamlit AppTest, no browser).

    python benchmarks/app_rerun.py --n 100000

Uploads N synthetic firms, then times the rerun after switching the sector filter,
the choropleth measure, its sector and the shortlist's sector — the interactions the
caches are for — and after a search (a query with many matches), picking a zone from
the matches, a firm found by its name, the whole-city reset, a firm found by its
name while the sector filter hides it (search covers every imported firm), and a
site drawn on the map (its measures).
Prints one JSON object: wall seconds per interaction (``*_s``) and the process's CPU
seconds for it (``*_cpu_s``), which a busy machine disturbs less.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from firms.synth import write_synthetic
from ui.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")


CPU: list[float] = []  # process CPU seconds of each timed run, in order


def timed(at: AppTest) -> float:
    """Wall seconds of one rerun; its CPU seconds (all threads of this process: the
    script thread does the work) go to CPU — steadier than wall time on a busy machine."""
    t, c = time.perf_counter(), time.process_time()
    at.run()
    CPU.append(time.process_time() - c)
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return time.perf_counter() - t


#: A site drawn over 张江 (WGS84), as Leaflet.draw hands it to st_folium.
SITE = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
    [121.58, 31.18], [121.62, 31.18], [121.62, 31.22], [121.58, 31.22], [121.58, 31.18]]]}}


def timed_drawing(at: AppTest) -> float:
    """The rerun after a person draws :data:`SITE`: the real st_folium still renders the
    map, and its answer carries the drawing (AppTest cannot draw on the component)."""
    import streamlit_folium

    real = streamlit_folium.st_folium

    def drawn(*args, **kwargs):
        out = real(*args, **kwargs) or {}
        return {**out, "all_drawings": [SITE], "last_active_drawing": SITE}

    streamlit_folium.st_folium = drawn
    try:
        return timed(at)
    finally:
        streamlit_folium.st_folium = real


def timed_shortlist(at: AppTest) -> tuple[float, float]:
    """Wall seconds of opening the shortlist's tab (only the open tab is drawn) and of
    switching its sector; the zones' tab opened again after."""
    at.session_state["tables_tab"] = t("shortlist", "zh")
    opened = timed(at)
    at.selectbox(key="short_sector").set_value("ai")
    switched = timed(at)
    at.session_state["tables_tab"] = t("zones_table", "zh")
    at.run()
    return opened, switched


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_synthetic(args.n, 1, Path(tmp))
        table = pd.read_csv(path, usecols=["企业名称", "行业"], dtype=str)
        hidden = table.loc[table["行业"] == "集成电路", "企业名称"].iloc[0].split("（")[0]
        at = AppTest.from_file(APP, default_timeout=600)
        first = timed(at)
        at.radio(key="firm_source").set_value("upload")
        timed(at)
        at.file_uploader(key="upload").upload(path.name, path.read_bytes(), "text/csv")
        upload = timed(at)
    again = timed(at)
    at.multiselect(key="sectors").set_value(["biomed"])
    sector = timed(at)
    at.selectbox(key="measure").set_value("lq")
    measure = timed(at)
    at.selectbox(key="measure_sector").set_value("ic")
    measure_sector = timed(at)
    shortlist_open, shortlist_sector = timed_shortlist(at)
    at.multiselect(key="sectors").set_value([])
    timed(at)
    at.text_input(key="search").input("张江")  # many zones and firms match
    search_s = timed(at)
    at.selectbox(key="search_pick").set_value(0)
    pick_zone = timed(at)
    at.text_input(key="search").input("合成企业0000042")  # one firm: opens at once
    pick_firm = timed(at)
    at.button(key="whole_city").click()
    reset = timed(at)
    at.multiselect(key="sectors").set_value(["biomed"])
    timed(at)
    at.text_input(key="search").input(hidden)  # an IC firm, hidden by the filter: opens
    pick_hidden = timed(at)
    if at.session_state["firm"] is None:
        raise RuntimeError(f"{hidden} was not found")
    draw = timed_drawing(at)
    if not any(str(m.value).startswith(f"**{t('drawn_title', 'zh')}**") for m in at.markdown):
        raise RuntimeError("the drawn site's measures were not shown")
    names = ("first", "upload_select", "upload", "plain_rerun", "sector_switch", "measure_switch",
             "measure_sector_switch", "shortlist_open", "shortlist_sector_switch", "sector_clear", "search",
             "pick_zone", "pick_firm", "whole_city", "hidden_sector", "pick_hidden_firm",
             "draw_site")
    cpu = {f"{k}_cpu_s": round(v, 2) for k, v in zip(names, CPU, strict=True)}
    print(json.dumps({"n": args.n, **cpu, "first_run_s": round(first, 2), "upload_run_s": round(upload, 2),
                      "plain_rerun_s": round(again, 2), "sector_switch_s": round(sector, 2),
                      "measure_switch_s": round(measure, 2),
                      "measure_sector_switch_s": round(measure_sector, 2),
                      "shortlist_open_s": round(shortlist_open, 2),
                      "shortlist_sector_switch_s": round(shortlist_sector, 2),
                      "search_s": round(search_s, 2), "pick_zone_s": round(pick_zone, 2),
                      "pick_firm_s": round(pick_firm, 2), "whole_city_s": round(reset, 2),
                      "pick_hidden_firm_s": round(pick_hidden, 2),
                      "draw_site_s": round(draw, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
