"""A park card: what a planner asks of one zone, on one page — its 四至 as the sources
write them, its drawn and published areas, the industries the plans give it and those
its firms are in, its firm counts, the plans' items and where its outline comes from,
in plain words. Pure: the app shows it, :mod:`ui.briefing` prints it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from layers.catalog import LayerEntry
from layers.documents import document_citation, document_file
from ui.i18n import role_label, sector_labels, sector_list_label, t
from ui.views import policy_groups

__all__ = ["ParkCard", "boundary_text", "growth_words", "park_card"]

_SIDE = re.compile(r"([东南西北])至\s*([^，,、；;。\"”]+)")
_CUT = re.compile(r"\.\s|\bDerivation\b|[A-Za-z]{4,}")


def boundary_text(*texts: str) -> str:
    """The 四至 (东至…、南至…、西至…、北至…) the sources quote for a zone, in that
    order, the first for each side; "" when fewer than two sides are written."""
    sides: dict[str, str] = {}
    for text in texts:
        for side, where in _SIDE.findall(text or ""):
            where = _CUT.split(where)[0]
            if where.count("(") > where.count(")"):
                where = where[: where.rindex("(")]
            if where.count("（") > where.count("）"):
                where = where[: where.rindex("（")]
            where = where.strip(" ?？…-—.").strip()
            if where and side not in sides:
                sides[side] = where
    if len(sides) < 2:
        return ""
    return "，".join(f"{s}至{sides[s]}" for s in "东南西北" if s in sides)


@dataclass(frozen=True)
class ParkCard:
    """One zone's card: ``title``, ``lines`` ((label, text) in order), the plans' and
    the firms' leading sectors (ids), the firm count and the sources cited."""

    title: str
    lines: list[tuple[str, str]]
    plan_sectors: list[str]
    firm_sectors: list[str]
    firms: int | None
    sources: list[str] = field(default_factory=list)


def _leading(counts: pd.Series | None, n: int = 3) -> list[str]:
    if counts is None or not len(counts):
        return []
    top = counts[counts > 0].sort_values(ascending=False, kind="stable")
    return [str(s) for s in top.index[:n]]


def _area_text(row: pd.Series, lang: str) -> str:
    drawn = "—" if pd.isna(row["area_km2"]) else f"{row['area_km2']:,.2f} km²"
    official = row.get("official_area_km2")
    pub = t("card_no_official", lang) if official is None or pd.isna(official) else f"{official:g} km²"
    return t("card_areas", lang, drawn=drawn, official=pub)


def _evidence_text(row: pd.Series, lang: str) -> str:
    words = t("card_evidence", lang, basis=t(f"basis_{row['basis']}", lang),
              precision=f"{row['precision_m']:,.0f}")
    words += t("card_dashed", lang) if row["approximate"] else ""
    summary = row.get(f"summary_{lang}", "")
    return f"{words}。{summary}" if summary and lang == "zh" else (
        f"{words}. {summary}" if summary else words)


def park_card(row: pd.Series, entry: LayerEntry, *, sector_counts: pd.Series | None,
              kind: str | None, lang: str, year_counts: pd.Series | None = None) -> ParkCard:
    """The card of zone ``row`` (a feature of ``entry``'s layer). ``sector_counts``: its
    firms per sector id, certainly placed in it (None without a firm list);
    ``kind``: its zone kind (:mod:`layers.zone_kinds`); ``year_counts``: its firms
    founded per year, when the list gives 成立日期."""
    labels = sector_labels(lang)
    name = row["name_zh"] if lang == "zh" else row["name_en"]
    plan = [s for s in str(row["sectors"]).split(";") if s]
    leading = _leading(sector_counts)
    total = int(sector_counts.sum()) if sector_counts is not None else None
    groups = policy_groups(str(row.name), lang)
    lines = [(t("layer", lang), f"{entry.title(lang)} · {role_label(row['role'], lang)}"
              + (f" · {t(f'kind_{kind}', lang)}" if kind else ""))]
    sides = boundary_text(row.get("summary_zh", ""), row.get("method", ""))
    lines.append((t("card_sides", lang), sides or t("card_no_sides", lang)))
    lines.append((t("area", lang), _area_text(row, lang)))
    lines.append((t("card_plan_sectors", lang), sector_list_label(plan, lang)))
    if sector_counts is not None and total is not None:
        lines.append((t("card_firm_sectors", lang), ("、" if lang == "zh" else ", ").join(
            f"{labels.get(s, s)} {int(sector_counts[s]):,}" for s in leading) or "—"))
        lines.append((t("card_firms", lang), t("card_firm_count", lang, n=f"{total:,}")))
    if year_counts is not None and len(year_counts):
        lines.append((t("card_growth", lang), growth_words(year_counts, lang)))
    lines.append((t("card_plan_items", lang), "；".join(f"{k} {len(v)}" for k, v in groups.items())
                  or t("policy_none", lang)))
    lines.append((t("evidence", lang), _evidence_text(row, lang)))
    sources = [document_citation(document_file(row["cite_document"]), row["cite_section"], lang=lang)]
    for items in groups.values():
        sources += [cite.split("：“")[0].split(": “")[0] for _, cite in items]
    return ParkCard(title=str(name), lines=lines, plan_sectors=plan, firm_sectors=leading,
                    firms=total, sources=list(dict.fromkeys(sources)))


def growth_words(year_counts: pd.Series, lang: str) -> str:
    """Firms founded in the last 3 and 5 years of ``year_counts`` (firms per year), in words."""
    last = int(year_counts.index.max())
    three = int(year_counts[year_counts.index > last - 3].sum())
    five = int(year_counts[year_counts.index > last - 5].sum())
    return t("card_growth_text", lang, last=last, three=f"{three:,}", five=f"{five:,}")
