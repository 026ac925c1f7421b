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

Threads: GEOS prepared geometries are not thread-safe (libgeos/geos#825: two
threads querying one prepared polygon can abort the process). The join and the
Shanghai test prepare private copies of the polygons they test
(:mod:`geo.prepared`), so the threads of a worker share no prepared geometry.

Encoding: a CSV file is read as UTF-8 unless its first megabyte is not UTF-8 and is
GB18030 (:func:`firms.intake.readers.sniff_encoding`), as the single-machine import does.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import dask
import dask.dataframe as dd
import dask_geopandas
import fsspec
import geopandas as gpd
import numpy as np
import pandas as pd

import layers
from firms.intake import import_firm_list
from firms.intake.readers import sniff_encoding
from firms.zones import LayerCounts, firm_points, firm_table, join_and_count, measures_of
from geo.crs import STORAGE_CRS
from geo.measures import sector_codes

__all__ = [
    "DEFAULT_BLOCKSIZE", "block_size", "firm_partitions", "measures_dask", "measures_dask_layers",
    "measures_dask_spatial"
]

DEFAULT_BLOCKSIZE = "auto"
#: "auto" blocks: at least this many per worker thread (the last round of a run leaves
#: few idle), between these sizes in bytes.
BLOCKS_PER_SLOT = 4
AUTO_BLOCK_BYTES = (8_000_000, 32_000_000)
#: Bytes read from the start of a CSV file to choose its encoding.
SNIFF_BYTES = 1 << 20
_SUMMARY = {"kind": "object", "zone": "object", "sector": "object", "firms": "int64",
            "employees": "float64"}


_EMPTY_SUMMARY = pd.DataFrame({k: pd.Series(dtype=v) for k, v in _SUMMARY.items()})


#: What the counts need of each firm besides its sector, employees and position: whether it
#: is still registered and how precisely (and to what unit) it was placed.
_PLACEMENT = ["status_active", "placement_precision_m", "placed_unit"]


def _polygon_layers(layer_ids: Iterable[str]) -> dict[str, gpd.GeoDataFrame]:
    frames = {lid: layers.load(lid) for lid in layer_ids}
    return {lid: f for lid, f in frames.items()
            if f.geom_type.isin(["Polygon", "MultiPolygon"]).any()}


def _points(block: pd.DataFrame, datum: str, *, points: bool = True) -> pd.DataFrame:
    """One block of raw rows → accepted firms (sector, employees, and a point, or
    lon/lat without ``points``), plus the tally."""
    result = import_firm_list(block.astype(str), datum=datum, points=points)
    keep = ["sector", "employees", *_PLACEMENT, *(["geometry"] if points else ["lon", "lat"])]
    firms = result.accepted[keep].copy()
    firms["placed_unit"] = firms["placed_unit"].astype(str)  # the same type in every block
    firms.attrs["tally"] = (result.report["rows_in"], result.report["accepted"],
                            result.report["rejected"])
    return firms


def _summary(block: pd.DataFrame, zone_frames: dict[str, gpd.GeoDataFrame],
             datum: str) -> pd.DataFrame:
    """The counts of one block of raw rows: the row tally, then :func:`_zone_counts`."""
    firms = _points(block, datum, points=False)  # the counts need no point geometries
    rows_in, accepted, rejected = firms.attrs["tally"]
    tally = pd.DataFrame({"kind": "rows", "zone": "", "sector": ["in", "accepted", "rejected"],
                          "firms": [rows_in, accepted, rejected], "employees": float("nan")})
    return pd.concat([tally.astype(_SUMMARY), _zone_counts(firms, zone_frames)],
                     ignore_index=True)


def _as_text(block: pd.DataFrame) -> pd.DataFrame:
    """A block's cells as text, "" where empty (Parquet columns may be typed)."""
    return pd.DataFrame({c: block[c].astype("string").fillna("").astype(object)
                         for c in block.columns}, index=block.index)


def is_parquet(path: str | Path) -> bool:
    """A Parquet file, or a folder of them (a dataset)."""
    text = str(path).rstrip("/")
    return text.endswith((".parquet", ".pq")) or (Path(text).is_dir() and any(
        p.suffix in (".parquet", ".pq") for p in Path(text).iterdir()))


def block_size(path: str | Path, blocksize: str | int, *, slots: int) -> str | int:
    """``blocksize`` as given, or for "auto" the file's size split into
    :data:`BLOCKS_PER_SLOT` blocks per worker thread (``slots``), within
    :data:`AUTO_BLOCK_BYTES`: 7 blocks of 32 MB on 2 workers leave one idle for the
    last seventh of a run; 8 even blocks do not."""
    if blocksize != "auto":
        return blocksize
    fs, target = fsspec.core.url_to_fs(str(path))
    low, high = AUTO_BLOCK_BYTES
    return int(min(high, max(low, fs.size(target) / (BLOCKS_PER_SLOT * max(1, slots)))))


