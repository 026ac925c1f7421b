"""The one way in for a firm list: the app, the command line and the dask engine
all call :func:`import_firm_list`.

It reads the source (a file path, an upload's bytes, or a table of text cells already
read, such as a dask block), then imports it with Shanghai's named places and the
taxonomy's classifier. Progress is reported as stage keys, never as sentences, so
each front door words them in its own language: ``read``, ``check``, ``place`` (only
when some rows are placed by address), ``geocode`` (only with a geocoder and addresses to
ask) and ``classify``; ``join`` is announced by a
caller that goes on to join the firms with the layers (:data:`STAGES`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from firms.intake.geocode import Geocoder
from firms.intake.headers import promote_header
from firms.intake.importer import (
    ACCEPTED_COLUMNS,
    REJECTED_COLUMNS,
    ImportResult,
    Places,
    import_firms,
)
from firms.intake.memory import return_freed_memory
from firms.intake.places import shanghai_places
from firms.intake.readers import read_firm_table, table_from_bytes
from layers.errors import UsageError
from layers.formats import restore_cells

__all__ = ["OWN_HEADERS", "STAGES", "StageCallback", "import_firm_list", "own_csv", "unguarded"]

#: The stages of an import, in order, as keys the screens translate.
STAGES = ("read", "check", "place", "geocode", "classify", "join")

#: ``on_stage(key, values)``: a stage of :data:`STAGES` starts; ``values`` are its figures.
StageCallback = Callable[[str, Mapping[str, object]], None]


def _silent(_key: str, _values: Mapping[str, object]) -> None:
    """The default stage callback: nothing is reported."""


#: The first headers of the CSV files this project writes: the rejected rows and the
#: accepted firms of ``shmap firms import`` (and the app's downloads).
OWN_HEADERS = (REJECTED_COLUMNS, ACCEPTED_COLUMNS[:4])


def own_csv(table: pd.DataFrame) -> bool:
    """Whether a CSV table is one this project wrote (its first headers are ours)."""
    first = tuple(str(c) for c in table.columns[:4])
    return any(first[:len(own)] == own for own in OWN_HEADERS)


def unguarded(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """A table of ours with the formula guard's ``'`` taken off every text cell (so a
    fixed rejected-rows file imports with its original values); how many cells."""
    table = table.copy()
    total = 0
    for col in table.columns:
        table[col], n = restore_cells(table[col])
        total += n
    return table, total


def import_firm_list(source: str | Path | bytes | pd.DataFrame, *, name: str | None = None,
                     datum: str = "wgs84", sheet: str | None = None,
                     on_stage: StageCallback | None = None, points: bool = True,
                     places: Places | None = None,
                     info: Mapping[str, object] | None = None,
                     geocoder: Geocoder | None = None) -> ImportResult:
    """Read and import a firm list (the rules: :mod:`firms.intake.importer`).

    ``source`` is a CSV/XLSX/GeoJSON path, an upload's bytes (``name`` gives its file
    name, whose extension tells the format), or a frame of text cells already read.
    ``datum`` is the file's declared datum (a per-row 坐标系 column wins); ``sheet``
    names the sheet of a workbook with data on several; ``points=False`` keeps lon/lat
    columns only (the join and measures need no point geometries); ``places`` replaces
    Shanghai's named places (tests); ``info`` is added to the report; ``geocoder`` (a
    :class:`firms.intake.geocode.Geocoder`, off by default) asks an online service.
    """
    return_freed_memory()
    say = on_stage or _silent
    read_info: dict[str, object]
    if isinstance(source, pd.DataFrame):
        table, read_info = source, {}
    else:
        if isinstance(source, bytes):
            if not name:
                raise UsageError("an uploaded file needs its name (its extension tells the format)")
            say("read", {"name": name})
            table, read_info = table_from_bytes(source, name, sheet=sheet)
        else:
            name = Path(source).name
            say("read", {"name": name})
            table, read_info = read_firm_table(source, sheet=sheet)
        read_info["file"] = name
        if read_info.get("format") == "xlsx":  # a sheet's header under its title rows
            table, above = promote_header(table)
            read_info.update(above)
        elif read_info.get("format") == "csv" and own_csv(table):
            table, read_info["formula_guards_removed"] = unguarded(table)
    result = import_firms(table, places or shanghai_places(), default_datum=datum,
                          on_stage=say, points=points, geocoder=geocoder)
    result.report.update(read_info)
    result.report.update(info or {})
    say("classify", {"accepted": result.report["accepted"], "rejected": result.report["rejected"]})
    return result
