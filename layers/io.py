"""File access for layers: base geography in, built layer GeoJSON in and out.

This is the only module of :mod:`layers` that touches the disk; the builders
and checks it calls are pure.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.crs import STORAGE_CRS, require_storage_crs
from geo.shapes import BaseUnits
from layers.build import layer_frame
from layers.catalog import layer_files, read_layer_file
from layers.errors import LayerError
from layers.fieldtypes import apply_types
from layers.files import write_text
from layers.formats import to_geojson
from layers.provenance import (
    AUTHORED,
    OSM_DERIVED_LICENCE,
    built_layer_entry,
    read_provenance,
    refreshed_entry,
    write_provenance,
)
from layers.schema import COLUMNS
from layers.settings import BASE_DIR, DATA_DIR, LAYERS_DIR, PROVENANCE_FILE

__all__ = [
    "BASE_FILES", "base_units", "build_and_write", "build_layers", "display_base",
    "district_english", "layer_path", "read_base", "read_layer", "write_layer"
]

BASE_FILES = {
    "districts": "districts_osm.geojson",
    "towns": "towns_osm_central8.geojson",
    "stations": "metro_stations.geojson",
    "lines": "metro_lines.geojson",
}


def read_base(name: str, base_dir: Path = BASE_DIR) -> gpd.GeoDataFrame:
    """One base file as a GeoDataFrame in EPSG:4326 (``districts``, ``towns`` …)."""
    gdf = gpd.read_file(base_dir / BASE_FILES[name], engine="pyogrio")
    return require_storage_crs(gdf, what=BASE_FILES[name])


@cache
def base_units(base_dir: Path = BASE_DIR) -> BaseUnits:
    """The named districts, 街道/镇 and metro stations that recipes may use."""
    d = read_base("districts", base_dir)
    t = read_base("towns", base_dir)
    s = read_base("stations", base_dir)
    return BaseUnits(
        towns=dict(zip(t["official_control_name_2023"], t.geometry, strict=True)),
        districts=dict(zip(d["district"], d.geometry, strict=True)),
        stations=dict(zip(s["station"], s.geometry, strict=True)),
    )


@cache
def district_english(base_dir: Path = BASE_DIR) -> dict[str, str]:
    d = read_base("districts", base_dir)
    return dict(zip(d["district"], d["district_en"], strict=True))


def layer_path(layer_id: str, layers_dir: Path = LAYERS_DIR) -> Path:
    return layers_dir / f"{layer_id}.geojson"


def build_layers(files: dict[str, Path], base_dir: Path = BASE_DIR) -> dict[str, gpd.GeoDataFrame]:
    """Build every layer from its definition file, resolving cross-layer ``ref`` recipes."""
    base = base_units(base_dir)
    english = district_english(base_dir)
    built: dict[str, gpd.GeoDataFrame] = {}
    in_progress: set[str] = set()

    def build(layer_id: str) -> gpd.GeoDataFrame:
        if layer_id not in built:
            if layer_id in in_progress:
                raise LayerError(f"layer {layer_id} refers to itself through other layers")
            if layer_id not in files:
                raise LayerError(f"reference to unknown layer {layer_id!r}")
            in_progress.add(layer_id)
            built[layer_id] = layer_frame(read_layer_file(files[layer_id]), base, lookup,
                                           district_en=english)
            in_progress.discard(layer_id)
        return built[layer_id]

    def lookup(ref: str):
        layer_id, _, fid = ref.partition("/")
        frame = build(layer_id)
        if fid not in frame.index:
            raise LayerError(f"reference to unknown feature {ref!r}")
        return frame.loc[fid, "geometry"]

    for layer_id in files:
        build(layer_id)
    return {k: built[k] for k in files}


def write_layer(gdf: gpd.GeoDataFrame, path: Path, source: str) -> None:
    """Write a built layer as RFC 7946 GeoJSON with source, licence and datum in ``metadata``."""
    text = to_geojson(gdf.reset_index(drop=True), name=gdf["layer"].iloc[0],
                      metadata={"source": source, "licence": OSM_DERIVED_LICENCE,
                                "attribution": "© OpenStreetMap contributors; shanghai-cluster-map",
                                "datum": "WGS84 (EPSG:4326)",
                                "precision": "per feature: precision_m (metres), approximate"})
    write_text(path, text + "\n")


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """A built layer file as a GeoDataFrame indexed by feature id, schema columns in order
    and in their declared types (:func:`layers.fieldtypes.apply_types`)."""
    gdf = gpd.read_file(path, engine="pyogrio")
    gdf = apply_types(gdf.set_crs(STORAGE_CRS, allow_override=True))
    cols = [c for c in COLUMNS if c in gdf.columns]
    extra = [c for c in gdf.columns if c not in COLUMNS and c != "geometry"]
    gdf = gdf[[*cols, *extra, "geometry"]]
    gdf.index = pd.Index(gdf["id"].to_numpy())
    return gdf


def build_and_write(layers_dir: Path = LAYERS_DIR) -> dict[str, gpd.GeoDataFrame]:
    """Rebuild every layer file from its definition and refresh ``provenance.json``
    (hashes of the built files and of the project-authored definitions; the base
    files' entries are left as they are, so a changed base file fails validation)."""
    files = layer_files(layers_dir)
    frames = build_layers(files)
    entries = read_provenance(PROVENANCE_FILE) if PROVENANCE_FILE.is_file() else {}
    for layer_id, gdf in frames.items():
        path = layer_path(layer_id, layers_dir)
        layer = read_layer_file(files[layer_id])["layer"]
        write_layer(gdf, path, layer["source"])
        rel = path.relative_to(DATA_DIR).as_posix()
        entries[rel] = built_layer_entry(rel, path, files[layer_id].relative_to(DATA_DIR).as_posix(),
                                         layer["source"])
        definition = files[layer_id].relative_to(DATA_DIR).as_posix()
        entries[definition] = refreshed_entry(entries.get(definition), files[layer_id], (
            "layer definition written by the project from the seed texts and the published extents of the zones; "
            "coordinates judged against the base data (see each feature's method)"))
    for rel, source in AUTHORED.items():
        entries[rel] = refreshed_entry(entries.get(rel), DATA_DIR / rel, source)
    write_provenance(entries, PROVENANCE_FILE)
    return frames


def display_base(tolerance_deg: float = 0.0003, base_dir: Path = BASE_DIR) -> dict[str, gpd.GeoDataFrame]:
    """Districts (simplified by ``tolerance_deg``, about 30 m) and metro lines for the
    map's offline vector base."""
    districts = read_base("districts", base_dir)[["district", "geometry"]].copy()
    districts.geometry = districts.geometry.simplify(tolerance_deg, preserve_topology=True)
    return {"districts": districts, "lines": read_base("lines", base_dir)}
