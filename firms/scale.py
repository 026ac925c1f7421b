"""Measures for firm files too large to hold in memory: dask partitions.

A CSV file is cut into blocks at row boundaries after one pass that decides the whole
file's encoding (:mod:`firms.blocks`); a Parquet file or dataset is read one row group
at a time. Every block goes through the one intake, :func:`firms.intake.import_firm_list`,
as the in-memory path does (so a ragged row, an empty file or an undecodable byte is the
same refusal, naming the line of the file). Each block's accepted firms are kept in
worker memory as a few columns (lon/lat, sector, employees, and 64-bit hashes of the
duplicate keys); duplicates across blocks are then removed by the import's own rule —
the first row wins, by valid credit code, then by folded name and address — from two
small tables of the keys that occur in more than one block. Then each block is joined
to every zone with the same fast path and reduced to a small table of counts per
(layer, zone, sector) (:mod:`firms.block_counts`; firms no longer registered counted only
with ``include_inactive``). Only those tables meet in memory, so peak memory follows the
block size, not the file size. A CSV file's header is found under any title rows as the
in-memory read finds it, and the tally says on which line.

Threads: GEOS prepared geometries are not thread-safe (libgeos/geos#825: two
threads querying one prepared polygon can abort the process). The join and the
Shanghai test prepare private copies of the polygons they test
(:mod:`geo.prepared`), so the threads of a worker share no prepared geometry.
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
from dask import delayed
from dask.utils import parse_bytes

import layers
from firms.block_counts import (
    EMPTY_SUMMARY,
    row_tally,
    sum_tables,
    tables_from_counts,
    tally_of,
    zone_counts,
)
from firms.blocks import CsvBlocks, plan_csv, table_as_text
from firms.intake import import_firm_list
from firms.intake.errors import UnreadableFileError
from firms.intake.importer import ImportResult
from firms.intake.messages import Said, shifted
from geo.crs import STORAGE_CRS
from layers.text import fold_arrow

__all__ = [
    "DEFAULT_BLOCKSIZE", "WHOLE_SUFFIXES", "block_size", "firm_partitions", "measures_dask", "measures_dask_layers",
    "measures_dask_spatial"
]

DEFAULT_BLOCKSIZE = "auto"
#: "auto" blocks: at least this many per worker thread (the last round of a run leaves
#: few idle), between these sizes in bytes.
BLOCKS_PER_SLOT = 4
AUTO_BLOCK_BYTES = (8_000_000, 32_000_000)
#: Files read whole, as the in-memory import reads them (a workbook's cells and a GeoJSON
#: file's size are bounded by their readers), as one block.
WHOLE_SUFFIXES = (".xlsx", ".geojson", ".json")
_NO_KEY = np.uint64(0)


_PLACEMENT: dict[str, str] = {"status_active": "bool", "placement_precision_m": "float64", "placed_unit": "str"}  # what the counts need of a firm's placement


def _polygon_layers(layer_ids: Iterable[str]) -> dict[str, gpd.GeoDataFrame]:
    frames = {lid: layers.load(lid) for lid in layer_ids}
    return {lid: f for lid, f in frames.items()
            if f.geom_type.isin(["Polygon", "MultiPolygon"]).any()}


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


def _keys(values: pd.Series) -> np.ndarray:
    """64-bit hashes of text keys (0 kept for "no key")."""
    hashed = pd.util.hash_array(values.to_numpy(dtype=object)).astype(np.uint64)
    hashed[hashed == _NO_KEY] = 1
    return hashed


def _kept(result: ImportResult, block: int) -> pd.DataFrame:
    """A block's accepted firms as the columns the counts and the cross-block duplicate
    rule need; its tally in ``attrs``."""
    acc = result.accepted
    code = acc["uscc_valid"].astype(bool).to_numpy() if "uscc_valid" in acc else \
        np.zeros(len(acc), bool)
    firms = pd.DataFrame({"lon": acc["lon"].to_numpy(float), "lat": acc["lat"].to_numpy(float),
                          "sector": pd.Categorical(acc["sector"]),  # codes, not strings
                          "employees": acc["employees"].to_numpy(float),
                          "order": (block << 32) + acc["row"].to_numpy(np.int64),
                          "code_key": np.where(code, _keys(acc["uscc"].astype(str)), _NO_KEY),
                          "place_key": _place_keys(acc),
                          **{c: acc[c].to_numpy(dtype=object if t == "str" else t) for c, t in _PLACEMENT.items()}})
    firms.attrs["tally"] = (result.report["rows_in"], result.report["accepted"],
                            result.report["rejected"])
    return firms


def _place_keys(acc: pd.DataFrame) -> np.ndarray:
    """The name-and-address key of each firm with a non-empty address (folded as the
    import folds them), else 0."""
    if "address" not in acc or not len(acc):
        return np.zeros(len(acc), np.uint64)
    address = fold_arrow(acc["address"].astype(str).to_numpy(object))
    name = fold_arrow(acc["name"].astype(str).to_numpy(object))
    text = pd.Series(name.to_pandas().to_numpy(object) + "\x1f" +
                     address.to_pandas().to_numpy(object))
    has = address.to_pandas().to_numpy(object) != ""
    return np.where(has, _keys(text), _NO_KEY)


def _csv_block(plan: CsvBlocks, index: int, datum: str) -> pd.DataFrame:
    """Block ``index`` of a CSV file through the one intake."""
    first_line = plan.spans[index][2]  # the file's line of the block's line 2 (its first row)
    try:
        result = import_firm_list(plan.text(index), name=plan.name, datum=datum, points=False)
    except UnreadableFileError as err:
        said = err.args[0] if err.args else None
        if isinstance(said, Said):
            raise UnreadableFileError(shifted(said, lines=first_line - 2)) from None
        raise
    return _kept(result, index)


def _table_block(block: pd.DataFrame, index: int, datum: str) -> pd.DataFrame:
    """A Parquet row group (typed columns; a GeoParquet's WKB points) through the intake."""
    return _kept(import_firm_list(table_as_text(block), datum=datum, points=False), index)


def _blocks(path: str | Path, blocksize: str | int, datum: str, *, slots: int = 1,
            sheet: str | None = None) -> tuple[list[Any], dict[str, object]]:
    """Each block's kept firms, as delayed objects: a CSV file cut at row boundaries
    (:func:`firms.blocks.plan_csv`), a Parquet file or dataset one row group each, a
    workbook (its ``sheet``) or GeoJSON file whole; and where the header was found
    (:attr:`firms.blocks.CsvBlocks.above`)."""
    if is_parquet(path):
        parts = dd.read_parquet(str(path), split_row_groups=True).to_delayed()
        return [delayed(_table_block)(p, i, datum) for i, p in enumerate(parts)], {}
    if Path(str(path)).suffix.lower() in WHOLE_SUFFIXES:  # one block, read as in memory
        result = import_firm_list(path, datum=datum, sheet=sheet, points=False)
        return [delayed(_kept)(result, 0)], {k: result.report[k] for k in (
            "header_row", "above_header") if k in result.report}
    size = block_size(path, blocksize, slots=slots)
    plan = plan_csv(path, parse_bytes(size) if isinstance(size, str) else int(size))
    if not plan.spans:  # no data rows: the in-memory import's answer (a refusal, or none)
        result = import_firm_list(plan.header, name=plan.name, datum=datum, points=False)
        return [delayed(_kept)(result, 0)], plan.above
    return [delayed(_csv_block)(plan, i, datum) for i in range(len(plan.spans))], plan.above


def _first_of_keys(parts: list[pd.DataFrame], column: str, drop: pd.Index | None = None
                   ) -> pd.Series:
    """For each key in ``column`` found in more than one block: the order of its first row
    (rows whose order is in ``drop`` left out)."""
    seen = []
    for part in parts:
        rows = part[part[column] != _NO_KEY]
        if drop is not None and len(drop):
            rows = rows[~rows["order"].isin(drop)]
        seen.append(rows.groupby(column)["order"].min())
    keys = pd.concat(seen) if seen else pd.Series(dtype="int64")
    many = keys.index.duplicated(keep=False)
    return keys[many].groupby(level=0).min()


def _duplicates(parts: list[pd.DataFrame]) -> pd.Index:
    """Orders of the rows that a row of an earlier block makes duplicates: by valid
    credit code first, then (among the rest) by folded name and address."""
    dropped: list[np.ndarray] = []
    for column in ("code_key", "place_key"):
        first = _first_of_keys(parts, column, pd.Index(np.concatenate(dropped))
                               if dropped else None)
        if not len(first):
            continue
        for part in parts:
            rows = part[part[column].isin(first.index)]
            later = rows["order"].to_numpy() != first.reindex(rows[column]).to_numpy()
            dropped.append(rows["order"].to_numpy()[later])
    return pd.Index(np.concatenate(dropped) if dropped else np.zeros(0, np.int64))


def _without(part: pd.DataFrame, dropped: pd.Index) -> pd.DataFrame:
    firms = part[~part["order"].isin(dropped)] if len(dropped) else part
    rows_in, accepted, rejected = part.attrs["tally"]
    gone = len(part) - len(firms)
    firms = firms.copy()
    firms.attrs["tally"] = (rows_in, accepted - gone, rejected + gone)
    return firms


def _summary(part: pd.DataFrame, dropped: pd.Index, zone_frames: dict[str, gpd.GeoDataFrame],
             include_inactive: bool) -> pd.DataFrame:
    """The counts of one block after the duplicates across blocks: its row tally, then
    :func:`firms.block_counts.zone_counts`."""
    firms = _without(part, dropped)
    return pd.concat([row_tally(*firms.attrs["tally"]),
                      zone_counts(firms, zone_frames, include_inactive=include_inactive)],
                     ignore_index=True)


def _deduplicated(path: str | Path, blocksize: str | int, datum: str, scheduler: str | None,
                  num_workers: int | None, *, sheet: str | None = None
                  ) -> tuple[list[Any], object, dict[str, object]]:
    """(each block's kept firms, persisted; the orders of cross-block duplicates, delayed;
    where the header was found)."""
    parts, above = _blocks(path, blocksize, datum, slots=_slots(scheduler, num_workers),
                           sheet=sheet)
    with dask.config.set(_compute_options(scheduler, num_workers)):
        parts = list(dask.persist(*parts))
    return parts, delayed(_duplicates)([delayed(_key_rows)(p) for p in parts]), above


def _key_rows(part: pd.DataFrame) -> pd.DataFrame:
    """A block's rows that have a duplicate key, with their keys and order only (what
    travels to the task that finds the duplicates across blocks)."""
    return part.loc[(part["code_key"] != _NO_KEY) | (part["place_key"] != _NO_KEY),
                    ["order", "code_key", "place_key"]]


def firm_partitions(path: str | Path, datum: str = "wgs84",
                    *, blocksize: str = DEFAULT_BLOCKSIZE) -> dask_geopandas.GeoDataFrame:
    """The accepted firms of a file (duplicates across blocks removed) as a
    dask-geopandas frame of points, one partition a block."""
    parts, dropped, _ = _deduplicated(path, blocksize, datum, "threads", None)
    meta = gpd.GeoDataFrame({"sector": pd.Series(dtype="str"),
                             "employees": pd.Series(dtype=float),
                             **{c: pd.Series(dtype=t) for c, t in _PLACEMENT.items()}},
                            geometry=gpd.GeoSeries([], crs=STORAGE_CRS))
    return dd.from_delayed([delayed(_points)(p, dropped) for p in parts], meta=meta)


def _points(part: pd.DataFrame, dropped: pd.Index) -> gpd.GeoDataFrame:
    firms = _without(part, dropped)
    return gpd.GeoDataFrame({"sector": firms["sector"].astype(str),
                             "employees": firms["employees"],
                             **{c: firms[c] for c in _PLACEMENT}},
                            geometry=gpd.points_from_xy(firms["lon"], firms["lat"]),
                            crs=STORAGE_CRS)


def _stage_block(part: pd.DataFrame, dropped: pd.Index, folder: str, number: int
                 ) -> pd.DataFrame:
    """Write one block's firms (after the cross-block duplicates) to ``folder`` as
    GeoParquet; return the block's row tally."""
    firms = _points(part, dropped)
    tally = _without(part, dropped).attrs["tally"]
    if tally[1]:  # accepted firms
        firms.to_parquet(Path(folder) / f"part.{number:05d}.parquet")
    return row_tally(*tally)


def measures_dask_spatial(path: str | Path, layer_ids: Iterable[str], sector: str | None = None,
                          datum: str = "wgs84", blocksize: str = DEFAULT_BLOCKSIZE,
                          npartitions: int | None = None, scheduler: Any = "threads",
                          workdir: str | Path | None = None, *, num_workers: int | None = None,
                          include_inactive: bool = False, sheet: str | None = None
                          ) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Like :func:`measures_dask_layers`, but the accepted firms are re-partitioned by a
    spatial index (dask-geopandas' Hilbert ``spatial_shuffle``), so each partition
    covers a compact area: the blocks' firms are staged as GeoParquet in a temporary
    folder (under ``workdir``, default the system's), then shuffled and counted."""
    frames = _polygon_layers(layer_ids)
    parts, dropped, above = _deduplicated(path, blocksize, datum, scheduler, num_workers,
                                          sheet=sheet)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="shmap-firms-") as stage, \
            dask.config.set(_compute_options(scheduler, num_workers)):
        rows = dask.compute(delayed(sum_tables)(
            [delayed(_stage_block)(p, dropped, stage, i) for i, p in enumerate(parts)]))[0]
        table = EMPTY_SUMMARY
        if any(Path(stage).iterdir()):
            firms = dask_geopandas.read_parquet(stage)
            firms = firms.spatial_shuffle(by="hilbert", calculate_partitions=False,
                                          npartitions=npartitions or firms.npartitions)
            table = (firms.map_partitions(zone_counts, frames, meta=EMPTY_SUMMARY,
                                          include_inactive=include_inactive)
                     .groupby(["kind", "zone", "sector"]).sum(split_out=1).compute()
                     .reset_index())
    return tables_from_counts(table, frames, sector), tally_of(rows, above)


def _compute_options(scheduler: Any, num_workers: int | None) -> dict[str, Any]:
    """dask settings for ``scheduler`` (a name or a distributed Client)."""
    return {"scheduler": scheduler, **({"num_workers": num_workers} if num_workers else {})}


def measures_dask(path: str | Path, layer_id: str, sector: str | None = None,
                  datum: str = "wgs84", blocksize: str = DEFAULT_BLOCKSIZE,
                  scheduler: Any = "threads", *, num_workers: int | None = None,
                  include_inactive: bool = False) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Measures of one layer's zones from a CSV firm file read in blocks.

    Returns (the table :func:`firms.zones.layer_measures` returns, the row tally).
    """
    tables, tally = measures_dask_layers(path, [layer_id], sector=sector, datum=datum,
                                         blocksize=blocksize, scheduler=scheduler,
                                         num_workers=num_workers,
                                         include_inactive=include_inactive)
    return tables[layer_id], tally


def measures_dask_layers(path: str | Path, layer_ids: Iterable[str], sector: str | None = None,
                         datum: str = "wgs84", blocksize: str = DEFAULT_BLOCKSIZE,
                         scheduler: Any = "threads", num_workers: int | None = None, *,
                         include_inactive: bool = False, sheet: str | None = None
                         ) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Measures of several layers in one pass over the file (one read, one import).

    ``scheduler``: a local dask scheduler ("threads", "processes", "sync"; with
    ``num_workers``) or a :class:`distributed.Client` (:func:`firms.cluster.dask_client`).
    Firms no longer registered are counted only with ``include_inactive``, as in memory;
    ``sheet`` names a workbook's sheet with data on several.
    The tally (:func:`firms.block_counts.tally_of`) says where the header was found when
    title rows were above it."""
    frames = _polygon_layers(layer_ids)
    parts, dropped, above = _deduplicated(path, blocksize, datum, scheduler, num_workers,
                                          sheet=sheet)
    with dask.config.set(_compute_options(scheduler, num_workers)):
        table = dask.compute(delayed(sum_tables)(
            [delayed(_summary)(p, dropped, frames, include_inactive) for p in parts]))[0]
    return tables_from_counts(table, frames, sector), tally_of(table, above)
