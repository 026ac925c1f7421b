"""Cluster measures per zone: counts, density, shares, location quotients, strong
clusters and plan fit. Pure pandas; inputs are never modified and every result
is indexed like the zones it describes.

Inputs: ``pairs`` (point, zone) from :mod:`geo.join`; per firm a ``sector`` id
("unclassified" when unknown) and ``employees`` (may be NaN); per zone its area
in km² (computed in a metric CRS) and its designated sectors.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "UNCLASSIFIED", "count_tables", "location_quotients", "measures_from_counts",
    "plan_fit", "strong_cluster_flags", "zone_measures", "zone_sector_counts",
    "sector_measures", "zone_sector_table"
]

UNCLASSIFIED = "unclassified"


def sector_codes(firm_sector: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(per firm an integer sector code, the sectors in code order). A categorical
    column (:func:`firms.zones.firm_table`) gives its codes for free."""
    if isinstance(firm_sector.dtype, pd.CategoricalDtype):
        return firm_sector.cat.codes.to_numpy(), pd.Index(firm_sector.cat.categories)
    codes, sectors = pd.factorize(firm_sector)
    return codes, pd.Index(sectors)


def _zone_positions(pairs: pd.DataFrame, zone_index: pd.Index) -> np.ndarray:
    """Per pair the position of its zone in ``zone_index`` (-1 when not there)."""
    zones = pairs["zone"]
    if isinstance(zones.dtype, pd.CategoricalDtype):
        where = zone_index.get_indexer(zones.cat.categories)
        return np.where(zones.cat.codes.to_numpy() >= 0, where[zones.cat.codes.to_numpy()], -1)
    return zone_index.get_indexer(pd.Index(zones))


def zone_sector_counts(pairs: pd.DataFrame, firm_sector: pd.Series, zone_index: pd.Index,
                       *, values: pd.Series | None = None) -> pd.DataFrame:
    """Zones × sectors table of firm counts (or sums of ``values``, e.g. employees:
    NaN where no firm of the cell has a value).

    ``firm_sector`` and ``values`` are indexed by firm position (0..n-1). Rows
    follow ``zone_index``; zones without firms are zero; columns are the sectors of
    the pairs' firms, sorted. One ``np.bincount`` over (zone, sector) codes."""
    codes, sectors = sector_codes(firm_sector)
    point = pairs["point"].to_numpy()
    sec = codes[point]
    zone = _zone_positions(pairs, zone_index)
    present = np.bincount(sec[sec >= 0], minlength=len(sectors)) > 0
    keep = (zone >= 0) & (sec >= 0)
    n_cells = len(zone_index) * len(sectors)
    flat = zone[keep].astype(np.int64) * len(sectors) + sec[keep]
    if values is None:
        table = np.bincount(flat, minlength=n_cells)
    else:
        v = np.asarray(values.to_numpy(), dtype=float)[point][keep]
        has = ~np.isnan(v)
        sums = np.bincount(flat[has], weights=v[has], minlength=n_cells)
        table = np.where(np.bincount(flat[has], minlength=n_cells) > 0, sums, np.nan)
    table = table.reshape(len(zone_index), len(sectors))[:, present]
    out = pd.DataFrame(table, index=zone_index,
                       columns=pd.Index(sectors[present], name="sector"))
    return out[sorted(out.columns)]


def city_counts(firm_sector: pd.Series) -> pd.Series:
    """Firms per sector over all firms (the sectors that have any), largest first."""
    codes, sectors = sector_codes(firm_sector)
    counts = pd.Series(np.bincount(codes[codes >= 0], minlength=len(sectors)),
                       index=pd.Index(sectors, dtype=object, name="sector"), name="count")
    return counts[counts > 0].sort_values(ascending=False, kind="stable")


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
    for zone, sectors in zip(designated.index, designated.to_numpy(), strict=True):
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
    return counts, emp, city_counts(firms["sector"])


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
    share, LQ and strong-cluster flag (:func:`strong_cluster_flags` per sector,
    computed for all sectors at once)."""
    counts = zone_sector_counts(pairs, firms["sector"], zones.index)
    if counts.empty or counts.columns.empty:
        return pd.DataFrame(columns=["zone", "sector", "firms", "share", "lq", "strong_cluster"])
    frame = sector_measures(counts, city_counts(firms["sector"]))
    return frame[frame["firms"].to_numpy() > 0].sort_values(["zone", "sector"],
                                                            ignore_index=True)


def sector_measures(counts: pd.DataFrame, city_counts: pd.Series) -> pd.DataFrame:
    """Long table, one row per zone and sector of ``counts`` (zones × sectors firm
    counts), with that count, the sector's share of the zone's firms (NaN for a zone
    without firms), its LQ and strong-cluster flag — :func:`measures_from_counts`'
    sector measures for every sector at once."""
    lq = location_quotients(counts, city_counts)
    n = counts.to_numpy()
    total = n.sum(axis=1, keepdims=True)
    present = n > 0
    lq_present = np.where(present, lq.fillna(0).to_numpy(), np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a sector no zone holds: all NaN
        lq_p75 = np.nanpercentile(lq_present, 75, axis=0)
        count_p25 = np.nanpercentile(np.where(present, n, np.nan), 25, axis=0)
        share = n / np.where(total > 0, total, np.nan)
    strong = present & (lq_present >= 1) & (lq_present >= lq_p75) & (n > count_p25)
    return pd.DataFrame({"zone": np.repeat(counts.index.to_numpy(), n.shape[1]),
                         "sector": np.tile(counts.columns.to_numpy(), n.shape[0]),
                         "firms": n.ravel().astype(int), "share": share.ravel(),
                         "lq": lq.to_numpy().ravel(), "strong_cluster": strong.ravel()})
