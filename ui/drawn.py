"""A polygon drawn on the map, measured as a zone is: firms, sectors, LQ, plan zones.

What a planner checking a candidate site needs: how large it is (km², in
EPSG:32651), how many firms lie inside and of which sectors, each sector's
location quotient against the whole city, and which plan zones it overlaps with
what share of its area. Pure: the app passes the drawing st_folium returned.

Coordinates: the drawing comes back in the datum the map was drawn in (GCJ-02
over AMap tiles) and is moved to WGS84 first; everything else is WGS84.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from shapely.geometry import shape

from geo.datum import convert
from geo.join import SortedPoints
from geo.measures import location_quotients
from geo.metric import area_km2
from geo.prepared import prepared_copy
from layers.catalog import LayerEntry
from ui.i18n import sector_labels, t
from ui.views import policy_groups

__all__ = ["PolygonMeasures", "drawn_polygon", "measures_for_polygon", "overlap_plan_items",
           "polygon_tables", "site_corners", "site_firms", "site_geojson", "site_polygon"]


@dataclass(frozen=True)
class PolygonMeasures:
    """The measures of one drawn polygon (WGS84)."""

    polygon: shapely.Geometry
    area_km2: float
    firms: int
    sectors: pd.DataFrame    # index sector id; firms, share (0–1), lq
    overlaps: pd.DataFrame   # layer, zone, name_zh, name_en, overlap_km2, share (of the drawn area)


def drawn_polygon(component: Mapping | None, datum: str = "wgs84") -> shapely.Geometry | None:
    """The last polygon in st_folium's ``all_drawings`` as a valid WGS84 polygon, or None."""
    drawings = (component or {}).get("all_drawings") or []
    for feature in reversed(drawings):
        geom = (feature or {}).get("geometry") or {}
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        try:
            poly = shape(geom)
        except (KeyError, TypeError, ValueError, IndexError):
            continue
        if datum != "wgs84":
            poly = shapely.transform(poly, lambda c: np.column_stack(
                convert(c[:, 0], c[:, 1], datum, "wgs84")))
        poly = shapely.make_valid(poly)
        if not poly.is_empty and poly.area > 0:
            return poly
    return None


def _inside(firms: gpd.GeoDataFrame, polygon, points: SortedPoints | None) -> np.ndarray:
    """Positions of the firms covered by ``polygon`` (a longitude slice, then the test)."""
    pts = points if points is not None else SortedPoints.of(firms)
    x0, y0, x1, y1 = polygon.bounds
    i0, i1 = np.searchsorted(pts.xs, x0, "left"), np.searchsorted(pts.xs, x1, "right")
    xs, ys = pts.xs[i0:i1], pts.ys[i0:i1]
    box = (ys >= y0) & (ys <= y1)
    hit = np.zeros(len(xs), dtype=bool)
    hit[box] = shapely.intersects_xy(prepared_copy(polygon), xs[box], ys[box])  # may be shared
    return np.sort(pts.order[i0:i1][hit])


def _sector_table(firms: gpd.GeoDataFrame | None, rows: np.ndarray) -> pd.DataFrame:
    if firms is None or not len(firms) or not len(rows):
        return pd.DataFrame({"firms": pd.Series(dtype=int), "share": pd.Series(dtype=float),
                             "lq": pd.Series(dtype=float)})
    city = firms["sector"].value_counts()
    here = firms["sector"].iloc[rows].value_counts()
    lq = location_quotients(here.to_frame().T, city).iloc[0]
    out = pd.DataFrame({"firms": here, "share": here / here.sum(), "lq": lq.reindex(here.index)})
    return out.sort_values("firms", ascending=False)


def _overlaps(polygon, layers: Mapping[str, gpd.GeoDataFrame], area: float) -> pd.DataFrame:
    rows = []
    for layer_id, gdf in layers.items():
        polys = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        if polys.empty:
            continue
        hits = polys.iloc[polys.sindex.query(polygon, predicate="intersects")]
        if hits.empty:
            continue
        km2 = np.atleast_1d(area_km2(shapely.intersection(hits.geometry.values, polygon)))
        rows += [{"layer": layer_id, "zone": zid, "name_zh": nz, "name_en": ne,
                  "overlap_km2": float(a), "share": float(a) / area if area else np.nan}
                 for zid, nz, ne, a in zip(hits.index, hits["name_zh"], hits["name_en"], km2, strict=True)
                 if a > 0]
    cols = ["layer", "zone", "name_zh", "name_en", "overlap_km2", "share"]
    return pd.DataFrame(rows, columns=cols).sort_values("share", ascending=False, ignore_index=True)


