"""Policy measures, targets, figures and platforms the five texts tie to places and
sectors (``data/policy_measures.csv``), and the sector targets for 2025
(``data/sector_targets.csv``).

Each row carries a verbatim quote (whitespace-insensitive, as the seeds were
extracted from PDFs), its seed file and section. ``places`` are feature ids of
the layers, ``sectors`` ids of the taxonomy, both ``;``-separated; a row with no
place is city-wide but tied to its sectors.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, cast

import pandas as pd

from layers.citations import citation_text, quote_problems
from layers.schema import split_list
from layers.settings import DATA_DIR

__all__ = [
    "KINDS", "MEASURES_FILE", "TARGETS_FILE", "measure_problems", "measures_for_feature",
    "measures_for_features", "measures_for_sector", "policy_measures", "provenance",
    "sector_targets"
]

MEASURES_FILE = DATA_DIR / "policy_measures.csv"
TARGETS_FILE = DATA_DIR / "sector_targets.csv"
KINDS = ("status", "target", "measure", "platform")


def _read(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return table.set_index("id", drop=False)


@cache
def _measures(path: Path) -> pd.DataFrame:
    return _read(path)


def policy_measures(path: Path = MEASURES_FILE) -> pd.DataFrame:
    """All rows, indexed by id (a copy)."""
    return _measures(path).copy()


def sector_targets(sector: str | None = None, path: Path = TARGETS_FILE) -> pd.DataFrame:
    """2025 targets per sector (rows with an empty sector hold for all strategic industries)."""
    table = _read(path)
    return table if sector is None else table[table["sector"].isin([sector, ""])]


def _holding(table: pd.DataFrame, column: str, wanted: set[str]) -> pd.DataFrame:
    return table[table[column].map(lambda v: bool(wanted & set(split_list(v))))]


def measures_for_feature(feature_id: str, path: Path = MEASURES_FILE) -> pd.DataFrame:
    """Rows attached to one feature."""
    return _holding(policy_measures(path), "places", {feature_id})


def measures_for_features(feature_ids, path: Path = MEASURES_FILE) -> pd.DataFrame:
    """Rows attached to any of the features (e.g. all of a layer)."""
    return _holding(policy_measures(path), "places", set(feature_ids))


def measures_for_sector(sector_id: str, path: Path = MEASURES_FILE) -> pd.DataFrame:
    """Rows tied to one sector."""
    return _holding(policy_measures(path), "sectors", {sector_id})


def provenance(row) -> str:
    """A row's source for display: ``003_….txt §五(五): “…”``."""
    return citation_text(row["source_file"], row["section"], row["quote"])


def measure_problems(table: pd.DataFrame, feature_ids: set[str], sector_ids: set[str],
                     seeds_dir: Path | None) -> list[str]:
    """Every way the measures table breaks its rules (empty when it is sound)."""
    problems = []
    dupes = table["id"][table["id"].duplicated()]
    problems += [f"policy measure {i}: duplicate id" for i in dupes]
    for row in cast("Iterable[Any]", table.itertuples()):  # fields by column name: pandas-stubs cannot type them
        where = f"policy measure {row.id}"
        if row.kind not in KINDS:
            problems.append(f"{where}: kind {row.kind!r} not in {KINDS}")
        bad_places = [p for p in split_list(row.places) if p not in feature_ids]
        if bad_places:
            problems.append(f"{where}: unknown places {bad_places}")
        bad_sectors = [s for s in split_list(row.sectors) if s not in sector_ids]
        if bad_sectors:
            problems.append(f"{where}: unknown sectors {bad_sectors}")
        if not split_list(row.places) and not split_list(row.sectors):
            problems.append(f"{where}: tied to no place and no sector")
        if row.unit and row.value:
            try:
                float(row.value)
            except ValueError:
                problems.append(f"{where}: value {row.value!r} is not a number")
        if row.unit and not row.value:
            problems.append(f"{where}: a unit without a value")
    return problems + quote_problems(table.itertuples(), seeds_dir=seeds_dir,
                                     where=lambda r: f"policy measure {r.id}")
