"""Server time of the app's reruns with N firms loaded (Streamlit AppTest, no browser).

    python benchmarks/app_rerun.py --n 100000

Uploads N synthetic firms, then times the rerun after switching the sector filter,
the choropleth measure, its sector and the shortlist's sector — the interactions the
caches are for.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from firms.synth import write_synthetic

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def timed(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_synthetic(args.n, 1, Path(tmp))
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
    at.selectbox(key="short_sector").set_value("ai")
    shortlist_sector = timed(at)
    print(json.dumps({"n": args.n, "first_run_s": round(first, 2), "upload_run_s": round(upload, 2),
                      "plain_rerun_s": round(again, 2), "sector_switch_s": round(sector, 2),
                      "measure_switch_s": round(measure, 2),
                      "measure_sector_switch_s": round(measure_sector, 2),
                      "shortlist_sector_switch_s": round(shortlist_sector, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
