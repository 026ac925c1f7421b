"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015): normalise and check.

A code has 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V,
Z). The last is a check character: with the values of the first 17 characters
``c_i`` and weights ``w_i = 3^(i-1) mod 31``, check = ``(31 − Σ c_i·w_i mod 31) mod 31``.
Codes are text, always: spreadsheet notations such as ``9.14E+17`` have lost digits
and are reported as such, never repaired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from firms.intake.columns import Labels
from firms.intake.messages import Said, said
from layers.text import fold, fold_series

__all__ = [
    "CHARSET", "WEIGHTS", "check_character", "is_mangled_number", "normalise",
    "normalise_many", "problem"
]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_SEPARATORS = r"\s\-"  # spaces and hyphens people type inside a code
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d*)?E[+-]?\d+$")


def normalise(code: str) -> str:
    """NFKC (full-width → ASCII), strip spaces and hyphens, upper-case."""
    return fold(code, case="upper", drop=_SEPARATORS)


def normalise_many(codes: pd.Series) -> pd.Series:
    """:func:`normalise` for a column, in Arrow's kernels (fast at a million rows)."""
    return fold_series(codes, case="upper", drop=_SEPARATORS)


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> Said | None:
    """Why a (normalised) code is not a valid USCC, or ``None`` when it is."""
    if _SCIENTIFIC.match(code):
        return said("uscc_scientific", code=code)
    if code.endswith(".0") and code[:-2].isdigit():
        return said("uscc_number", code=code)
    if len(code) != 18:
        return said("uscc_length", code=code, length=len(code))
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return said("uscc_characters", code=code, characters="".join(bad))
    expected = check_character(code[:17])
    if code[17] != expected:
        return said("uscc_check", code=code, found=code[17], expected=expected)
    return None


def is_mangled_number(code: str) -> bool:
    """True for codes a spreadsheet turned into a number (digits unrecoverable)."""
    return bool(_SCIENTIFIC.match(code)) or (code.endswith(".0") and code[:-2].isdigit())


_BYTE_VALUE = np.full(256, -1, dtype=np.int64)
for _c, _v in _VALUE.items():
    _BYTE_VALUE[ord(_c)] = _v
_WEIGHT_ARRAY = np.array(WEIGHTS, dtype=np.int64)


def valid_many(codes: pa.Array[Any]) -> np.ndarray:
    """Mask of the valid codes among many normalised ones, vectorised (length,
    character set and check character over the bytes at once)."""
    arr = cast("pa.StringArray | pa.LargeStringArray",
               codes.combine_chunks() if isinstance(codes, pa.ChunkedArray) else codes)
    valid = np.zeros(len(arr), dtype=bool)
    cand = np.flatnonzero(np.asarray(pc.equal(pc.binary_length(arr), pa.scalar(18)).to_numpy(
        zero_copy_only=False), dtype=bool))
    if not len(cand):
        return valid
    sub = arr.take(cand)
    width: type[np.signedinteger[Any]] = (np.int64 if pa.types.is_large_string(sub.type)
                                          else np.int32)
    # pyarrow-stubs: Buffer lacks __buffer__, yet it has the buffer protocol numpy reads
    _, offsets_buffer, data_buffer = sub.buffers()  # validity, offsets, bytes
    if offsets_buffer is None or data_buffer is None:
        raise AssertionError("a string array without offsets or bytes")  # a bug, never input
    offsets = np.frombuffer(offsets_buffer,  # type: ignore[call-overload]
                            dtype=width)[sub.offset:sub.offset + len(sub) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8)  # type: ignore[call-overload]
    start = offsets[0]
    values = _BYTE_VALUE[data[start:start + 18 * len(sub)].reshape(len(sub), 18)]
    check = (31 - (values[:, :17] @ _WEIGHT_ARRAY) % 31) % 31
    valid[cand] = (values >= 0).all(axis=1) & (values[:, 17] == check)
    return valid


def problems_many(codes: pa.Array[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(:func:`problem` per code — None when valid or empty —, mask of
    :func:`is_mangled_number`) for many normalised codes. Valid codes are found by
    :func:`valid_many`; only the others are looked at one by one for their message."""
    n = len(codes)
    problem_of = np.full(n, None, dtype=object)
    mangled = np.zeros(n, dtype=bool)
    empty = np.asarray(pc.equal(codes, pa.scalar("")).to_numpy(zero_copy_only=False), dtype=bool)
    for i in np.flatnonzero(~empty & ~valid_many(codes)):
        code = codes[int(i)].as_py()
        problem_of[i] = problem(code)
        mangled[i] = is_mangled_number(code)
    return problem_of, mangled


@dataclass
class CreditCodes:
    """Per row: the normalised 统一社会信用代码 ("" when none), whether it is valid,
    and why not (None when valid or empty)."""

    codes: pd.Series
    valid: np.ndarray
    empty: np.ndarray
    problem: np.ndarray

    def valid_column(self) -> np.ndarray:
        """True/False per code, None where there is none (the ``uscc_valid`` column)."""
        # numpy's stubs have no where() with a None branch (it gives an object array)
        column: np.ndarray = np.where(self.empty, None, self.valid)  # type: ignore[call-overload]
        return column

    def problem_column(self) -> pa.Array[Any]:
        """The problem text per row, "" where none (the ``uscc_problem`` column)."""
        out = Labels(len(self.problem))
        for i in np.flatnonzero(self.problem != None):  # noqa: E711
            out.set(i, self.problem[i])
        return out.arrow()
