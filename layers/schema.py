"""The feature schema every layer shares, and the check that enforces it.

List-valued fields (``sectors``, ``districts``) are stored as text joined by
``;`` in frames and in every export, so GeoJSON, GeoPackage and CSV carry the
same values and GIS tools read them as plain strings.
"""

from __future__ import annotations

import math

import geopandas as gpd
import shapely

from geo.crs import require_storage_crs
from geo.errors import CrsError
from layers.catalog import GEOM_TYPES, LayerEntry
from layers.sectors import sector_ids

__all__ = ["BASES", "COLUMNS", "SEP", "TEXT_REQUIRED", "frame_problems", "join_list", "split_list"]

SEP = ";"

#: Column → what it holds. Areas in km² (EPSG:32651), precision in metres.
COLUMNS: dict[str, str] = {
    "id": "feature id, unique across all layers",
    "name_zh": "Chinese name",
    "name_en": "English name",
    "layer": "layer id",
    "role": "role in the plan (极, 核心区, 翼, 轴, 节点 …)",
    "sectors": "sector ids of the 9+X taxonomy, ';'-separated",
    "districts": "district names (区), ';'-separated",
    "part_of": "id of the feature this one lies within, if any",
    "area_km2": "area computed in EPSG:32651, km² (polygons)",
    "length_km": "length computed in EPSG:32651, km (lines)",
    "official_area_km2": "published area, km², where one is published",
    "official_area_source": "where the published area comes from",
    "area_diff_pct": "(area_km2 − official) / official × 100",
    "method": "how the geometry was made",
    "precision_m": "estimated positional error of the outline, metres",
    "approximate": "true when the shape is schematic or hand-traced",
    "basis": "official | secondary | conflicting | inferred | schematic",
    "summary_zh": "for readers, in Chinese: the source (document, issuer, date, page or "
                  "section), what it says, how the outline or point was made, how precise "
                  "it is and why",
    "summary_en": "the same summary in English",
    "cite_document": "the plan document quoted: number and title (or author and title)",
    "cite_section": "section of that document",
    "cite_quote": "verbatim quote (whitespace-insensitive)",
    "citation": "readable citation: document, section and quote",
}
BASES = ("official", "secondary", "conflicting", "inferred", "schematic")
TEXT_REQUIRED = ("id", "name_zh", "name_en", "layer", "role", "method", "basis", "summary_zh",
                 "summary_en", "cite_document", "cite_section", "cite_quote", "citation")


def join_list(values) -> str:
    return SEP.join(str(v) for v in values)


def split_list(text) -> list[str]:
    """``"ic;ai"`` → ``["ic", "ai"]``; empty or missing → ``[]``."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    return [v for v in str(text).split(SEP) if v]


def frame_problems(gdf: gpd.GeoDataFrame, entry: LayerEntry) -> list[str]:
    """Every way a layer frame breaks the schema, as readable lines (empty if none)."""
    problems: list[str] = []
    try:
        require_storage_crs(gdf, what=f"layer {entry.id}")
    except CrsError as err:
        problems.append(str(err))
    missing = [c for c in COLUMNS if c not in gdf.columns]
    if missing:
        return [*problems, f"{entry.id}: missing fields {', '.join(missing)}"]
    if gdf["id"].duplicated().any():
        problems.append(f"{entry.id}: duplicate ids {sorted(set(gdf['id'][gdf['id'].duplicated()]))}")
    ids = set(gdf["id"])
    for row in gdf.itertuples():
        where = f"{entry.id}/{row.id}"
        problems += [f"{where}: {p}" for p in _attribute_problems(row, entry, ids)]
        problems += [f"{where}: {p}" for p in _geometry_problems(row.geometry, entry)]
    return problems


def _attribute_problems(row, entry: LayerEntry, ids: set[str]) -> list[str]:
    """What is wrong with one feature's attributes (without the feature's name)."""
    problems = [f"field {col} is empty" for col in TEXT_REQUIRED
                if not isinstance(getattr(row, col), str) or not getattr(row, col).strip()]
    if row.layer != entry.id:
        problems.append(f"layer field says {row.layer!r}")
    bad = [s for s in split_list(row.sectors) if s not in set(sector_ids())]
    if bad:
        problems.append(f"unknown sector ids {bad}")
    if row.basis not in BASES:
        problems.append(f"basis {row.basis!r} not in {BASES}")
    if not (row.precision_m > 0):
        problems.append("precision_m must be a positive number of metres")
    if row.part_of and row.part_of not in ids:
        problems.append(f"part_of {row.part_of!r} is not a feature of this layer")
    return problems


def _geometry_problems(geom, entry: LayerEntry) -> list[str]:
    """What is wrong with one feature's geometry (without the feature's name)."""
    if geom is None or geom.is_empty:
        return ["empty geometry"]
    problems = []
    if geom.geom_type not in GEOM_TYPES[entry.kind]:
        problems.append(f"{geom.geom_type} in a {entry.kind} layer")
    if not geom.is_valid:
        problems.append(f"invalid geometry ({shapely.is_valid_reason(geom)})")
    x0, y0, x1, y1 = geom.bounds
    if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        problems.append("coordinates are not lon/lat degrees")
    return problems
