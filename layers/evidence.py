"""What a feature's evidence must support, read from the layer definitions (pure rules).

Each feature carries evidence in two layers: ``summary_zh`` / ``summary_en`` for
readers (shown in the app and exported) and ``notes`` for maintainers (the research
notes: sources, rejected sources, numbers; kept in the definition only), plus a
``derivation = { kind = "…", supports_m = N }`` table that states how the position
or outline was made and the finest precision (metres) that derivation supports.

Rules (each returns readable problems; an empty list means the rule holds):

1. **Notes.** A feature claiming ``precision_m`` ≤ :data:`NOTES_PRECISION_M` (2 km)
   states its sources and derivation in ``notes``.
2. **Derivation.** Every feature states a derivation of a known kind
   (:data:`KINDS`), and claims no finer precision than it supports.
3. **Fine claims.** A claim of :data:`FINE_PRECISION_M` (500 m) or finer rests on an
   address, a coordinate or a traced edge: a derivation of kind ``address``,
   ``coordinate``, ``traced`` or ``boundary`` whose notes hold that evidence (a door
   number ``…路1687号``, a coordinate ``(121.5276, 31.2749)``, or a drawn outline).
4. **Units.** An outline (not a disc standing for an uncertain place) lies within the
   街镇 and 区 its notes name (``街镇: 唐镇``, ``区: 浦东新区``): at least
   :data:`UNIT_SHARE` of its area inside their union, widened by the OSM edges'
   stated error.
5. **Drawn where the evidence puts it.** A derivation that names the position its
   evidence gives (``at = [lon, lat]``, WGS84) has its point or disc centre there, within
   :data:`AT_TOLERANCE_M`.
6. **Plain words.** What readers and GIS users see names no internal file, seed file,
   issue, module or tool, and has no emoji (:func:`internal_references`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

import geopandas as gpd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.metric import area_km2, buffer_m, distance_m
from geo.shapes import BaseUnits, recipe_centre

__all__ = [
    "AT_TOLERANCE_M", "FINE_PRECISION_M", "KINDS", "NOTES_PRECISION_M", "UNIT_SHARE",
    "USER_FIELDS", "definition_word_problems", "derivation_problems", "fine_claim_problems",
    "internal_references", "named_units", "notes_problems", "plain_word_problems",
    "position_problems", "unit_problems",
]

#: Features claiming this precision (m) or finer must state sources and derivation.
NOTES_PRECISION_M = 2000.0
#: Claims this fine (m) or finer need an address, a coordinate or a traced edge.
FINE_PRECISION_M = 500.0
#: Share of an outline's area that must lie in the units its notes name.
UNIT_SHARE = 0.9
#: How far (m) a drawn centre may lie from the position its derivation names.
AT_TOLERANCE_M = 50.0
#: How far (m) the OSM 街镇 and district edges may be off.
UNIT_TOLERANCE_M = 300.0

#: Derivation kinds → what they are.
KINDS = {
    "address": "a published street address placed on the map",
    "coordinate": "a published or measured coordinate",
    "traced": "edges traced along placed roads, rivers or unit edges",
    "boundary": "a published boundary polygon (OSM district or 街镇)",
    "station": "a metro station named after the place or its road",
    "town": "the 街镇, zone or area the place is known to lie in",
    "district": "the district the text names",
    "judged": "a position or outline judged from the sources",
    "schematic": "a schematic shape; no extent is published",
    "reference": "the shape of another feature (its derivation holds)",
}
_FINE_KINDS = {"address", "coordinate", "traced", "boundary"}
#: The fields a reader or a GIS user sees.
USER_FIELDS = ("name_zh", "name_en", "role", "summary_zh", "summary_en", "method",
               "official_area_source", "cite_document", "cite_section", "cite_quote", "citation")

_ADDRESS = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff\d]*(?:路|街|道|弄)\d+(?:[、,，]\d+)*[号弄]")
_COORDINATE = re.compile(r"\(\s*1[12]\d\.\d{3,}\s*,\s*[23]\d\.\d{3,}\s*\)|[23]\d\.\d{3,}\s*°\s*N")
_UNIT = re.compile(r"(街镇|区)[:：]\s*([^\s,，.。;；()（）/]+)")
_INTERNAL = (
    (re.compile(r"\b\d{3}_[0-9a-f]{16}\b"), "a seed file name"),
    (re.compile(r"[\w./-]+\.(?:md|txt|py|csv|toml)\b", re.I), "a file name"),
    (re.compile(r"\bissues?\s*#?\d+\b", re.I), "an issue number"),
    (re.compile(r"\b(?:geo|layers|firms|ui|cli|tests)\.[a-z_]+\b"), "a module path"),
    (re.compile(r"\b(?:find_string|find_files|read_file|find_repos)\b|\bindex id\b"), "a tool id"),
    (re.compile(r"BOUNDARIES|/work/"), "an internal document"),
    (re.compile("[\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f000-\U0001faff]"), "an emoji"),
)


def internal_references(text: str) -> list[str]:
    """``"<what>: <match>"`` for each internal reference in ``text`` (empty if none)."""
    found = []
    for pattern, what in _INTERNAL:
        found += [f"{what}: {m.group(0)!r}" for m in pattern.finditer(text or "")]
    return found


def _features(definition: Mapping) -> Iterable[tuple[str, Mapping]]:
    layer = definition["layer"]["id"]
    template = definition.get("each_district")
    if template is not None:
        yield f"{layer}/(each district)", {**template, "geometry": {"districts": ["…"]}}
    for feat in definition.get("feature", []):
        yield f"{layer}/{feat['id']}", feat


def notes_problems(definition: Mapping) -> list[str]:
    """Rule 1: features claiming ±2 km or finer without ``notes``."""
    return [f"{where}: claims ±{float(f['precision_m']):g} m but has no notes (sources and "
            f"derivation); add notes or claim the precision of its 街镇/district "
            f"(> {NOTES_PRECISION_M:g} m)"
            for where, f in _features(definition)
            if float(f["precision_m"]) <= NOTES_PRECISION_M and not str(f.get("notes", "")).strip()]


def derivation_problems(definition: Mapping) -> list[str]:
    """Rule 2: a derivation of a known kind, and no precision finer than it supports."""
    problems = []
    for where, f in _features(definition):
        d = f.get("derivation")
        if not isinstance(d, Mapping) or d.get("kind") not in KINDS or "supports_m" not in d:
            problems.append(f"{where}: needs derivation = {{ kind = one of {sorted(KINDS)}, "
                            f"supports_m = <metres> }}")
            continue
        if float(f["precision_m"]) < float(d["supports_m"]):
            problems.append(f"{where}: claims ±{float(f['precision_m']):g} m but its derivation "
                            f"({d['kind']}) supports only ±{float(d['supports_m']):g} m")
    return problems


def _has_fine_evidence(kind: str, feat: Mapping) -> bool:
    notes = str(feat.get("notes", ""))
    if kind == "address":
        return bool(_ADDRESS.search(notes))
    if kind == "coordinate":
        return bool(_COORDINATE.search(notes))
    recipe = feat.get("geometry", {})  # traced or boundary: a drawn outline, not a disc
    return "point" not in recipe and any(k in recipe for k in ("polygon", "line", "towns",
                                                                 "districts", "ref", "parts"))


def fine_claim_problems(definition: Mapping) -> list[str]:
    """Rule 3: claims of ±500 m or finer rest on an address, a coordinate or a traced edge."""
    problems = []
    for where, f in _features(definition):
        if float(f["precision_m"]) > FINE_PRECISION_M:
            continue
        kind = (f.get("derivation") or {}).get("kind", "")
        if kind not in _FINE_KINDS or not _has_fine_evidence(kind, f):
            problems.append(f"{where}: claims ±{float(f['precision_m']):g} m, which needs an "
                            f"address, a coordinate or a traced edge in its notes "
                            f"(derivation kind {kind or 'missing'!r})")
    return problems


def position_problems(definition: Mapping, base: BaseUnits) -> list[str]:
    """Rule 5: a point or disc whose derivation names a position (``at``) is drawn there."""
    problems = []
    for where, f in _features(definition):
        at = (f.get("derivation") or {}).get("at")
        if at is None:
            continue
        centre = recipe_centre(f.get("geometry", {}), base)
        if centre is None:
            problems.append(f"{where}: its derivation names a position (at) but it is not drawn "
                            f"as a point or disc")
            continue
        off = float(distance_m(centre, Point(at)))
        if off > AT_TOLERANCE_M:
            problems.append(f"{where}: drawn {off:,.0f} m from the position its evidence gives "
                            f"({at[0]}, {at[1]}); draw it there or correct the derivation")
    return problems


def named_units(text: str) -> dict[str, list[str]]:
    """The 街镇 and districts a notes text names: ``街镇: X`` and ``区: Y`` entries."""
    found: dict[str, list[str]] = {"街镇": [], "区": []}
    for kind, name in _UNIT.findall(text or ""):
        found[kind].append(name)
    return found


def _is_outline(feat: Mapping, geom, precision_m: float) -> bool:
    """True for an outline; False for a point, a line, or a shape that only shows where."""
    if "point" in feat.get("geometry", {}) or not geom.geom_type.endswith("Polygon"):
        return False
    return precision_m < (float(area_km2(geom)) * 1e6 / 3.141592653589793) ** 0.5


@lru_cache(maxsize=256)
def _grown_union(units: tuple[BaseGeometry, ...]) -> BaseGeometry:
    """The union of ``units`` grown by :data:`UNIT_TOLERANCE_M`, once per set of units
    (a validation asks for the same 街镇 again and again)."""
    return buffer_m(shapely.union_all(list(units)), UNIT_TOLERANCE_M)


def unit_problems(definition: Mapping, gdf: gpd.GeoDataFrame, base: BaseUnits) -> list[str]:
    """Rule 4: outlines lie (by ≥ :data:`UNIT_SHARE` of their area) in the 街镇 and 区
    their notes name; units the base data lacks are not checked."""
    layer = definition["layer"]["id"]
    problems = []
    for feat in definition.get("feature", []):
        if feat["id"] not in gdf.index:
            continue
        geom = gdf.loc[feat["id"], "geometry"]
        if not _is_outline(feat, geom, float(feat["precision_m"])):
            continue
        units = named_units(str(feat.get("notes", "")))
        for kind, table in (("街镇", base.towns), ("区", base.districts)):
            named = [n for n in units[kind] if n in table]
            if not named:
                continue
            union = _grown_union(tuple(table[n] for n in named))
            share = float(area_km2(geom.intersection(union))) / float(area_km2(geom))
            if share < UNIT_SHARE:
                problems.append(f"{layer}/{feat['id']}: only {share:.0%} of its outline lies in "
                                f"{kind} {'、'.join(named)}, which its notes name")
    return problems


def definition_word_problems(definition: Mapping) -> list[str]:
    """Rule 5 for the maintainers' fields: internal references in ``notes``,
    ``method_note`` and ``area_difference`` (they are read beside the recipe and cite
    documents and pages, like the summaries)."""
    return [f"{where} {key}: {found}" for where, f in _features(definition)
            for key in ("notes", "method_note", "area_difference")
            for found in internal_references(str(f.get(key, "")))]


def plain_word_problems(gdf: gpd.GeoDataFrame, texts: Mapping[str, str] | None = None) -> list[str]:
    """Rule 5: internal references in the fields readers and GIS users see (and in
    ``texts``, e.g. the layer's title, source and description)."""
    problems = [f"{where}: {found}" for where, text in (texts or {}).items()
                for found in internal_references(text)]
    for row in gdf.itertuples():
        for col in USER_FIELDS:
            value = getattr(row, col, "")
            problems += [f"{row.layer}/{row.id} {col}: {found}"
                         for found in internal_references(value if isinstance(value, str) else "")]
    return problems
