"""Measures for firm files too large to hold in memory: dask partitions.

The file is read in blocks (``dask.dataframe.read_csv``); each block is imported
with the same rules as the single-machine path, turned into a dask-geopandas
partition of points, joined to the layer with the same fast path, and reduced
to a small table of counts per (zone, sector) plus the city's counts and the
row tally. Only those small tables meet in memory, so peak memory follows the
block size, not the file size.

Differences from the single-machine import, by design: duplicates are removed
within a block, not across blocks (a registry export has none across; run
``shmap firms import`` for a full duplicate and rejected-rows report), and
address placement and row numbers are per block.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import dask
import dask.dataframe as dd
import dask_geopandas
import geopandas as gpd
import pandas as pd

import layers
from firms.importing import import_firm_table
from firms.zones import firm_points, join_layer, zones_for_measures
from geo.crs import STORAGE_CRS
from geo.measures import measures_from_counts

__all__ = [
    "DEFAULT_BLOCKSIZE", "firm_partitions", "measures_dask", "measures_dask_layers",
    "measures_dask_spatial"
]

DEFAULT_BLOCKSIZE = "32MB"
_SUMMARY = {"kind": "object", "zone": "object", "sector": "object", "firms": "int64",
            "employees": "float64"}


_EMPTY_SUMMARY = pd.DataFrame({k: pd.Series(dtype=v) for k, v in _SUMMARY.items()})


def _polygon_layers(layer_ids) -> dict[str, gpd.GeoDataFrame]:
    frames = {lid: layers.load(lid) for lid in layer_ids}
    return {lid: f for lid, f in frames.items()
            if f.geom_type.isin(["Polygon", "MultiPolygon"]).any()}


def _points(block: pd.DataFrame, datum: str) -> gpd.GeoDataFrame:
    """One block of raw rows → accepted firms (sector, employees, point), plus the tally."""
    result = import_firm_table(block.astype(str), datum)
    firms = result.accepted[["sector", "employees", "geometry"]].copy()
    firms.attrs["tally"] = (result.report["rows_in"], result.report["accepted"],
                            result.report["rejected"])
    return firms


def _summary(block: pd.DataFrame, zone_frames: dict[str, gpd.GeoDataFrame],
             datum: str) -> pd.DataFrame:
    """The counts of one block of raw rows: the row tally, then :func:`_zone_counts`."""
    firms = _points(block, datum)
    rows_in, accepted, rejected = firms.attrs["tally"]
    tally = pd.DataFrame({"kind": "rows", "zone": "", "sector": ["in", "accepted", "rejected"],
                          "firms": [rows_in, accepted, rejected], "employees": float("nan")})
    return pd.concat([tally.astype(_SUMMARY), _zone_counts(firms, zone_frames)],
                     ignore_index=True)


def _raw_blocks(path: str | Path, blocksize: str) -> dd.DataFrame:
    """The CSV file's rows as text, one partition per ``blocksize`` bytes."""
    return dd.read_csv(str(path), dtype=str, keep_default_na=False, na_filter=False,
                       blocksize=blocksize, encoding="utf-8-sig")


def firm_partitions(path: str | Path, datum: str = "wgs84",
                    *, blocksize: str = DEFAULT_BLOCKSIZE) -> dask_geopandas.GeoDataFrame:
    """The accepted firms of a CSV file as a dask-geopandas frame, one partition a block."""
    raw = _raw_blocks(path, blocksize)
    meta = gpd.GeoDataFrame({"sector": pd.Series(dtype="str"),
                             "employees": pd.Series(dtype=float)},
                            geometry=gpd.GeoSeries([], crs=STORAGE_CRS))
    return raw.map_partitions(_points, datum, meta=meta)


