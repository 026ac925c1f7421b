"""Streamlit blocks of the tables under the map: the zone ranking and the investment
shortlist. Widgets only; what they show is computed in :mod:`ui.rankings`,
:mod:`firms.shortlist` and :mod:`ui.shortlist_view`."""

from __future__ import annotations

import streamlit as st

from firms.shortlist import DEFAULT_KINDS
from layers.formats import output_name, table_csv
from layers.sectors import sector_ids
from layers.zone_kinds import ZONE_KINDS
from ui.i18n import column_label, sector_column_label, sector_labels, t
from ui.markdown_table import markdown_table
from ui.rankings import GRID_FORMATS, SORTABLE, ranking, ranking_top, ranking_view
from ui.shortlist_view import data_basis, shortlist_csv_frame, shortlist_table

__all__ = ["TOP_ZONES", "kinds_picker", "shortlist_tab", "zones_tab"]

#: Zones in the short ranking the tab opens with (the whole table is one switch away).
TOP_ZONES = 20


def kinds_picker(where, key: str, lang: str, *, default=(), label: str = "zone_kinds"):
    """A multiselect of zone kinds in words; the kinds chosen (all when none is). The
    ``default`` is the session's first choice (kept as a choice, not a widget default,
    so that it outlives the widget's closed tab: :mod:`ui.tabs`)."""
    st.session_state.setdefault(key, list(default))
    chosen = where.multiselect(t(label, lang), list(ZONE_KINDS), key=key,
                               format_func=lambda k: t(f"kind_{k}", lang),
                               placeholder=t("all_kinds", lang), help=t("zone_kinds_help", lang))
    return list(chosen) or list(ZONE_KINDS)


def zones_tab(table, kinds_table, *, kinds, sector: str, lang: str) -> None:
    """The zones of the chosen kinds, one row per outline, sorted by the measure picked
    (the sector's firm count first): the first :data:`TOP_ZONES` as text, or every zone
    and column in a data grid when asked (the grid's scripts load only then)."""
    sortable = [c for c in SORTABLE if c in table] or ["area_km2"]
    sort_by = st.selectbox(t("sort_by", lang), sortable, key="zones_sort",
                           format_func=lambda c: sector_column_label(c, sector, lang))
    rows = ranking(table, kinds_table, kinds=kinds, sort_by=sort_by, lang=lang)
    if st.toggle(t("zones_whole", lang, n=f"{len(rows):,}"), key="zones_whole"):
        config = {sector_column_label(c, sector, lang): st.column_config.NumberColumn(format=f)
                  for c, f in GRID_FORMATS.items() if c in rows}
        config[column_label("name", lang)] = st.column_config.TextColumn(pinned=True)
        st.dataframe(ranking_view(rows, sector=sector, lang=lang), width="stretch",
                     key="zones_table", hide_index=True, column_config=config)
        return
    view, formats = ranking_top(rows, top=TOP_ZONES, sort_by=sort_by, sector=sector, lang=lang)
    st.markdown(markdown_table(view, formats=formats))
    st.caption(t("zones_top", lang, n=f"{len(view):,}", total=f"{len(rows):,}") if len(view) < len(rows)
               else t("zones_all_shown", lang, n=f"{len(rows):,}"))


def shortlist_tab(ranked_for, entries, *, source: str, firms, lang: str) -> None:
    """The shortlist for a sector and the zone kinds asked for (no whole districts or
    candidates unless asked), its reasons, data basis and CSV in words.
    ``ranked_for(sector, kinds)`` ranks."""
    labels = sector_labels(lang)
    sector = st.selectbox(t("shortlist_sector", lang), list(sector_ids()), key="short_sector",
                          format_func=lambda s: labels[s])
    kinds = kinds_picker(st, "short_kinds", lang, default=DEFAULT_KINDS, label="short_kinds")
    st.session_state.setdefault("short_top", 10)  # a choice kept while the tab is closed
    top = st.number_input(t("short_top", lang), min_value=1, max_value=200, step=1, key="short_top")
    ranked = ranked_for(sector, tuple(kinds))
    n = len(firms) if firms is not None else 0
    basis = data_basis(source, n)
    st.caption(t(f"basis_{basis}", lang, n=f"{n:,}"))
    st.caption(t("short_formula", lang))
    st.dataframe(shortlist_table(ranked, entries, top=top, lang=lang, sector=sector),
                 width="stretch", key="shortlist_table",  # name, rank, score, reason: in view
                 column_config={"_index": st.column_config.TextColumn(width="medium"),
                                column_label("rank", lang): st.column_config.NumberColumn(width="small"),
                                column_label("score", lang): st.column_config.NumberColumn(width="small"),
                                column_label("why", lang): st.column_config.TextColumn(width="large")})
    st.download_button(t("download", lang, fmt="CSV"),
                       table_csv(shortlist_csv_frame(ranked, entries, top=top, basis=basis,
                                                     sector=sector, lang=lang)).encode("utf-8-sig"),
                       file_name=output_name(f"shortlist_{sector}", suffix="csv"),
                       mime="text/csv", key="dl_short")
