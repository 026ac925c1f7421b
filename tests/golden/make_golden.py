"""Write the golden outputs of the firm import and measures (see cases.py).

    PYTHONPATH=. python tests/golden/make_golden.py

Run once with the code before the rewrite of issue 16; never to make a failing
test pass.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE.parent)]

import layers  # noqa: E402
from firms.intake import import_firm_list  # noqa: E402
from firms.zones import layer_measures  # noqa: E402
from golden.cases import SHIPPED, messy_firms, shipped  # noqa: E402
from layers.sectors import sector_ids  # noqa: E402

MEASURE_LAYERS = ("districts", "new_towns", "g60", "biomed_1_5_x", "parks")


def outputs(raw: bytes, name: str) -> dict:
    """Accepted firms (lon/lat instead of geometry), rejected rows, report, and the
    measures of a few layers for every sector."""
    result = import_firm_list(raw, name=name)
    accepted = pd.DataFrame(result.accepted.drop(columns="geometry"))
    measures = []
    for lid in MEASURE_LAYERS:
        for sector in (None, *sector_ids()):
            table = layer_measures(result.accepted, lid, sector).reset_index(names="id")
            measures.append(table.assign(layer=lid, sector=sector or ""))
    return {"accepted": accepted, "rejected": result.rejected,
            "report": json.loads(json.dumps(result.report, default=str)),
            "measures": pd.concat(measures, ignore_index=True)}


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as text (None → "None"), numbers as float, so that stored and
    fresh outputs compare value by value whatever their dtypes."""
    out = {}
    for c in frame.columns:
        col = frame[c]
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            out[c] = col.astype(float)
        else:
            out[c] = col.astype(object).map(str)
    return pd.DataFrame(out)


def cases() -> dict[str, tuple[bytes, str]]:
    """The shipped firm files and the messy table. The messy table's bytes are kept as
    ``messy/input.csv.gz`` once made: the synthetic firms it starts from are drawn inside
    the layers' zones, so a redrawn zone would change the input, not the import."""
    out = {Path(n).stem: (shipped(n), n) for n in SHIPPED}
    pinned = HERE / "messy" / "input.csv.gz"
    raw = gzip.decompress(pinned.read_bytes()) if pinned.is_file() else \
        messy_firms().to_csv(index=False).encode("utf-8")
    out["messy"] = (raw, "messy.csv")
    return out


def main() -> None:
    layers.catalog()
    for key, (raw, name) in cases().items():
        got = outputs(raw, name)
        folder = HERE / key
        folder.mkdir(exist_ok=True)
        for part in ("accepted", "rejected", "measures"):
            canonical(got[part]).to_parquet(folder / f"{part}.parquet")
        if key == "messy" and not (folder / "input.csv.gz").is_file():
            (folder / "input.csv.gz").write_bytes(gzip.compress(raw, mtime=0))
        (folder / "report.json").write_text(json.dumps(got["report"], ensure_ascii=False, indent=1))
        print(key, len(got["accepted"]), len(got["rejected"]))


if __name__ == "__main__":
    main()
