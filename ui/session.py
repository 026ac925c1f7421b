"""What the app's callbacks do to its session state — pure: ``state`` is any mutable
mapping (Streamlit's ``st.session_state`` in the app, a dict in tests). Callbacks run
before the next rerun, so the map is built with what they set."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import replace

from ui.search import search
from ui.views import pick_state

__all__ = ["WORDED_CHOICES", "follow_sidebar_sector", "map_click", "on_query", "open_hit", "reword", "whole_city"]


def follow_sidebar_sector(state: MutableMapping) -> None:
    """The sidebar's first sector becomes the measure's and the shortlist's (each
    still changeable on its own)."""
    chosen = state.get("sectors") or []
    if chosen:
        state["measure_sector"] = chosen[0]
        state["short_sector"] = chosen[0]


def map_click(state: MutableMapping, component: Mapping | None) -> bool:
    """Open the zone a click on the map names; True when the selection changed.

    ``component`` is st_folium's value: ``last_active_drawing`` (the feature last
    clicked, its ``properties.id``) and ``last_object_clicked_count`` (clicks in this
    map so far). st_folium repeats its value on every rerun, so a click is handled
    once: the (id, count) pair handled last is kept in ``state["last_click"]``, also
    when the selection changes otherwise (search, "whole city"): the map's frame stays,
    and its value still names that click. A frame made anew (another basemap or
    language) reports no click and counts from zero: the pair is then forgotten, so
    the same zone clicked again opens again.
    """
    value = component or {}
    zone = ((value.get("last_active_drawing") or {}).get("properties") or {}).get("id")
    click = (zone, value.get("last_object_clicked_count"))
    if not zone:
        state["last_click"] = None
        return False
    if click == state.get("last_click"):
        return False
    state.update(last_click=click, selected=zone, firm=None, focus=None)
    return True


def _open(state: MutableMapping, hit, firms) -> None:
    state.update(pick_state(hit, firms))


def on_query(state: MutableMapping, zones, firms, keys_of) -> None:
    """A query with exactly one match opens it at once. ``keys_of()`` gives the firms'
    search text (:func:`ui.search.firm_keys`), asked for only when there is a query;
    ``keys_of`` None searches the zones only."""
    query = state.get("search", "")
    keys = keys_of() if keys_of is not None and query.strip() else None
    hits = search(query, zones, firms, keys)
    if len(hits) == 1:
        _open(state, hits[0], firms)


def open_hit(state: MutableMapping, hits, firms) -> None:
    """The match picked from the list opens at once (its layer on, the map fitted to
    it, its panel open); the pick list is cleared for the next choice."""
    i = state.get("search_pick")
    if i is not None and i < len(hits):
        _open(state, hits[i], firms)
    state["search_pick"] = None


def whole_city(state: MutableMapping) -> None:
    """Back to the whole city: no zone or firm selected, no focus, no query, and the
    map fitted anew (the last click stays handled: see :func:`map_click`)."""
    for k in ("selected", "firm", "focus"):
        state[k] = None
    state["search"] = ""
    # the map is fitted to the city again, even after a manual zoom that left nothing
    # else changed; the address's view is no longer the one to open at
    state["city_fits"] = int(state.get("city_fits") or 0) + 1
    view = state.get("url_view")
    if view is not None and view.zoom is not None:
        state["url_view"] = replace(view, zoom=None, center=None)


#: The keys of the select boxes, multiselects and radios whose options are worded in the
#: reader's language (tests/test_tabs.py finds them all in the app and checks this list).
WORDED_CHOICES = ("basemap", "upload_datum", "upload_sheet", "measure", "classes", "measure_layer",
                  "measure_sector", "zones_sort", "short_sector", "export_datum", "sectors",
                  "firm_source", "zone_kinds", "short_kinds", "compare")


def reword(state: MutableMapping) -> None:
    """On a language switch: each worded choice set again (the same value), so that
    Streamlit shows it in the new language — left alone, the page keeps showing the
    choice as it was first worded, in the other language, and the browser sends those
    old words back at the next action, which match no option: the choice is lost."""
    for key in WORDED_CHOICES:
        if key in state:
            state[key] = state[key]
