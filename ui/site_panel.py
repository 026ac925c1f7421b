"""Streamlit blocks under the map: a PNG of the view, and a drawn candidate site
measured like a zone. Widgets only; what they show is computed in :mod:`ui.drawn`
and :mod:`ui.snapshot`."""

from __future__ import annotations

import streamlit as st

from geo.errors import ShmapError
from layers.formats import output_name
from layers.settings import PROJECT_ROOT
from ui.drawn import drawn_polygon, measures_for_polygon, polygon_tables
from ui.i18n import t
from ui.snapshot import view_png

__all__ = ["drawn_site_panel", "png_button"]

STATIC_DIR = PROJECT_ROOT / "static"


def png_button(frames, entries, firms, opts, *, component, base, lang: str) -> None:
    """A button that makes a PNG of the map's current view, then offers it."""
    if not st.button(t("prepare_png", lang), key="prepare_png"):
        return
    try:
        png = view_png(frames, entries, firms, opts, static_dir=STATIC_DIR, component=component,
                       base=base)
    except ShmapError as err:
        st.error(t("png_failed", lang, error=str(err)))
        return
    st.download_button(t("download_png", lang), png, mime="image/png", key="dl_png",
                       file_name=output_name("shanghai-cluster-map", suffix="png"))


def drawn_site_panel(component, datum: str, *, firms, frames, entries, points, lang: str) -> None:
    """The measures of the polygon last drawn on the map (or how to draw one)."""
    site = drawn_polygon(component, datum)
    if site is None:
        st.caption(t("drawn_hint", lang))
        return
    measured = measures_for_polygon(firms, site, frames, points=points)
    summary, sector_table, overlap_table = polygon_tables(measured, entries, lang)
    st.markdown(f"**{t('drawn_title', lang)}** · {summary}")
    st.dataframe(sector_table, hide_index=True, key="drawn_sectors")
    st.markdown(f"**{t('drawn_overlaps', lang)}**")
    if overlap_table.empty:
        st.caption(t("drawn_none", lang))
    else:
        st.dataframe(overlap_table, hide_index=True, key="drawn_overlaps")
