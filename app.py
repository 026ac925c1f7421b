"""Streamlit app: widgets and layout only. Everything computed lives in layers/, firms/,
geo/ and ui/ (pure and tested). Run with ``make run`` (or ``streamlit run app.py``).
"""

from __future__ import annotations

from functools import partial

import streamlit as st
from streamlit_folium import st_folium

import layers
from firms.founding import staff
from geo.breaks import METHODS as BREAK_METHODS
from geo.datum import DATUMS, parse_datum
from geo.grid import firm_grid
from layers.exporting import FORMATS, MEDIA_TYPES, export_bytes
from layers.formats import output_name, table_csv
from layers.sectors import sector_ids
from layers.settings import PROJECT_ROOT
from ui.app_data import (
    all_layers,
    cached_demo_firms,
    cached_firm_keys,
    cached_join,
    cached_points,
    cached_sector_firms,
    cached_shortlist,
    search_zones,
    secret,
    store,
    vector_base,
    zone_kind_table,
)
from ui.basemaps import BASEMAPS, basemap
from ui.card_panel import card_panel, filters_text
from ui.drawn import site_polygon
from ui.firm_filters import narrowed_firms
from ui.firm_layer import precise_only
from ui.firm_tables import firm_list_frame
from ui.gis_panel import gis_panel
from ui.i18n import column_label, datum_label, format_label, group_label, headers, sector_labels, t
from ui.map_panel import map_panel
from ui.mapview import LANGS, MapView, params_to_view
from ui.markdown_table import markdown_table
from ui.park_card import park_card, zone_firms
from ui.rankings import compare_options, kind_ids, ranking
from ui.search import PINYIN_LIMIT, search
from ui.session import follow_sidebar_sector, on_query, open_hit, reword, whole_city
from ui.shortlist_view import data_basis
from ui.snapshot import offline_html
from ui.streamlit_words import words_script
from ui.table_tabs import kinds_picker, shortlist_tab, zones_tab
from ui.tabs import CARD_TABS, TABLE_TABS, card_tab_key, keep_choices, open_tab
from ui.time_panel import compare_over_time, zone_over_time
from ui.upload_panel import upload_panel
from ui.uploading import rejected_view
from ui.views import (
    choropleth_values,
    compare,
    find_feature,
    firm_count_texts,
    firm_details,
    firm_row,
    firms_in_zone,
    hidden_pick,
    import_summary,
    layer_coverage,
    layer_measure_tables,
    pairs_of_sectors,
    policy_groups,
    targets_table,
    visible_frames,
    with_selected,
    zone_count_text,
    zone_details,
    zone_sources,
    zone_table,
)
from ui.webmap import MEASURES, MapOptions, firm_mode

STATIC_DIR = PROJECT_ROOT / "static"
DEFAULT_LAYERS = ("poles", "service_belt", "new_towns", "g60", "parks")


# --- sidebar ------------------------------------------------------------------------
st.set_page_config(page_title="shanghai-cluster-map", layout="wide")
st.html(STATIC_DIR / "app.css")  # the map as tall as the window; a phone's smaller title
for k in ("selected", "firm", "focus"):
    st.session_state.setdefault(k, None)
entries = {e.id: e for e in layers.catalog()}
frames_all = all_layers()

# the view in the address, read once per session (written after the map)
if "url_view" not in st.session_state:
    st.session_state["url_view"] = params_to_view(st.query_params.to_dict(), layer_ids=entries,
                                                  sector_ids=sector_ids())
    st.session_state.setdefault("sectors", list(st.session_state["url_view"].sectors))
    st.session_state.setdefault("lang", st.session_state["url_view"].lang or LANGS[0])
    if st.session_state["selected"] is None:  # the address's zone, on the session's first run
        st.session_state["selected"] = st.session_state["url_view"].zone
url_view = st.session_state["url_view"]

