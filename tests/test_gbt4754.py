"""The GB/T 4754-2017 tables in data/: every code well formed for its level and placed in
the standard's structure; the sector table's labels the same as the names table's.

The names themselves were checked once against the standard's text (see the provenance of
``gbt4754_names.csv``); no copy of the standard's table ships, so these tests hold the
structure the standard's clause 4 lays down, which any typing slip breaks:

- 门类: one Latin letter A–T; 大类: two digits 01–97, each under the 门类 whose range table 1
  of the standard states ("本门类包括01～05大类" …); 中类: three digits, its first two its
  大类; 小类: four digits, its first three its 中类 (clause 4.1, 4.3).
"""

import csv
import re

import pytest

from firms.intake.classify import CODE_TABLE, NAME_TABLE

#: 门类 → its first and last 大类, as table 1 of GB/T 4754-2017 states them.
SECTION_DIVISIONS = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
    "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
    "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
    "S": (91, 96), "T": (97, 97),
}
FORM = {"门类": r"[A-T]", "大类": r"\d{2}", "中类": r"\d{3}", "小类": r"\d{4}"}


def read_rows(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def structure_problems(rows):
    """Each row that breaks the standard's code structure, with why."""
    problems = []
    codes = {r["code"] for r in rows}
    for r in rows:
        code, level, name = r["code"], r["level"], r["name"].strip()
        if level not in FORM:
            problems.append((code, f"unknown level {level!r}"))
            continue
        if not re.fullmatch(FORM[level], code):
            problems.append((code, f"not a {level} code"))
            continue
        if not name or name != r["name"]:
            problems.append((code, "empty name or stray spaces"))
        if level == "大类" and not 1 <= int(code) <= 97:
            problems.append((code, "no such 大类 (01–97)"))
        if level in ("中类", "小类") and code[:2] not in codes:
            problems.append((code, "its 大类 is not in the table"))
        if level == "小类" and code[:3] not in codes:
            problems.append((code, "its 中类 is not in the table"))
    return problems


NAMES = read_rows(NAME_TABLE)


def test_every_code_is_well_formed_for_its_level_and_has_its_parents():
    assert structure_problems(NAMES) == []


def test_all_twenty_sections_and_97_divisions_are_there():
    by_level = {lv: {r["code"] for r in NAMES if r["level"] == lv} for lv in FORM}
    assert by_level["门类"] == set(SECTION_DIVISIONS)
    assert by_level["大类"] == {f"{d:02d}" for d in range(1, 98)}


def test_the_division_ranges_of_the_sections_cover_01_to_97_once():
    covered = [d for lo, hi in SECTION_DIVISIONS.values() for d in range(lo, hi + 1)]
    assert sorted(covered) == list(range(1, 98))


def test_each_code_once():
    codes = [r["code"] for r in NAMES]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(("row", "why"), [
    ({"code": "3A73", "name": "集成电路制造", "level": "小类"}, "not a 小类 code"),
    ({"code": "98", "name": "某大类", "level": "大类"}, "no such 大类 (01–97)"),
    ({"code": "U", "name": "某门类", "level": "门类"}, "not a 门类 code"),
    ({"code": "3973", "name": "集成电路制造", "level": "中类"}, "not a 中类 code"),
    ({"code": "3981", "name": "电阻电容电感元件制造", "level": "小类"},
     "its 中类 is not in the table"),
    ({"code": "991", "name": "某中类", "level": "中类"}, "its 大类 is not in the table"),
    ({"code": "6520", "name": " 集成电路设计", "level": "小类"}, "empty name or stray spaces"),
])
def test_the_structure_check_catches_a_slip(row, why):
    table = [r for r in NAMES if r["code"] not in ("398", "99", row["code"])] + [row]
    assert (row["code"], why) in structure_problems(table)


def test_sector_codes_are_named_as_in_the_names_table():
    named = {r["code"]: r["name"] for r in NAMES}
    sectors = read_rows(CODE_TABLE)
    assert [(r["code"], r["label_zh"]) for r in sectors if named.get(r["code"]) != r["label_zh"]] \
        == []