def _slots(scheduler: Any, num_workers: int | None) -> int:
    """Worker threads of ``scheduler`` (a distributed Client, or a local scheduler's name)."""
    if hasattr(scheduler, "nthreads"):
        return sum(scheduler.nthreads().values())
    return num_workers or os.cpu_count() or 1


def _raw_blocks(path: str | Path, blocksize: str | int, *, slots: int = 1) -> dd.DataFrame:
    """The file's rows as text: a CSV file one partition per ``blocksize`` bytes
    (:func:`block_size`), a Parquet file or dataset one partition per row group.
    ``path`` may be any URL fsspec reads (``s3://…`` with s3fs installed), or a path
    every worker sees."""
    if is_parquet(path):
        raw = dd.read_parquet(str(path), split_row_groups=True)
        text: dd.DataFrame = raw.map_partitions(_as_text,
                                                meta=dict.fromkeys(raw.columns, "object"))
        return text
    with fsspec.open(str(path), "rb") as fh:
        encoding = sniff_encoding(fh.read(SNIFF_BYTES), Path(str(path)).name)
    rows: dd.DataFrame = dd.read_csv(
        str(path), dtype=str, keep_default_na=False, na_filter=False,
        blocksize=block_size(path, blocksize, slots=slots), encoding=encoding)
    return rows


def firm_partitions(path: str | Path, datum: str = "wgs84",
                    *, blocksize: str = DEFAULT_BLOCKSIZE) -> dask_geopandas.GeoDataFrame:
    """The accepted firms of a CSV file as a dask-geopandas frame, one partition a block."""
    raw = _raw_blocks(path, blocksize, slots=os.cpu_count() or 1)
    meta = gpd.GeoDataFrame({"sector": pd.Series(dtype="str"),
                             "employees": pd.Series(dtype=float),
                             "status_active": pd.Series(dtype=bool),
                             "placement_precision_m": pd.Series(dtype=float),
                             "placed_unit": pd.Series(dtype="str")},
                            geometry=gpd.GeoSeries([], crs=STORAGE_CRS))
    return raw.map_partitions(_points, datum, meta=meta)


def _long_counts(counts: pd.DataFrame, emp: pd.DataFrame | None, kind: str) -> pd.DataFrame:
    """A zones × sectors count table (and employee sums) as rows of the summary."""
    n = counts.to_numpy()
    zone, sector = np.nonzero(n)
    e = np.zeros(len(zone)) if emp is None else \
        np.nan_to_num(emp.reindex(index=counts.index, columns=counts.columns).to_numpy()[zone, sector])
    return pd.DataFrame({"kind": kind, "zone": counts.index.to_numpy()[zone].astype(str),
                         "sector": counts.columns.to_numpy()[sector], "firms": n[zone, sector],
                         "employees": e})