lang = st.sidebar.radio("语言 / Language", list(LANGS), horizontal=True, key="lang", on_change=reword,
                        args=(st.session_state,), format_func=lambda v: "中文" if v == "zh" else "English")
st.html(words_script(lang), unsafe_allow_javascript=True)  # Streamlit's own words in lang
st.title(t("title", lang))
st.caption(t("subtitle", lang))
DEFAULT_LAYERS = url_view.layers if url_view.layers is not None else DEFAULT_LAYERS

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
        st.session_state.setdefault(f"layer_{e.id}", e.id in DEFAULT_LAYERS)  # search may set it
        if st.sidebar.checkbox(e.title(lang), key=f"layer_{e.id}"):
            chosen_layers.append(e.id)
polygon_layers = [i for i in chosen_layers if entries[i].kind == "polygon"]

labels = sector_labels(lang)
chosen_sectors = st.sidebar.multiselect(t("sector_filter", lang), list(sector_ids()),
                                        key="sectors", format_func=lambda s: labels[s],
                                        placeholder=t("all_sectors", lang),
                                        on_change=follow_sidebar_sector, args=(st.session_state,))
chosen_kinds = kinds_picker(st.sidebar, "zone_kinds", lang)
if chosen_sectors:
    with st.sidebar.expander(t("targets", lang)):
        st.dataframe(targets_table(chosen_sectors, lang), hide_index=True)

st.sidebar.subheader(t("firms", lang))
source = st.sidebar.radio(t("firms_source", lang), ["demo", "upload", "none"], key="firm_source",
                          format_func=lambda v: t(f"firms_{v}", lang))
firms, report, firms_key, upload_stem = None, None, "none", "firms"
if source == "demo":
    firms, firms_key = cached_demo_firms(), "demo"
elif source == "upload":
    firms, report, firms_key, upload_stem = upload_panel(lang, polygon_layers)
firms, firms_key, years = narrowed_firms(firms, firms_key, lang, get=store().get)
measure: str | None = st.sidebar.selectbox(t("measure", lang), ["none", *MEASURES], key="measure",
                               format_func=lambda m: t(f"m_{m}", lang))
measure = None if measure == "none" else measure
classes = st.sidebar.selectbox(t("classes", lang), list(BREAK_METHODS), key="classes",
                               format_func=lambda c: t(f"cls_{c}", lang), disabled=measure is None)
measure_layer = st.sidebar.selectbox(t("measure_layer", lang), polygon_layers or ["—"],
                                     key="measure_layer",
                                     format_func=lambda i: entries[i].title(lang) if i in entries else i)
measure_sector = st.sidebar.selectbox(t("measure_sector", lang), list(sector_ids()),
                                      key="measure_sector", format_func=lambda s: labels[s])

# --- computed views ------------------------------------------------------------------
visible = visible_frames(frames_all, chosen_layers, chosen_sectors)
frames = with_selected(visible, frames_all, st.session_state["selected"])
added = st.session_state["selected"] if any(frames[k] is not v for k, v in visible.items()) else None
# The join and the counts are kept per firm list and layer; a sector's measures are
# made from the counts in milliseconds. The sector filter narrows what is shown.
has_firms = firms is not None and len(firms) > 0
joined = {lid: cached_join(firms_key, lid, firms) for lid in polygon_layers} if has_firms else {}
sector_key = tuple(sorted(chosen_sectors))
shown_key = f"{firms_key}|{','.join(sector_key)}"
shown = cached_sector_firms(shown_key, firms, sector_key)  # the firms of the chosen sectors
pairs = pairs_of_sectors({lid: j.pairs for lid, j in joined.items()}, firms, sector_key) \
    if joined and firms is not None else {}
counts = {lid: j.counts for lid, j in joined.items()}
view_key = (firms_key, tuple(chosen_layers), sector_key, added)
measure_tables = store().get(("measures", firms_key, tuple(counts), measure_sector),
                             lambda: layer_measure_tables(frames_all, counts, measure_sector))
