"""What a registry export says of a firm besides its name and place: 注册资本 (a number and
a currency), 成立日期 (a date) and 登记状态 (whether the firm is still registered).

Each distinct cell is read once (exports repeat "存续" and "1000万元人民币" thousands of
times). A cell that cannot be read is left empty and flagged on its row, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from firms.intake.messages import said
from firms.intake.rows import RowWork
from firms.intake.steps import UNKNOWN_CELLS
from layers.text import fold

__all__ = ["INACTIVE_WORDS", "Registration", "parse_capital", "parse_date", "read_registration",
           "status_active"]

#: 登记状态 words of a firm no longer registered here: kept, flagged, left out of counts.
INACTIVE_WORDS = ("注销", "吊销", "迁出", "撤销", "责令关闭")

_CURRENCIES = (("美元", "USD"), ("港元", "HKD"), ("港币", "HKD"), ("欧元", "EUR"),
               ("日元", "JPY"), ("英镑", "GBP"), ("新台币", "TWD"), ("人民币", "CNY"),
               ("usd", "USD"), ("hkd", "HKD"), ("eur", "EUR"), ("cny", "CNY"), ("rmb", "CNY"),
               ("元", "CNY"))
_SCALES = (("亿", 1e8), ("万", 1e4), ("千", 1e3))
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_EMPTY = {"", *UNKNOWN_CELLS, "null", "none", "nan"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_capital(text: str) -> tuple[float, str] | None:
    """("1000万元人民币" → (1e7, "CNY"), "500万美元" → (5e6, "USD")): the amount in units of
    its currency; a figure without a currency word is taken as 人民币 (the register's
    default). ``None`` when the cell holds no readable amount; (nan, "") when empty."""
    key = fold(text, case="lower", drop=r"\s,")
    if key in _EMPTY:
        return (float("nan"), "")
    number = _NUMBER.search(key)
    if number is None:
        return None
    rest = key[number.end():]
    scale = next((f for word, f in _SCALES if rest.startswith(word)), 1.0)
    currency = next((code for word, code in _CURRENCIES if word in key), "CNY")
    return float(number.group()) * scale, currency


def parse_date(text: str) -> str | None:
    """A date as ISO text ("2015年3月12日", "2015/3/12", "20150312", an Excel day number
    such as 42075) → "2015-03-12"; "" when empty; ``None`` when not a date."""
    key = fold(text, case="lower")
    if key in _EMPTY:
        return ""
    match = _DATE.match(key)
    try:
        if match:
            return dt.date(*map(int, match.groups())).isoformat()
        if re.fullmatch(r"\d{8}", key):
            return dt.date(int(key[:4]), int(key[4:6]), int(key[6:])).isoformat()
        if re.fullmatch(r"\d{5}(\.0+)?", key) and 10_000 < float(key) < 80_000:
            return (_EXCEL_EPOCH + dt.timedelta(days=int(float(key)))).isoformat()
    except ValueError:
        return None
    return None


def status_active(text: str) -> bool:
    """False for a firm whose 登记状态 says it is 注销, 吊销, 迁出 … (:data:`INACTIVE_WORDS`)."""
    return not any(word in text for word in INACTIVE_WORDS)


@dataclass
class Registration:
    """Per row: capital (in its currency's units, NaN where none), currency, founding
    date (ISO text, "" where none), status as given and whether the firm is active."""

    capital: np.ndarray
    currency: np.ndarray
    founded: np.ndarray
    status: np.ndarray
    active: np.ndarray


def _distinct(work: RowWork, canon: str) -> tuple[np.ndarray, list[str]]:
    codes, values, _ = work.folded_codes(canon)
    return codes, [v or "" for v in values.to_pylist()]


def read_registration(work: RowWork) -> Registration:
    """注册资本, 成立日期 and 登记状态 read per distinct value; an unreadable capital or
    date is flagged on its row and left empty (the row is kept)."""
    codes, values = _distinct(work, "capital")
    parsed = [parse_capital(v) for v in values]
    amount = np.array([p[0] if p else np.nan for p in parsed])[codes]
    currency = np.array([p[1] if p else "" for p in parsed], dtype=object)[codes]
    bad = np.array([p is None for p in parsed])[codes]
    work.flag(bad, said("capital_unread"))
    codes, values = _distinct(work, "founded")
    dates = [parse_date(v) for v in values]
    founded = np.array([d or "" for d in dates], dtype=object)[codes]
    work.flag(np.array([d is None for d in dates])[codes], said("founded_unread"))
    codes, values = _distinct(work, "status")
    status = np.array(values, dtype=object)[codes]
    active = np.array([status_active(v) for v in values])[codes]
    return Registration(amount, currency, founded, status, active)
