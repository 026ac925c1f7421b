"""Folding text to one comparable form: the single place NFKC is applied.

Chinese spreadsheets mix full-width and half-width characters (``ＡＩ`` / ``AI``,
``９１３１`` / ``9131``) and stray spaces. Every comparison in the project — header
names, credit codes, sector aliases, addresses, search — folds both sides with
these two functions: :func:`fold` for one string, :func:`fold_arrow` for a column
(Arrow's compute kernels; a Python loop costs seconds at a million rows).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["ARROW_TEXT", "fold", "fold_arrow", "fold_series"]

Case = Literal["keep", "lower", "upper"]

#: Text kept in Arrow memory (pandas' own string dtype): no per-row Python objects.
ARROW_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def fold(text, *, case: Case = "keep", drop: str = "", strip: bool = True) -> str:
    """``text`` in NFKC form, its case folded as asked, the characters of ``drop``
    (a regex character class body, e.g. ``r"\\s\\-"``) removed, then stripped."""
    out = unicodedata.normalize("NFKC", str(text))
    if case == "lower":
        out = out.lower()
    elif case == "upper":
        out = out.upper()
    if drop:
        out = re.sub(f"[{drop}]", "", out)
    return out.strip() if strip else out


def fold_arrow(values, *, case: Case = "keep", drop: str = "", strip: bool = True,
               normalise: bool = True) -> pa.Array:
    """:func:`fold` over many strings at once, as an Arrow string array.

    ``normalise=False`` skips NFKC (the text a user typed is kept as typed, only
    stripped)."""
    arr = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
    if normalise:
        # pyarrow-stubs 20 lack utf8_normalize (in pyarrow.compute since 8.0)
        arr = pc.utf8_normalize(arr, "NFKC")  # type: ignore[attr-defined]
    if case == "lower":
        arr = pc.utf8_lower(arr)
    elif case == "upper":
        arr = pc.utf8_upper(arr)
    if drop:
        arr = pc.replace_substring_regex(arr, f"[{drop}]", "")
    return pc.utf8_trim_whitespace(arr) if strip else arr


def fold_series(series: pd.Series, *, case: Case = "keep", drop: str = "",
                normalise: bool = True) -> pd.Series:
    """:func:`fold_arrow` of a text column, as a pandas Series in Arrow memory with
    the same index. An all-empty column is returned as it is."""
    if (series == "").all():
        return series
    arr = fold_arrow(series, case=case, drop=drop, normalise=normalise)
    # pandas-stubs: pd.array takes an Arrow array at runtime (its memory is kept)
    return pd.Series(pd.array(arr, dtype=ARROW_TEXT),  # type: ignore[call-overload]
                     index=series.index)
