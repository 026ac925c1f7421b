"""A park card: what a planner asks of one zone, on one page — its 四至 as the sources
write them, its drawn and published areas, the industries the plans give it and those
its firms are in, its firm counts and the firms founded lately — certain, and up to
with the firms whose coarse placement only meets it (:mod:`firms.certainty`) — the
plans' items and where its outline comes from, in plain words. Pure: the app shows it,
:mod:`ui.briefing` prints it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from firms.founding import growth, year_table
from firms.zones import LayerJoin, zone_sector_counts
from geo.measures import UNCLASSIFIED
from layers.catalog import LayerEntry
from layers.documents import document_citation, document_file
from ui.i18n import role_label, sector_labels, sector_list_label, t
from ui.views import firm_count_text, growth_text, policy_groups

__all__ = ["ParkCard", "ZoneFirms", "boundary_text", "growth_words", "park_card", "zone_firms"]

_SIDE = re.compile(r"([东南西北])至\s*([^，,、；;。\"”]+)")
_CUT = re.compile(r"\.\s|\bDerivation\b|[A-Za-z]{4,}")


def boundary_text(*texts: str) -> str:
    """The 四至 (东至…、南至…、西至…、北至…) the sources quote for a zone, in that
    order, the first for each side; "" when fewer than two sides are written."""
    sides: dict[str, str] = {}
    for text in texts:
        for side, where in _SIDE.findall(text or ""):
            where = _balanced(_CUT.split(where)[0]).strip(" ?？…-—.").strip()
            if where and side not in sides:
                sides[side] = where
    if len(sides) < 2:
        return ""
    return "，".join(f"{s}至{sides[s]}" for s in "东南西北" if s in sides)


def _balanced(where: str) -> str:
    """``where`` up to a bracket closed that it did not open, or opened and not closed."""
    opened: list[int] = []
    for i, ch in enumerate(where):
        if ch in "(（":
            opened.append(i)
        elif ch in ")）":
            if not opened:
                return where[:i]
            opened.pop()
    return where[: opened[0]] if opened else where


@dataclass(frozen=True)
class ZoneFirms:
    """A zone's firms: ``sectors`` per sector id (index), ``firms`` certainly in it and
    ``firms_possible`` with those whose coarse placement only meets it added; ``years``
    the same per founding year (None when the list gives no 成立日期), to ``last``, the
    list's latest founding year; ``undated``: how many of its firms (certain or
    possible) give no founding year."""

    sectors: pd.DataFrame
    years: pd.DataFrame | None = None
    last: int | None = None
    undated: int = 0


def zone_firms(join: LayerJoin, zone_id: str, *, firms: pd.DataFrame,
               years: pd.Series | None) -> ZoneFirms:
    """:class:`ZoneFirms` of one zone from its layer's join (:func:`firms.zones.join_and_count`
    of ``firms``; ``years``: their founding years, :func:`firms.founding.founded_years`)."""
    sectors = zone_sector_counts(join.counts, zone_id)
    if years is None or not years.notna().any():
        return ZoneFirms(sectors)
    certain = year_table(firms, join.pairs, [zone_id], years=years).iloc[0]
    table = pd.DataFrame({"firms": certain, "firms_possible": certain})
    both = [join.pairs] + ([join.possible] if join.possible is not None else [])
    if join.possible is not None and len(join.possible):
        maybe = year_table(firms, join.possible, [zone_id], years=years).iloc[0]
        table = table.reindex(table.index.union(maybe.index), fill_value=0)
        table["firms_possible"] += maybe.reindex(table.index, fill_value=0)
    points = np.unique(np.concatenate([p.loc[p["zone"] == zone_id, "point"].to_numpy()
                                       for p in both]))
    undated = int(np.isnan(years.to_numpy(dtype=float)[points]).sum())
    return ZoneFirms(sectors, table.rename_axis("year"), int(np.nanmax(years)), undated)


@dataclass(frozen=True)
class ParkCard:
    """One zone's card: ``title``, ``lines`` ((label, text) in order; a text may hold
    several lines), the plans' and the firms' leading sectors (ids), the firm count —
    certain, and up to with the coarsely placed firms that may be inside — and the
    sources cited."""

    title: str
    lines: list[tuple[str, str]]
    plan_sectors: list[str]
    firm_sectors: list[str]
    firms: int | None
    sources: list[str] = field(default_factory=list)
    firms_possible: int | None = None


def _leading(sectors: pd.DataFrame, n: int = 3) -> list[str]:
    """The ``n`` sectors with most firms certainly inside, then most possibly (not
    "unclassified": it is no industry)."""
    top = sectors[(sectors["firms_possible"] > 0) & (sectors.index != UNCLASSIFIED)]
    top = top.sort_values(["firms", "firms_possible"], ascending=False, kind="stable")
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


def _firm_lines(found: ZoneFirms, lang: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The card's lines of firms (by sector, in all, founded lately) and the leading sectors."""
    labels, colon = sector_labels(lang), "：" if lang == "zh" else ": "
    sectors = found.sectors
    leading = _leading(sectors)
    by_sector = "\n".join(f"{labels.get(s, s)}{colon}" + firm_count_text(
        float(sectors.at[s, "firms"]), float(sectors.at[s, "firms_possible"]), lang)  # type: ignore[arg-type]
        for s in leading)
    certain, up_to = int(sectors["firms"].sum()), int(sectors["firms_possible"].sum())
    rule = t("card_firm_more", lang) if up_to > certain else ""
    lines = [(t("card_firm_sectors", lang), by_sector or "—"),
             (t("card_firms", lang), t("card_firm_count", lang, more=rule,
                                       count=firm_count_text(certain, up_to, lang)))]
    if found.years is not None and found.last is not None:
        lines.append((t("card_growth", lang), growth_words(found.years, last=found.last,
                                                           lang=lang, undated=found.undated)))
    return lines, leading


