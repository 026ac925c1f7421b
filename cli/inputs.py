"""What the commands share: the layers a command names, and a firm file imported with its
stages printed — each refusal one :class:`UsageError` line."""

from __future__ import annotations

import sys

import geopandas as gpd

import layers
from firms.intake import import_firm_list
from firms.intake.geocode import load_geocoder
from geo.errors import ShmapError
from layers.errors import UsageError
from layers.exporting import filter_by_sectors
from layers.sectors import parse_sector_ids

__all__ = ["STAGE_LINES", "check_layers", "firms_or_error", "selected_layers"]


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
