"""``shmap``: list, build, check, preview and export the layers.

Errors are one clear line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

import layers
from geo.datum import DATUMS
from geo.export import datum_file_name, to_csv, to_geojson, write_gpkg
from layers.checks import (
    area_problems,
    citation_problems,
    district_problems,
    overlap_problems,
    part_of_problems,
)
from layers.io import base_units, build_and_write
from layers.provenance import entry_problems, read_provenance, unlisted_files
from layers.sectors import parse_sector_ids
from layers.settings import SEEDS_DIR

FORMATS = ("geojson", "gpkg", "csv")


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def _cmd_layers(args) -> int:
    rows = [{"id": e.id, "title_zh": e.title_zh, "title_en": e.title_en, "kind": e.kind,
             "group": e.group, "features": len(layers.load(e.id))} for e in layers.catalog()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            print(f"{r['id']:<{width}}  {r['features']:>3}  {r['kind']:<7}  {r['title_zh']} / {r['title_en']}")
    return 0


def filter_by_sectors(gdf: gpd.GeoDataFrame, sector_ids) -> gpd.GeoDataFrame:
    """Rows whose ``sectors`` field holds any of ``sector_ids`` (all rows if none given)."""
    if not sector_ids:
        return gdf
    wanted = set(sector_ids)
    keep = gdf["sectors"].map(lambda s: bool(wanted & set(layers.split_list(s))))
    return gdf[keep]


def selected_layers(layer_ids, sector_ids) -> dict[str, gpd.GeoDataFrame]:
    """The named layers, each filtered to the sectors (unknown ids raise CliError)."""
    known = {e.id for e in layers.catalog()}
    unknown = [i for i in layer_ids if i not in known]
    if unknown:
        raise CliError(f"unknown layer {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    try:
        sectors = parse_sector_ids(sector_ids or [])
    except ValueError as err:
        raise CliError(str(err)) from err
    return {i: filter_by_sectors(layers.load(i), sectors) for i in layer_ids}


def write_export(frames: dict[str, gpd.GeoDataFrame], fmt: str, out: Path, datum: str) -> Path:
    """Write frames to ``out`` (name suffixed with the datum when not WGS84); returns the path."""
    out = datum_file_name(out, datum)
    if not out.parent.is_dir():
        raise CliError(f"cannot write {out}: folder {out.parent} does not exist")
    combined = pd.concat([f.reset_index(drop=True) for f in frames.values()], ignore_index=True)
    combined = gpd.GeoDataFrame(combined, geometry="geometry", crs="EPSG:4326")
    try:
        if fmt == "geojson":
            out.write_text(to_geojson(combined, datum=datum, name="+".join(frames)), encoding="utf-8")
        elif fmt == "csv":
            out.write_text(to_csv(combined, datum=datum), encoding="utf-8-sig")
        else:
            write_gpkg({k: v.reset_index(drop=True) for k, v in frames.items()}, out, datum=datum)
    except OSError as err:
        raise CliError(f"cannot write {out}: {err.strerror or err}") from err
    return out


def _cmd_export(args) -> int:
    frames = selected_layers(args.layers, args.sector)
    fmt = args.format or Path(args.output).suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise CliError(f"unknown format {fmt!r}: use --format geojson, gpkg or csv")
    path = write_export(frames, fmt, Path(args.output), args.datum)
    n = sum(len(f) for f in frames.values())
    print(f"wrote {n} features from {len(frames)} layers to {path} ({fmt}, {args.datum})")
    return 0


def _cmd_build(args) -> int:
    frames = build_and_write()
    for layer_id, gdf in frames.items():
        print(f"built {layer_id}: {len(gdf)} features")
    return 0


def validation_problems(seeds_dir: Path) -> list[str]:
    """Every problem of the shipped data (schema, overlaps, districts, areas,
    citations when the seed texts are present, provenance)."""
    problems: list[str] = []
    districts = base_units().districts
    for e in layers.catalog():
        try:
            gdf = layers.load(e.id)
        except layers.LayerError as err:
            problems.append(str(err))
            continue
        problems += (overlap_problems(gdf) + part_of_problems(gdf) + area_problems(gdf)
                     + district_problems(gdf, districts))
        if seeds_dir.is_dir():
            problems += citation_problems(gdf, seeds_dir)
    entries = read_provenance()
    for rel, entry in entries.items():
        problems += entry_problems(rel, entry)
    problems += [f"{f}: no provenance entry" for f in unlisted_files(entries)]
    return problems


def _cmd_validate(args) -> int:
    seeds = Path(args.seeds)
    problems = validation_problems(seeds)
    if not seeds.is_dir():
        print(f"note: seed texts not found at {seeds}; citations not checked", file=sys.stderr)
    for p in problems:
        print(p)
    print(f"{len(problems)} problems" if problems else "data valid")
    return 1 if problems else 0


def _cmd_preview(args) -> int:
    from layers.preview import preview_figure

    ids = args.layers or [e.id for e in layers.catalog() if e.id not in ("districts", "g60_cities")]
    frames = selected_layers(ids, args.sector)
    entries = {e.id: e for e in layers.catalog()}
    fig = preview_figure(frames, entries, layers.load("districts"), lang=args.lang)
    fig.savefig(args.output, dpi=args.dpi)
    print(f"wrote {args.output}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="shmap", description="Shanghai strategic-industry layout layers")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("layers", help="list the layers with feature counts")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=_cmd_layers)

    s = sub.add_parser("export", help="write layers as GeoJSON, GeoPackage or CSV")
    s.add_argument("layers", nargs="+", metavar="LAYER")
    s.add_argument("--sector", nargs="*", metavar="ID", help="keep features of these sectors")
    s.add_argument("--datum", choices=DATUMS, default="wgs84")
    s.add_argument("--format", choices=FORMATS, help="default: from the output's extension")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=_cmd_export)

    s = sub.add_parser("build", help="rebuild data/layers/*.geojson from their definitions")
    s.set_defaults(func=_cmd_build)

    s = sub.add_parser("validate", help="check every data file; exit 1 on any problem")
    s.add_argument("--seeds", default=str(SEEDS_DIR), help="folder of the seed texts")
    s.set_defaults(func=_cmd_validate)

    s = sub.add_parser("preview", help="draw layers over the districts to a PNG")
    s.add_argument("layers", nargs="*", metavar="LAYER")
    s.add_argument("--sector", nargs="*", metavar="ID")
    s.add_argument("--lang", choices=("zh", "en"), default="zh")
    s.add_argument("--dpi", type=int, default=110)
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=_cmd_preview)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as err:
        print(f"shmap: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
