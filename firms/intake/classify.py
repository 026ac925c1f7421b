"""Sector of a firm: from its GB/T 4754-2017 industry code, else from free text.

The code table is ``data/gbt4754_sectors.csv`` (code prefix → sector id); the
longest matching prefix wins, so 2762 (基因工程药物) beats 27 (医药制造业). Codes
are read after dropping a leading section letter and non-digits ("C3973" → 3973).
Without a code, the industry text, then the firm name, is matched against the
taxonomy's aliases (:func:`layers.sectors.match_sectors`); the first (longest)
alias wins. Anything else stays ``unclassified`` and is counted, never guessed.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from firms.intake.columns import arrow_text
from firms.intake.errors import IntakeError
from layers.sectors import first_sectors, sector_ids
from layers.settings import DATA_DIR

__all__ = [
    "CODE_TABLE", "UNCLASSIFIED", "classify", "code_table", "normalise_code",
    "sector_of_code"
]

CODE_TABLE = DATA_DIR / "gbt4754_sectors.csv"
UNCLASSIFIED = "unclassified"


@cache
def code_table(path: Path = CODE_TABLE) -> dict[str, str]:
    """Code prefix → sector id, checked against the taxonomy."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    known = set(sector_ids())
    bad = sorted(set(table["sector"]) - known)
    if bad:
        raise IntakeError(f"{path.name}: unknown sector ids {bad}")
    return dict(zip(table["code"], table["sector"], strict=True))


def normalise_code(code: str) -> str:
    return re.sub(r"\D", "", str(code))


def sector_of_code(code: str) -> str | None:
    digits = normalise_code(code)
    table = code_table()
    for length in (4, 3, 2):
        if len(digits) >= length and digits[:length] in table:
            return table[digits[:length]]
    return None


def _first_sector(texts: pd.Series) -> pd.Series:
    """First (longest) alias hit per text, matched once per distinct string."""
    codes, unique = pd.factorize(texts)
    hits = np.asarray(first_sectors(arrow_text(unique)), dtype=object)
    return pd.Series(hits[codes], index=texts.index)


def classify(codes: pd.Series, industries: pd.Series,
             names: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """(sector id or "unclassified", source: "gbt4754" | "text" | "none") per row.

    Order: the industry code; else the industry text; else the firm name.
    """
    by_code = codes.map({c: sector_of_code(c) for c in codes.unique() if c})
    sector = by_code.astype(object)
    todo = sector.isna()
    if todo.any():
        sector.loc[todo] = _first_sector(industries[todo])
    todo = sector.isna()
    if names is not None and todo.any():
        sector.loc[todo] = _first_sector(names[todo])
    source = pd.Series("none", index=codes.index, dtype=object)
    source.loc[sector.notna()] = "text"
    source.loc[by_code.notna()] = "gbt4754"
    return sector.fillna(UNCLASSIFIED), source