table = store().get(("table", *view_key, measure_sector, lang),
                    lambda: zone_table(frames, entries, measure_tables, lang))
values, strong = choropleth_values(measure_tables, frames, measure=measure, layer=measure_layer,
                                   keep=kind_ids(zone_kind_table(), chosen_kinds))
firm_view = firm_mode(len(shown)) if shown is not None and len(shown) else None
keys_of = partial(cached_firm_keys, firms_key, firms)  # made at the first query
picked = hidden_pick(firms, shown, st.session_state["firm"])  # a firm the sector filter hides
filters = filters_text(chosen_sectors, chosen_kinds, lang=lang,  # for briefings and the PNG
                       basis=data_basis(source, len(firms) if firms is not None else 0))

# --- map and side panel ------------------------------------------------------------
# the map spans the page width, the panel below it (first on a phone too)
col_map, col_panel = st.container(), st.container()
with col_map:
    grid = store().get(("grid", shown_key), lambda: firm_grid(precise_only(shown))) \
        if firm_view == "grid" else None
    opts = MapOptions(basemap=bm_id, lang=lang, tiles_key=tiles_key, measure=measure,
                      classes=classes, measure_layer=measure_layer if measure else None,
                      measure_values=values, measure_sector_label=labels[measure_sector],
                      firm_counts=firm_count_texts(measure_tables.get(measure_layer), lang),
                      strong=strong, selected=st.session_state["selected"],
                      focus=st.session_state["focus"], firm_grid=grid, firm_mode=firm_view,
                      picked_firm=picked, fit_token=st.session_state.get("city_fits", 0),
                      site=site_polygon(url_view.site), dynamic_firms=True,
                      # the address's view until another zone is picked
                      view=url_view.map_view() if st.session_state["selected"] == url_view.zone else None)
    note = None if firm_view is None else (
        t("firm_mode", lang, mode=t(f"mode_{firm_view}", lang), n=f"{len(shown):,}")
        + (" · " + t("synthetic_note", lang) if source == "demo" else ""))
    map_panel(frames, entries, shown, opts, st_folium=st_folium, grid=grid, base=vector_base(),
              filters=filters, points=cached_points(shown_key, shown) if grid is not None else None,
              address=MapView(layers=tuple(chosen_layers), sectors=tuple(chosen_sectors),
                              zone=st.session_state["selected"], lang=lang, site=url_view.site),
              firms=firms, frames_all=frames_all, note=note,
              firm_points=cached_points(firms_key, firms) if firms is not None and len(firms)
              else None)

