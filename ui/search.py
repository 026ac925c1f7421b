"""Search over every zone of every layer and every imported firm — pure, no Streamlit.

A zone is found by its Chinese or English name, or by the pinyin of its Chinese
name (initials such as ``zjkxc`` or the whole syllables such as ``zhangjiang``).
A firm is found by its name, English name or credit code, and — in a list of at
most ``PINYIN_LIMIT`` firms — by the pinyin initials of its name (``zxgj`` for
中芯国际…). pypinyin takes ~0.1 ms a name (it segments the name into words), so
the initials of 10,000 names cost about a second, once per list (the app caches
the keys with the list); 100k names would cost ~10 s, so larger lists go without.
Everything is compared after :func:`layers.text.fold` (NFKC, lower case).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import geopandas as gpd
import pandas as pd
from pypinyin import Style, lazy_pinyin

from layers.catalog import LayerEntry
from layers.text import fold

__all__ = ["PINYIN_LIMIT", "Hit", "firm_keys", "pinyin_initials", "pinyin_keys", "search", "zone_index"]

PINYIN_LIMIT = 10_000  # firm lists up to this size are searchable by pinyin initials


@dataclass(frozen=True)
class Hit:
    """One search result: a zone (``ref`` its feature id, ``layer`` its layer id) or a
    firm (``ref`` its row label in the firm frame, ``layer`` None)."""

    kind: str
    ref: str
    layer: str | None
    label: str


def _key(text: str) -> str:
    return fold(text, case="lower")


def pinyin_initials(name_zh: str) -> str:
    """The pinyin initials of a Chinese name (other characters dropped), e.g.
    ``中芯国际（上海）`` → ``"zxgjsh"``."""
    return "".join(lazy_pinyin(name_zh, style=Style.FIRST_LETTER, errors="ignore")).lower()


def pinyin_keys(name_zh: str) -> str:
    """The pinyin initials and the whole syllables of a Chinese name, e.g.
    ``张江科学城`` → ``"zjkxc zhangjiangkexuecheng"``."""
    whole = "".join(lazy_pinyin(name_zh, errors="ignore"))
    return f"{pinyin_initials(name_zh)} {whole}".lower()


def zone_index(all_frames: Mapping[str, gpd.GeoDataFrame],
               entries: Mapping[str, LayerEntry]) -> pd.DataFrame:
    """Every feature of every layer (visible or not): ``ref``, ``layer``, ``label``
    (Chinese / English name) and the folded search ``key``, in catalog order."""
    parts = []
    for lid, gdf in all_frames.items():
        if lid not in entries:
            continue
        label = gdf["name_zh"].astype(str) + " / " + gdf["name_en"].astype(str)
        keys = (label + " " + gdf["name_zh"].astype(str).map(pinyin_keys)).map(_key)
        parts.append(pd.DataFrame({"ref": gdf.index.astype(str), "layer": lid,
                                   "label": label.to_numpy(), "key": keys.to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=["ref", "layer", "label", "key"])
    return pd.concat(parts, ignore_index=True)


def firm_keys(firms: gpd.GeoDataFrame, *, pinyin_limit: int = PINYIN_LIMIT) -> pd.Series:
    """The folded search text of each firm: name, English name, credit code and, when
    there are at most ``pinyin_limit`` firms, the pinyin initials of the name."""
    names = firms["name"].astype(str)
    text = names
    for col in ("name_en", "uscc"):
        if col in firms:
            text = text + " " + firms[col].fillna("").astype(str)
    if len(firms) <= pinyin_limit:
        text = text + " " + names.map(pinyin_initials)
    return text.map(_key)


def search(query: str, zones: pd.DataFrame, firms: gpd.GeoDataFrame | None,
           keys: pd.Series | None, *, limit: int = 20) -> list[Hit]:
    """Zones (from :func:`zone_index`) and then firms (``keys`` from :func:`firm_keys`
    of ``firms`` or of a larger frame holding them) matching ``query``; at most ``limit``.
    The app passes every imported firm, whatever the sector filter shows.
    A zone whose shape several layers share is listed once per layer."""
    q = _key(query).strip()
    if not q:
        return []
    found = zones[zones["key"].str.contains(q, regex=False)]
    rows = cast("Iterable[Any]", found.head(limit).itertuples())  # fields by column name
    hits = [Hit("zone", r.ref, r.layer, r.label) for r in rows]
    if firms is not None and keys is not None and len(firms) and len(hits) < limit:
        mine = keys.reindex(firms.index) if len(keys) != len(firms) else keys
        matched = mine[mine.str.contains(q, regex=False, na=False)].index[: limit - len(hits)]
        hits += [Hit("firm", str(i), None, str(firms.at[i, "name"])) for i in matched]
    return hits
