"""A GIS bundle: one zip with everything a GIS team opens — the GeoPackage (styles as
QGIS defaults inside), the QGIS project beside it, each layer's QML and SLD, and a
README that says the licence, the attribution, the datum, the data version and how to
open the files. The licence thus travels with the files whatever tool unpacks them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import geopandas as gpd

from geo.datum import Datum, parse_datum
from layers.exporting import export_files
from layers.formats import output_name
from layers.metadata import export_metadata
from layers.qgis_project import qgz_bytes

__all__ = ["bundle_bytes", "readme_text"]

_DATUM_NOTE = {
    "wgs84": "Coordinates are WGS84 (EPSG:4326) longitude/latitude.",
    "gcj02": "Coordinates are GCJ-02, the obfuscated datum of 高德/腾讯 maps, NOT WGS84: the "
             "GeoPackage says so in its own coordinate system, which no GIS can reproject. Use "
             "these files only over a GCJ-02 basemap; for anything else export WGS84.",
    "bd09": "Coordinates are BD-09, Baidu's obfuscated datum, NOT WGS84: the GeoPackage says so "
            "in its own coordinate system, which no GIS can reproject. Use these files only "
            "over a Baidu basemap; for anything else export WGS84.",
}


def readme_text(layer_ids, *, datum: Datum, files: list[str], notes: str = "") -> str:
    """The bundle's README (Markdown): what is inside, licence, attribution, datum, and
    ``notes`` (Markdown sections, e.g. on columns the caller added) at the end."""
    meta = export_metadata(list(layer_ids), datum=datum)
    lines = [f"# {meta['title']}", "",
             f"Data version {meta['data_version']}, exported {meta['exported']}.", "",
             "## Licence and attribution", "", f"Licence: {meta['licence']}.", "",
             f"Attribution (show it wherever these layers are shown): {meta['attribution']}.",
             "", "## Datum", "", _DATUM_NOTE[datum], "", "## Files", ""]
    lines += [f"- `{name}`" for name in files]
    lines += ["", "Open the `.qgz` in QGIS 3.22 or later (keep it beside the `.gpkg`), or add "
              "the `.gpkg` to any GIS: each table opens with its style in QGIS. The `.qml` "
              "(QGIS) and `.sld` (GeoServer and others) files hold each layer's style: "
              "approximate outlines are dashed.", "", "## Layers and their sources", ""]
    lines += [f"- `{i}` — {layer['title_en']} / {layer['title_zh']}: {layer['source']}"
              for i, layer in meta["layers"].items()]
    lines += ["", f"Field definitions: {meta['schema']} (JSON Schema) in the project.", ""]
    if notes:
        lines += [notes.rstrip(), ""]
    return "\n".join(lines)


def bundle_bytes(frames: dict[str, gpd.GeoDataFrame], *, datum: str = "wgs84",
                 stem: str = "shanghai-layers",
                 group_names: Mapping[str, str] | None = None,
                 notes: str = "") -> tuple[str, bytes]:
    """(zip file name, zip bytes) of the bundle of ``frames`` in ``datum``; ``notes``
    end its README."""
    datum = parse_datum(datum)
    files = export_files(frames, "gpkg", datum=datum, stem=stem)
    gpkg_name = next(iter(files))
    kept = [k for k, f in frames.items() if len(f)]
    files[output_name(stem, suffix="qgz", datum=datum)] = qgz_bytes(
        gpkg_name, kept, datum=datum, title=stem, group_names=group_names)
    readme = readme_text(kept, datum=datum, files=sorted(files), notes=notes)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.md", readme)
        for name, content in files.items():
            z.writestr(name, content)
    return output_name(stem, suffix="zip", datum=datum), buf.getvalue()

