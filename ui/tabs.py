"""Tabs whose closed panels are not drawn: only the open tab's content runs and reaches
the browser, so a page draws a fraction of its elements (Streamlit's tabs with
``on_change="rerun"``; a switch of tab reruns the app).

Streamlit keeps the open tab as its label, in the language it was shown in, and forgets
the choices of widgets not drawn in a run. :func:`open_tab` words the open tab again in
the reader's language, and keeps the choices made inside closed tabs (:data:`KEPT`).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence

import streamlit as st

from ui.i18n import t

__all__ = ["CARD_TABS", "KEPT", "TABLE_TABS", "card_tab_key", "keep_choices", "open_tab", "tab_id"]

#: The tables under the map, as word keys: the zones, compare, shortlist, import report, export.
TABLE_TABS = ("zones_table", "compare", "shortlist", "import_report", "export")
#: A zone's card: overview, plan items, firms, sources.
CARD_TABS = ("tab_overview", "tab_plans", "tab_firms", "tab_sources")
#: Widgets inside tabs whose choices outlive their tab being closed.
KEPT = ("zones_sort", "zones_whole", "compare", "short_sector", "short_kinds", "short_top",
        "export_datum", "export_format")


def tab_id(label: object, ids: Sequence[str]) -> str | None:
    """The word key of the tab labelled ``label`` in either language; None when none is."""
    return next((i for i in ids for lang in ("zh", "en") if t(i, lang) == label), None)


def card_tab_key(zone_id: str) -> str:
    """The session key of a zone card's open tab: one per zone, so that another zone
    opens at its overview."""
    return f"card_tab_{zone_id}"


def keep_choices(state: MutableMapping, keys: Sequence[str] = KEPT) -> None:
    """Each choice in ``keys`` set again, so that Streamlit keeps it through runs that
    do not draw its widget (left alone, a closed tab's widgets would be reset)."""
    for key in keys:
        if key in state:
            state[key] = state[key]


def open_tab(state: MutableMapping, *, key: str, ids: Sequence[str], lang: str):
    """Tabs labelled with ``ids`` in ``lang``, the open one remembered under ``key``
    (its label again in ``lang`` after a switch of language; the first tab when none);
    returns the open tab's word key and its container, the only one to fill."""
    current = tab_id(state.get(key), ids)
    if current is not None:
        state[key] = t(current, lang)
    else:
        state.pop(key, None)
    tabs = st.tabs([t(i, lang) for i in ids], key=key, on_change="rerun")
    opened = next((i for i, tab in zip(ids, tabs, strict=True) if tab.open), ids[0])
    return opened, tabs[list(ids).index(opened)]
