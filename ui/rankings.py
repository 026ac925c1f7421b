"""Zone rankings as people ask for them ("which parks have most IC firms"): the zone
table narrowed to the kinds asked for (:mod:`layers.zone_kinds`), one row per
outline with all its roles and layers, sorted by a measure, headers that name the
sector. Pure."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ui.i18n import column_label, sector_column_label, t

__all__ = ["GRID_FORMATS", "MEASURE_FORMATS", "RANKED_COLUMNS", "SORTABLE", "TOP_COLUMNS", "compare_options", "kind_ids", "ranking",
           "ranking_top", "ranking_view"]

#: The ranking's columns, in order: what answers the question first, the rest after.
RANKED_COLUMNS = ("name", "kind", "sector_firms", "lq", "sector_share", "firms", "firms_possible",
                  "firms_per_km2", "area_km2", "strong_cluster", "plan_fit", "role", "layer",
                  "sectors")
#: Columns a ranking can be sorted by (largest first).
SORTABLE = ("sector_firms", "lq", "sector_share", "firms", "firms_per_km2", "area_km2", "plan_fit")
#: The short ranking's columns (its sort column is added when it is not one of them).
TOP_COLUMNS = ("name", "kind", "sector_firms", "lq", "sector_share", "firms", "firms_possible",
               "area_km2")
#: How measures are written as text (the short ranking, compare): counts whole, shares in
#: per cent, LQ to two decimals.
MEASURE_FORMATS = {"sector_firms": "{:,.0f}", "firms": "{:,.0f}", "firms_possible": "{:,.0f}",
               "lq": "{:.2f}", "sector_share": "{:.1%}", "firms_per_km2": "{:,.1f}",
               "area_km2": "{:,.1f}", "plan_fit": "{:.0%}"}
#: The same measures in the data grid, in Streamlit's number formats.
GRID_FORMATS = {"sector_firms": "localized", "firms": "localized", "firms_possible": "localized",
                "lq": "%.2f", "sector_share": "percent", "firms_per_km2": "%.1f",
                "area_km2": "%.1f", "plan_fit": "percent"}


def kind_ids(kinds_table: pd.DataFrame, kinds: Sequence[str]) -> pd.Index:
    """The feature ids whose outline group is of one of ``kinds``."""
    return kinds_table.index[kinds_table["group_kind"].isin(list(kinds))]


def _joined(values: pd.Series) -> str:
    return " · ".join(dict.fromkeys(str(v) for v in values if str(v)))


def ranking(table: pd.DataFrame, kinds_table: pd.DataFrame, *, kinds: Sequence[str],
            sort_by: str | None, lang: str) -> pd.DataFrame:
    """The rows of ``table`` (:func:`ui.views.zone_table`, index: feature ids) whose
    outline is of one of ``kinds``, one row per outline — the first in ``table``'s
    order, with every role and layer of the outline joined — with its kind in words,
    sorted by ``sort_by`` (largest first, ties by name) when it is a column."""
    known = kinds_table.reindex(table.index)
    keep = known["group_kind"].isin(list(kinds)).to_numpy()
    rows = table[keep].copy()
    outline = known.loc[keep, "outline"].fillna(pd.Series(rows.index, rows.index))
    for col in ("role", "layer"):
        if col in rows:
            merged = rows[col].groupby(outline.to_numpy()).agg(_joined)
            rows[col] = outline.map(merged).to_numpy()
    rows = rows[~outline.duplicated().to_numpy()]
    rows["kind"] = known.loc[rows.index, "group_kind"].map(lambda k: t(f"kind_{k}", lang))
    if sort_by is not None and sort_by in rows:
        rows = rows.sort_values([sort_by, "name"], ascending=[False, True], kind="stable",
                                na_position="last")
    return rows[[c for c in RANKED_COLUMNS if c in rows]]


def ranking_view(rows: pd.DataFrame, *, sector: str, lang: str) -> pd.DataFrame:
    """``rows`` (from :func:`ranking`) for display: headers in words, the per-sector
    ones naming ``sector`` ("集成电路企业数")."""
    return rows.rename(columns=lambda c: sector_column_label(c, sector, lang)
                       if c != "name" else column_label(c, lang))


def ranking_top(rows: pd.DataFrame, *, top: int, sort_by: str | None, sector: str,
                lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The first ``top`` rows of ``rows`` (from :func:`ranking`) with their rank, in the
    short ranking's columns and the sort column, headers in words; and the number
    format of each measure's header (for :func:`ui.markdown_table.markdown_table`)."""
    columns = [c for c in dict.fromkeys((*TOP_COLUMNS, sort_by)) if c and c in rows]
    head = rows.head(top)[columns]
    head.insert(0, "rank", range(1, len(head) + 1))
    formats = {sector_column_label(c, sector, lang): f for c, f in MEASURE_FORMATS.items()
               if c in head}
    return ranking_view(head, sector=sector, lang=lang), formats


def compare_options(ranked: pd.Index, *, picked: Sequence[str], shown: pd.Index) -> list[str]:
    """The zones to compare from: those already picked that are still drawn (whatever
    kinds were chosen since), then the ranking's."""
    return list(dict.fromkeys([*(p for p in picked if p in shown), *ranked]))