def measures_for_polygon(firms: gpd.GeoDataFrame | None, polygon, layers: Mapping[str, gpd.GeoDataFrame], *,
                         points: SortedPoints | None = None) -> PolygonMeasures:
    """Firms inside ``polygon`` (WGS84; boundary counts as inside), their sectors with
    share and LQ against all of ``firms`` (the city), and the zones of ``layers`` it
    overlaps with the share of its area (areas in km² computed in EPSG:32651).
    ``points``: the firms already sorted (:class:`geo.join.SortedPoints`)."""
    area = float(area_km2(polygon))
    rows = _inside(firms, polygon, points) if firms is not None and len(firms) else np.array([], int)
    return PolygonMeasures(polygon, area, int(len(rows)), _sector_table(firms, rows),
                           _overlaps(polygon, layers, area))


def polygon_tables(pm: PolygonMeasures, entries: Mapping[str, LayerEntry], lang: str
                   ) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """A one-line summary and the two tables with headers and names in ``lang``."""
    labels = sector_labels(lang)
    summary = t("drawn_summary", lang, area=f"{pm.area_km2:,.2f}", n=f"{pm.firms:,}")
    sectors = pd.DataFrame({
        t("sectors", lang): [labels.get(s, s) for s in pm.sectors.index],
        t("firms", lang): pm.sectors["firms"].to_numpy(),
        t("drawn_share", lang): (pm.sectors["share"] * 100).round(1).to_numpy(),
        t("m_lq", lang): pm.sectors["lq"].round(2).to_numpy(),
    })
    ov = pm.overlaps
    overlaps = pd.DataFrame({
        t("layer", lang): [entries[k].title(lang) if k in entries else k for k in ov["layer"]],
        t("name", lang): (ov["name_zh"] if lang == "zh" else ov["name_en"]).to_numpy(),
        t("drawn_overlap_km2", lang): ov["overlap_km2"].round(2).to_numpy(),
        t("drawn_overlap_share", lang): (ov["share"] * 100).round(1).to_numpy(),
    })
    return summary, sectors, overlaps


def site_corners(polygon) -> tuple[tuple[float, float], ...]:
    """A site's outer ring as (lon, lat) corners for the address (the closing corner
    dropped; the first polygon of a multipolygon), or () for none."""
    if polygon is None:
        return ()
    ring = (polygon.geoms[0] if polygon.geom_type == "MultiPolygon" else polygon).exterior.coords
    return tuple((round(x, 5), round(y, 5)) for x, y in list(ring)[:-1])


def site_polygon(corners) -> shapely.Geometry | None:
    """The polygon of corners read from the address (WGS84), or None."""
    if not corners or len(corners) < 3:
        return None
    poly = shapely.make_valid(shapely.Polygon(corners))
    return poly if not poly.is_empty and poly.area > 0 else None


def site_geojson(polygon, *, name: str) -> bytes:
    """The site as a GeoJSON FeatureCollection (RFC 7946: WGS84 longitude, latitude),
    its name and datum in the feature's properties."""
    feature = {"type": "Feature", "properties": {"name": name, "datum": "WGS84 (EPSG:4326)"},
               "geometry": shapely.geometry.mapping(polygon)}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False,
                      indent=1).encode("utf-8")


def site_firms(firms: gpd.GeoDataFrame | None, polygon, *, points: SortedPoints | None = None
               ) -> gpd.GeoDataFrame | None:
    """The firms inside the site (boundary included), in list order; None without firms."""
    if firms is None or not len(firms):
        return None
    return firms.iloc[_inside(firms, polygon, points)]


def overlap_plan_items(overlaps: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The plans' items of the zones a site overlaps: zone, kind of item, the item and its
    source, in ``lang`` (zones with no item left out)."""
    rows = []
    for _, zone in overlaps.iterrows():
        for kind, items in policy_groups(str(zone["zone"]), lang).items():
            rows += [(zone["name_zh"] if lang == "zh" else zone["name_en"], kind, text, cite)
                     for text, cite in items]
    return pd.DataFrame(rows, columns=[t("name", lang), t("drawn_item_kind", lang),
                                       t("drawn_item", lang), t("citation", lang)]).drop_duplicates()
