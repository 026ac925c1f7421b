"""What each block of the dask engine (:mod:`firms.scale`) sends back, and how those
meet: a small table of counts per (kind, zone, sector) — the block's row tally, the
city's firms per sector, each layer's certain and possible counts per zone — summed over
the blocks, then made into each layer's measures (:func:`firms.zones.measures_of`).

Firms no longer registered (注销/吊销/迁出) are counted only with ``include_inactive``,
by the in-memory rule (:func:`firms.zones.firm_table`, :func:`firms.zones.join_and_count`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from firms.zones import LayerCounts, firm_points, firm_table, join_and_count, measures_of
from geo.measures import sector_codes

__all__ = ["EMPTY_SUMMARY", "row_tally", "sum_tables", "tables_from_counts", "tally_of",
           "zone_counts"]

_SUMMARY = {"kind": "object", "zone": "object", "sector": "object", "firms": "int64",
            "employees": "float64"}
#: A summary without rows: the shape (and dask's ``meta``) of every block's table.
EMPTY_SUMMARY = pd.DataFrame({k: pd.Series(dtype=v) for k, v in _SUMMARY.items()})


def row_tally(rows_in: int, accepted: int, rejected: int) -> pd.DataFrame:
    """A block's rows read, accepted and rejected, as rows of the summary."""
    return pd.DataFrame({"kind": "rows", "zone": "", "sector": ["in", "accepted", "rejected"],
                         "firms": [rows_in, accepted, rejected],
                         "employees": float("nan")}).astype(_SUMMARY)


def sum_tables(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The blocks' summaries added up per (kind, zone, sector)."""
    table = pd.concat(tables, ignore_index=True) if tables else EMPTY_SUMMARY
    return table.groupby(["kind", "zone", "sector"], as_index=False)[["firms", "employees"]].sum(
        min_count=1).fillna({"employees": 0.0})


def tally_of(table: pd.DataFrame, above: Mapping[str, object] | None = None
             ) -> dict[str, Any]:
    """The rows read (``in``), ``accepted`` and ``rejected`` of a summed table; with
    ``header_row`` and ``above_header`` as the in-memory import reports them when the
    header was found under title rows (``above``: :attr:`firms.blocks.CsvBlocks.above`)."""
    rows = table[table["kind"] == "rows"].set_index("sector")["firms"]
    tally: dict[str, Any] = {k: int(rows.get(k, 0)) for k in ("in", "accepted", "rejected")}
    if above and above.get("header_row", 1) != 1:
        tally.update(above)
    return tally


def _long_counts(counts: pd.DataFrame, emp: pd.DataFrame | None, kind: str) -> pd.DataFrame:
    """A zones × sectors count table (and employee sums) as rows of the summary."""
    n = counts.to_numpy()
    zone, sector = np.nonzero(n)
    e = np.zeros(len(zone)) if emp is None else \
        np.nan_to_num(emp.reindex(index=counts.index, columns=counts.columns).to_numpy()[zone, sector])
    return pd.DataFrame({"kind": kind, "zone": counts.index.to_numpy()[zone].astype(str),
                         "sector": counts.columns.to_numpy()[sector], "firms": n[zone, sector],
                         "employees": e})


def zone_counts(firms: pd.DataFrame, zone_frames: dict[str, gpd.GeoDataFrame], *,
                include_inactive: bool = False) -> pd.DataFrame:
    """Counts of one partition of accepted firms: per (layer, zone, sector) — certain and
    possible, by the in-memory join — and per sector in the city, each from one bincount
    over codes (:func:`geo.measures.count_tables`)."""
    if not len(firms):
        return EMPTY_SUMMARY
    table = firm_table(firms, include_inactive=include_inactive)  # no sector: not counted
    codes, sectors = sector_codes(table["sector"])
    counted = codes >= 0
    emp = table["employees"].fillna(0).to_numpy()[counted]
    city = pd.DataFrame({"sector": pd.Index(sectors, dtype=object),
                         "firms": np.bincount(codes[counted], minlength=len(sectors)),
                         "employees": np.bincount(codes[counted], weights=emp, minlength=len(sectors))})
    parts = [city[city["firms"] > 0].assign(kind="city", zone="")]
    points = firm_points(firms)
    coarse = 0
    for layer_id, zones in zone_frames.items():
        joined = join_and_count(firms, zones, points=points,
                                include_inactive=include_inactive).counts
        parts.append(_long_counts(joined.counts, joined.employees, f"zone:{layer_id}"))
        if joined.possible is not None:
            parts.append(_long_counts(joined.possible, None, f"possible:{layer_id}"))
        coarse = joined.coarse
    parts.append(pd.DataFrame({"kind": ["coarse"], "zone": "", "sector": "", "firms": coarse, "employees": 0.0}))
    return pd.concat(parts, ignore_index=True)[list(_SUMMARY)].astype(_SUMMARY)


def tables_from_counts(table: pd.DataFrame, frames: dict[str, gpd.GeoDataFrame],
                       sector: str | None) -> dict[str, pd.DataFrame]:
    """Each layer's measures (:func:`firms.zones.measures_of`) from the summed table."""
    city = table[table["kind"] == "city"].set_index("sector")["firms"]
    coarse = int(table.loc[table["kind"] == "coarse", "firms"].sum())
    out = {}
    for lid, zones in frames.items():
        zone_rows = table[table["kind"] == f"zone:{lid}"]
        counts = zone_rows.pivot_table(index="zone", columns="sector", values="firms",
                                       aggfunc="sum", fill_value=0)
        emp_rows = zone_rows[zone_rows["employees"] > 0]
        emp = emp_rows.pivot_table(index="zone", columns="sector", values="employees",
                                   aggfunc="sum") if len(emp_rows) else None
        maybe = table[table["kind"] == f"possible:{lid}"]
        possible = maybe.pivot_table(index="zone", columns="sector", values="firms", aggfunc="sum", fill_value=0) if len(maybe) else None
        out[lid] = measures_of(LayerCounts(counts, emp, city, possible, coarse), zones, sector)
    return out
