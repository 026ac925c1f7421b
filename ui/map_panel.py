"""The map and the blocks under it, as one Streamlit fragment.

The map reports its view (bounds and zoom) whenever it moves: after every fit to a zone or
the drawn layers, after each pan or zoom, and after its first drawing's fit when the firms
drawn depend on the view (a new page whose view changes nothing drawn runs the app once).
Each report is a rerun;
as a fragment only this part runs again (the map's firms for the new view, the address,
the PNG button, the drawn site) and the browser redraws only these few elements instead
of the whole page. A click on a zone changes the side panel, so it reruns the whole app.
Widgets only; what they show is computed in :mod:`ui.livemap`, :mod:`ui.webmap`,
:mod:`ui.drawn` and :mod:`ui.snapshot`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import MutableMapping
from functools import partial

import streamlit as st

from ui.drawn import drawn_polygon, site_corners, site_polygon
from ui.i18n import datum_label, t
from ui.livemap import live_map
from ui.mapview import MapView, center_of, sync_params
from ui.session import map_click
from ui.site_panel import drawn_site_panel, png_button
from ui.webmap import MapOptions, firms_for_view

__all__ = ["CLICKED", "REPORTED", "RETURNED", "map_panel", "reported_view"]

#: What the map reports back: a click on a zone, drawings, and its view.
RETURNED = ["last_active_drawing", "last_object_clicked_count", "all_drawings", "bounds", "zoom"]
CLICKED = "map_zone_clicked"  # the session's flag: a click on the map opened a zone
REPORTED = "map_reported_for"  # the basemap of the frame that last reported its view


def _on_map(state: MutableMapping, basemap: str) -> None:
    """The map's new value, before the fragment reruns: the frame of ``basemap`` has
    reported; a click that opens a zone is handled here (:func:`ui.session.map_click`)
    and flagged, for the whole app to rerun."""
    state[REPORTED] = basemap
    if map_click(state, state.get("map")):
        state[CLICKED] = True


def reported_view(state: MutableMapping, component, opts: MapOptions):
    """The view the map's frame reported (st_folium's value), or None while the frame
    of ``opts.basemap`` has not reported one: its first fit is kept quiet when nothing
    drawn depends on the view, and a frame made anew (another basemap) fits again, so
    the value left by an earlier frame is not this one's view."""
    return component if state.get(REPORTED) == opts.basemap else None


@st.fragment
def map_panel(frames, entries, shown, opts: MapOptions, *, st_folium, grid, points, base,
              address: MapView, firms, frames_all, firm_points, filters: str,
              note: str | None) -> None:
    """The live map (:func:`ui.livemap.live_map`, drawn by ``st_folium``: the app hands
    streamlit_folium's, or a test its stand-in), the view written into the address
    (``address`` less its zoom, centre and site), the PNG button, the drawn or linked
    site's measures, the datum note and ``note`` (how the firms are drawn).
    ``points``: ``shown`` sorted for the per-view firms (with ``grid``);
    ``firm_points``: ``firms`` sorted, for the drawn site."""
    if st.session_state.pop(CLICKED, False):  # a zone clicked (see _on_map): the side panel too
        st.rerun()
    in_view = firms_for_view(shown, reported_view(st.session_state, st.session_state.get("map"), opts),
                             opts, grid=grid, points=points)
    # a first view that changes nothing drawn is not reported: no run for it
    live = live_map(frames, entries, shown, opts, base, in_view=in_view, quiet_first=in_view is None)
    clicked = st_folium(
        live.base, key="map", height=opts.height, use_container_width=True, render=False,
        feature_group_to_add=live.overlays, layer_control=live.control, returned_objects=RETURNED,
        on_change=partial(_on_map, st.session_state, opts.basemap))
    if map_click(st.session_state, clicked):  # a zone clicked: its panel opens
        st.rerun()
    # the view into the address; a PNG of it; a drawn polygon measured like a zone
    drawn_datum = live.base.scm_datum  # type: ignore[attr-defined]  # set by live_map
    drawn = drawn_polygon(clicked, drawn_datum)  # a site drawn now, else the link's
    site = drawn if drawn is not None else site_polygon(address.site)
    lang = opts.lang
    view = reported_view(st.session_state, clicked, opts)
    zoom, center = ((view.get("zoom"), center_of(view.get("bounds"))) if view is not None
                    else (opts.view[2], opts.view[:2]) if opts.view is not None else (None, None))
    sync_params(st.query_params, dataclasses.replace(address, zoom=zoom, center=center,
                                                     site=site_corners(site)))
    png_button(frames, entries, shown, opts, component=view, base=base, lang=lang,
               filters=filters)
    drawn_site_panel(site, from_link=drawn is None, firms=firms, frames=frames_all,
                     entries=entries, points=firm_points, lang=lang)
    st.caption(t("datum_note", lang, datum=datum_label(drawn_datum, lang)))
    if note:
        st.caption(note)
