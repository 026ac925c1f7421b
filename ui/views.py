"""What the app shows, computed without Streamlit: visible layers, zone tables,
zone details, firms inside a zone, search and comparison. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from firms.intake.headers import template_frame
from firms.intake.places import placement_messages
from firms.zones import LayerCounts, active_only, measures_of
from layers.catalog import LayerEntry
from layers.documents import document_citation, document_file
from layers.exporting import filter_by_sectors
from layers.formats import table_csv
from layers.policy import measures_for_feature, sector_targets
from ui.geocoding import geocoder_rows
from ui.i18n import (
    column_label,
    headers,
    kind_label,
    role_label,
    sector_labels,
    sector_list_label,
    t,
    unit_label,
)
from ui.phrases import phrase
from ui.rankings import MEASURE_FORMATS
from ui.refusals import refusal_text

__all__ = ["REPORT_COUNTS", "ZONE_COLUMNS", "choropleth_values", "compare", "find_feature",
           "firm_details", "firm_row", "hidden_pick", "firms_in_zone", "firms_of_sectors", "import_summary",
           "layer_coverage", "layer_measure_tables", "pairs_of_sectors", "pick_state",
           "plain_markdown", "policy_groups", "sector_mask", "targets_table", "visible_frames",
           "with_selected", "active_firms", "firm_count_text", "growth_text", "firm_template_csv", "placement_summary",
           "zone_count_text", "firm_count_texts", "zone_details", "zone_sources", "zone_table"]

#: Columns of the zone table, in order.
ZONE_COLUMNS = ("layer", "name", "role", "sectors", "area_km2", "firms", "firms_possible",
                "firms_per_km2",
                "sector_firms", "sector_share", "lq", "strong_cluster", "plan_fit")


def visible_frames(all_frames: Mapping[str, gpd.GeoDataFrame], layer_ids: Sequence[str],
                   sector_ids: Sequence[str]) -> dict[str, gpd.GeoDataFrame]:
    """The chosen layers in catalog order, narrowed to features of the chosen sectors.

    Layers with no sector at all (districts, G60 cities) are never narrowed away:
    they are the frame of reference.
    """
    out = {}
    for lid, gdf in all_frames.items():
        if lid not in layer_ids:
            continue
        has_sectors = (gdf["sectors"] != "").any()
        out[lid] = filter_by_sectors(gdf, sector_ids) if has_sectors else gdf
    return out


def layer_measure_tables(all_frames: Mapping[str, gpd.GeoDataFrame],
                         counts: Mapping[str, LayerCounts], sector: str | None
                         ) -> dict[str, pd.DataFrame]:
    """Measures of every zone of each counted layer for ``sector``. Whole layers,
    whatever the filter, so a zone's strong-cluster flag compares it with all the
    zones of its layer and does not change as other zones are filtered out."""
    return {lid: measures_of(c, all_frames[lid], sector) for lid, c in counts.items()}


def choropleth_values(measures: Mapping[str, pd.DataFrame],
                      frames: Mapping[str, gpd.GeoDataFrame], *, measure: str | None,
                      layer: str | None, keep=None) -> tuple[pd.Series | None, pd.Series | None]:
    """(values, strong-cluster flags) of ``measure`` for the visible zones of ``layer``,
    from the layers' measure tables (:func:`layer_measure_tables`); (None, None) when
    there is nothing to colour (no measure, the layer hidden or not counted). Zones
    not in ``keep`` (feature ids, e.g. of the zone kinds chosen) have no value."""
    if not measure or layer is None or layer not in frames or layer not in measures:
        return None, None
    rows = measures[layer].reindex(frames[layer].index)
    if keep is not None:
        rows = rows[rows.index.isin(keep)].reindex(rows.index)
    if measure not in rows:
        return None, None
    strong = rows["strong_cluster"].fillna(False).astype(bool) if "strong_cluster" in rows else None
    return rows[measure].astype(float), strong


def zone_table(frames: Mapping[str, gpd.GeoDataFrame], entries: Mapping[str, LayerEntry],
               measures: Mapping[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """One row per visible polygon zone with its key measures from ``measures``
    (per layer id, as from :func:`layer_measure_tables`); no measure columns for a
    layer without them."""
    rows = []
    for lid, gdf in frames.items():
        polys = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        if polys.empty:
            continue
        part = pd.DataFrame(index=polys.index)
        part["layer"] = entries[lid].title(lang)
        part["name"] = polys["name_zh"] if lang == "zh" else polys["name_en"]
        part["role"] = polys["role"].map(lambda r: role_label(r, lang))
        part["sectors"] = polys["sectors"].map(lambda s: sector_list_label(s, lang))
        part["area_km2"] = polys["area_km2"].round(2)
        if lid in measures:
            m = measures[lid].reindex(polys.index)
            for col in ("firms", "firms_possible", "firms_per_km2", "sector_firms", "sector_share", "lq",
                        "strong_cluster", "plan_fit"):
                if col in m:
                    part[col] = m[col]
        rows.append(part)
    if not rows:
        return pd.DataFrame(columns=list(ZONE_COLUMNS))
    table = pd.concat(rows)
    return table[[c for c in ZONE_COLUMNS if c in table.columns]]


def layer_coverage(pairs: Mapping[str, pd.DataFrame], n_firms: int,
                   entries: Mapping[str, LayerEntry], lang: str) -> pd.DataFrame:
    """Per joined layer: firms inside at least one of its zones, firms outside all of
    them, and the share inside — so a layer's zone counts can be checked against the
    whole list (nested and overlapping zones count a firm once here)."""
    rows = []
    for lid, p in pairs.items():
        inside = int(p["point"].nunique())
        rows.append({t("layer", lang): entries[lid].title(lang), t("cov_inside", lang): inside,
                     t("cov_outside", lang): n_firms - inside,
                     t("cov_share", lang): round(inside / n_firms, 3) if n_firms else float("nan")})
    return pd.DataFrame(rows, columns=[t("layer", lang), t("cov_inside", lang), t("cov_outside", lang),
                                       t("cov_share", lang)])


def find_feature(frames: Mapping[str, gpd.GeoDataFrame], feature_id: str):
    """(layer id, row) of a feature among the frames, or (None, None)."""
    for lid, gdf in frames.items():
        if feature_id in gdf.index:
            return lid, gdf.loc[feature_id]
    return None, None


def active_firms(firms: pd.DataFrame) -> pd.DataFrame:
    """The firms still registered (:func:`firms.zones.active_only`), for the app's switch."""
    return active_only(firms)


