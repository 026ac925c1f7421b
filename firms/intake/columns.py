"""Import columns as Arrow text and integer codes: the fast paths of a firm import.

A million-row firm file holds few distinct datums, industries, placements or
notes, and mostly clean numbers. So text stays in Arrow memory, a column with few
distinct values is folded and decided once per value (:func:`folded_codes`), a
per-row label is an integer code into a short list (:class:`Labels`), and numbers
are cast by Arrow, with the careful path (:func:`layers.text.fold_arrow`, pandas'
``to_numeric``) only for the cells Arrow cannot read (:func:`numbers`).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from layers.text import ARROW_TEXT, fold_arrow

__all__ = ["Labels", "arrow_text", "blank_after_fold", "constant_text", "folded_codes",
           "numbers", "stripped", "text_series"]

#: A plain decimal number Arrow reads exactly as pandas does.
_PLAIN_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def arrow_text(values: Any) -> pa.Array[Any]:
    """A text column (pandas Series, Arrow array or chunked array) as one Arrow
    string array (its buffers shared, not copied), missing cells as ""."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.array
    arr = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type not in (pa.string(), pa.large_string()):  # pandas' own text is large_string
        arr = arr.cast(pa.large_string())
    return arr.fill_null("") if arr.null_count else arr


def constant_text(text: str, n: int) -> pa.Array[Any]:
    """``text`` in each of ``n`` rows, as an Arrow string array."""
    return pa.array([text], type=pa.string()).take(np.zeros(n, dtype=np.int32))


def text_series(arr: pa.Array[Any], index: pd.Index) -> pd.Series:
    """An Arrow string array as a pandas text Series (Arrow memory, no Python objects)."""
    # pandas-stubs: pd.array takes an Arrow array at runtime (its memory is kept)
    return pd.Series(pd.array(arr, dtype=ARROW_TEXT), index=index)  # type: ignore[call-overload]


def blank_after_fold(arr: pa.Array[Any]) -> np.ndarray:
    """Per cell: would :func:`layers.text.fold` leave it empty? Exactly the cells Arrow's
    whitespace trim empties: a character folds to nothing iff Arrow trims it (checked
    over every code point), and whitespace does not compose under NFKC."""
    return np.asarray(pc.equal(pc.utf8_trim_whitespace(arr), pa.scalar("")).to_numpy(zero_copy_only=False),
                      dtype=bool)


def folded_codes(arr: pa.Array[Any], **fold_options: Any) -> tuple[np.ndarray, pa.Array[Any], bool]:
    """(per-row code, folded distinct values, whether folding changed none): each
    distinct cell folded once (:func:`layers.text.fold_arrow` with ``fold_options``);
    row i's folded text is ``values[codes[i]]`` — ``arr`` itself when unchanged."""
    chunks = pc.dictionary_encode(arr)
    encoded = cast("pa.DictionaryArray[Any, Any]", chunks.combine_chunks()
                   if isinstance(chunks, pa.ChunkedArray) else chunks)
    folded = fold_arrow(encoded.dictionary, **fold_options)
    return (encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False),
            folded, folded.equals(encoded.dictionary))


def stripped(arr: pa.Array[Any]) -> pa.Array[Any]:
    """``arr`` with surrounding whitespace removed; ``arr`` itself when none has any."""
    trimmed = pc.utf8_trim_whitespace(arr)
    return arr if trimmed.equals(arr) else trimmed


def _careful_numbers(arr: pa.Array[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The careful path: NFKC, thousands separators dropped, then pandas' parser."""
    clean = pd.Series(fold_arrow(arr, drop=",").to_pandas(), dtype=object)
    values = pd.to_numeric(clean, errors="coerce").astype(float).to_numpy()
    bad = (clean != "").to_numpy() & ~np.isfinite(values)
    return values, bad


def numbers(arr: pa.Array[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(values as float, mask of cells that are non-empty but not finite numbers).

    Thousands separators are dropped and full-width digits count (NFKC) — on the
    careful path, taken only by the cells Arrow's cast cannot read (a plain
    decimal reads the same either way). Empty cells are NaN and not bad."""
    empty = pc.equal(arr, pa.scalar(""))
    try:
        blanked = pc.if_else(empty, pa.scalar(None, pa.string()), arr)  # an array: arr is one
        cast_values = cast("pa.Array[Any]", pc.cast(blanked, pa.float64()))
        values = np.array(cast_values.to_numpy(zero_copy_only=False), dtype=float)  # writable
        return values, ~np.asarray(empty.to_numpy(zero_copy_only=False), bool) & ~np.isfinite(
            values)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    plain = np.asarray(pc.match_substring_regex(arr, _PLAIN_NUMBER).to_numpy(
        zero_copy_only=False), dtype=bool)
    values = np.full(len(arr), np.nan)
    bad = np.zeros(len(arr), dtype=bool)
    rest = np.flatnonzero(~plain)
    idx = np.flatnonzero(plain)
    try:
        values[idx] = pc.cast(arr.take(idx), pa.float64()).to_numpy(
            zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        rest = np.arange(len(arr))
    bad[idx] = ~np.isfinite(values[idx])
    if len(rest):
        values[rest], bad[rest] = _careful_numbers(arr.take(rest))
    return values, bad


class Labels:
    """Per row one of a few texts, kept as integer codes into ``texts`` (code 0 is "")."""

    def __init__(self, n: int, default: str = ""):
        self.texts: list[str] = [""]
        self._code = {"": 0}
        self.codes = np.full(n, self.code(default), dtype=np.int32)

    def code(self, text: str) -> int:
        """The code of ``text``, added to the list when new."""
        if text not in self._code:
            self._code[text] = len(self.texts)
            self.texts.append(text)
        return self._code[text]

    def set(self, rows: NDArray[Any] | int | np.integer[Any], text: str) -> None:
        """Label ``rows`` (a mask or positions) with ``text``."""
        self.codes[rows] = self.code(text)

    def is_(self, text: str) -> np.ndarray:
        """Mask of the rows labelled ``text``."""
        code = self._code.get(text)
        return np.zeros(len(self.codes), bool) if code is None else self.codes == code

    def present(self, mask: NDArray[np.bool_] | None = None) -> list[str]:
        """The texts used (by the rows of ``mask``), in code order."""
        used = np.bincount(self.codes if mask is None else self.codes[mask],
                           minlength=len(self.texts))
        return [t for t, k in zip(self.texts, used, strict=True) if k]

    def arrow(self) -> pa.Array[Any]:
        return pa.array(self.texts, type=pa.string()).take(self.codes)

    def series(self, index: pd.Index) -> pd.Series:
        """The labels as a pandas categorical column (a byte per row, not a string)."""
        return pd.Series(pd.Categorical.from_codes(self.codes, categories=pd.Index(self.texts)),
                         index=index)