def _plan_items(groups: dict[str, list[tuple[str, str]]], lang: str, *, show: int = 2) -> str:
    """Per kind of plan item, how many and the first ``show`` headlines."""
    sep = "；" if lang == "zh" else "; "
    return "\n".join(t("card_items", lang, kind=kind, n=len(items), items=sep.join(
        h for h, _ in items[:show]) + (sep + "…" if len(items) > show else ""))
        for kind, items in groups.items()) or t("policy_none", lang)


def park_card(row: pd.Series, entry: LayerEntry, *, firms: ZoneFirms | None,
              kind: str | None, lang: str) -> ParkCard:
    """The card of zone ``row`` (a feature of ``entry``'s layer). ``firms``: its firms
    (:func:`zone_firms`; None without a firm list); ``kind``: its zone kind
    (:mod:`layers.zone_kinds`)."""
    name = row["name_zh"] if lang == "zh" else row["name_en"]
    plan = [s for s in str(row["sectors"]).split(";") if s]
    groups = policy_groups(str(row.name), lang)
    lines = [(t("layer", lang), f"{entry.title(lang)} · {role_label(row['role'], lang)}"
              + (f" · {t(f'kind_{kind}', lang)}" if kind else ""))]
    sides = boundary_text(row.get("summary_zh", ""), row.get("method", ""))
    lines.append((t("card_sides", lang), sides or t("card_no_sides", lang)))
    lines.append((t("area", lang), _area_text(row, lang)))
    lines.append((t("card_plan_sectors", lang), sector_list_label(plan, lang)))
    leading: list[str] = []
    if firms is not None:
        firm_lines, leading = _firm_lines(firms, lang)
        lines += firm_lines
    lines.append((t("card_plan_items", lang), _plan_items(groups, lang)))
    lines.append((t("evidence", lang), _evidence_text(row, lang)))
    sources = [document_citation(document_file(row["cite_document"]), row["cite_section"], lang=lang)]
    for items in groups.values():
        sources += [cite.split("：“")[0].split(": “")[0] for _, cite in items]
    return ParkCard(title=str(name), lines=lines, plan_sectors=plan, firm_sectors=leading,
                    firms=int(firms.sectors["firms"].sum()) if firms is not None else None,
                    firms_possible=int(firms.sectors["firms_possible"].sum())
                    if firms is not None else None, sources=list(dict.fromkeys(sources)))


def growth_words(years: pd.DataFrame, *, last: int, lang: str, undated: int = 0) -> str:
    """Firms founded in the 3 and in the 5 years to ``last`` (a line each), then the
    growth of the zone's firms over those years (:func:`firms.founding.growth`), from
    ``years`` (per founding year: ``firms`` certainly inside, ``firms_possible`` up to);
    how many firms are left out for want of a founding year (``undated``), if any."""
    lines = []
    for k in (3, 5):
        recent = years[years.index > last - k]
        lines.append(t("card_growth_text", lang, k=k, first=last - k + 1, last=last,
                       count=firm_count_text(recent["firms"].sum(),
                                             recent["firms_possible"].sum(), lang)))
    table = years.T.rename(columns=int)  # rows: certain, up to; columns: years
    rates = [growth(table, last=last, span=k) for k in (3, 5)]
    lines.append(growth_text(rates[0]["firms"], rates[1]["firms"], last=last, lang=lang))
    if (years["firms_possible"] > years["firms"]).any():
        lines.append(growth_text(rates[0]["firms_possible"], rates[1]["firms_possible"],
                                 last=last, lang=lang, key="card_growth_up_to"))
    if undated:
        lines.append(t("card_growth_undated", lang, n=f"{undated:,}"))
    return "\n".join(lines)
