"""What an export says about itself: licence, attribution, source, data version and
date, datum, and the layers' styles — taken from ``data/provenance.json`` and the
catalog, so exports carry what is stored with the layers.

``data_version`` is a content hash: the first 12 hex digits of the SHA-256 over
the chosen layer files' recorded hashes (``layers-<hash>``); the same data gives the
same version. ``exported`` is the UTC date of the export; ``data/`` records no
build date.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from geo.datum import DATUM_LABELS, Datum
from layers.catalog import LayerEntry, catalog
from layers.fieldtypes import SCHEMA_ID
from layers.provenance import read_provenance
from layers.settings import PROVENANCE_FILE
from layers.styles import qml, sld

__all__ = ["export_metadata", "gpkg_metadata", "layer_styles", "licence_text"]

PROJECT = "shanghai-cluster-map"


def _project_version() -> str:
    try:
        return version(PROJECT)
    except PackageNotFoundError:
        return "unknown"


def _entries(layer_ids) -> dict[str, LayerEntry]:
    known = {e.id: e for e in catalog()}
    return {i: known[i] for i in layer_ids if i in known}


def export_metadata(layer_ids, *, datum: Datum) -> dict:
    """Licence, attribution, sources, data version, date and datum of an export of
    ``layer_ids`` (plain JSON types; the GeoJSON ``metadata`` member)."""
    records = read_provenance(PROVENANCE_FILE)
    files = {i: records.get(f"layers/{i}.geojson", {}) for i in layer_ids}
    licences = sorted({r["licence"] for r in files.values() if r.get("licence")})
    attributions = sorted({r["attribution"] for r in files.values() if r.get("attribution")})
    digest = hashlib.sha256("".join(files[i].get("sha256", "") for i in sorted(files)).encode())
    entries = _entries(layer_ids)
    return {
        "title": "Shanghai 14th Five-Year-plan industrial layout / 上海“十四五”产业布局",
        "layers": {i: {"title_zh": e.title_zh, "title_en": e.title_en, "source": e.source}
                   for i, e in entries.items()},
        "licence": "; ".join(licences),
        "attribution": "; ".join(attributions),
        "source": f"{PROJECT} {_project_version()}: layers drawn from the plans and pages each "
                  "feature cites (fields citation, summary_zh, summary_en) on OpenStreetMap "
                  "base data (ODbL 1.0)",
        "data_version": f"layers-{digest.hexdigest()[:12]}",
        "exported": datetime.now(UTC).date().isoformat(),
        "datum": DATUM_LABELS[datum],
        "schema": SCHEMA_ID,
    }


def gpkg_metadata(meta: dict, layer_id: str = "") -> dict[str, str]:
    """The GeoPackage metadata of one table (or, without ``layer_id``, of a table of all
    the layers): ``DESCRIPTION`` (→ ``gpkg_contents``) and the other items (→
    ``gpkg_metadata``), all text; FlatGeobuf and GeoParquet carry the same items."""
    layer = meta["layers"].get(layer_id, {})
    title = (f"{layer['title_en']} / {layer['title_zh']}" if layer else
             f"{meta['title']}: {', '.join(meta['layers'])}")
    description = (f"{title}. Datum: {meta['datum']}. Licence: {meta['licence']}. "
                   f"Attribution: {meta['attribution']}. Data version {meta['data_version']}, "
                   f"exported {meta['exported']}.")
    return {"DESCRIPTION": description, "IDENTIFIER": title, "LICENCE": meta["licence"],
            "ATTRIBUTION": meta["attribution"], "SOURCE": layer.get("source", meta["source"]),
            "PROJECT_SOURCE": meta["source"], "DATA_VERSION": meta["data_version"],
            "EXPORTED": meta["exported"], "DATUM": meta["datum"], "SCHEMA": meta["schema"]}


def licence_text(meta: dict) -> str:
    """The plain-text sidecar of a file without metadata of its own (a CSV): title,
    licence, attribution, sources, data version, date, datum and schema, one per line."""
    items = gpkg_metadata(meta)
    lines = [meta["title"], ""] + [f"{key.replace('_', ' ').capitalize()}: {items[key]}"
                                   for key in ("LICENCE", "ATTRIBUTION", "SOURCE", "DATA_VERSION",
                                               "EXPORTED", "DATUM", "SCHEMA")]
    sources = [f"  {i}: {layer['source']}" for i, layer in meta["layers"].items()]
    return "\n".join([*lines, "Layer sources:", *sources, ""])


def layer_styles(layer_ids) -> dict[str, tuple[str, str]]:
    """Layer id → (QML, SLD) text of its catalog style (approximate outlines dashed)."""
    out = {}
    for i, e in _entries(layer_ids).items():
        s = e.style
        params: dict[str, Any] = {"color": s.color, "fill_color": s.fill_color, "fill_opacity": s.fill_opacity,
                  "weight": s.weight}
        out[i] = (qml(e.kind, **params), sld(i, e.kind, **params))
    return out
