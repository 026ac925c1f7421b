"""Streamlit blocks under the map: a PNG of the view, and a drawn candidate site
measured like a zone. Widgets only; what they show is computed in :mod:`ui.drawn`
and :mod:`ui.snapshot`."""

from __future__ import annotations

import streamlit as st

from geo.errors import ShmapError
from layers.formats import output_name, table_csv
from layers.settings import PROJECT_ROOT
from ui.drawn import (
    measures_for_polygon,
    overlap_plan_items,
    polygon_tables,
    site_firms,
    site_geojson,
)
from ui.firm_tables import firm_list_frame
from ui.i18n import t
from ui.snapshot import print_caption, view_png, warm_png

__all__ = ["drawn_site_panel", "png_button"]

STATIC_DIR = PROJECT_ROOT / "static"


def png_button(frames, entries, firms, opts, *, component, base, lang: str, filters: str = "") -> None:
    """A button that makes a PNG of the map's current view — with its title, filters,
    date, sources and attribution in a corner — then offers it. The PNG's browser is
    started in the background as soon as the button is shown."""
    warm_png()
    if not st.button(t("prepare_png", lang), key="prepare_png"):
        return
    try:
        png = view_png(frames, entries, firms, opts, static_dir=STATIC_DIR, component=component,
                       base=base, caption=print_caption(filters, lang=lang))
    except ShmapError as err:
        st.error(t("png_failed", lang, error=str(err)))
        return
    st.download_button(t("download_png", lang), png, mime="image/png", key="dl_png",
                       file_name=output_name("shanghai-cluster-map", suffix="png"))


def drawn_site_panel(site, *, from_link: bool, firms, frames, entries, points,
                     lang: str) -> None:
    """The measures of the site drawn on the map or given by the link (or how to draw
    one): firms by sector, the zones it overlaps and their plan items, the firms inside
    with their CSV, and the site as GeoJSON."""
    if site is None:
        st.caption(t("drawn_hint", lang))
        return
    measured = measures_for_polygon(firms, site, frames, points=points)
    summary, sector_table, overlap_table = polygon_tables(measured, entries, lang)
    st.markdown(f"**{t('drawn_title', lang)}** · {summary}")
    if from_link:
        st.caption(t("drawn_from_link", lang))
    st.dataframe(sector_table, hide_index=True, key="drawn_sectors")
    st.markdown(f"**{t('drawn_overlaps', lang)}**")
    if overlap_table.empty:
        st.caption(t("drawn_none", lang))
    else:
        st.dataframe(overlap_table, hide_index=True, key="drawn_overlaps")
        items = overlap_plan_items(measured.overlaps, lang)
        if len(items):
            with st.expander(f"{t('drawn_items', lang)} ({len(items)})"):
                st.dataframe(items, hide_index=True, key="drawn_items")
    inside = site_firms(firms, site, points=points)
    if inside is not None and len(inside):
        st.markdown(f"**{t('drawn_firms', lang)}**")
        st.dataframe(firm_list_frame(inside.head(200)[["name", "sector", "address"]], lang),
                     hide_index=True, key="drawn_firms")
        st.download_button(t("drawn_firms_csv", lang),
                           lambda: table_csv(firm_list_frame(inside, lang)).encode("utf-8-sig"),
                           file_name=output_name("drawn_site_firms", suffix="csv"),
                           mime="text/csv", key="dl_site_firms")
    st.download_button(t("drawn_geojson", lang),
                       site_geojson(site, name=t("drawn_title", lang)),
                       file_name=output_name("drawn_site", suffix="geojson", datum="wgs84"),
                       mime="application/geo+json", key="dl_site_geojson")