def firm_template_csv() -> bytes:
    """The firm-list template to download: the recognised headers and two example rows,
    as UTF-8 CSV with a byte-order mark (Excel opens it as Chinese text)."""
    return table_csv(template_frame()).encode("utf-8-sig")


def zone_count_text(measures: Mapping[str, pd.DataFrame], layer_id: str, zone_id: str,
                    lang: str) -> str | None:
    """The firm count of one zone, certain and up to (:func:`firm_count_text`), or None."""
    table = measures.get(layer_id)
    if table is None or zone_id not in table.index or "firms_possible" not in table:
        return None
    certain, possible = table.loc[zone_id, ["firms", "firms_possible"]].to_numpy(dtype=float)
    return firm_count_text(float(certain), float(possible), lang)


def placement_summary(report: Mapping, lang: str) -> pd.DataFrame:
    """Rows of an import by how they were placed (geometry, coordinates, zone, 街道/镇, 区),
    as a two-column table in ``lang``."""
    rows = [(t(f"level_{k}", lang), f"{n:,}") for k, n in report.get("placement_levels", {}).items()]
    return pd.DataFrame(rows, columns=[t("placement", lang), t("value", lang)])


def firm_count_text(certain: float, possible: float, lang: str) -> str:
    """"12 firms; up to 340 with coarsely placed ones": the firms certainly in a zone and,
    when more may be, the count with those placed too coarsely to say."""
    n, m = int(certain), int(max(possible, certain))
    return t("firms_up_to" if m > n else "firms_n", lang, n=f"{n:,}", m=f"{m:,}")


