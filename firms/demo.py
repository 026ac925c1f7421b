"""The bundled demo firm list: real institutions the plans name, then 5,000 SYNTHETIC firms."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from firms.intake.load import import_firm_list
from geo.crs import STORAGE_CRS
from layers.settings import DATA_DIR

__all__ = ["DEMO_FILES", "demo_firms", "with_synthetic_dates"]

DEMO_FILES = ("institutions_named_in_seeds.csv", "firms_synthetic_n5000_seed1.csv")


def demo_firms() -> gpd.GeoDataFrame:
    """The bundled demo: real institutions named in the seeds, then 5,000 SYNTHETIC firms,
    these with a SYNTHETIC founding date (成立日期) and insured staff (参保人数), as a
    registry export gives them, so the demo can show firms over time."""
    parts = [import_firm_list(DATA_DIR / "firms" / name).accepted for name in DEMO_FILES]
    firms = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                             crs=STORAGE_CRS)
    return with_synthetic_dates(firms)


def with_synthetic_dates(firms: gpd.GeoDataFrame, seed: int = 1) -> gpd.GeoDataFrame:
    """SYNTHETIC 成立日期 (2000-01-01 … 2024-12-31, more firms in later years) and 参保人数
    (about a third of 从业人员) for the synthetic rows only; real rows get none."""
    rng = np.random.default_rng(seed)
    fake = (firms["synthetic"] == "yes").to_numpy() if "synthetic" in firms else \
        np.zeros(len(firms), dtype=bool)
    days = (rng.beta(2.2, 1.2, len(firms)) * 9131).astype(int)  # 2000-01-01 + up to 25 years
    dates = (pd.Timestamp("2000-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    given = firms["employees"] if "employees" in firms else pd.Series(np.nan, index=firms.index)
    staff = np.round(pd.to_numeric(given, errors="coerce").fillna(3) / 3).clip(0)
    out = firms.copy()
    out["成立日期"] = np.where(fake, dates, "")
    out["参保人数"] = np.where(fake, staff.astype("Int64").astype(str), "")
    return out
