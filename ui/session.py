"""What the app's callbacks do to its session state — pure: ``state`` is any mutable
mapping (Streamlit's ``st.session_state`` in the app, a dict in tests). Callbacks run
before the next rerun, so the map is built with what they set."""

from __future__ import annotations

from collections.abc import MutableMapping

from ui.search import search
from ui.views import pick_state

__all__ = ["follow_sidebar_sector", "on_query", "open_hit", "whole_city"]


def follow_sidebar_sector(state: MutableMapping) -> None:
    """The sidebar's first sector becomes the measure's and the shortlist's (each
    still changeable on its own)."""
    chosen = state.get("sectors") or []
    if chosen:
        state["measure_sector"] = chosen[0]
        state["short_sector"] = chosen[0]


def on_query(state: MutableMapping, zones, firms, keys) -> None:
    """A query with exactly one match opens it at once."""
    hits = search(state.get("search", ""), zones, firms, keys)
    if len(hits) == 1:
        state.update(pick_state(hits[0], firms))


def open_hit(state: MutableMapping, hits, firms) -> None:
    """The match picked from the list opens at once (its layer on, the map fitted to
    it, its panel open); the pick list is cleared for the next choice."""
    i = state.get("search_pick")
    if i is not None and i < len(hits):
        state.update(pick_state(hits[i], firms))
    state["search_pick"] = None


def whole_city(state: MutableMapping) -> None:
    """Back to the whole city: no zone or firm selected, no focus, no query."""
    for k in ("selected", "firm", "focus"):
        state[k] = None
    state["search"] = ""
