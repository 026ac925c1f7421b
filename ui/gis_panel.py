"""The GIS hand-off under the export: whether ``shmap serve`` answers on this machine
(its address for QGIS/ArcGIS), where the GIS guide is, and the GIS bundle (GeoPackage
with styles, QGIS project, QML/SLD, README with licence and datum) as one download."""

from __future__ import annotations

import urllib.request

import streamlit as st

from firms.zone_export import with_zone_measures
from geo.datum import parse_datum
from layers.bundle import bundle_bytes
from layers.formats import output_name
from ui.i18n import GROUPS, group_label, sector_label, t

__all__ = ["SERVICE_URL", "gis_panel", "service_running"]

#: Where ``shmap serve`` listens unless told otherwise.
SERVICE_URL = "http://127.0.0.1:5000"


def service_running(url: str = SERVICE_URL) -> bool:
    """True when an OGC API service answers ``/conformance`` at ``url`` within 0.3 s."""
    try:
        with urllib.request.urlopen(f"{url}/conformance?f=json", timeout=0.3) as response:
            return response.status == 200
    except OSError:
        return False


def gis_panel(frames, *, datum: str, lang: str, firms=None) -> None:
    """The GIS block of the export tab (see the module doc); with a firm list loaded,
    the bundle's zones carry its zone measures (:mod:`firms.zone_export`)."""
    st.markdown(f"**{t('gis_heading', lang)}**")
    if service_running():
        st.caption(t("gis_service_up", lang, url=SERVICE_URL))
    else:
        st.caption(t("gis_service_how", lang))
        # inline code, not st.code: that element loads a 1.5 MB highlighter that costs
        # every new page ~0.5 s of the browser's time
        st.markdown("`shmap serve`")
    st.caption(t("gis_docs", lang))
    if not any(len(f) for f in frames.values()):
        return
    groups = {g: f"{group_label(g, 'zh')} / {group_label(g, 'en')}" for g in GROUPS}
    name = output_name("shanghai-layers", suffix="zip", datum=parse_datum(datum))

    def bundle() -> bytes:  # made when clicked, not on each rerun
        shown, notes = with_zone_measures(frames, firms, word=t, sector_name=sector_label)
        return bundle_bytes(shown, datum=datum, group_names=groups, notes=notes)[1]

    st.download_button(t("gis_bundle", lang, name=name), bundle, file_name=name,
                       mime="application/zip", key="dl_bundle")
    if firms is not None and len(firms):
        st.caption(t("gis_bundle_measures", lang))
