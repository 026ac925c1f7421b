"""Sector of a firm: from its GB/T 4754-2017 industry, by code or by name, refined by the
firm's name where the industry is too broad, else from words.

The rules, in order; each firm's ``sector_source`` names the one that decided:

- ``gbt4754_code``: an industry code (``data/gbt4754_sectors.csv``, code prefix → sector;
  the longest prefix wins, so 2762 基因工程药物 beats 27 医药制造业). Codes are read after
  dropping a leading section letter and non-digits ("C3973" → 3973).
- ``gbt4754_name``: an industry name of any level — 门类, 大类, 中类, 小类 — as registry
  exports write it (所属行业 "互联网和相关服务", 国标行业 "集成电路设计"), looked up in
  ``data/gbt4754_names.csv`` (name → code), then as a code.
- ``gbt4754_refined_by_name``: the industry's code is too broad for a sector (65
  软件和信息技术服务业, 39 计算机、通信和其他电子设备制造业, 73 研究和试验发展 …) and the
  firm's name holds a word that places it (:data:`REFINEMENTS`: 集成电路设计 under 65,
  芯片/半导体/晶圆 under 39, 制药/生物医药 under 73 …).
- ``industry_words``: the industry text holds a sector's alias (:func:`layers.sectors.match_sectors`).
- ``name_words``: the firm name holds one.
- ``none``: ``unclassified`` — counted, never guessed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from firms.intake.columns import arrow_text
from firms.intake.errors import IntakeError
from layers.sectors import first_sectors, sector_ids
from layers.settings import DATA_DIR
from layers.text import fold

__all__ = [
    "CODE_TABLE", "NAME_TABLE", "REFINEMENTS", "UNCLASSIFIED", "classify", "code_of_name",
    "code_table", "normalise_code", "refine", "sector_of_code"
]

CODE_TABLE = DATA_DIR / "gbt4754_sectors.csv"
NAME_TABLE = DATA_DIR / "gbt4754_names.csv"
UNCLASSIFIED = "unclassified"

#: (code prefix of a broad industry, words of a firm name, sector): where the industry's
#: code gives no sector (or only its broad one), a firm name with such a word decides.
REFINEMENTS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("65", ("集成电路设计", "芯片设计", "ic设计", "半导体设计"), "ic"),
    ("65", ("人工智能",), "ai"),
    ("64", ("人工智能",), "ai"),
    ("39", ("芯片", "半导体", "晶圆", "集成电路"), "ic"),
    ("35", ("半导体", "晶圆", "芯片"), "ic"),
    ("35", ("医疗器械", "医疗设备"), "biomed"),
    ("73", ("生物医药", "制药", "医药", "创新药", "生物制品", "疫苗"), "biomed"),
    ("75", ("生物医药", "制药", "医药", "创新药"), "biomed"),
    ("73", ("集成电路", "芯片", "半导体"), "ic"),
    ("75", ("集成电路", "芯片", "半导体"), "ic"),
    ("73", ("人工智能",), "ai"),
    ("75", ("人工智能",), "ai"),
    ("C", ("芯片", "半导体", "晶圆", "集成电路"), "ic"),
    ("C", ("制药", "生物医药"), "biomed"),
    ("I", ("集成电路设计", "芯片设计"), "ic"),
    ("M", ("生物医药", "制药", "创新药"), "biomed"),
)


@cache
def code_table(path: Path = CODE_TABLE) -> dict[str, str]:
    """Code prefix → sector id, checked against the taxonomy."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    known = set(sector_ids())
    bad = sorted(set(table["sector"]) - known)
    if bad:
        raise IntakeError(f"{path.name}: unknown sector ids {bad}")
    return dict(zip(table["code"], table["sector"], strict=True))


def _name_key(text: str) -> str:
    return fold(text, drop=r"\s()（）、，,;；")


