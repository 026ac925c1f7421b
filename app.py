"""Streamlit app: widgets and layout only. Everything computed lives in layers/ and geo/.

Run with ``make run`` (or ``streamlit run app.py``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

import layers
from firms.importing import demo_firms, load_firm_bytes
from firms.shortlist import CANDIDATE_LAYERS, shortlist
from firms.zones import firm_points, join_and_count
from geo.breaks import METHODS as BREAK_METHODS
from geo.datum import DATUM_LABELS, DATUMS
from geo.errors import ShmapError
from geo.export import output_name, table_csv
from geo.grid import firm_grid
from layers.exporting import FORMATS, MEDIA_TYPES, export_bytes
from layers.io import display_base
from layers.sectors import sector_ids
from layers.settings import PROJECT_ROOT
from ui.basemaps import BASEMAPS, basemap
from ui.i18n import group_label, sector_labels, t
from ui.page import standalone_html
from ui.views import (
    choropleth_values,
    compare,
    find_feature,
    firms_in_zone,
    import_summary,
    layer_coverage,
    layer_measure_tables,
    policy_rows,
    search,
    targets_table,
    visible_frames,
    zone_details,
    zone_table,
)
from ui.webmap import MEASURES, MapOptions, build_map, firm_mode

UPLOAD_MB = 50  # also server.maxUploadSize in .streamlit/config.toml
STATIC_DIR = PROJECT_ROOT / "static"
DEFAULT_LAYERS = ("poles", "service_belt", "new_towns", "g60", "parks")


# --- cached data (the app boundary) -------------------------------------------------
# cache_resource, not cache_data: these frames are read-only here, and handing out
# the cached object itself saves unpickling 100k-row copies on every rerun.

@st.cache_resource(show_spinner=False)
def all_layers():
    return layers.load_all()


@st.cache_resource(show_spinner=False)
def vector_base():
    return display_base()


@st.cache_resource(show_spinner=False)
def cached_demo_firms():
    return demo_firms()


@st.cache_resource(show_spinner=False, max_entries=4)
def uploaded_firms(digest: str, name: str, datum: str, _raw: bytes):
    return load_firm_bytes(_raw, name, datum=datum)


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_points(firms_key: str, _firms):
    return firm_points(_firms)


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_join(firms_key: str, layer_id: str, _firms):
    """One layer joined and counted, once per firm list, whatever is toggled."""
    return join_and_count(_firms, all_layers()[layer_id], points=cached_points(firms_key, _firms))


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_grid(firms_key: str, _firms):
    return firm_grid(_firms)


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_shortlist(firms_key: str, _firms, sector: str):
    counts = {lid: cached_join(firms_key, lid, _firms).counts for lid in CANDIDATE_LAYERS} \
        if _firms is not None and len(_firms) else None
    return shortlist(_firms, sector, counts=counts)


def secret(name: str) -> str:
    try:
        return str(st.secrets.get(name, ""))
    except FileNotFoundError:
        return ""


# --- sidebar ------------------------------------------------------------------------

st.set_page_config(page_title="shanghai-cluster-map", layout="wide")
lang = st.sidebar.radio("语言 / Language", ["zh", "en"], horizontal=True, key="lang",
                        format_func=lambda v: "中文" if v == "zh" else "English")
st.title(t("title", lang))
st.caption(t("subtitle", lang))

entries = {e.id: e for e in layers.catalog()}
frames_all = all_layers()

bm_id = st.sidebar.selectbox(t("basemap", lang), [b.id for b in BASEMAPS], key="basemap",
                             format_func=lambda b: basemap(b).label(lang))
tiles_key = secret("tianditu_key") if basemap(bm_id).needs_key else ""
if basemap(bm_id).needs_key and not tiles_key:
    st.sidebar.warning(t("basemap_key_missing", lang))
    bm_id = "none"

st.sidebar.subheader(t("layers", lang))
chosen_layers = []
for group in dict.fromkeys(e.group for e in entries.values()):
    st.sidebar.caption(group_label(group, lang))
    for e in (e for e in entries.values() if e.group == group):
        if st.sidebar.checkbox(e.title(lang), value=e.id in DEFAULT_LAYERS, key=f"layer_{e.id}"):
            chosen_layers.append(e.id)

labels = sector_labels(lang)
chosen_sectors = st.sidebar.multiselect(t("sector_filter", lang), list(sector_ids()),
                                        key="sectors", format_func=lambda s: labels[s])
if chosen_sectors:
    with st.sidebar.expander(t("targets", lang)):
        st.dataframe(targets_table(chosen_sectors, lang), hide_index=True)

st.sidebar.subheader(t("firms", lang))
source = st.sidebar.radio(t("firms_source", lang), ["demo", "upload", "none"], key="firm_source",
                          format_func=lambda v: t(f"firms_{v}", lang))
firms = None
report = None
firms_key = "none"
upload_stem = "firms"
if source == "demo":
    firms, firms_key = cached_demo_firms(), "demo"
elif source == "upload":
    datum = st.sidebar.selectbox(t("upload_datum", lang), list(DATUMS), key="upload_datum",
                                 format_func=lambda d: DATUM_LABELS[d])
    upload = st.sidebar.file_uploader(t("upload", lang, mb=UPLOAD_MB), key="upload",
                                      type=["csv", "xlsx", "geojson", "json"])
    if upload is not None:
        raw = upload.getvalue()
        upload_stem = Path(upload.name).stem
        digest = hashlib.sha256(raw).hexdigest()  # the upload's content is the cache key
        try:
            result = uploaded_firms(digest, upload.name, datum, raw)
            firms, report, firms_key = result.accepted, result, f"{digest}:{datum}"
        except ShmapError as err:
            st.sidebar.error(t("import_failed", lang, error=str(err)))

measure = st.sidebar.selectbox(t("measure", lang), ["none", *MEASURES], key="measure",
                               format_func=lambda m: t(f"m_{m}", lang))
measure = None if measure == "none" else measure
classes = st.sidebar.selectbox(t("classes", lang), list(BREAK_METHODS), key="classes",
                               format_func=lambda c: t(f"cls_{c}", lang), disabled=measure is None)
polygon_layers = [i for i in chosen_layers if entries[i].kind == "polygon"]
measure_layer = st.sidebar.selectbox(t("measure_layer", lang), polygon_layers or ["—"],
                                     key="measure_layer",
                                     format_func=lambda i: entries[i].title(lang) if i in entries else i)
measure_sector = st.sidebar.selectbox(t("measure_sector", lang), list(sector_ids()),
                                      key="measure_sector", format_func=lambda s: labels[s],
                                      index=list(sector_ids()).index(chosen_sectors[0])
                                      if chosen_sectors else 0)

# --- computed views ------------------------------------------------------------------

frames = visible_frames(frames_all, chosen_layers, chosen_sectors)
# The join and the counts are cached per firm list and layer; a sector's measures
# are made from the counts in milliseconds.
joined = {lid: cached_join(firms_key, lid, firms) for lid in chosen_layers
          if entries[lid].kind == "polygon"} if firms is not None and len(firms) else {}
pairs = {lid: j.pairs for lid, j in joined.items()}
counts = {lid: j.counts for lid, j in joined.items()}
measure_tables = layer_measure_tables(frames_all, counts, measure_sector)
table = zone_table(frames, entries, measure_tables, lang)
values, strong = choropleth_values(measure_tables, frames, measure=measure, layer=measure_layer)
firm_view = firm_mode(len(firms)) if firms is not None and len(firms) else None

if "selected" not in st.session_state:
    st.session_state["selected"] = None

# --- map and side panel ------------------------------------------------------------

col_map, col_panel = st.columns([3, 2])
with col_map:
    grid = cached_grid(firms_key, firms) if firm_view == "grid" else None
    opts = MapOptions(basemap=bm_id, lang=lang, tiles_key=tiles_key, measure=measure,
                      classes=classes, measure_layer=measure_layer if measure else None,
                      measure_values=values,
                      strong=strong, selected=st.session_state["selected"],
                      focus=st.session_state.get("focus"), firm_grid=grid, firm_mode=firm_view)
    fmap = build_map(frames, entries, firms, opts, vector_base())
    # render=False: st_folium renders the map itself once; a whole-page render first
    # would only repeat that work.
    clicked = st_folium(fmap, key="map", height=opts.height, use_container_width=True, render=False,
                        returned_objects=["last_active_drawing"])
    drawing = (clicked or {}).get("last_active_drawing") or {}
    click_id = (drawing.get("properties") or {}).get("id")
    if click_id and click_id != st.session_state.get("last_click"):
        st.session_state["last_click"] = click_id
        st.session_state["selected"] = click_id
        st.rerun()
    st.caption(t("datum_note", lang, datum=DATUM_LABELS[fmap.scm_datum]))
    if firm_view is not None:
        st.caption(t("firm_mode", lang, mode=t(f"mode_{firm_view}", lang),
                     n=f"{len(firms):,}") + " · " + t("synthetic_note", lang))

with col_panel:
    query = st.text_input(t("search", lang), key="search")
    hits = search(query, frames, firms)
    if hits:
        pick = st.selectbox(t("search_pick", lang), range(len(hits)), key="search_pick",
                            format_func=lambda i: f"{'▣' if hits[i][0] == 'zone' else '•'} {hits[i][2]}")
        if st.button(t("go", lang), key="go"):
            kind, ref, _ = hits[pick]
            if kind == "zone":
                st.session_state["selected"], st.session_state["focus"] = ref, None
            else:
                point = firms.loc[int(ref)].geometry
                st.session_state["focus"] = (point.x, point.y)
            st.rerun()
    st.subheader(t("details", lang))
    layer_id, row = find_feature(frames, st.session_state["selected"] or "")
    if row is None:
        st.info(t("click_hint", lang))
    else:
        for label, text in zone_details(row, entries[layer_id], lang):
            st.markdown(f"**{label}**")
            st.text(text)
        if row.name in table.index:
            st.dataframe(compare(table, [row.name]), width="stretch")
        st.markdown(f"**{t('policy', lang)}**")
        measures = policy_rows(row.name, lang)
        if not measures:
            st.caption(t("policy_none", lang))
        for headline, source in measures:
            st.text(headline)
            st.caption(source)
        if firms is not None and layer_id in pairs:
            inside = firms_in_zone(firms, pairs[layer_id], row.name)
            st.markdown(f"**{t('firms_inside', lang)}**: {len(inside):,}")
            st.dataframe(inside[["name", "sector", "address"]].head(200), hide_index=True)
            st.download_button(t("download_firms", lang),
                               table_csv(inside.drop(columns="geometry")).encode("utf-8-sig"),
                               file_name=output_name(f"firms_in_{row.name}", suffix="csv"), mime="text/csv",
                               key="dl_inside")

# --- tables ---------------------------------------------------------------------------

tab_zones, tab_compare, tab_short, tab_report, tab_export = st.tabs(
    [t("zones_table", lang), t("compare", lang), t("shortlist", lang), t("import_report", lang),
     t("export", lang)])
with tab_zones:
    st.dataframe(table, width="stretch", key="zones_table")
    if pairs:
        st.caption(t("coverage", lang))
        st.dataframe(layer_coverage(pairs, len(firms), entries, lang), hide_index=True,
                     key="coverage_table")
with tab_compare:
    picks = st.multiselect(t("compare", lang), list(table.index), max_selections=5,
                           key="compare", format_func=lambda i: str(table.loc[i, "name"]))
    if picks:
        st.dataframe(compare(table, picks), width="stretch")
with tab_short:
    short_sector = st.selectbox(t("shortlist_sector", lang), list(sector_ids()), key="short_sector",
                                format_func=lambda s: labels[s])
    ranked = cached_shortlist(firms_key, firms, short_sector)
    st.dataframe(ranked, width="stretch")
    st.download_button(t("download", lang, fmt="CSV"),
                       table_csv(ranked.reset_index(names="id")).encode("utf-8-sig"),
                       file_name=output_name(f"shortlist_{short_sector}", suffix="csv"), mime="text/csv", key="dl_short")
with tab_report:
    if report is None:
        st.caption("—")
    else:
        r = report.report
        st.write(t("rows_summary", lang, rows_in=r["rows_in"], accepted=r["accepted"],
                   rejected=r["rejected"]))
        st.dataframe(import_summary(r, lang), hide_index=True, key="import_summary")
        st.dataframe(report.rejected, width="stretch", key="rejected_table")
        st.download_button(t("download_rejected", lang),
                           table_csv(report.rejected).encode("utf-8-sig"),
                           file_name=output_name(upload_stem, part="rejected", suffix="csv"),
                           mime="text/csv", key="dl_rejected")
with tab_export:
    export_datum = st.selectbox(t("export_datum", lang), list(DATUMS), key="export_datum",
                                format_func=lambda d: DATUM_LABELS[d])
    export_format = st.radio(t("format", lang), FORMATS, horizontal=True, key="export_format")
    name, content = export_bytes(frames, export_format, datum=export_datum)
    st.download_button(t("download", lang, fmt=name), content, file_name=name,
                       mime=MEDIA_TYPES[export_format], key="dl_export")
    if st.button(t("prepare_map", lang), key="prepare_map"):  # built on demand: ~0.1 s
        st.download_button(t("download_map", lang), standalone_html(fmap, STATIC_DIR).encode(),
                           file_name=output_name("shanghai-cluster-map", suffix="html"), mime="text/html", key="dl_map")
