"""The zone measures of a firm list joined into the layers for a GIS export: each
polygon layer's zones gain typed columns (counts as integers, densities, shares and
location quotients as reals, the strong-cluster flag as a boolean) from
:func:`firms.zones.measures_of`, and the README of the bundle says what each means.

Counts follow the placement rule: ``firms_certain`` counts the firms whose placement
certainly lies in the zone; ``firms_possible`` adds those placed too coarsely to say
(an upper bound). Columns per sector are named ``<sector id>_<measure>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

import geopandas as gpd
import pandas as pd

from firms.intake.classify import UNCLASSIFIED
from firms.zones import LayerCounts, firm_points, join_and_count, measures_of
from geo.measures import sector_measures
from layers.sectors import taxonomy

__all__ = ["MeasureField", "measure_readme", "sectors_of", "with_zone_measures",
           "zone_measure_frames"]

#: column → measure of :func:`firms.zones.measures_of` and its type, for the whole zone.
_ZONE = {"firms_certain": ("firms", "int"), "firms_possible": ("firms_possible", "int"),
         "firms_per_km2": ("firms_per_km2", "real"), "employees": ("employees", "real"),
         "unclassified": ("unclassified", "int"), "plan_fit": ("plan_fit", "real")}
#: suffix → measure of :func:`geo.measures.sector_measures` and type, for one sector.
_SECTOR = {"firms": ("firms", "int"), "firms_possible": ("firms_possible", "int"),
           "share": ("share", "real"), "lq": ("lq", "real"),
           "strong_cluster": ("strong_cluster", "bool")}


class MeasureField(NamedTuple):
    """What :func:`measure_readme` says of an added column: its label key, and the sector
    it is for (None for the whole zone)."""

    key: str
    sector: str | None


def sectors_of(firms: pd.DataFrame) -> list[str]:
    """The sectors with at least one firm in ``firms``, in the taxonomy's order."""
    present = set(firms["sector"].dropna().astype(str)) - {UNCLASSIFIED}
    return [s.id for s in taxonomy() if s.id in present]


def _typed(values: pd.Series, kind: str) -> pd.Series:
    """Counts as 32-bit integers (GDAL: Integer), flags as booleans, the rest as reals."""
    if kind == "int":
        return values.fillna(0).astype("int32")
    if kind == "bool":
        return values.fillna(False).astype(bool)
    return values.astype("float64")


def _layer_columns(counts: LayerCounts, zones: gpd.GeoDataFrame, sectors: Iterable[str]
                   ) -> tuple[pd.DataFrame, dict[str, MeasureField]]:
    """The measure columns of one layer's ``zones`` (indexed like them) and their fields:
    the zone's from :func:`firms.zones.measures_of`, every sector's at once from
    :func:`geo.measures.sector_measures` (the same measures for each sector)."""
    base = measures_of(counts, zones)
    cols = {name: _typed(base[src], kind) for name, (src, kind) in _ZONE.items()}
    fields = {name: MeasureField(f"mx_{name}", None) for name in _ZONE}
    sectors = list(sectors)
    table = counts.counts.reindex(zones.index).fillna(0)
    table = table.reindex(columns=[*table.columns, *(s for s in sectors if s not in table)],
                          fill_value=0)  # a sector none of the zones' firms has: 0 each
    long = sector_measures(table, counts.city)
    maybe = (counts.possible.reindex(zones.index).fillna(0) if counts.possible is not None
             else pd.DataFrame(index=zones.index))
    for sector in sectors:
        one = long[long["sector"].to_numpy() == sector].set_index("zone")
        one["firms_possible"] = one["firms"] + maybe.get(sector, 0)
        for suffix, (src, kind) in _SECTOR.items():
            cols[f"{sector}_{suffix}"] = _typed(one[src], kind)
            fields[f"{sector}_{suffix}"] = MeasureField(f"mx_sector_{suffix}", sector)
    return pd.DataFrame(cols, index=zones.index), fields


def zone_measure_frames(firms: gpd.GeoDataFrame, frames: Mapping[str, gpd.GeoDataFrame], *,
                        sectors: Iterable[str] | None = None
                        ) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, MeasureField]]:
    """``frames`` (EPSG:4326) with the measures of ``firms`` joined to every polygon
    layer (others as given), for ``sectors`` (default: those with firms); and the
    added columns' fields. Strong clusters compare the zones of a frame."""
    sectors = list(sectors_of(firms) if sectors is None else sectors)
    points = firm_points(firms)
    out: dict[str, gpd.GeoDataFrame] = {}
    fields: dict[str, MeasureField] = {}
    for layer_id, gdf in frames.items():
        polygons = gdf.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        if not len(gdf) or not polygons.all():
            out[layer_id] = gdf
            continue
        joined = join_and_count(firms, gdf, points=points)
        columns, added = _layer_columns(joined.counts, gdf, sectors)
        geometry = gdf.geometry.name
        kept = gdf.drop(columns=[c for c in columns if c in gdf.columns])
        out[layer_id] = gpd.GeoDataFrame(
            pd.concat([kept.drop(columns=geometry), columns, kept[[geometry]]], axis=1),
            geometry=geometry, crs=gdf.crs)
        fields.update(added)
    return out, fields


def measure_readme(fields: Mapping[str, MeasureField], *, firms: pd.DataFrame,
                   word: Callable[..., str], sector_name: Callable[[str, str], str]) -> str:
    """The README section (Markdown, Chinese then English) on the measure columns:
    what each means and the placement rule; ``word(key, lang, **values)`` and
    ``sector_name(id, lang)`` give the words."""
    synthetic = int((firms["synthetic"].astype(str) == "yes").sum()) \
        if "synthetic" in firms else 0
    lines: list[str] = []
    for lang in ("zh", "en"):
        lines += [f"## {word('mx_heading', lang)}", "", word("mx_intro", lang), ""]
        if synthetic:
            lines += [word("mx_synthetic", lang, n=synthetic), ""]
        for name, (key, sector) in fields.items():
            values = {"sector": sector_name(sector, lang)} if sector else {}
            lines.append(f"- `{name}`: {word(key, lang, **values)}")
        lines.append("")
    return "\n".join(lines)


def with_zone_measures(frames: Mapping[str, gpd.GeoDataFrame], firms: gpd.GeoDataFrame | None,
                       *, word: Callable[..., str], sector_name: Callable[[str, str], str]
                       ) -> tuple[dict[str, gpd.GeoDataFrame], str]:
    """What a GIS export writes: ``frames`` with the zone measures of ``firms`` joined
    and the README section on them; the frames as given and '' without a firm list."""
    if firms is None or not len(firms):
        return dict(frames), ""
    joined, fields = zone_measure_frames(firms, frames)
    return joined, measure_readme(fields, firms=firms, word=word, sector_name=sector_name)