def _zone_counts(firms: pd.DataFrame, zone_frames: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Counts of one partition of accepted firms: per (layer, zone, sector) and per sector,
    each from one bincount over codes (:func:`geo.measures.count_tables`)."""
    if not len(firms):
        return _EMPTY_SUMMARY
    table = firm_table(firms)  # firms no longer registered have no sector: not counted
    codes, sectors = sector_codes(table["sector"])
    counted = codes >= 0
    emp = table["employees"].fillna(0).to_numpy()[counted]
    city = pd.DataFrame({"sector": pd.Index(sectors, dtype=object),
                         "firms": np.bincount(codes[counted], minlength=len(sectors)),
                         "employees": np.bincount(codes[counted], weights=emp,
                                                  minlength=len(sectors))})
    parts = [city[city["firms"] > 0].assign(kind="city", zone="")]
    points = firm_points(firms)
    coarse = 0
    for layer_id, zones in zone_frames.items():  # the in-memory join: certain and possible
        joined = join_and_count(firms, zones, points=points).counts
        parts.append(_long_counts(joined.counts, joined.employees, f"zone:{layer_id}"))
        if joined.possible is not None:
            parts.append(_long_counts(joined.possible, None, f"possible:{layer_id}"))
        coarse = joined.coarse
    parts.append(pd.DataFrame({"kind": ["coarse"], "zone": "", "sector": "", "firms": coarse,
                               "employees": 0.0}))
    return pd.concat(parts, ignore_index=True)[list(_SUMMARY)].astype(_SUMMARY)


def _stage_block(block: pd.DataFrame, datum: str, folder: str,
                 *, partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
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


def measures_dask_spatial(path: str | Path, layer_ids: Iterable[str], sector: str | None = None,
                          datum: str = "wgs84", blocksize: str = DEFAULT_BLOCKSIZE,
                          npartitions: int | None = None, scheduler: Any = "threads",
                          workdir: str | Path | None = None, *, num_workers: int | None = None
                          ) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """Like :func:`measures_dask_layers`, but the accepted firms are re-partitioned by a
    spatial index (dask-geopandas' Hilbert ``spatial_shuffle``), so each partition
    covers a compact area.

    Two passes, memory bounded by the blocks in both: the file is imported block by
    block once into GeoParquet in a temporary folder (under ``workdir``, default the
    system's), then the shuffle and the counts read from it — without the staging,
    each step of the shuffle would import the file again."""
    frames = _polygon_layers(layer_ids)
    raw = _raw_blocks(path, blocksize, slots=_slots(scheduler, num_workers))
    with tempfile.TemporaryDirectory(dir=workdir, prefix="shmap-firms-") as stage, \
            dask.config.set(_compute_options(scheduler, num_workers)):
        rows = (raw.map_partitions(_stage_block, datum, stage, meta=_EMPTY_SUMMARY)
                .groupby("sector")["firms"].sum().compute())
        table = _EMPTY_SUMMARY
        if any(Path(stage).iterdir()):
            firms = dask_geopandas.read_parquet(stage)
            firms = firms.spatial_shuffle(by="hilbert", calculate_partitions=False,
                                          npartitions=npartitions or firms.npartitions)
            table = (firms.map_partitions(_zone_counts, frames, meta=_EMPTY_SUMMARY)
                     .groupby(["kind", "zone", "sector"]).sum(split_out=1).compute()
                     .reset_index())
    tally = {k: int(rows.get(k, 0)) for k in ("in", "accepted", "rejected")}
    return _tables_from_counts(table, frames, sector), tally


def _compute_options(scheduler: Any, num_workers: int | None) -> dict[str, Any]:
    """dask settings for ``scheduler`` (a name or a distributed Client)."""
    return {"scheduler": scheduler, **({"num_workers": num_workers} if num_workers else {})}


def _tables_from_counts(table: pd.DataFrame, frames: dict[str, gpd.GeoDataFrame],
                        sector: str | None) -> dict[str, pd.DataFrame]:
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
        possible = maybe.pivot_table(index="zone", columns="sector", values="firms",
                                     aggfunc="sum", fill_value=0) if len(maybe) else None
        out[lid] = measures_of(LayerCounts(counts, emp, city, possible, coarse), zones, sector)
    return out


def measures_dask(path: str | Path, layer_id: str, sector: str | None = None,
                  datum: str = "wgs84", blocksize: str = DEFAULT_BLOCKSIZE,
                  scheduler: Any = "threads", *, num_workers: int | None = None
                  ) -> tuple[pd.DataFrame, dict[str, int]]:
    """Measures of one layer's zones from a CSV firm file read in blocks.

    Returns (the table :func:`firms.zones.layer_measures` returns, the row tally).
    """
    tables, tally = measures_dask_layers(path, [layer_id], sector=sector, datum=datum,
                                         blocksize=blocksize, scheduler=scheduler,
                                         num_workers=num_workers)
    return tables[layer_id], tally


def measures_dask_layers(path: str | Path, layer_ids: Iterable[str], sector: str | None = None,
                         datum: str = "wgs84", blocksize: str = DEFAULT_BLOCKSIZE,
                         scheduler: Any = "threads", num_workers: int | None = None
                         ) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """Measures of several layers in one pass over the file (one read, one import).

    ``scheduler``: a local dask scheduler ("threads", "processes", "sync"; with
    ``num_workers``) or a :class:`distributed.Client` (:func:`firms.cluster.dask_client`)."""
    frames = _polygon_layers(layer_ids)
    raw = _raw_blocks(path, blocksize, slots=_slots(scheduler, num_workers))
    summary = raw.map_partitions(_summary, frames, datum, meta=_EMPTY_SUMMARY)
    with dask.config.set(_compute_options(scheduler, num_workers)):
        table = (summary.groupby(["kind", "zone", "sector"]).sum(split_out=1).compute()
                 .reset_index())  # a tree reduction of small tables: no shuffle
    rows = table[table["kind"] == "rows"].set_index("sector")["firms"]
    out = _tables_from_counts(table, frames, sector)
    tally = {k: int(rows.get(k, 0)) for k in ("in", "accepted", "rejected")}
    return out, tally
