"""The investment shortlist as people read it: top N, a one-line reason per zone,
scores to two decimals, headers in words, and the data it rests on — pure.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from layers.catalog import LayerEntry
from ui.i18n import column_label, role_label, t
from ui.views import firm_count_text

__all__ = ["BASES", "data_basis", "shortlist_csv_frame", "shortlist_table", "why"]

#: Scores and distances shown with two decimals.
ROUNDED = ("score", "score_designated", "score_lq", "score_count", "score_pole", "score_metro",
           "lq", "pole_km", "metro_km")
#: The table's columns after the name, in order.
SHOWN = ("rank", "why", "score", "layer", "role", "sector_firms", "lq", "metro_km", "pole_km",
         "score_designated", "score_lq", "score_count", "score_pole", "score_metro")
#: What the firm counts and LQ of a shortlist rest on.
BASES = ("synthetic", "upload", "plan_only")


def data_basis(source: str, n_firms: int) -> str:
    """``synthetic`` (the demo), ``upload`` (a list the user gave) or ``plan_only`` (no
    firms: designation and access only)."""
    if not n_firms:
        return "plan_only"
    return "synthetic" if source == "demo" else "upload"


def why(row: pd.Series, lang: str) -> str:
    """One line saying why a zone ranks where it does: designation, firms, LQ, access."""
    parts = [t("why_designated" if row["designated"] else "why_not_designated", lang)]
    if row.get("sector_firms_possible", 0) > row.get("sector_firms", 0):
        parts.append(firm_count_text(row["sector_firms"], row["sector_firms_possible"], lang))
    elif row.get("sector_firms", 0):
        parts.append(t("why_firms", lang, n=f"{int(row['sector_firms']):,}"))
    if pd.notna(row.get("lq")):
        parts.append(t("why_lq", lang, lq=f"{row['lq']:.2f}"))
    parts.append(t("why_metro", lang, km=f"{row['metro_km']:.1f}"))
    return " · ".join(parts)


def _rounded(ranked: pd.DataFrame) -> pd.DataFrame:
    out = ranked.copy()
    for col in ROUNDED:
        if col in out:
            out[col] = out[col].astype(float).round(2)
    return out


def shortlist_table(ranked: pd.DataFrame, entries: Mapping[str, LayerEntry], *, top: int,
                    lang: str) -> pd.DataFrame:
    """The top ``top`` zones for display: the name as the index (pinned), then rank,
    reason, score and its parts (two decimals), headers in words in ``lang``."""
    head = _rounded(ranked.head(max(int(top), 0)))
    out = pd.DataFrame(index=head.index)
    out["rank"] = head["rank"]
    out["why"] = [why(r, lang) for _, r in head.iterrows()]
    out["layer"] = head["layer"].map(lambda lid: entries[lid].title(lang) if lid in entries else lid)
    out["role"] = head["role"].map(lambda r: role_label(r, lang))
    for col in SHOWN:
        if col not in out and col in head:
            out[col] = head[col]
    out = out[[c for c in SHOWN if c in out]]
    out.index = pd.Index(head["name_zh" if lang == "zh" else "name_en"].to_numpy(),
                         name=column_label("name", lang))
    return out.rename(columns=lambda c: column_label(c, lang))


def shortlist_csv_frame(ranked: pd.DataFrame, *, top: int, basis: str, sector: str,
                        lang: str) -> pd.DataFrame:
    """The top ``top`` zones for the CSV: ids and column ids kept for machines, scores
    to two decimals, the reason in ``lang``, and the data basis and sector on every row."""
    head = _rounded(ranked.head(max(int(top), 0)))
    out = head.reset_index(names="id")
    out.insert(2, "why", [why(r, lang) for _, r in head.iterrows()])
    out["sector"] = sector
    out["data_basis"] = basis
    return out
