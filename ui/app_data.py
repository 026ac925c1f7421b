"""The app's cached data: the boundary between Streamlit's process-wide caches and
the pure functions below. Layers, the base map and the demo firms are cached whole;
firm lists and everything made from them (sorted points, joins, sector subsets,
grids) share one store bounded in bytes (:class:`ui.cache.SizedCache`)."""

from __future__ import annotations

import hashlib

import streamlit as st

import layers
from firms.demo import demo_firms
from firms.intake import import_firm_list
from firms.intake.geocode import load_geocoder
from firms.intake.xlsx import sheet_names
from firms.shortlist import CANDIDATE_LAYERS, DEFAULT_KINDS, bundled_zone_kinds, shortlist
from firms.zones import firm_points, join_and_count
from geo.errors import ShmapError
from layers.io import display_base
from layers.zone_kinds import place_aliases
from ui.cache import SizedCache, approx_bytes
from ui.i18n import t
from ui.search import firm_keys, zone_index
from ui.uploading import stage_line
from ui.views import firms_of_sectors, plain_markdown

__all__ = ["CACHE_MB", "all_layers", "cached_demo_firms", "cached_firm_keys", "cached_join", "cached_points",
           "cached_sector_firms", "cached_shortlist", "search_zones", "secret", "store",
           "upload_digest", "uploaded_firms", "vector_base", "workbook_sheets", "zone_kind_table"]

CACHE_MB = 1_500  # all firm lists and what is made from them, across sessions


@st.cache_resource(show_spinner=False)
def all_layers():
    return layers.load_all()


@st.cache_resource(show_spinner=False)
def vector_base():
    return display_base()


def upload_digest(raw: bytes) -> str:
    """An upload's content as the key of what is cached from it (SHA-256, hex); made once
    per rerun by the caller, for the sheet list and the import alike."""
    return hashlib.sha256(raw).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=16)
def workbook_sheets(digest: str, name: str, _raw: bytes) -> list[str]:
    """A workbook's sheet names, once per content (a failure is left to the import)."""
    try:
        return sheet_names(_raw, name)
    except ShmapError:
        return []


@st.cache_resource(show_spinner=False)
def cached_demo_firms():
    return demo_firms()


@st.cache_resource(show_spinner=False)
def search_zones():
    return zone_index(all_layers(), {e.id: e for e in layers.catalog()},
                      place_aliases(all_layers(), zone_kind_table()))


@st.cache_resource(show_spinner=False)
def store() -> SizedCache:
    return SizedCache(CACHE_MB * 2**20)


def cached_points(firms_key: str, firms):
    """The firms sorted for the join and the view, once per firm list."""
    return store().get(("points", firms_key), lambda: firm_points(firms))


def cached_join(firms_key: str, layer_id: str, firms):
    """One layer joined and counted, once per firm list, whatever is toggled. Every firm
    given counts: those no longer registered are already left out unless the reader
    chose to show and count them (:func:`ui.firm_filters.narrowed_firms`)."""
    points = cached_points(firms_key, firms)
    return store().get(("join", firms_key, layer_id),
                       lambda: join_and_count(firms, all_layers()[layer_id], points=points,
                                              include_inactive=True))


def cached_firm_keys(firms_key: str, firms):
    """The firms' search text (:func:`ui.search.firm_keys`), once per firm list; the app
    asks for it at the first query only (pinyin costs about 0.2 ms a firm)."""
    if firms is None or not len(firms):
        return None
    return store().get(("keys", firms_key), lambda: firm_keys(firms),
                       size=lambda v: approx_bytes(v, deep=True))


def cached_sector_firms(shown_key: str, firms, sectors: tuple[str, ...]):
    if firms is None or not sectors:
        return firms
    return store().get(("sector", shown_key), lambda: firms_of_sectors(firms, sectors))


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_shortlist(firms_key: str, _firms, sector: str, kinds: tuple[str, ...] = DEFAULT_KINDS):
    counts = {lid: cached_join(firms_key, lid, _firms).counts for lid in CANDIDATE_LAYERS} \
        if _firms is not None and len(_firms) else None
    return shortlist(_firms, sector, counts=counts, kinds=kinds)


def zone_kind_table():
    """Every polygon zone's kind and outline group (:func:`layers.zone_kinds.zone_kinds`),
    made once per process and shared with the shortlist."""
    return bundled_zone_kinds()


def uploaded_firms(raw: bytes, name: str, datum: str, join_layers: list[str], lang: str, *,
                   digest: str, sheet: str | None = None, geocoder: str | None = None,
                   attempt: int = 0):
    """An upload imported once per content (``digest``: :func:`upload_digest` of ``raw``,
    the cache key), datum, sheet and geocoding (``geocoder``: the settings file of the
    online geocoder the reader opted into; ``attempt`` counts the retries after a
    failure), with its stages shown."""
    geocoding = f"geocoder:{attempt}" if geocoder else ""
    key = ("upload", digest, datum, sheet or "", geocoding)
    firms_key = f"{digest}:{datum}:{sheet or ''}" + (f":{geocoding}" if geocoding else "")
    kept = store().get(key, lambda: None, size=lambda _: 0) if key in store() else None
    if kept is not None:
        return kept, firms_key
    with st.sidebar.status(t("importing", lang, name=plain_markdown(name)), expanded=True) as box:
        coder = None
        try:
            coder = load_geocoder(geocoder) if geocoder else None
            result = import_firm_list(raw, name=name, datum=datum, sheet=sheet, geocoder=coder,
                                      on_stage=lambda k, v: box.write(
                                          stage_line(k, v, lang, escape=plain_markdown)))
        except Exception:  # a refusal (or a bug): the box says it failed, never spins on
            box.update(label=t("stage_failed", lang), state="error")
            raise
        finally:
            if coder is not None:
                coder.close()
        store().put(key, result, approx_bytes(result.accepted, deep=True)
                    + approx_bytes(result.rejected, deep=True))
        box.write(stage_line("join", {}, lang))
        for lid in join_layers:
            cached_join(firms_key, lid, result.accepted)
        box.update(label=t("stage_done", lang), state="complete", expanded=False)
    return result, firms_key


def secret(name: str) -> str:
    try:
        return str(st.secrets.get(name, ""))
    except FileNotFoundError:
        return ""
