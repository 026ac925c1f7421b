"""The investment shortlist as people read it: top N, a one-line reason per zone,
scores to two decimals, headers in words, and the data it rests on — pure.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from layers.catalog import LayerEntry
from ui.i18n import column_label, role_label, sector_column_label, sector_label, t
from ui.views import firm_count_text

__all__ = ["BASES", "data_basis", "shortlist_csv_frame", "shortlist_table", "why"]

#: Scores and distances shown with two decimals.
ROUNDED = ("score", "score_designated", "score_lq", "score_count", "score_pole", "score_metro",
           "lq", "pole_km", "metro_km")
#: The table's columns after the name, in order.
SHOWN = ("rank", "score", "why", "kind", "roles", "layer", "sector_firms", "lq", "metro_km",
         "pole_km", "score_designated", "score_lq", "score_count", "score_pole", "score_metro")
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
    parts.append(t("why_metro_across", lang, km=f"{row['metro_km']:.1f}"))
    return " · ".join(parts)


def _rounded(ranked: pd.DataFrame) -> pd.DataFrame:
    out = ranked.copy()
    for col in ROUNDED:
        if col in out:
            out[col] = out[col].astype(float).round(2)
    return out


def _in_words(head: pd.DataFrame, entries: Mapping[str, LayerEntry], lang: str) -> pd.DataFrame:
    """Rank, reason, kind, roles, layer and the measures of ``head``, values in words."""
    out = pd.DataFrame(index=head.index)
    out["rank"] = head["rank"]
    out["why"] = [why(r, lang) for _, r in head.iterrows()]
    if "kind" in head:
        out["kind"] = head["kind"].map(lambda k: t(f"kind_{k}", lang))
    roles = head["roles"] if "roles" in head else head["role"]
    out["roles"] = roles.map(lambda rs: " · ".join(role_label(r, lang) for r in str(rs).split(" · ")))
    out["layer"] = head["layer"].map(lambda lid: entries[lid].title(lang) if lid in entries else lid)
    for col in (*SHOWN, "designated"):
        if col not in out and col in head:
            out[col] = head[col]
    return out


def shortlist_table(ranked: pd.DataFrame, entries: Mapping[str, LayerEntry], *, top: int,
                    lang: str, sector: str | None = None) -> pd.DataFrame:
    """The top ``top`` zones for display: the name as the index (pinned), then rank,
    reason, score, kind, roles and the score's parts (two decimals), headers in words in
    ``lang`` that name ``sector`` where a column is for it."""
    head = _rounded(ranked.head(max(int(top), 0)))
    out = _in_words(head, entries, lang)
    out = out[[c for c in SHOWN if c in out]]
    out.index = pd.Index(head["name_zh" if lang == "zh" else "name_en"].to_numpy(),
                         name=column_label("name", lang))
    return out.rename(columns=lambda c: sector_column_label(c, sector, lang) if sector
                      else column_label(c, lang))


def shortlist_csv_frame(ranked: pd.DataFrame, entries: Mapping[str, LayerEntry], *, top: int,
                        basis: str, sector: str, lang: str) -> pd.DataFrame:
    """The top ``top`` zones for the CSV as a person reads it: names in both languages,
    headers and values in words in ``lang`` (the sector named in its headers), scores
    to two decimals, and the sector and data basis on every row."""
    head = _rounded(ranked.head(max(int(top), 0)))
    out = _in_words(head, entries, lang)
    out["designated"] = out["designated"].map(lambda v: t("yes" if v else "no", lang))
    out.insert(1, "name", head["name_zh" if lang == "zh" else "name_en"])
    if lang == "zh":
        out.insert(2, "name_en", head["name_en"])
    out["sector"] = sector_label(sector, lang)
    out["data_basis_col"] = t(f"basis_word_{basis}", lang)
    out = out.rename(columns={"data_basis_col": t("data_basis_col", lang)})
    return out.reset_index(drop=True).rename(columns=lambda c: sector_column_label(c, sector, lang))
