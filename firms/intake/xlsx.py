"""Read a firm table from an XLSX workbook with bounded work (the file edge).

python-calamine (Rust) reads the sheets: about 8× faster than openpyxl's streaming
read. It builds each sheet as a dense rectangle up to its furthest value and keeps
every shared string, so what that would cost is measured first from the zip directory
and a scan of the XML bytes, and a workbook over the limits is refused by name before
the reader runs (:mod:`firms.intake.xlsx_scan`). A declared ``<dimension>`` is never
trusted: only cells with a value count.

Every sheet is read. A workbook with data on more than one sheet is refused
with the sheets named, unless the caller names the one to import. Cells come
back as text: numbers keep their spreadsheet form (a credit code stored as a
number reads ``9.14403001922038e+17``, which the importer explains), never
made-up digits.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.etree.ElementTree import ParseError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from firms.intake import xlsx_scan
from firms.intake.errors import UnreadableFileError
from firms.intake.messages import said
from firms.intake.xlsx_scan import (
    MAX_XLSX_CELLS,
    MAX_XLSX_COLUMNS,
    check_archive,
    column_letter,
    damaged,
    sheet_parts,
    workbook_cells,
)

__all__ = ["MAX_XLSX_CELLS", "MAX_XLSX_COLUMNS", "cell_text", "read_xlsx", "sheet_names"]


def cell_text(value: object) -> str:
    """A cell as text: ``""`` for empty, integral floats without ``.0``, large or
    fractional floats in Python's shortest round-trip form (as a spreadsheet shows)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def _numbers(values: np.ndarray) -> pa.Array[Any]:
    """Numbers as :func:`cell_text` writes them, vectorised where Arrow's shortest form
    is Python's (integral below 10¹⁵; fractions from 10⁻⁴ to 10⁹), the rest one by one."""
    size = np.abs(values)
    whole = (values == np.round(values)) & (size < 1e15)
    plain = ~whole & (size >= 1e-4) & (size < 1e9)
    out = np.empty(len(values), object)
    out[whole] = pc.cast(pa.array(values[whole].astype(np.int64)), pa.string()).to_numpy(
        zero_copy_only=False)
    out[plain] = pc.cast(pa.array(values[plain]), pa.string()).to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~whole & ~plain)
    out[rest] = [cell_text(float(v)) for v in values[rest]]
    return pa.array(out, pa.large_string())


def _column(values: tuple[object, ...]) -> pa.Array[Any]:
    """One column's cells as Arrow text (strings trimmed, others by :func:`cell_text`)."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return pc.utf8_trim_whitespace(pa.array(values, pa.large_string()))
    if kinds == {float}:
        return _numbers(np.fromiter(values, float, len(values)))
    return pa.array([cell_text(v) for v in values], pa.large_string())


def _frame(rows: list[list[object]], sheet: str, name: str, max_rows: int) -> pd.DataFrame | None:
    """A sheet's rows (dense, "" where empty) as a text frame: the first row with a value
    is the header, rows without one are left out (``None`` when no cell has a value)."""
    rows = [r for r in rows if r.count("") < len(r)]
    if not rows:
        return None
    if len(rows) - 1 > max_rows:
        raise UnreadableFileError(said("xlsx_too_many_rows", name=name, sheet=repr(sheet),
                                       limit=f"{max_rows:,}"))
    columns = list(zip(*rows, strict=True))
    while columns and all(v == "" for v in columns[-1]):
        columns.pop()
    most = xlsx_scan.MAX_XLSX_COLUMNS
    if len(columns) > most:  # cells placed by order, not by reference
        number = next(i for i, r in enumerate(rows) if r[most:].count("") < len(r[most:]))
        raise UnreadableFileError(said("xlsx_stray_column", name=name, sheet=repr(sheet),
                                       row=number + 1, column=column_letter(len(columns)),
                                       limit=f"{most:,}"))
    header = [cell_text(c[0]) for c in columns]
    names = [h or f"column_{i + 1}" for i, h in enumerate(header)]
    _refuse_duplicate_headers(names, sheet, name)
    table = pa.table([_column(c[1:]) for c in columns], names=[str(i) for i in range(len(names))])
    del columns, rows
    frame = table.to_pandas()
    frame.columns = names
    return frame


def _refuse_duplicate_headers(names: list[str], sheet: str, name: str) -> None:
    seen: dict[str, int] = {}
    for i, header in enumerate(names, start=1):
        if header in seen:
            raise UnreadableFileError(said("xlsx_duplicate_header", name=name,
                                           sheet=repr(sheet), header=repr(header),
                                           first=column_letter(seen[header]),
                                           second=column_letter(i)))
        seen[header] = i


def _open(raw: bytes, name: str) -> Any:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except CalamineError as err:
        raise _unreadable(err, name) from err


def _unreadable(err: BaseException, name: str) -> UnreadableFileError:
    """A clear message for a failure inside the reader (its words when it has no better)."""
    return UnreadableFileError(said("xlsx_unreadable", name=name, error=type(err).__name__,
                                    detail=str(err).splitlines()[0] if str(err) else ""))


def _xml_problem(archive: zipfile.ZipFile, member: str) -> BaseException | None:
    """What Python's XML parser (or zipfile) finds wrong with a part the reader refused."""
    from xml.etree.ElementTree import XMLPullParser

    parser: XMLPullParser[Any] = XMLPullParser()
    try:
        with archive.open(member) as fh:
            while chunk := fh.read(1 << 20):
                parser.feed(chunk)
        parser.close()
    except (ParseError, zipfile.BadZipFile, OSError, EOFError) as err:
        return err
    return None


