"""``shmap``: layers (list, build, validate, preview, export, serve, schema), firms (import, measures,
shortlist, synthetic) and the plans' measures. Errors: one clear line on stderr, a non-zero exit."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
from pathlib import Path
from typing import Any, cast

import pandas as pd

import layers
from cli.gis import EXPORT_FORMATS, add_gis_commands, write_export
from cli.inputs import (
    Terminated,
    block_size,
    check_layers,
    check_outputs,
    counted_line,
    firms_or_error,
    header_line,
    placement_lines,
    selected_layers,
    terminate,
    whole_number,
)
from firms.output import check_import_paths, write_import
from firms.shortlist import shortlist
from firms.synth import write_synthetic
from firms.zones import layer_measures
from geo.datum import DATUMS
from geo.errors import ShmapError
from layers.errors import UsageError
from layers.files import check_output, replacing, replacing_path
from layers.formats import write_table_csv
from layers.io import build_and_write
from layers.policy import measures_for_feature, measures_for_sector, provenance, sector_targets
from layers.sectors import parse_sector_ids
from layers.settings import DATA_DIR, SEEDS_DIR
from layers.validate import validation_problems

__all__ = ["main", "parser", "selected_layers"]


def _cmd_layers(args) -> int:
    rows: list[dict[str, Any]] = [
        {"id": e.id, "title_zh": e.title_zh, "title_en": e.title_en, "kind": e.kind,
         "group": e.group, "features": len(layers.load(e.id))} for e in layers.catalog()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            print(f"{r['id']:<{width}}  {r['features']:>3}  {r['kind']:<7}  {r['title_zh']} / {r['title_en']}")
    return 0


def _cmd_export(args) -> int:
    frames = selected_layers(args.layers, args.sector)
    if bool(args.output) == bool(args.postgis):
        raise UsageError("give -o FILE or --postgis URL (one of them)")
    firms = firms_or_error(args.firms, args.firms_datum, points=False).accepted \
        if args.firms else None
    if args.postgis:
        from cli.gis import load_postgis

        return load_postgis(frames, args.postgis, datum=args.datum, firms=firms)
    fmt = args.format or Path(args.output).suffix.lstrip(".").lower()
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use --format {', '.join(EXPORT_FORMATS)}")
    path = write_export(frames, fmt, Path(args.output), args.datum, firms=firms)
    n = sum(len(f) for f in frames.values())
    kept = [k for k, f in frames.items() if len(f)]
    print(f"wrote {n} features from {len(kept)} layers to {path} ({fmt}, {args.datum})")
    empty = [k for k in frames if k not in kept]
    if empty:
        print(f"left out (no feature in the selection): {', '.join(empty)}")
    return 0


def _cmd_build(args) -> int:
    frames = build_and_write()
    for layer_id, gdf in frames.items():
        print(f"built {layer_id}: {len(gdf)} features")
    return 0


def _cmd_validate(args) -> int:
    seeds = Path(args.seeds)
    if not Path(args.data).is_dir():
        raise UsageError(f"data folder {args.data} does not exist")
    problems = validation_problems(Path(args.data), seeds)
    if not seeds.is_dir():
        print(f"note: seed texts not found at {seeds}; citations not checked", file=sys.stderr)
    for p in problems:
        print(p)
    print(f"{len(problems)} problems" if problems else "data valid")
    return 1 if problems else 0


def _cmd_preview(args) -> int:
    from cli.preview import check_image_path, preview_figure

    ids = args.layers or [e.id for e in layers.catalog() if e.id not in ("districts", "g60_cities")]
    frames = selected_layers(ids, args.sector)
    entries = {e.id: e for e in layers.catalog()}
    check_image_path(args.output)
    fig = preview_figure(frames, entries, layers.load("districts"), lang=args.lang)
    with replacing_path(args.output) as tmp:
        fig.savefig(tmp, dpi=args.dpi)
    print(f"wrote {args.output}")
    return 0


def _cmd_firms_import(args) -> int:
    out = Path(args.output)
    check_import_paths(Path(args.file), out)  # before the work: nothing the user has is replaced
    result = firms_or_error(args.file, args.datum, progress=True, sheet=args.sheet, geocoder=args.geocoder)
    rej = write_import(result, out)
    r = result.report
    print(f"rows in {r['rows_in']}: accepted {r['accepted']} → {out}; rejected {r['rejected']} → {rej}")
    for warning in r.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    if r.get("formula_guards_removed"):
        print(f"a file of this tool's: the formula guard ' taken off {r['formula_guards_removed']:,} "
              "cells, which are imported as they first were")
    if r.get("renamed_columns"):
        print("columns renamed (their names, ignoring case, are output columns or repeat "
              "another column): "
              + ", ".join(f"{k} → {v}" for k, v in r["renamed_columns"].items()))
    print(placement_lines(r))
    for fld, count in r["rejected_by_field"].items():
        print(f"  rejected for {fld}: {count}")
    return 0


def _sector_or_error(values) -> str | None:
    """The sector id ``values`` names (UsageError when it names none), None without one."""
    return parse_sector_ids([values])[0] if values else None


def _cmd_measures(args) -> int:
    check_layers([args.layer])
    if args.output:
        check_output(args.output, inputs=[args.firms])
    sector = _sector_or_error(args.sector)
    if args.engine == "dask":
        table, read = _dask_measures(args, sector)
        print(f"rows in {read['in']}: accepted {read['accepted']}, rejected {read['rejected']} "
              "(dask engine; `shmap firms import` writes the rejected rows)", file=sys.stderr)
    else:
        result = firms_or_error(args.firms, args.datum, sheet=args.sheet, points=False)
        table = layer_measures(result.accepted, args.layer, sector,
                               include_inactive=args.include_inactive)
        read = result.report
    if int(read.get("header_row", 1)) > 1:  # title rows above the header, skipped
        print(header_line(read), file=sys.stderr)
    _write_table(table.reset_index(names="id"), args.output)
    print(counted_line(table, args.layer, include_inactive=args.include_inactive), file=sys.stderr)
    return 0


def _dask_measures(args, sector):
    """Measures of one layer on the dask engine: in this process's threads
    (``--scheduler threads``), on the cluster at ``--scheduler tcp://…``, or on a
    LocalCluster of processes started here."""
    from firms.cluster import dask_client  # only on this path
    from firms.scale import measures_dask_layers, measures_dask_spatial

    run = measures_dask_spatial if args.spatial else measures_dask_layers
    if args.scheduler == "threads":
        tables, tally = run(args.firms, [args.layer], sector=sector, datum=args.datum,
                            blocksize=args.blocksize, include_inactive=args.include_inactive,
                            sheet=args.sheet)
    else:
        def say(msg):
            print(msg, file=sys.stderr, flush=True)

        with contextlib.ExitStack() as stack:
            try:
                client = stack.enter_context(dask_client(
                    args.scheduler, workers=args.workers, dashboard=args.dashboard, say=say))
            except OSError as err:  # no scheduler there, or it does not answer
                raise UsageError(f"cannot reach the dask scheduler {args.scheduler}: "
                                 f"{err}") from err
            tables, tally = run(args.firms, [args.layer], sector=sector, datum=args.datum,
                                blocksize=args.blocksize, scheduler=client,
                                include_inactive=args.include_inactive, sheet=args.sheet)
    return tables[args.layer], tally


def _cmd_shortlist(args) -> int:
    sector = _sector_or_error(args.sector)
    if sector is None:
        raise UsageError("--sector needs a sector id or name")
    if args.output:
        check_output(args.output, inputs=[args.firms] if args.firms else [])
    firms = (firms_or_error(args.firms, args.datum, sheet=args.sheet, points=False).accepted
             if args.firms else None)
    table = shortlist(firms, sector).head(args.top)
    _write_table(table.reset_index(names="id"), args.output)
    return 0


def _write_table(table: pd.DataFrame, output: str | None) -> None:
    """Print a table, or write it as formula-safe CSV (UTF-8 with BOM)."""
    if not output:
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            print(table.to_string(index=False))
        return
    with replacing(output, encoding="utf-8-sig") as fh:
        write_table_csv(table, fh)
    print(f"wrote {len(table)} rows to {output}")


def _cmd_measures_of(args) -> int:
    if bool(args.feature) == bool(args.sector):
        raise UsageError("give a FEATURE_ID or --sector ID (one of them)")
    if args.sector:
        sector = cast(str, _sector_or_error(args.sector))  # a given --sector: never None
        table = measures_for_sector(sector)
        targets = sector_targets(sector)
    else:
        known = {fid for e in layers.catalog() for fid in layers.load(e.id).index}
        if args.feature not in known:
            raise UsageError(f"unknown feature {args.feature!r}; `shmap layers` lists the layers")
        table = measures_for_feature(args.feature)
        targets = None
    for row in table.to_dict("records"):
        figure = f" [{row['value']} {row['unit']}, {row['year']}]" if row["value"] else ""
        print(f"{row['id']} ({row['kind']}){figure}: {row['text_zh']} / {row['text_en']}")
        print(f"    {provenance(row)}")
    if targets is not None:
        for row in targets.to_dict("records"):
            print(f"{row['id']} (2025 target): {row['indicator_zh']} {row['value']} {row['unit']}")
            print(f"    {provenance(row)}")
    print(f"{len(table)} measures" + ("" if targets is None else f", {len(targets)} targets"))
    return 0


def _cmd_synth(args) -> int:
    folder = Path(args.output_dir)
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist")
    path = write_synthetic(args.n, args.seed, folder)
    print(f"wrote {args.n} SYNTHETIC firms (not real) to {path}")
    return 0


SHEET_HELP = "the sheet of an .xlsx workbook to read (default: its only sheet with data)"
#: Most synthetic firms one ``shmap synth`` makes (they are built in memory: about 4 GB
#: at this size); for more, write several files with different seeds.
MAX_SYNTHETIC = 10_000_000


def _add_layer_commands(sub) -> None:
    """``layers``, ``export``, ``build``, ``validate``, ``measures-of`` and ``preview``."""
    s = sub.add_parser("layers", help="list the layers with feature counts")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=_cmd_layers)

    s = sub.add_parser("export", help="write layers as GeoJSON, GeoPackage, CSV, FlatGeobuf or "
                                      "GeoParquet")
    s.add_argument("layers", nargs="+", metavar="LAYER")
    s.add_argument("--sector", nargs="*", metavar="ID", help="keep features of these sectors")
    s.add_argument("--datum", choices=DATUMS, default="wgs84")
    s.add_argument("--format", choices=EXPORT_FORMATS,
                   help="default: from the output's extension")
    s.add_argument("-o", "--output", help="the file to write (or --postgis)")
    s.add_argument("--postgis", metavar="URL", help="load into PostGIS instead: a table per "
                   "layer and QGIS styles (postgresql://user@host/db; needs psql)")
    s.add_argument("--firms", metavar="FILE", help="join this firm list's zone measures "
                   "(counts certain and possible, density, shares, LQ, strong clusters) to the zones")
    s.add_argument("--firms-datum", choices=DATUMS, default="wgs84",
                   help="datum of the firm file's coordinates without a 坐标系 column")
    s.set_defaults(func=_cmd_export)

    sub.add_parser("build", help="rebuild data/layers/*.geojson from their definitions"
                   ).set_defaults(func=_cmd_build)

    s = sub.add_parser("validate", help="check every data file; exit 1 on any problem")
    s.add_argument("--seeds", default=str(SEEDS_DIR), help="folder of the seed texts")
    s.add_argument("--data", default=str(DATA_DIR), help="the data folder to check")
    s.set_defaults(func=_cmd_validate)

    s = sub.add_parser("measures-of", help="policy measures and targets of a feature or sector")
    s.add_argument("feature", nargs="?", help="a feature id (e.g. pole_zhangjiang)")
    s.add_argument("--sector", help="a sector id or name instead")
    s.set_defaults(func=_cmd_measures_of)

    s = sub.add_parser("preview", help="draw layers over the districts to a PNG")
    s.add_argument("layers", nargs="*", metavar="LAYER")
    s.add_argument("--sector", nargs="*", metavar="ID")
    s.add_argument("--lang", choices=("zh", "en"), default="zh")
    s.add_argument("--dpi", type=whole_number(10, 600), default=110,
                   help="resolution, 10 to 600 dots per inch (default 110)")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=_cmd_preview)


def _add_firm_commands(sub) -> None:
    """``firms import``, ``measures``, ``shortlist`` and ``synth``."""
    s = sub.add_parser("firms", help="firm lists")
    firms_sub = s.add_subparsers(dest="firms_command", required=True)
    f = firms_sub.add_parser("import", help="check, place and classify a CSV/XLSX/GeoJSON firm list")
    f.add_argument("file")
    f.add_argument("--datum", choices=DATUMS, default="wgs84",
                   help="datum of coordinates without a 坐标系 column (default wgs84)")
    f.add_argument("-o", "--output", required=True,
                   help=".geojson, .gpkg, .fgb, .parquet or .csv (with its .csvt)")
    f.add_argument("--geocoder", metavar="SETTINGS.toml", help="optional online geocoding (off "
                   "by default): a settings file naming provider, key and cache (README)")
    f.add_argument("--sheet", help=SHEET_HELP)
    f.set_defaults(func=_cmd_firms_import)

    s = sub.add_parser("measures", help="firm counts, density, LQ and clusters per zone")
    s.add_argument("firms", help="a firm file (CSV/XLSX/GeoJSON; with --engine dask also "
                                 "Parquet: CSV and Parquet read in blocks from a path every "
                                 "worker sees, XLSX/GeoJSON whole as one block)")
    s.add_argument("--layer", required=True)
    s.add_argument("--sector", help="sector id or name for share, LQ and strong clusters")
    s.add_argument("--datum", choices=DATUMS, default="wgs84")
    s.add_argument("--engine", choices=("memory", "dask"), default="memory",
                   help="dask: read a large CSV/Parquet in blocks with bounded memory, on a "
                        "cluster")
    s.add_argument("--blocksize", default="auto", type=block_size,
                   help="dask block size, e.g. 32MB (default auto: 4 blocks per worker thread, "
                        "8–32 MB)")
    s.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: a dask scheduler (tcp://host:8786), or 'threads' "
                        "for this process only; default: a local cluster of processes")
    s.add_argument("--workers", type=whole_number(1, 1024),
                   help="with --engine dask and no --scheduler: local worker processes "
                        "(default: one per core)")
    s.add_argument("--sheet", help=SHEET_HELP)
    s.add_argument("--dashboard", default=":8787", metavar="[HOST]:PORT",
                   help="with --engine dask and no --scheduler: the local cluster's dashboard "
                        "(default :8787; :0 picks a free port)")
    s.add_argument("--spatial", action="store_true",
                   help="with --engine dask: re-partition firms by a Hilbert spatial index")
    s.add_argument("--include-inactive", action="store_true", help="count 注销/吊销/迁出 firms too")
    s.add_argument("-o", "--output", help="CSV file (printed when omitted)")
    s.set_defaults(func=_cmd_measures)

    s = sub.add_parser("shortlist", help="zones ranked for a sector, each score part shown")
    s.add_argument("--sector", required=True)
    s.add_argument("--firms", help="a firm file; without it LQ and counts are zero")
    s.add_argument("--datum", choices=DATUMS, default="wgs84")
    s.add_argument("--top", type=whole_number(1, 1_000_000), default=20,
                   help="how many zones to list (default 20)")
    s.add_argument("--sheet", help=SHEET_HELP)
    s.add_argument("-o", "--output", help="CSV file (printed when omitted)")
    s.set_defaults(func=_cmd_shortlist)

    s = sub.add_parser("synth", help="write a labelled SYNTHETIC firm file for demos and benchmarks")
    s.add_argument("--n", type=whole_number(1, MAX_SYNTHETIC), required=True,
                   help=f"how many firms, 1 to {MAX_SYNTHETIC:,} (made in memory)")
    s.add_argument("--seed", type=whole_number(0, 2**32 - 1), default=1)
    s.add_argument("-o", "--output-dir", default=".")
    s.set_defaults(func=_cmd_synth)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="shmap", description="Shanghai strategic-industry layout layers")
    sub = p.add_subparsers(dest="command", required=True)
    _add_layer_commands(sub)
    add_gis_commands(sub)
    _add_firm_commands(sub)
    return p


def main(argv=None) -> int:
    """Run one command: a refusal is one ``shmap: error:`` line and exit 2; Ctrl-C (exit
    130) or SIGTERM (exit 143) one ``shmap: stopped`` line, with no file half written."""
    args = parser().parse_args(argv)
    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread (a test's): no handler of ours
        previous = None
    try:
        check_outputs(args)
        return args.func(args)
    except ShmapError as err:
        print(f"shmap: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        print("shmap: stopped; a file being written was removed, earlier files are as they were",
              file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
