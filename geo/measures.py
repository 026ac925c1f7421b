"""Cluster measures per zone: counts, density, shares, location quotients, strong
clusters and plan fit. Pure pandas; inputs are never modified and every result
is indexed like the zones it describes.

Inputs: ``pairs`` (point, zone) from :mod:`geo.join`; per firm a ``sector`` id
("unclassified" when unknown) and ``employees`` (may be NaN); per zone its area
in km² (computed in a metric CRS) and its designated sectors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "UNCLASSIFIED", "count_tables", "location_quotients", "measures_from_counts",
    "plan_fit", "strong_cluster_flags", "zone_measures", "zone_sector_counts",
    "zone_sector_table"
]

UNCLASSIFIED = "unclassified"


def zone_sector_counts(pairs: pd.DataFrame, firm_sector: pd.Series, zone_index: pd.Index,
                       *, values: pd.Series | None = None) -> pd.DataFrame:
    """Zones × sectors table of firm counts (or sums of ``values``, e.g. employees).

    ``firm_sector`` and ``values`` are indexed by firm position (0..n-1). Rows
    follow ``zone_index``; zones without firms are zero.
    """
    sector = firm_sector.to_numpy()[pairs["point"].to_numpy()]
    frame = pd.DataFrame({"zone": pairs["zone"].to_numpy(), "sector": sector})
    if values is None:
        table = frame.groupby(["zone", "sector"]).size().unstack(fill_value=0)
    else:
        frame["v"] = values.to_numpy()[pairs["point"].to_numpy()]
        table = frame.groupby(["zone", "sector"])["v"].sum(min_count=1).unstack()
    return table.reindex(zone_index).fillna(0) if values is None else table.reindex(zone_index)


def location_quotients(counts: pd.DataFrame, city_counts: pd.Series) -> pd.DataFrame:
    """LQ = (zone's firms in sector / zone's firms) ÷ (city's firms in sector / city's firms).

    ``counts`` is zones × sectors including the ``unclassified`` column, so shares
    are of all firms; ``city_counts`` is firms per sector over all of Shanghai —
    every sector, including those no zone holds, so the city's total is right.
    Zones without firms get NaN.
    """
    city_share = city_counts / city_counts.sum()
    zone_total = counts.sum(axis=1)
    share = counts.div(zone_total.where(zone_total > 0), axis=0)
    return share.div(city_share.reindex(counts.columns), axis=1)


def strong_cluster_flags(lq: pd.Series, count: pd.Series) -> pd.Series:
    """Strong clusters among comparable zones, in the manner of the U.S. Cluster
    Mapping Project.

    Among the zones given that hold at least one firm of the sector, a zone is a
    strong cluster when (1) its LQ ≥ 1, (2) its LQ is at or above the 75th
    percentile of those zones' LQs, and (3) its firm count is strictly above the
    25th percentile of those zones' counts. Zones with no firm of the sector are
    never strong. Percentiles use linear interpolation (numpy's default).
    """
    present = count > 0
    flags = pd.Series(False, index=lq.index)
    if not present.any():
        return flags
    lq_p75 = np.percentile(lq[present], 75)
    count_p25 = np.percentile(count[present], 25)
    flags[present] = (lq[present] >= 1) & (lq[present] >= lq_p75) & (count[present] > count_p25)
    return flags


def plan_fit(counts: pd.DataFrame, designated: pd.Series) -> pd.Series:
    """Share of a zone's classified firms in the sectors the plan designates for it.

    ``designated`` maps zone → list of sector ids; zones with none, or with no
    classified firm, get NaN.
    """
    classified = counts.drop(columns=[UNCLASSIFIED], errors="ignore")
    total = classified.sum(axis=1)
    fit = pd.Series(np.nan, index=counts.index)
    for zone, sectors in designated.items():
        cols = [s for s in sectors if s in classified.columns]
        if sectors and total.get(zone, 0) > 0:
            fit[zone] = classified.loc[zone, cols].sum() / total[zone] if cols else 0.0
    return fit


def zone_measures(zones: pd.DataFrame, pairs: pd.DataFrame, firms: pd.DataFrame,
                  *, sector: str | None = None, sectors: Sequence[str] = ()) -> pd.DataFrame:
    """Measures for each zone, indexed like ``zones``.

    ``zones`` needs ``area_km2`` and ``sectors`` (a list of designated sector ids
    per zone); ``firms`` needs ``sector`` and may have ``employees``, indexed by
    firm position. Columns: firms, employees, firms_per_km2, unclassified,
    plan_fit; and with ``sector``: sector_firms, sector_employees, sector_share,
    lq, strong_cluster, designated.
    """
    return measures_from_counts(zones, *count_tables(zones.index, pairs, firms), sector=sector,
                                sectors=sectors)


def count_tables(zone_index: pd.Index, pairs: pd.DataFrame, firms: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.Series]:
    """The counts every measure is made from, for any sector: zones × sectors firm
    counts, zones × sectors employee sums (None without employee figures) and the
    city's firms per sector. Small (zones × sectors), so callers may keep them."""
    counts = zone_sector_counts(pairs, firms["sector"], zone_index)
    has_emp = "employees" in firms and firms["employees"].notna().any()
    emp = zone_sector_counts(pairs, firms["sector"], zone_index, values=firms["employees"]) \
        if has_emp else None
    return counts, emp, firms["sector"].value_counts()


def measures_from_counts(zones: pd.DataFrame, counts: pd.DataFrame, emp: pd.DataFrame | None,
                         city_counts: pd.Series, *, sector: str | None = None,
                         sectors: Sequence[str] = ()) -> pd.DataFrame:
    """:func:`zone_measures` from tables already counted: zones × sectors firm
    counts (``counts``), employee sums (``emp``, or None) and the city's firms per
    sector (``city_counts``). The scale-out path counts partitions and ends here."""
    counts = counts.reindex(zones.index).fillna(0)
    for s in (*sectors, *([sector] if sector else []), UNCLASSIFIED):
        if s not in counts.columns:
            counts[s] = 0
    total = counts.sum(axis=1)
    area = zones["area_km2"].astype(float)
    out = pd.DataFrame(index=zones.index)
    out["firms"] = total.astype(int)
    out["employees"] = emp.reindex(zones.index).sum(axis=1, min_count=1) if emp is not None \
        else np.nan
    out["firms_per_km2"] = total / area.where(area > 0)
    out["unclassified"] = counts[UNCLASSIFIED].astype(int)
    out["plan_fit"] = plan_fit(counts, zones["sectors"])
    if sector:
        lq = location_quotients(counts, city_counts)[sector]
        out["sector_firms"] = counts[sector].astype(int)
        out["sector_employees"] = emp.reindex(zones.index)[sector] \
            if emp is not None and sector in emp else np.nan
        out["sector_share"] = counts[sector] / total.where(total > 0)
        out["lq"] = lq
        out["strong_cluster"] = strong_cluster_flags(lq.fillna(0), counts[sector])
        out["designated"] = zones["sectors"].map(lambda ss: sector in ss)
    return out


def zone_sector_table(zones: pd.DataFrame, pairs: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """Long table: one row per (zone, sector) with a firm, and its count, employees,
    share, LQ and strong-cluster flag (:func:`strong_cluster_flags` per sector)."""
    counts = zone_sector_counts(pairs, firms["sector"], zones.index)
    if counts.empty or counts.columns.empty:
        return pd.DataFrame(columns=["zone", "sector", "firms", "share", "lq", "strong_cluster"])
    lq = location_quotients(counts, firms["sector"].value_counts())
    total = counts.sum(axis=1)
    rows = []
    for s in counts.columns:
        strong = strong_cluster_flags(lq[s].fillna(0), counts[s])
        part = pd.DataFrame({"zone": counts.index, "sector": s, "firms": counts[s].astype(int),
                             "share": counts[s] / total.where(total > 0), "lq": lq[s],
                             "strong_cluster": strong})
        rows.append(part[part["firms"] > 0])
    return pd.concat(rows, ignore_index=True).sort_values(["zone", "sector"], ignore_index=True)
