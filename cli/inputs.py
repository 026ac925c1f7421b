"""What the commands share: the layers a command names, and a firm file imported with its
stages printed — each refusal one :class:`UsageError` line."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

import layers
from firms.intake import import_firm_list
from firms.intake.geocode import load_geocoder
from geo.errors import ShmapError
from layers.errors import UsageError
from layers.exporting import filter_by_sectors
from layers.sectors import parse_sector_ids
from layers.settings import DATA_DIR

__all__ = ["OUTPUT_ARGUMENTS", "STAGE_LINES", "Terminated", "block_size", "check_layers", "check_outputs",
           "counted_line", "geocoder_line", "header_line", "placement_lines",
           "firms_or_error", "selected_layers", "terminate", "whole_number"]


def check_layers(layer_ids) -> None:
    known = {e.id for e in layers.catalog()}
    unknown = [i for i in layer_ids if i not in known]
    if unknown:
        raise UsageError(f"unknown layer {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def selected_layers(layer_ids, sector_ids) -> dict[str, gpd.GeoDataFrame]:
    """The named layers, each filtered to the sectors (unknown ids raise UsageError)."""
    check_layers(layer_ids)
    sectors = parse_sector_ids(sector_ids or [])  # UsageError for an unknown id
    return {i: filter_by_sectors(layers.load(i), sectors) for i in layer_ids}


#: What the command line prints as each import stage starts (stderr).
STAGE_LINES = {
    "read": "reading {name}",
    "check": "checking {rows:,} rows",
    "place": "placing {rows:,} rows by address",
    "geocode": "asking the online geocoder for {addresses:,} addresses",
    "classify": "{accepted:,} accepted, {rejected:,} rejected",
}


def _print_stage(key: str, values) -> None:
    if key in STAGE_LINES:
        print(f"… {STAGE_LINES[key].format(**values)}", file=sys.stderr, flush=True)


def firms_or_error(path: str, datum: str, *, progress: bool = False,
                    sheet: str | None = None, points: bool = True, geocoder=None):
    """A firm file imported (``progress``: each stage on stderr), or its refusal as a
    :class:`UsageError` whose message names what and why. ``geocoder``: a settings file
    of the optional online geocoder (off when None)."""
    try:
        coder = load_geocoder(geocoder) if geocoder else None
        return import_firm_list(path, datum=datum, sheet=sheet, points=points, geocoder=coder,
                                on_stage=_print_stage if progress else None)
    except ShmapError as err:  # an unreadable file or table: the message names what and why
        raise UsageError(str(err)) from err


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, else argparse's one-line
    error (exit 2) saying the range."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value:,} is out of range: give {low:,} to "
                                             f"{high:,}")
        return value
    return parse


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20,
          "gib": 2**30}


def block_size(text: str) -> str:
    """An argparse type: ``auto`` or a size in bytes (``32MB``, ``64MiB``, ``1000000``) from
    64 KB to 2 GB, kept as written for dask; else argparse's one-line error."""
    if text == "auto":
        return text
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", text)
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _UNITS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: give auto or e.g. 32MB")
    size = float(m.group(1)) * _UNITS[unit]
    if not 64_000 <= size <= 2 * 10**9:
        raise argparse.ArgumentTypeError(f"{text} is out of range: give 64KB to 2GB")
    return text


#: The arguments that name a file or folder a command writes.
OUTPUT_ARGUMENTS = ("output", "output_dir")


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse an output inside the project's own ``data/`` folder (its layer files, base
    data and taxonomy), which only ``shmap build`` writes."""
    if args.command == "build":
        return
    data = DATA_DIR.resolve()
    for name in OUTPUT_ARGUMENTS:
        path = getattr(args, name, None)
        if not path:
            continue
        where = Path(path).resolve()
        if where == data or data in where.parents:
            raise UsageError(f"cannot write {path}: it is in the project's own data folder "
                             f"{DATA_DIR}, which only `shmap build` writes; choose a path "
                             "outside it")


class Terminated(KeyboardInterrupt):
    """A stop request (SIGTERM), unwound like Ctrl-C so every write in progress removes
    its temporary file."""


def terminate(signum, frame):
    """The command line's SIGTERM handler: raise :class:`Terminated`."""
    raise Terminated


def placement_lines(report: Mapping[str, Any]) -> str:
    """An import's header row (when under title rows), header mapping, rows by placement
    level and the other counts, as the command line prints them."""
    lines = [header_line(report)] if int(report.get("header_row", 1)) > 1 else []
    lines.append("headers: " + ", ".join(f"{k} → {v}"
                                         for k, v in report["header_mapping"].items()))
    lines.append("placed by: " + ", ".join(f"{k} {v}" for k, v in
                                           report["placement_levels"].items())
                 + f"; deregistered/revoked/moved out (flagged, not counted): "
                   f"{report['inactive']}")
    lines.append(f"datum assumed where none given: {report['default_datum']}; swapped lon/lat "
                 f"fixed: {report['swapped_fixed']}; placed by address: "
                 f"{report['placed_by_address']}; invalid credit codes flagged: "
                 f"{report['invalid_uscc_flagged']}; unclassified: {report['unclassified']}")
    if "geocoder" in report:
        lines.append(geocoder_line(report["geocoder"]))
    return "\n".join(lines)


def geocoder_line(geocoded: Mapping[str, Any]) -> str:
    """What the online geocoder did: firms placed per precision band, requests sent and
    answers from the cache, and its failure (the import went on without it)."""
    bands = ", ".join(f"±{b:,} m {n:,}" for b, n in geocoded["bands"].items())
    line = (f"geocoder {geocoded['provider']}: placed {geocoded['placed']:,} firms"
            + (f" ({bands})" if bands else "") + f" of {geocoded['addresses']:,} addresses; "
            f"{geocoded['requests']:,} requests sent, {geocoded['cached']:,} answered from the "
            "cache")
    failure = geocoded.get("failure")
    if failure:
        detail = f" ({failure['detail']})" if failure["detail"] else ""
        line += (f"\ngeocoder failed: {failure['kind']}{detail}; {failure['unasked']:,} "
                 "addresses not asked, placed by the offline rules; import again to retry them")
    limit = geocoded.get("limit")
    if limit:
        line += (f"\ngeocoder limit of {limit['max_requests']:,} requests per import reached: "
                 f"{limit['unasked']:,} addresses not asked, placed by the offline rules")
    return line


def header_line(report: Mapping[str, Any]) -> str:
    """Where the header was found under title rows, and the text above it (an import's
    report, or the dask engine's tally)."""
    return (f"header on row {report['header_row']}; above it: "
            + " | ".join(report.get("above_header", [])))


def counted_line(table: pd.DataFrame, layer: str, *, include_inactive: bool) -> str:
    """Certain and possible firm totals of a layer's measures, as ``shmap measures`` says them."""
    return (f"{table['firms'].sum():,} firms in a zone of {layer}; up to "
            f"{table['firms_possible'].sum():,} with those placed too coarsely to say "
            f"({table.attrs.get('coarse_firms', 0):,} such firms; measures use the certain counts)"
            + ("" if include_inactive else "; deregistered/revoked/moved-out firms left out"))
