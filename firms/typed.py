"""A firm list with column types a GIS keeps: ``uscc_valid`` a nullable boolean, the
import's categories as text, and the input's own columns as numbers or dates where
every filled cell is one — so GeoPackage, FlatGeobuf, GeoParquet and the ``.csvt``
say Integer/Real/Date/Boolean rather than text.

A column is typed only when every non-empty cell converts; one cell that does not
(``5000万元``, ``约2001年``) keeps the whole column text, as written. Nothing is
rounded or reinterpreted: ``0012`` stays text (a leading zero is an identifier's).
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["typed_firms"]

#: Columns of the import whose text is an identifier, never a number or a date.
_TEXT_COLUMNS = {"name", "name_en", "uscc", "uscc_problem", "address", "industry",
                 "industry_code", "issues", "placement", "datum_in", "sector", "sector_source"}
_NUMBER = re.compile(r"^[+-]?(?:0|[1-9]\d*)(?:\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{4}/\d{1,2}/\d{1,2}$|^\d{4}年\d{1,2}月\d{1,2}日$")


def _filled(column: pd.Series) -> pd.Series:
    text = column.dropna().astype(str).str.strip()
    return text[text != ""]


#: Longest number typed as one (int64 holds 18 digits whole); longer stays text.
_MAX_DIGITS = 18
#: Cells tried first: a column of names fails on them without the whole column read.
_SAMPLE = 200


def _could_be(column: pd.Series, pattern: re.Pattern[str]) -> bool:
    """False when one of the first filled cells does not match ``pattern``."""
    head = _filled(column.head(_SAMPLE * 5)).head(_SAMPLE)
    return head.empty or bool(head.str.fullmatch(pattern).all())


def _as_number(column: pd.Series) -> pd.Series | None:
    """The column as Int64 or float64 when every filled cell is a plain decimal number."""
    if not _could_be(column, _NUMBER):
        return None
    filled = _filled(column)
    if filled.empty or not filled.str.fullmatch(_NUMBER).all():
        return None
    if filled.str.len().max() > _MAX_DIGITS:  # beyond a float's or int64's range: text
        return None
    numbers = pd.to_numeric(column.where(column.astype(str).str.strip() != ""), errors="coerce")
    if filled.str.contains(".", regex=False).any():
        return numbers.astype("float64")
    return numbers.astype("Int64")


def _as_date(column: pd.Series) -> pd.Series | None:
    """The column as dates (Arrow ``date32``: GDAL writes Date, Parquet DATE) when every
    filled cell is one."""
    if not _could_be(column, _DATE):
        return None
    filled = _filled(column)
    if filled.empty or not filled.str.fullmatch(_DATE).all():
        return None
    text = column.astype(str).str.strip().str.replace(r"[年月/]", "-", regex=True)
    text = text.str.replace("日", "", regex=False)
    dates = pd.to_datetime(text.where(column.notna() & (text != "")), format="%Y-%m-%d",
                           errors="coerce")
    if dates.notna().sum() != len(filled):  # 2023-02-30 and the like: keep the text
        return None
    days = pa.array(dates.dt.date.where(dates.notna(), None).tolist(), type=pa.date32())
    return pd.Series(days, index=column.index, dtype=pd.ArrowDtype(pa.date32()))


def _as_boolean(column: pd.Series) -> pd.Series:
    values = [None if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v)
              for v in column]
    return pd.Series(values, index=column.index, dtype="boolean")


def typed_firms(firms: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of an accepted firm table with the column types described above."""
    out = firms.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        column = out[col]
        if col == "uscc_valid":
            out[col] = _as_boolean(column)
        elif isinstance(column.dtype, pd.CategoricalDtype):
            out[col] = column.astype(str).where(column.notna(), None)
        elif col not in _TEXT_COLUMNS and not pd.api.types.is_numeric_dtype(column.dtype):
            typed = _as_number(column)
            typed = typed if typed is not None else _as_date(column)
            if typed is not None:
                out[col] = typed
    return out
