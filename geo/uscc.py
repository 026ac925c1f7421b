"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015): normalise and check.

A code has 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V,
Z). The last is a check character: with the values of the first 17 characters
``c_i`` and weights ``w_i = 3^(i-1) mod 31``, check = ``(31 − Σ c_i·w_i mod 31) mod 31``.
Codes are text, always: spreadsheet notations such as ``9.14E+17`` have lost digits
and are reported as such, never repaired.
"""

from __future__ import annotations

import re

import pandas as pd

from geo.text import fold, fold_series

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


def problem(code: str) -> str | None:
    """Why a (normalised) code is not a valid USCC, or ``None`` when it is."""
    if _SCIENTIFIC.match(code):
        return (f"{code} is in scientific notation: a spreadsheet turned the code into a number "
                "and dropped digits; re-export the column as text")
    if code.endswith(".0") and code[:-2].isdigit():
        return f"{code} was stored as a number; re-export the column as text"
    if len(code) != 18:
        return f"{code} has {len(code)} characters, not 18"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return f"{code} contains characters outside the GB 32100 set: {''.join(bad)}"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"{code}: check character is {code[17]}, should be {expected}"
    return None


def is_mangled_number(code: str) -> bool:
    """True for codes a spreadsheet turned into a number (digits unrecoverable)."""
    return bool(_SCIENTIFIC.match(code)) or (code.endswith(".0") and code[:-2].isdigit())
