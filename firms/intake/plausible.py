"""Checks of plausibility, each a step of the import like those of :mod:`firms.intake.steps`:
a name no one can see, characters that hide or turn text around, and figures beyond
any firm's.

- A name with no visible character (only zero-width spaces, joiners, direction marks,
  control characters) is rejected as empty.
- A name holding such characters beside visible ones (a right-to-left override that
  shows ``gpj.exe`` as ``exe.jpg``, a zero-width space that makes two names differ) is
  kept and flagged, naming the characters (``U+202E``).
- Employees over :data:`MAX_EMPLOYEES` are flagged and left empty.
- A 注册资本 (registered capital) over :data:`MAX_CAPITAL_YUAN` once its unit (元, 万, 亿)
  is applied is flagged; the column itself stays as the file gave it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from firms.intake.messages import said
from firms.intake.rows import RowWork
from layers.text import fold

__all__ = ["CAPITAL_HEADERS", "MAX_CAPITAL_YUAN", "MAX_EMPLOYEES", "check_capital",
           "check_visible_names", "plausible_employees"]

#: More staff than any firm has (the largest employers have about 2 million, spread
#: over many registered firms).
MAX_EMPLOYEES = 1_000_000
#: More registered capital than any firm has, in yuan (the largest are below 10¹²).
MAX_CAPITAL_YUAN = 1e13
#: Headers of a registered-capital column (compared after NFKC, lower-case, no spaces).
CAPITAL_HEADERS = ("注册资本", "注册资金", "registeredcapital")

#: Format (Cf), control (Cc) and separator (Z) characters other than the ordinary space.
_HIDDEN = r"[\p{Cf}\p{Cc}\p{Zl}\p{Zp}\x{00A0}\x{2000}-\x{200A}\x{3000}]"
_INVISIBLE = r"^(?:\s|" + _HIDDEN + r")*$"
_UNIT = {"": 1.0, "元": 1.0, "万": 1e4, "亿": 1e8}
_CAPITAL = re.compile(r"([0-9]+(?:\.[0-9]*)?(?:e[+-]?[0-9]+)?)\s*(万|亿|元)?")


def _matches(arr: pa.Array[Any], pattern: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.asarray(pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False),
                      dtype=bool)


def _hidden(char: str) -> bool:
    """The Python side of :data:`_HIDDEN`, for naming the characters found."""
    return (unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp")
            or char in "\u00a0\u3000" or "\u2000" <= char <= "\u200a")


def check_visible_names(work: RowWork) -> None:
    """Reject a name without a visible character; flag one holding hidden characters,
    naming them."""
    names = work.arrow("name")
    hidden = _matches(names, _HIDDEN)  # one pass over all; the rest only over these
    if not hidden.any():
        return
    rows = np.flatnonzero(hidden)
    invisible = np.zeros(work.n, dtype=bool)
    invisible[rows] = _matches(names.take(rows), _INVISIBLE)
    work.problems.add(invisible, "name", said("name_invisible"))
    hidden &= ~work.problems.rejected
    for i in np.flatnonzero(hidden):
        chars = sorted({c for c in names[int(i)].as_py() if _hidden(c)})
        codes = ", ".join(f"U+{ord(c):04X}" for c in chars) or "?"
        mask = np.zeros(work.n, dtype=bool)
        mask[i] = True
        work.flag(mask, said("name_hidden_characters", characters=codes))


def plausible_employees(work: RowWork, employees: np.ndarray) -> np.ndarray:
    """``employees`` with counts over :data:`MAX_EMPLOYEES` flagged and left empty."""
    implausible = employees > MAX_EMPLOYEES
    if implausible.any():
        work.flag(implausible, said("employees_implausible", limit=f"{MAX_EMPLOYEES:,}"))
    return np.where(implausible, np.nan, employees)


def _capital_yuan(text: str) -> float:
    """A registered capital in yuan from text such as ``5000万元人民币`` (NaN if none)."""
    m = _CAPITAL.search(fold(text, drop=",").lower())
    if not m:
        return float("nan")
    return float(m.group(1)) * _UNIT[m.group(2) or ""]


def check_capital(work: RowWork) -> None:
    """Flag a registered capital beyond any firm's (the column is kept as given)."""
    keys = {fold(h, case="lower", drop=r"\s") for h in CAPITAL_HEADERS}
    column = next((c for c in work.table.columns
                   if fold(str(c), case="lower", drop=r"\s") in keys), None)
    if column is None:
        return
    values = work.table[column].astype(str)
    # a figure beyond 10¹³ yuan has six digits or more (100000亿) or an exponent
    large = _matches(pa.array(values.to_numpy(dtype=object), type=pa.string()),
                     r"[0-9]{6,}|[0-9][eE][+-]?[0-9]")
    for i in np.flatnonzero(large):
        yuan = _capital_yuan(values.iloc[int(i)])
        if yuan > MAX_CAPITAL_YUAN:
            mask = np.zeros(work.n, dtype=bool)
            mask[i] = True
            work.flag(mask, said("capital_implausible", value=values.iloc[int(i)][:40]))