@cache
def name_table(path: Path = NAME_TABLE) -> dict[str, str]:
    """Industry name (folded, without punctuation) → its code; a name used at two levels
    (652 and 6520 集成电路设计) gives the finer code."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: len(r["code"]))
    return {_name_key(r["name"]): r["code"] for r in rows}


def code_of_name(text: str) -> str | None:
    """The GB/T 4754 code an industry name stands for ("C3973" forms and "(3973)" suffixes
    too), or None."""
    key = _name_key(text)
    if not key:
        return None
    if re.fullmatch(r"[A-Ta-t]?\d{2,4}", key):  # a code written where the name goes
        return normalise_code(key)
    found = name_table().get(key)
    if found is None:
        key = re.sub(r"^[A-T]?\d{0,4}", "", key) or key  # "39计算机…" or "C39…"
        found = name_table().get(key)
    return found


def normalise_code(code: str) -> str:
    return re.sub(r"\D", "", str(code))


def sector_of_code(code: str) -> str | None:
    digits = normalise_code(code)
    table = code_table()
    for length in (4, 3, 2):
        if len(digits) >= length and digits[:length] in table:
            return table[digits[:length]]
    return None


def refine(code: str, name: str) -> str | None:
    """The sector a firm name gives within a broad industry ``code`` (letter or digits)."""
    folded = fold(name, case="lower")
    for prefix, words, sector in REFINEMENTS:
        if code.startswith(prefix) and any(w in folded for w in words):
            return sector
    return None


def _first_sector(texts: pd.Series) -> pd.Series:
    """First (longest) alias hit per text, matched once per distinct string."""
    codes, unique = pd.factorize(texts)
    hits = np.asarray(first_sectors(arrow_text(unique)), dtype=object)
    return pd.Series(hits[codes], index=texts.index)


def _per_distinct(values: pd.Series, rule: Callable[[Any], Any]) -> pd.Series:
    """``rule`` of each value, worked out once per distinct value (a firm list repeats a
    few hundred industry names and codes over its rows)."""
    return values.map({v: rule(v) for v in values.unique()})


def industry_codes(codes: pd.Series, industries: pd.Series) -> pd.Series:
    """The GB/T 4754 code of each row: its code cell (digits, or a section letter), else the
    code its industry name stands for ("" where neither)."""
    given = _per_distinct(codes, lambda c: normalise_code(c) or fold(c).upper()[:1] if c else "")
    named = _per_distinct(industries, lambda t: code_of_name(t) or "" if t else "")
    return given.where(given != "", named)


def classify(codes: pd.Series, industries: pd.Series, names: pd.Series | None = None, *,
             by_words: bool = True) -> tuple[pd.Series, pd.Series]:
    """(sector id or "unclassified", source) per row, by the rules of the module;
    ``by_words=False`` stops after the GB/T 4754 rules (code and industry name)."""
    resolved = industry_codes(codes, industries)
    by_code = codes.map({c: sector_of_code(c) for c in codes.unique() if c})
    sector = by_code.astype(object)
    source = pd.Series("none", index=codes.index, dtype=object)
    source[by_code.notna()] = "gbt4754_code"
    by_name = _per_distinct(resolved,
                            lambda c: sector_of_code(c) if c and c[0].isdigit() else None)
    take = sector.isna() & by_name.notna()
    sector[take], source[take] = by_name[take], "gbt4754_name"
    if names is not None:
        broad = sector.isna() & (resolved != "")
        refined = pd.Series([refine(c, n) for c, n in zip(resolved[broad], names[broad],
                                                               strict=True)],
                            index=resolved[broad].index, dtype=object)
        take = refined.notna().reindex(sector.index, fill_value=False)
        sector[take], source[take] = refined[take[take].index], "gbt4754_refined_by_name"
    for texts, how in ((industries, "industry_words"), (names, "name_words")) if by_words else ():
        todo = sector.isna() & (source == "none")
        if texts is not None and todo.any():
            found = _first_sector(texts[todo])
            sector[todo] = found
            source[todo & sector.notna()] = how
    return sector.fillna(UNCLASSIFIED), source
