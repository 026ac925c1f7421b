"""The sidebar's upload block (widgets): the datum, the file, its sheet, the opt-in to
online geocoding when the server offers it (:mod:`ui.geocoding`), the import with its
stages, and right after it the notes — rows by placement level, what the geocoder did or
the one message saying it failed (with a retry), the template."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from geo.datum import DATUMS
from geo.errors import ShmapError
from ui.app_data import secret, upload_digest, uploaded_firms, workbook_sheets
from ui.firm_filters import upload_notes
from ui.geocoding import (
    SECRET_NAME,
    failure_text,
    limit_text,
    offered,
    provider_label,
    settings_path,
    summary_line,
)
from ui.i18n import datum_label, t
from ui.refusals import refusal_text
from ui.views import plain_markdown

__all__ = ["UPLOAD_MB", "geocode_choice", "upload_panel"]

UPLOAD_MB = 50  # also server.maxUploadSize in .streamlit/config.toml
#: Session key of the geocoding attempt: a retry after a failure imports again.
ATTEMPT = "geocode_attempt"


def geocode_choice(lang: str) -> str | None:
    """The opt-in to online geocoding, shown only when the server names a settings file;
    the file's path when ticked, else None. The page never shows or takes the key."""
    path = settings_path(secret(SECRET_NAME), os.environ)
    try:
        settings = offered(path)
    except ShmapError:  # named but unreadable: off, and the reader is told whom to ask
        st.sidebar.warning(t("geocode_settings_bad", lang))
        return None
    if settings is None:
        return None
    provider = provider_label(settings.provider, lang)
    ticked = st.sidebar.checkbox(t("geocode_opt_in", lang, provider=provider), key="geocode")
    st.sidebar.caption(t("geocode_sent", lang, provider=provider))
    return path if ticked else None


def _retry() -> None:
    st.session_state[ATTEMPT] = st.session_state.get(ATTEMPT, 0) + 1


def geocode_notes(report, lang: str) -> None:
    """After an import with the geocoder: its firms per precision band, or its failure
    as one message with a button to try again; the addresses its limit left unasked."""
    geocoded = report.report.get("geocoder") if report is not None else None
    if not geocoded:
        return
    failed = failure_text(geocoded, lang)
    if failed:
        st.sidebar.warning(plain_markdown(failed))
        st.sidebar.button(t("geocode_retry", lang), key="geocode_retry", on_click=_retry)
    line = summary_line(geocoded, lang)
    if line and not (failed and not geocoded["placed"]):  # nothing placed: the failure says it
        st.sidebar.caption(plain_markdown(line))
    limited = limit_text(geocoded, lang)
    if limited:
        st.sidebar.info(limited)


def upload_panel(lang: str, join_layers: list[str]):
    """The upload block: (firms, import result, firms key, file stem); firms and result
    None until a file is imported."""
    firms, report, firms_key, upload_stem = None, None, "none", "firms"
    datum = st.sidebar.selectbox(t("upload_datum", lang), list(DATUMS), key="upload_datum",
                                 format_func=lambda d: datum_label(d, lang))
    geocoder = geocode_choice(lang)
    upload = st.sidebar.file_uploader(t("upload", lang, mb=UPLOAD_MB), key="upload",
                                      type=["csv", "xlsx", "geojson", "json"])
    if upload is not None:
        upload_stem = Path(upload.name).stem
        raw = upload.getvalue()
        digest = upload_digest(raw)
        sheets = workbook_sheets(digest, upload.name, raw) \
            if upload.name.lower().endswith(".xlsx") else []
        sheet = st.sidebar.selectbox(t("upload_sheet", lang), [None, *sheets], key="upload_sheet",
                                     format_func=lambda s: t("sheet_auto", lang) if s is None
                                     else s) if len(sheets) > 1 else None
        try:
            report, firms_key = uploaded_firms(raw, upload.name, datum, join_layers, lang,
                                               digest=digest, sheet=sheet, geocoder=geocoder,
                                               attempt=st.session_state.get(ATTEMPT, 0))
            firms = report.accepted
        except ShmapError as err:  # the file's words escaped: no link or image from it
            st.sidebar.error(t("import_failed", lang,
                               error=plain_markdown(refusal_text(err, lang))))
    geocode_notes(report, lang)
    upload_notes(report, lang)
    return firms, report, firms_key, upload_stem
