"""What the app shows, computed without Streamlit: visible layers, zone tables,
zone details, firms inside a zone, search and comparison. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from firms.zones import LayerCounts, measures_of
from geo.text import fold
from layers.catalog import LayerEntry
from layers.exporting import filter_by_sectors
from layers.policy import measures_for_feature, provenance, sector_targets
from layers.schema import split_list
from layers.sectors import taxonomy
from ui.i18n import t

#: Columns of the zone table, in order.
ZONE_COLUMNS = ("layer", "name", "role", "sectors", "area_km2", "firms", "firms_per_km2",
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


def sector_labels(lang: str) -> dict[str, str]:
    labels = {s.id: s.label(lang) for s in taxonomy()}
    labels["unclassified"] = "未分类" if lang == "zh" else "unclassified"
    return labels


def layer_measure_tables(all_frames: Mapping[str, gpd.GeoDataFrame],
                         counts: Mapping[str, LayerCounts], sector: str | None
                         ) -> dict[str, pd.DataFrame]:
    """Measures of every zone of each counted layer for ``sector``. Whole layers,
    whatever the filter, so a zone's strong-cluster flag compares it with all the
    zones of its layer and does not change as other zones are filtered out."""
    return {lid: measures_of(c, all_frames[lid], sector) for lid, c in counts.items()}


def zone_table(frames: Mapping[str, gpd.GeoDataFrame], entries: Mapping[str, LayerEntry],
               measures: Mapping[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """One row per visible polygon zone with its key measures from ``measures``
    (per layer id, as from :func:`layer_measure_tables`); no measure columns for a
    layer without them."""
    labels = sector_labels(lang)
    rows = []
    for lid, gdf in frames.items():
        polys = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        if polys.empty:
            continue
        part = pd.DataFrame(index=polys.index)
        part["layer"] = entries[lid].title(lang)
        part["name"] = polys["name_zh"] if lang == "zh" else polys["name_en"]
        part["role"] = polys["role"]
        part["sectors"] = polys["sectors"].map(
            lambda s: "、".join(labels.get(x, x) for x in split_list(s)))
        part["area_km2"] = polys["area_km2"].round(2)
        if lid in measures:
            m = measures[lid].reindex(polys.index)
            for col in ("firms", "firms_per_km2", "sector_firms", "sector_share", "lq",
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
        rows.append({"layer": entries[lid].title(lang), t("cov_inside", lang): inside,
                     t("cov_outside", lang): n_firms - inside,
                     t("cov_share", lang): round(inside / n_firms, 3) if n_firms else float("nan")})
    return pd.DataFrame(rows, columns=["layer", t("cov_inside", lang), t("cov_outside", lang),
                                       t("cov_share", lang)])


def find_feature(frames: Mapping[str, gpd.GeoDataFrame], feature_id: str):
    """(layer id, row) of a feature among the frames, or (None, None)."""
    for lid, gdf in frames.items():
        if feature_id in gdf.index:
            return lid, gdf.loc[feature_id]
    return None, None


def zone_details(row: pd.Series, entry: LayerEntry, lang: str) -> list[tuple[str, str]]:
    """(label, text) pairs describing one zone for the side panel (plain text)."""
    labels = sector_labels(lang)
    official = row["official_area_km2"]
    official_text = "—" if pd.isna(official) else f"{official:g} km² ({row['official_area_source']})"
    return [
        (t("name", lang), f"{row['name_zh']} / {row['name_en']}"),
        (t("layer", lang), entry.title(lang)),
        (t("role", lang), row["role"]),
        (t("sectors", lang), "、".join(labels.get(s, s) for s in split_list(row["sectors"])) or "—"),
        (t("area", lang), "—" if pd.isna(row["area_km2"]) else f"{row['area_km2']:,.2f} km² (EPSG:32651)"),
        (t("official_area", lang), official_text),
        (t("method", lang), row["method"]),
        (t("precision", lang), f"±{row['precision_m']:,.0f} m"
         + (f" · {t('approximate', lang)}" if row["approximate"] else "")),
        (t("basis", lang), row["basis"]),
        (t("evidence", lang), row.get("evidence", "") or "—"),
        (t("citation", lang), row["citation"]),
    ]


def firms_in_zone(firms: gpd.GeoDataFrame, pairs: pd.DataFrame, zone_id: str) -> gpd.GeoDataFrame:
    """The firms the join placed in one zone (rows of ``firms``)."""
    idx = pairs.loc[pairs["zone"] == zone_id, "point"].to_numpy()
    return firms.iloc[np.sort(idx)]


def _key(text: str) -> str:
    return fold(text, case="lower")


def search(query: str, frames: Mapping[str, gpd.GeoDataFrame],
           firms: gpd.GeoDataFrame | None, limit: int = 20) -> list[tuple[str, str, str]]:
    """Zones and firms whose Chinese or English name contains ``query``:
    (kind "zone"/"firm", id or firm row, label)."""
    q = _key(query)
    if not q:
        return []
    hits: list[tuple[str, str, str]] = []
    for gdf in frames.values():
        names = (gdf["name_zh"] + " / " + gdf["name_en"])
        for fid, name in names[names.map(_key).str.contains(q, regex=False)].items():
            hits.append(("zone", str(fid), name))
    if firms is not None and not firms.empty:
        names = firms["name"].astype(str)
        if "name_en" in firms:
            names = names + " " + firms["name_en"].astype(str)
        found = names[names.map(_key).str.contains(q, regex=False)]
        hits += [("firm", str(i), firms.loc[i, "name"]) for i in found.index[:limit]]
    return hits[:limit]


def compare(table: pd.DataFrame, zone_ids: Sequence[str]) -> pd.DataFrame:
    """Zones side by side (measures as rows, zones as columns, as display text); at most five."""
    ids = [z for z in zone_ids if z in table.index][:5]
    side = table.loc[ids].T
    return side.apply(lambda col: col.map(lambda v: "" if pd.isna(v) else
                                          (f"{v:,.4g}" if isinstance(v, float) else str(v))))


def policy_rows(feature_id: str, lang: str) -> list[tuple[str, str]]:
    """(headline, source) for each policy measure attached to a zone, for the panel."""
    rows = []
    for row in measures_for_feature(feature_id).to_dict("records"):
        text = row["text_zh"] if lang == "zh" else row["text_en"]
        figure = f" — {row['value']} {row['unit']} ({row['year']})" if row["value"] else ""
        rows.append((f"[{row['kind']}] {text}{figure}", provenance(row)))
    return rows


def targets_table(sector_ids: Sequence[str], lang: str) -> pd.DataFrame:
    """The 2025 targets of the chosen sectors (and the all-industry ones), for display."""
    labels = sector_labels(lang)
    parts = [sector_targets(s) for s in sector_ids] or [sector_targets()]
    table = pd.concat(parts).drop_duplicates("id")
    return pd.DataFrame({
        t("sectors", lang): table["sector"].map(lambda s: labels.get(s, "—") if s else "—"),
        "indicator": table["indicator_zh"] if lang == "zh" else table["indicator_en"],
        "value": table["value"] + " " + table["unit"],
        "year": table["year"],
        "source": table["source_file"] + " " + table["section"],
    }).reset_index(drop=True)