def growth_text(g3: float, g5: float, *, last: int, lang: str, key: str = "years_growth") -> str:
    """The 3- and 5-year growth of a zone's firms in words (— when not defined), by the
    label ``key`` (with ``{g3}``, ``{g5}`` and ``{last}``)."""
    def pct(v: float) -> str:
        return "—" if pd.isna(v) else f"{v:+.0%}"
    return t(key, lang, g3=pct(g3), g5=pct(g5), last=last)


def firm_count_texts(measures: pd.DataFrame | None, lang: str) -> pd.Series | None:
    """:func:`firm_count_text` per zone of a layer's measure table (None without one)."""
    if measures is None or "firms_possible" not in measures:
        return None
    return pd.Series([firm_count_text(c, p, lang) for c, p in
                      zip(measures["firms"], measures["firms_possible"], strict=True)],
                     index=measures.index)


def zone_details(row: pd.Series, entry: LayerEntry, lang: str) -> list[tuple[str, str]]:
    """(label, text) pairs describing one zone for the side panel's overview (plain text)."""
    official = row["official_area_km2"]
    return [
        (t("name", lang), f"{row['name_zh']} / {row['name_en']}"),
        (t("layer", lang), entry.title(lang)),
        (t("role", lang), role_label(row["role"], lang)),
        (t("sectors", lang), sector_list_label(row["sectors"], lang)),
        (t("area", lang), "—" if pd.isna(row["area_km2"]) else f"{row['area_km2']:,.2f} km² (EPSG:32651)"),
        (t("official_area", lang), "—" if pd.isna(official) else f"{official:g} km²"),
        (t("precision", lang), f"±{row['precision_m']:,.0f} m"
         + (f" · {t('approximate', lang)}" if row["approximate"] else "")),
        (t("basis", lang), t(f"basis_{row['basis']}", lang)),
    ]


def zone_sources(row: pd.Series, lang: str) -> list[tuple[str, str]]:
    """(label, text) pairs of where a zone comes from, all in ``lang``: the plan text it
    rests on (the document, its section and the quote), the published area, and the
    summary of its sources and of how the outline or point was made and how precise it
    is (``summary_zh`` / ``summary_en``). The maintainers' research notes stay in the
    layer definitions and are not shown."""
    official = row["official_area_km2"]
    return [
        (t("citation", lang), document_citation(document_file(row["cite_document"]),
                                                row["cite_section"], quote=row["cite_quote"],
                                                lang=lang)),
        (t("official_area", lang), "—" if pd.isna(official) else f"{official:g} km²"),
        (t("evidence", lang), row.get(f"summary_{lang}", "") or "—"),
    ]


def sector_mask(firms: gpd.GeoDataFrame, sector_ids: Sequence[str]) -> np.ndarray:
    """True for each firm (row position) in one of ``sector_ids``; all True when none is chosen."""
    if not sector_ids:
        return np.ones(len(firms), dtype=bool)
    return firms["sector"].isin(list(sector_ids)).to_numpy()


def firms_of_sectors(firms: gpd.GeoDataFrame | None, sector_ids: Sequence[str]):
    """The firms of the chosen sectors (all of them when none is chosen; None stays None)."""
    if firms is None or not sector_ids:
        return firms
    return firms[sector_mask(firms, sector_ids)]