with col_panel:
    st.text_input(t("search", lang), key="search", placeholder=t("search_hint", lang),
                  help=t("search_help", lang, n=f"{PINYIN_LIMIT:,}"),
                  on_change=on_query, args=(st.session_state, search_zones(), firms, keys_of))
    query = st.session_state.get("search", "")  # every firm, whatever the sector filter
    hits = search(query, search_zones(), firms, keys_of() if query.strip() else None)
    if query.strip() and not hits:
        st.caption(t("no_match", lang))
    elif len(hits) > 1:
        st.selectbox(t("search_pick", lang, n=len(hits)), range(len(hits)), index=None,
                     key="search_pick", placeholder=t("search_choose", lang),
                     # a zone hit always names its layer (Hit.layer is None for firms only)
                     format_func=lambda i: f"▣ {entries[hits[i].layer].title(lang)} ｜ {hits[i].label}"  # type: ignore[index]
                     if hits[i].kind == "zone" else f"• {hits[i].label}",
                     on_change=open_hit, args=(st.session_state, hits, firms))
    st.button(t("whole_city", lang), key="whole_city", on_click=whole_city, args=(st.session_state,))
    firm = firm_row(firms, st.session_state["firm"])
    layer_id, row = find_feature(frames, st.session_state["selected"] or "")
    if firm is not None:
        st.subheader(t("firm_details", lang))
        for label, text in firm_details(firm, lang):
            st.markdown(f"**{label}**")
            st.text(text)
        if picked is not None:
            st.caption(t("firm_outside_filter", lang))
    elif row is None:
        st.subheader(t("details", lang))
        st.info(t("click_hint", lang))
    else:
        st.subheader(t("details", lang))
        card, where = open_tab(st.session_state, key=card_tab_key(row.name), ids=CARD_TABS, lang=lang)
        with where:  # only the open tab is drawn; a zone opens at its overview
            if card == "tab_overview":
                details = zone_details(row, entries[layer_id], lang)
                for label, text in details:
                    st.markdown(f"**{label}**")
                    st.text(text)
                zone_join = cached_join(firms_key, layer_id, firms) if has_firms and \
                    entries[layer_id].kind == "polygon" else None
                card_panel(park_card(row, entries[layer_id], lang=lang,
                                     kind=zone_kind_table()["group_kind"].get(row.name),
                                     firms=zone_firms(zone_join, row.name, firms=firms, years=years)
                                     if zone_join is not None and firms is not None else None),
                           frames_all[layer_id].loc[[row.name]], districts=frames_all["districts"],
                           firms=firms_in_zone(firms, zone_join.pairs, row.name)
                           if zone_join is not None and firms is not None else None,
                           filters=filters,
                           colour=entries[layer_id].style.color, dashed=bool(row["approximate"]),
                           synthetic=source == "demo", lang=lang, shown=[lb for lb, _ in details])
                if row.name in table.index:
                    st.dataframe(compare(table, [row.name], lang=lang), width="stretch")
            elif card == "tab_plans":
                groups = policy_groups(row.name, lang)
                if not groups:
                    st.caption(t("policy_none", lang))
                for n, (kind, items) in enumerate(groups.items()):
                    with st.expander(f"{kind}（{len(items)}）" if lang == "zh" else f"{kind} ({len(items)})",
                                     expanded=n == 0):
                        for headline, cite in items:
                            st.text(headline)
                            st.caption(cite)
            elif card == "tab_firms":
                if shown is not None and firms is not None and layer_id in pairs:
                    inside = firms_in_zone(firms, pairs[layer_id], row.name)
                    st.markdown(f"**{t('firms_inside', lang)}**: {len(inside):,}")
                    counted = zone_count_text(measure_tables, layer_id, row.name, lang)
                    if counted:
                        st.caption(counted)
                    view = inside[["name", "sector", "address"]].head(200).assign(
                        sector=lambda d: d["sector"].map(lambda s: labels.get(s, s)))
                    st.dataframe(headers(view, lang), hide_index=True)
                    st.download_button(t("download_firms", lang),
                                       lambda d=inside: table_csv(firm_list_frame(d, lang)).encode("utf-8-sig"),  # type: ignore[misc]  # mypy cannot infer a lambda with default arguments
                                       file_name=output_name(f"firms_in_{row.name}", suffix="csv"),
                                       mime="text/csv", key="dl_inside")
                    zone_over_time(firms, pairs[layer_id], row.name, years=years, staff=staff(firms),
                                   name=str(row["name_zh" if lang == "zh" else "name_en"]), lang=lang)
                else:
                    st.caption(t("firms_none", lang))
            else:  # sources
                for label, text in zone_sources(row, lang):
                    st.markdown(f"**{label}**")
                    st.text(text)

# --- tables ---------------------------------------------------------------------------

