"""The bundled demo firm list: real institutions the plans name, then 5,000 SYNTHETIC firms."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from firms.intake.load import import_firm_list
from geo.crs import STORAGE_CRS
from layers.settings import DATA_DIR

__all__ = ["DEMO_FILES", "demo_firms"]

DEMO_FILES = ("institutions_named_in_seeds.csv", "firms_synthetic_n5000_seed1.csv")


def demo_firms() -> gpd.GeoDataFrame:
    """The bundled demo: real institutions named in the seeds, then 5,000 SYNTHETIC firms."""
    parts = [import_firm_list(DATA_DIR / "firms" / name).accepted for name in DEMO_FILES]
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                            crs=STORAGE_CRS)
