"""The firm tables whose import and measures are kept as golden outputs.

``make_golden.py`` writes the outputs of the code as it was before the import was
rewritten on codes and Arrow columns (issue 16); ``tests/test_golden.py`` checks
that the current code still gives them, firm by firm and measure by measure.
The messy table is SYNTHETIC, built here from a seed: every rule of the import
(bad numbers, full-width digits, separators, swapped and (0, 0) pairs, datums,
addresses, credit codes, duplicates, employees, precision, extra columns) is hit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from firms.intake import uscc
from firms.synth import synthetic_firms
from layers.settings import DATA_DIR

SHIPPED = ("institutions_named_in_seeds.csv", "firms_synthetic_n5000_seed1.csv")
LON_CELLS = ("", "abc", "0", "121,5", "１２１.４７", " 121.47 ", "200", "nan", "inf", "1e2")
LAT_CELLS = ("", "31.2", "0", "31.2", "３１.２３", "31.23", "95", "31.2", "31.2", "31.2")
DATUMS = ("WGS84", "GCJ-02", "bd09", "", "火星", "gcj02", "WGS-84", "ED50")
ADDRESSES = ("上海市浦东新区张江路18号", "南京东路街道某号", "嘉定区某路", "北京市海淀区", "", "浦东某路")
EMPLOYEES = ("12", "1,200", "１２", "-3", "abc", "", "7.5")
PRECISION = ("", "50", "x", "1,000")


def _codes(rng: np.random.Generator, n: int) -> list[str]:
    out = []
    for _ in range(n):
        body = "9131" + "".join(rng.choice(list("0123456789ABCDEFGH"), 13))
        kind = rng.integers(0, 12)
        if kind <= 3:
            out.append(body + uscc.check_character(body))
        elif kind <= 5:
            out.append(body + "0")  # wrong check character, mostly
        elif kind == 6:
            out.append("9.14E+17")
        elif kind == 7:
            out.append("91310000" + "".join(rng.choice(list("0123456789"), 3)) + ".0")
        elif kind <= 10:
            out.append("")
        else:
            out.append(" " + body[:6] + "-" + body[6:] + uscc.check_character(body))
    return out


def messy_firms(n: int = 3000, seed: int = 16) -> pd.DataFrame:
    """A SYNTHETIC firm table of text cells that exercises every import rule."""
    rng = np.random.default_rng(seed)
    base = synthetic_firms(n, seed).astype(str)
    pick = rng.random(n)
    lon, lat = base["经度"].to_numpy(dtype=object), base["纬度"].to_numpy(dtype=object)
    odd = np.flatnonzero(pick < 0.25)
    k = rng.integers(0, len(LON_CELLS), len(odd))
    lon[odd] = np.array(LON_CELLS, dtype=object)[k]
    lat[odd] = np.array(LAT_CELLS, dtype=object)[k]
    swap = np.flatnonzero((pick >= 0.25) & (pick < 0.3))
    lon[swap], lat[swap] = lat[swap], lon[swap].copy()
    table = pd.DataFrame({
        "企业名称": np.where(rng.random(n) < 0.02, "  ", base["企业名称"]),
        "统一社会信用代码": _codes(rng, n),
        "经度": lon, "纬度": lat,
        "坐标系": np.array(DATUMS, dtype=object)[rng.integers(0, len(DATUMS), n)],
        "地址": np.array(ADDRESSES, dtype=object)[rng.integers(0, len(ADDRESSES), n)],
        "行业": np.where(rng.random(n) < 0.1, "", base["行业"]),
        "国民经济行业代码": np.where(rng.random(n) < 0.2, "", base["国民经济行业代码"]),
        "从业人员": np.array(EMPLOYEES, dtype=object)[rng.integers(0, len(EMPLOYEES), n)],
        "定位精度": np.array(PRECISION, dtype=object)[rng.integers(0, len(PRECISION), n)],
        "备注": [f"note {i}" for i in range(n)],
        "sector": "extra column named like a project column",
    })
    dup = rng.choice(n, size=n // 20, replace=False)
    return pd.concat([table, table.iloc[dup]], ignore_index=True)


def shipped(name: str) -> bytes:
    return (DATA_DIR / "firms" / name).read_bytes()