def _zone_counts(firms: gpd.GeoDataFrame, zone_frames: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Counts of one partition of accepted firms: per (layer, zone, sector) and per sector."""
    if not len(firms):
        return _EMPTY_SUMMARY
    emp = pd.to_numeric(firms["employees"], errors="coerce")
    parts = [firms.assign(employees=emp).groupby("sector").agg(
        firms=("sector", "size"), employees=("employees", "sum")).reset_index()
        .assign(kind="city", zone="")]
    points = firm_points(firms)
    for layer_id, zones in zone_frames.items():
        pairs = join_layer(points, zones)
        joined = pd.DataFrame({"zone": pairs["zone"].astype(str).to_numpy(),
                               "sector": firms["sector"].to_numpy()[pairs["point"].to_numpy()],
                               "employees": emp.to_numpy()[pairs["point"].to_numpy()]})
        parts.append(joined.groupby(["zone", "sector"]).agg(
            firms=("sector", "size"), employees=("employees", "sum")).reset_index()
            .assign(kind=f"zone:{layer_id}"))
    return pd.concat(parts, ignore_index=True)[list(_SUMMARY)].astype(_SUMMARY)


def _stage_block(block: pd.DataFrame, datum: str, folder: str,
                 *, partition_info: dict | None = None) -> pd.DataFrame:
    """Import one block of raw rows and write its accepted firms to ``folder`` as
    GeoParquet; return the block's row tally."""
    firms = _points(block, datum)
    rows_in, accepted, rejected = firms.attrs.pop("tally")
    if accepted:
        number = partition_info["number"] if partition_info else 0
        firms.to_parquet(Path(folder) / f"part.{number:05d}.parquet")
    return pd.DataFrame({"kind": "rows", "zone": "", "sector": ["in", "accepted", "rejected"],
                         "firms": [rows_in, accepted, rejected],
                         "employees": float("nan")}).astype(_SUMMARY)


def measures_dask_spatial(path: str | Path, layer_ids, sector: str | None = None,
                          datum: str = "wgs84", blocksize: str = DEFAULT_BLOCKSIZE,
                          npartitions: int | None = None, scheduler: str = "threads",
                          workdir: str | Path | None = None
                          ) -> tuple[dict[str, pd.DataFrame], dict]:
    """Like :func:`measures_dask_layers`, but the accepted firms are re-partitioned by a
    spatial index (dask-geopandas' Hilbert ``spatial_shuffle``), so each partition
    covers a compact area.

    Two passes, memory bounded by the blocks in both: the file is imported block by
    block once into GeoParquet in a temporary folder (under ``workdir``, default the
    system's), then the shuffle and the counts read from it — without the staging,
    each step of the shuffle would import the file again."""
    frames = _polygon_layers(layer_ids)
    raw = _raw_blocks(path, blocksize)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="shmap-firms-") as stage, \
            dask.config.set(scheduler=scheduler):
        rows = (raw.map_partitions(_stage_block, datum, stage, meta=_EMPTY_SUMMARY)
                .groupby("sector")["firms"].sum().compute())
        table = _EMPTY_SUMMARY
        if any(Path(stage).iterdir()):
            firms = dask_geopandas.read_parquet(stage)
            firms = firms.spatial_shuffle(by="hilbert", calculate_partitions=False,
                                          npartitions=npartitions or firms.npartitions)
            table = (firms.map_partitions(_zone_counts, frames, meta=_EMPTY_SUMMARY)
                     .groupby(["kind", "zone", "sector"]).sum().compute().reset_index())
    tally = {k: int(rows.get(k, 0)) for k in ("in", "accepted", "rejected")}
    return _tables_from_counts(table, frames, sector), tally


def _tables_from_counts(table: pd.DataFrame, frames: dict[str, gpd.GeoDataFrame],
                        sector: str | None) -> dict[str, pd.DataFrame]:
    city = table[table["kind"] == "city"].set_index("sector")["firms"]
    out = {}
    for lid, zones in frames.items():
        zone_rows = table[table["kind"] == f"zone:{lid}"]
        counts = zone_rows.pivot_table(index="zone", columns="sector", values="firms",
                                       aggfunc="sum", fill_value=0)
        emp_rows = zone_rows[zone_rows["employees"] > 0]
        emp = emp_rows.pivot_table(index="zone", columns="sector", values="employees",
                                   aggfunc="sum") if len(emp_rows) else None
        measures = measures_from_counts(zones_for_measures(zones), counts, emp, city, sector=sector)
        out[lid] = pd.concat([zones[["name_zh", "name_en", "role", "area_km2"]], measures], axis=1)
    return out


def measures_dask(path: str | Path, layer_id: str, sector: str | None = None,
                  datum: str = "wgs84", blocksize: str = DEFAULT_BLOCKSIZE,
                  scheduler: str = "threads") -> tuple[pd.DataFrame, dict]:
    """Measures of one layer's zones from a CSV firm file read in blocks.

    Returns (the table :func:`firms.zones.layer_measures` returns, the row tally).
    """
    tables, tally = measures_dask_layers(path, [layer_id], sector=sector, datum=datum,
                                         blocksize=blocksize, scheduler=scheduler)
    return tables[layer_id], tally


def measures_dask_layers(path: str | Path, layer_ids, *, sector: str | None = None,
                         datum: str = "wgs84", blocksize: str = DEFAULT_BLOCKSIZE,
                         scheduler: str = "threads") -> tuple[dict[str, pd.DataFrame], dict]:
    """Measures of several layers in one pass over the file (one read, one import)."""
    frames = _polygon_layers(layer_ids)
    raw = _raw_blocks(path, blocksize)
    summary = raw.map_partitions(_summary, frames, datum, meta=_EMPTY_SUMMARY)
    with dask.config.set(scheduler=scheduler):
        table = summary.groupby(["kind", "zone", "sector"]).sum().compute().reset_index()
    rows = table[table["kind"] == "rows"].set_index("sector")["firms"]
    out = _tables_from_counts(table, frames, sector)
    tally = {k: int(rows.get(k, 0)) for k in ("in", "accepted", "rejected")}
    return out, tally
