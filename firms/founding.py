"""Firms over time: the year each firm was founded (成立日期) and its insured staff
(参保人数), firms founded per year per zone and sector, growth over 3 and 5 years.

An adapter until the import reads dates itself: the import keeps a list's own
columns, so the founding date is read here from the column whose header names it
(``founded`` when the import provides that field, else 成立日期, 成立时间, 注册日期 or
"founded"/"date of establishment"), and staff from 参保人数 (else the import's
``employees``). Dates are read as 2015-03-12, 2015/3/12, 2015.3.12, 2015年3月12日,
20150312, a bare year, or an Excel day number; a year outside 1949 … this year is
left empty (never guessed). Growth counts firms by founding year only — a list
exported today holds no firm that has closed, so earlier years are undercounted."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from datetime import date

import numpy as np
import pandas as pd

__all__ = ["FOUNDED_HEADERS", "STAFF_HEADERS", "founded_years", "growth", "in_years", "staff",
           "year_table", "zone_years"]

FOUNDED_HEADERS = ("founded", "成立日期", "成立时间", "注册日期", "成立年份", "founded_on",
                   "date of establishment", "establishment date")
STAFF_HEADERS = ("参保人数", "社保人数", "参保人员", "employees")
FIRST_YEAR = 1949
_CN_DATE = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})(?:\s*[月./-]\s*(\d{1,2})\s*日?)?")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _column(firms: pd.DataFrame, headers: Iterable[str]) -> Hashable | None:
    """The first of ``headers`` the list has with any value (the import's own ``founded``
    is empty where the file gave no date, while another column may hold them)."""
    folded = {str(c).strip().lower(): c for c in firms.columns}
    present = [folded[h] for h in headers if h in folded]
    filled = (c for c in present
              if firms[c].astype(str).str.strip().replace({"nan": "", "None": ""}).ne("").any())
    return next(filled, present[0] if present else None)


def _year(value: object) -> float:
    text = str(value).strip() if value is not None else ""
    if not text or text.lower() in ("nan", "none", "-", "—"):
        return np.nan
    year: int | None
    if m := _CN_DATE.match(text) or _COMPACT.match(text):
        year = int(m.group(1))
    elif re.fullmatch(r"\d{4}(\.0)?", text):
        year = int(float(text))
    elif re.fullmatch(r"\d{5}(\.\d+)?", text):  # an Excel day number (days since 1899-12-30)
        year = (pd.Timestamp("1899-12-30") + pd.Timedelta(days=float(text))).year
    else:
        parsed = pd.to_datetime(text, errors="coerce")
        year = parsed.year if not pd.isna(parsed) else None
    return float(year) if year and FIRST_YEAR <= year <= date.today().year else np.nan


def founded_years(firms: pd.DataFrame) -> pd.Series | None:
    """Per firm, the year it was founded (float, NaN when absent or unreadable); None when
    the list has no founding-date column."""
    col = _column(firms, FOUNDED_HEADERS)
    if col is None:
        return None
    values = firms[col]
    if pd.api.types.is_datetime64_any_dtype(values):
        out: pd.Series = values.dt.year.astype(float).where(values.dt.year >= FIRST_YEAR)
        return out
    uniq = pd.unique(values.astype(str))
    years = {u: _year(u) for u in uniq}  # each distinct text parsed once
    return values.astype(str).map(years).astype(float)


def staff(firms: pd.DataFrame) -> pd.Series | None:
    """Per firm, its insured staff (参保人数; the import's ``employees`` otherwise), NaN
    where not a non-negative number; None when the list has neither."""
    col = _column(firms, STAFF_HEADERS)
    if col is None:
        return None
    n = pd.to_numeric(firms[col], errors="coerce")
    return n.where(n >= 0)


def in_years(years: pd.Series | None, first: int | None, last: int | None) -> np.ndarray:
    """True for each firm founded in ``first`` … ``last`` (bounds included; None: open);
    a firm with no year is kept only when no range is set."""
    if years is None:
        return np.ones(0, dtype=bool)
    if first is None and last is None:
        return np.ones(len(years), dtype=bool)
    y = years.to_numpy(dtype=float)
    keep: np.ndarray = ~np.isnan(y)
    if first is not None:
        keep &= y >= first
    if last is not None:
        keep &= y <= last
    return keep


def year_table(firms: pd.DataFrame, pairs: pd.DataFrame, zone_ids: Iterable[str], *,
               years: pd.Series,
               sector: str | None = None, value: pd.Series | None = None) -> pd.DataFrame:
    """Zones × founding years: firms founded (or, with ``value``, e.g. :func:`staff`, its
    sum) per zone of ``zone_ids`` and year, from the join's (point, zone) ``pairs``
    (point = row position in ``firms``); only ``sector``'s firms when given."""
    point = pairs["point"].to_numpy()
    zone = pairs["zone"].to_numpy()
    y = years.to_numpy()[point]
    keep = ~np.isnan(y) & np.isin(zone, list(zone_ids))
    if sector is not None:
        keep &= (firms["sector"].to_numpy()[point] == sector)
    w = value.to_numpy()[point][keep] if value is not None else None
    frame = pd.DataFrame({"zone": zone[keep], "year": y[keep].astype(int),
                          "n": np.nan_to_num(w) if w is not None else 1})
    table = frame.pivot_table(index="zone", columns="year", values="n", aggfunc="sum", fill_value=0)
    return table.reindex(list(zone_ids), fill_value=0).astype(int if value is None else float)


def growth(table: pd.DataFrame, *, last: int, span: int) -> pd.Series:
    """Per zone, the growth of its firms over ``span`` years to ``last``: firms founded
    by ``last`` over those founded by ``last - span``, less one (NaN when none then)."""
    cols = np.array(table.columns, dtype=int)
    now = table.loc[:, cols <= last].sum(axis=1)
    then = table.loc[:, cols <= last - span].sum(axis=1)
    return (now / then.where(then > 0) - 1).astype(float)


def zone_years(firms: pd.DataFrame, pairs: pd.DataFrame, zone_id: str, *, years: pd.Series,
               top: int = 5) -> pd.DataFrame:
    """One zone's firms founded per year (index) and sector (columns: its ``top`` sectors
    by firms, then ``other``), from the join's ``pairs``."""
    point = pairs.loc[pairs["zone"] == zone_id, "point"].to_numpy()
    y = years.to_numpy()[point]
    frame = pd.DataFrame({"year": y, "sector": firms["sector"].to_numpy()[point]}).dropna()
    if frame.empty:
        return pd.DataFrame(index=pd.Index([], name="year", dtype=int))
    leading = frame["sector"].value_counts().index[:top]
    frame["sector"] = frame["sector"].where(frame["sector"].isin(leading), "other")
    table = pd.crosstab(frame["year"].astype(int), frame["sector"])
    order = [s for s in leading if s in table] + (["other"] if "other" in table else [])
    return table[order].rename_axis(index="year", columns=None)