def sheet_names(raw: bytes, name: str = "file.xlsx") -> list[str]:
    """The names of a workbook's worksheets, in order (chart sheets left out), so a
    person can pick the one to import; the same refusals as :func:`read_xlsx`."""
    return list(sheet_parts(check_archive(raw, name), name))


def _read_sheet(book: Any, archive: zipfile.ZipFile, member: str, title: str, name: str,
                max_rows: int) -> pd.DataFrame | None:
    from python_calamine import CalamineError

    try:
        rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except CalamineError as err:
        problem = _xml_problem(archive, member)
        if problem is not None:
            raise damaged(name, problem, member=member) from err
        raise _unreadable(err, name) from err
    return _frame(rows, title, name, max_rows)


def read_xlsx(raw: bytes, name: str = "file.xlsx", max_rows: int = 2_000_000, *,
              sheet: str | None = None) -> tuple[pd.DataFrame, str]:
    """The one sheet with data (or the named ``sheet``) as text. Returns (frame, sheet name).

    Raises :class:`UnreadableFileError` for a damaged or hostile file, a sheet over the
    limits, duplicate headers, or data on several sheets with none named.
    """
    archive = check_archive(raw, name)
    parts = sheet_parts(archive, name)
    if sheet is not None and sheet not in parts:
        raise UnreadableFileError(said("xlsx_no_sheet", name=name, sheet=repr(sheet),
                                       sheets=", ".join(map(repr, parts))))
    titles = [sheet] if sheet is not None else list(parts)
    workbook_cells(archive, parts, titles, name)
    book = _open(raw, name)
    try:
        shown = {m.name: str(m.visible).rsplit(".", 1)[-1].lower() == "visible"
                 for m in book.sheets_metadata}
        found = {}
        for title in titles:
            frame = _read_sheet(book, archive, parts[title], title, name, max_rows)
            if frame is not None:
                found[title] = frame
    finally:
        book.close()
    if not found:
        raise UnreadableFileError(said("xlsx_empty", name=name))
    if len(found) > 1:
        listed = ", ".join(f"{t!r} ({len(f):,} row{'' if len(f) == 1 else 's'})"
                           for t, f in found.items())
        rows = ", ".join(f"{t!r}: {len(f):,}" for t, f in found.items())
        hidden = [t for t in found if not shown.get(t, True)]
        if hidden:  # a lookup table hidden from view: named as such
            raise UnreadableFileError(said("xlsx_several_sheets_hidden", name=name,
                                           count=len(found), sheets=listed, rows=rows,
                                           hidden=", ".join(map(repr, hidden))))
        raise UnreadableFileError(said("xlsx_several_sheets", name=name, count=len(found),
                                       sheets=listed, rows=rows))
    title, frame = next(iter(found.items()))
    return frame, title