def pairs_of_sectors(pairs: Mapping[str, pd.DataFrame], firms: gpd.GeoDataFrame,
                     sector_ids: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The join's (point, zone) pairs kept only for firms of the chosen sectors."""
    if not sector_ids:
        return dict(pairs)
    mask = sector_mask(firms, sector_ids)
    return {lid: p[mask[p["point"].to_numpy()]] for lid, p in pairs.items()}


def firms_in_zone(firms: gpd.GeoDataFrame, pairs: pd.DataFrame, zone_id: str) -> gpd.GeoDataFrame:
    """The firms the join placed in one zone (rows of ``firms``; ``pairs`` index its rows by position)."""
    idx = pairs.loc[pairs["zone"] == zone_id, "point"].to_numpy()
    return firms.iloc[np.sort(idx)]


def with_selected(frames: Mapping[str, gpd.GeoDataFrame], all_frames: Mapping[str, gpd.GeoDataFrame],
                  selected: str | None) -> dict[str, gpd.GeoDataFrame]:
    """The visible frames, plus the selected feature when the sector filter hid it
    (a zone found by search is shown even if it is of another sector)."""
    out = dict(frames)
    if not selected:
        return out
    for lid, gdf in all_frames.items():
        if selected in gdf.index and lid in out and selected not in out[lid].index:
            out[lid] = pd.concat([out[lid], gdf.loc[[selected]]])
    return out


def pick_state(hit, firms: gpd.GeoDataFrame | None) -> dict:
    """The session-state changes that open a search hit: a zone turns its layer on
    and is selected (the map fits it); a firm is focused and its panel opened."""
    if hit.kind == "zone":
        return {"selected": hit.ref, "firm": None, "focus": None, f"layer_{hit.layer}": True}
    row = firm_row(firms, hit.ref)
    point = row.geometry
    return {"selected": None, "firm": hit.ref, "focus": (float(point.x), float(point.y))}


def firm_row(firms: gpd.GeoDataFrame | None, ref: str | None):
    """The firm whose row label reads ``ref``, or None."""
    if firms is None or ref is None:
        return None
    label = int(ref) if pd.api.types.is_integer_dtype(firms.index) and ref.lstrip("-").isdigit() else ref
    return firms.loc[label] if label in firms.index else None


def hidden_pick(firms: gpd.GeoDataFrame | None, shown: gpd.GeoDataFrame | None,
                ref: str | None) -> gpd.GeoDataFrame | None:
    """The picked firm (row label ``ref`` of ``firms``) as a one-row frame when the
    sector filter leaves it out of ``shown``; None when it is shown or none is picked."""
    row = firm_row(firms, ref)
    if firms is None or row is None or (shown is not None and row.name in shown.index):
        return None
    return firms.loc[[row.name]]


def firm_details(row: pd.Series, lang: str) -> list[tuple[str, str]]:
    """(label, text) pairs describing one firm: name, credit code, sector, address and
    how precisely it was placed."""
    def text(col):
        v = row.get(col)
        return "—" if v is None or (isinstance(v, float) and np.isnan(v)) or str(v) == "" else str(v)
    name = text("name") + (f" / {row['name_en']}" if text("name_en") != "—" else "")
    precision = row.get("placement_precision_m")
    placed = phrase(text("placement"), lang, placement_messages())
    if precision is not None and not pd.isna(precision):
        placed += f" · ±{float(precision):,.0f} m"
    return [(t("name", lang), name), (column_label("uscc", lang), text("uscc")),
            (column_label("sector", lang), sector_list_label(text("sector").replace("—", ""), lang)),
            (column_label("address", lang), text("address")), (column_label("placement", lang), placed)]


def _cell(v, lang: str, fmt: str | None = None) -> str:
    if isinstance(v, bool | np.bool_):
        return t("yes" if v else "no", lang)
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if fmt is not None and isinstance(v, int | float | np.number):
        return fmt.format(v)
    return f"{v:,.4g}" if isinstance(v, float) else str(v)


def compare(table: pd.DataFrame, zone_ids: Sequence[str], *, lang: str = "zh") -> pd.DataFrame:
    """Zones side by side (measures as rows in words, zones as columns by name, as
    display text); at most five."""
    ids = [z for z in zone_ids if z in table.index][:5]
    rows = table.loc[ids].drop(columns="name")
    text = rows.apply(lambda col: col.map(lambda v: _cell(v, lang, MEASURE_FORMATS.get(col.name))))
    side = text.T
    side.columns = list(table.loc[ids, "name"].astype(str))
    side.index = [column_label(c, lang) for c in side.index]
    return side


def policy_groups(feature_id: str, lang: str) -> dict[str, list[tuple[str, str]]]:
    """The plans' items attached to a zone, by kind in words (现状, 措施, 平台, 目标):
    (headline, source as the document, section and quote) for each."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in measures_for_feature(feature_id).to_dict("records"):
        text = row["text_zh"] if lang == "zh" else row["text_en"]
        figure = f" — {row['value']} {unit_label(row['unit'], lang)} ({row['year']})".replace("  ", " ") \
            if row["value"] else ""
        source = document_citation(row["source_file"], row["section"], quote=row["quote"], lang=lang)
        groups.setdefault(kind_label(row["kind"], lang), []).append((f"{text}{figure}", source))
    return groups


#: The counts of an import report a person reads, in order.
REPORT_COUNTS = ("header_row", "rows_in", "accepted", "rejected", "inactive", "swapped_fixed",
                 "placed_by_address", "invalid_uscc_flagged", "unclassified",
                 "formula_guards_removed")


def import_summary(report: Mapping, lang: str) -> pd.DataFrame:
    """An import report as a two-column table in ``lang``: each count, the read's
    warnings, each header mapping (file header → field), each column renamed because
    its name is an output column's (file header → new name) and the rejections per
    field, and what the online geocoder did when asked. The file's headers stay as they are (``st.dataframe`` shows text literally)."""
    rows = [(t(f"r_{k}", lang), f"{report[k]:,}") for k in REPORT_COUNTS if k in report]
    rows += [(t(f"level_{k}", lang), f"{n:,}") for k, n in report.get("placement_levels", {}).items()]
    rows += geocoder_rows(report.get("geocoder"), lang)
    rows += [(t("above_header", lang), text) for text in report.get("above_header", [])]
    rows += [(t("read_warning", lang), refusal_text(w, lang)) for w in report.get("warnings", [])]
    rows += [(t("header_mapping", lang) + f": {orig}", t(f"f_{canon}", lang))
             for orig, canon in report.get("header_mapping", {}).items()]
    rows += [(t("renamed_column", lang) + f": {orig}", new)
             for orig, new in report.get("renamed_columns", {}).items()]
    rows += [(t("rejected_for", lang, field=t(f"f_{fld}", lang)), f"{n:,}")
             for fld, n in report.get("rejected_by_field", {}).items()]
    return pd.DataFrame(rows, columns=[t("item", lang), t("value", lang)])


def targets_table(sector_ids: Sequence[str], lang: str) -> pd.DataFrame:
    """The 2025 targets of the chosen sectors (and the all-industry ones), for display."""
    labels = sector_labels(lang)
    parts = [sector_targets(s) for s in sector_ids] or [sector_targets()]
    table = pd.concat(parts).drop_duplicates("id")
    return headers(pd.DataFrame({
        "sector": table["sector"].map(lambda s: labels.get(s, "—") if s else "—"),
        "indicator": table["indicator_zh"] if lang == "zh" else table["indicator_en"],
        "value": table["value"] + " " + table["unit"].map(lambda u: unit_label(u, lang)),
        "year": table["year"],
        "source": [document_citation(f, sec, lang=lang)
                   for f, sec in zip(table["source_file"], table["section"], strict=True)],
    }).reset_index(drop=True), lang)


_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain_markdown(text: str) -> str:
    """``text`` with every ASCII punctuation mark backslash-escaped, so Markdown shows
    it literally: no link, image, emphasis or HTML from a file reaches the page."""
    return _MD_PUNCTUATION.sub(r"\\\1", str(text))