keep_choices(st.session_state)  # the choices made in tabs now closed
opened, tab = open_tab(st.session_state, key="tables_tab", ids=TABLE_TABS, lang=lang)
with tab:  # only the open tab is drawn
    if opened == "zones_table":
        zones_tab(table, zone_kind_table(), kinds=chosen_kinds, sector=measure_sector, lang=lang)
        if pairs:
            st.caption(t("coverage", lang))
            st.markdown(markdown_table(layer_coverage(pairs, len(shown), entries, lang),
                                       formats={t("cov_share", lang): "{:.1%}"}))
    elif opened == "compare":
        ranked_zones = ranking(table, zone_kind_table(), kinds=chosen_kinds,
                               sort_by=st.session_state.get("zones_sort"), lang=lang)
        options = compare_options(ranked_zones.index, picked=st.session_state.get("compare", []),
                                  shown=table.index)
        picks = st.multiselect(t("compare_pick", lang), options, max_selections=5,
                               key="compare", format_func=lambda i: str(table.loc[i, "name"]),
                               placeholder=t("choose_options", lang))
        if picks:
            st.dataframe(compare(table, picks, lang=lang), width="stretch")
            st.caption(t("compare_measure", lang, sector=labels[measure_sector]))
            chosen = table.loc[picks].set_index("name")
            for col in (c for c in dict.fromkeys((*MEASURES, "sector_firms")) if c in chosen):
                if chosen[col].notna().any():
                    st.markdown(f"**{column_label(col, lang)}**")
                    st.bar_chart(chosen[col].astype(float).rename(column_label(col, lang)),
                                 horizontal=True, x_label=column_label(col, lang), y_label="")
            compare_over_time(firms, {lid: j.pairs for lid, j in joined.items()}, picks, years=years,
                              names=dict(table["name"]), lang=lang)
        else:
            st.caption(t("compare_hint", lang))
    elif opened == "shortlist":
        shortlist_tab(lambda sector, kinds: cached_shortlist(firms_key, firms, sector, kinds), entries,
                      source=source, firms=firms if has_firms else None, lang=lang)
    elif opened == "import_report":
        if report is None:
            st.caption(t("no_report", lang))
        else:
            r = report.report
            st.write(t("rows_summary", lang, rows_in=f"{r['rows_in']:,}", accepted=f"{r['accepted']:,}",
                       rejected=f"{r['rejected']:,}"))
            st.dataframe(import_summary(r, lang), hide_index=True, key="import_summary")
            st.dataframe(rejected_view(report.rejected, lang, messages=report.messages), width="stretch",
                         key="rejected_table", hide_index=True)
            st.download_button(t("download_rejected", lang),
                               lambda d=report.rejected: table_csv(d).encode("utf-8-sig"),  # type: ignore[misc]  # mypy cannot infer a lambda with default arguments
                               file_name=output_name(upload_stem, part="rejected", suffix="csv"),
                               mime="text/csv", key="dl_rejected")
    else:  # export
        export_datum = st.selectbox(t("export_datum", lang), list(DATUMS), key="export_datum",
                                    format_func=lambda d: datum_label(d, lang))
        export_format = st.radio(t("format", lang), FORMATS, horizontal=True, key="export_format",
                                 format_func=format_label)
        name = output_name("shanghai-layers", suffix=export_format, datum=parse_datum(export_datum))
        if not any(len(f) for f in frames.values()):  # an empty selection is refused, not written
            st.info(t("export_nothing", lang))
        else:
            st.download_button(t("download", lang, fmt=name),  # made when clicked, not each rerun
                               lambda f=frames, fmt=export_format, d=export_datum:  # type: ignore[misc]  # mypy cannot infer a lambda with default arguments
                               export_bytes(f, fmt, datum=d)[1],
                               file_name=name, mime=MEDIA_TYPES[export_format], key="dl_export")
        gis_panel(frames, datum=export_datum, lang=lang, firms=firms)
        if st.button(t("prepare_map", lang), key="prepare_map"):  # built on demand: ~0.1 s
            st.download_button(t("download_map", lang), offline_html(
                frames, entries, shown, opts, static_dir=STATIC_DIR, base=vector_base()).encode(),
                               file_name=output_name("shanghai-cluster-map", suffix="html"), mime="text/html", key="dl_map")
