"""Read a firm table from an XLSX workbook with bounded work (the file edge).

openpyxl in read-only (streaming) mode, with the sheet's declared
``<dimension>`` discarded: a 5 KB sheet that declares ``A1:XFD1048576`` would
otherwise be padded to a million rows of 16,384 cells. The limits below count
the cells actually present. (python-calamine is faster but builds a dense
rectangle from the first to the last real cell, so two cells at A1 and
XFD1048576 would ask for 17 billion cells before Python could refuse them.)

Every sheet is read. A workbook with data on more than one sheet is refused
with the sheets named, unless the caller names the one to import. Cells come
back as text: numbers keep their spreadsheet form (a credit code stored as a
number reads ``9.14403001922038e+17``, which the importer explains), never
made-up digits.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import ParseError

import pandas as pd

from firms.intake.errors import UnreadableFileError

__all__ = ["MAX_XLSX_CELLS", "MAX_XLSX_COLUMNS", "cell_text", "read_xlsx", "sheet_names"]

#: Total uncompressed size, and compression ratio of any member over 10 MB.
MAX_XLSX_UNCOMPRESSED_BYTES = 1_000_000_000
MAX_XLSX_RATIO = 200
#: Columns read per row; a value further right refuses the sheet.
MAX_XLSX_COLUMNS = 1024
#: Row slots plus cells streamed from the whole workbook (present cells, not declared).
MAX_XLSX_CELLS = 60_000_000


def _check_archive(raw: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as err:
        raise UnreadableFileError(f"{name}: not an .xlsx file (not a zip archive); save it "
                                  "from Excel as .xlsx or export a CSV") from err
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_XLSX_RATIO and info.file_size > 10_000_000:
            raise UnreadableFileError(f"{name}: member {info.filename} expands {ratio:.0f}× "
                                      "(a zip bomb?); refused")
    if total > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise UnreadableFileError(f"{name}: {total / 1e9:.1f} GB uncompressed, over the "
                                  f"{MAX_XLSX_UNCOMPRESSED_BYTES / 1e9:.0f} GB limit; export a "
                                  "CSV instead")
    if "[Content_Types].xml" not in archive.namelist():
        raise UnreadableFileError(f"{name}: not a complete .xlsx workbook (no [Content_Types].xml "
                                  "part); open and save it again in Excel, or export a CSV")


def cell_text(value) -> str:
    """A cell as text: ``""`` for empty, integral floats without ``.0``, large or
    fractional floats in Python's shortest round-trip form (as a spreadsheet shows)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


class _Budget:
    """Counts streamed row slots and cells against :data:`MAX_XLSX_CELLS`."""

    def __init__(self, name: str):
        self.name, self.left = name, MAX_XLSX_CELLS

    def spend(self, cells: int, sheet: str) -> None:
        """Count ``cells`` (a row's slots, or skipped missing rows) plus one."""
        self.left -= cells + 1
        if self.left < 0:
            raise UnreadableFileError(
                f"{self.name}: sheet {sheet!r} holds more than {MAX_XLSX_CELLS:,} cells "
                "(rows × columns actually present); split the workbook or export a CSV")


def _row_texts(row: tuple, sheet: str, number: int, name: str) -> list[str]:
    if len(row) > MAX_XLSX_COLUMNS:
        far = next((i for i, v in enumerate(row[MAX_XLSX_COLUMNS:], MAX_XLSX_COLUMNS + 1)
                    if v is not None), None)
        if far is not None:
            raise UnreadableFileError(
                f"{name}: sheet {sheet!r} row {number} has a value in column "
                f"{_column_letter(far)}, beyond the {MAX_XLSX_COLUMNS:,} columns read; delete "
                "the stray cells or export a CSV")
        row = row[:MAX_XLSX_COLUMNS]
    texts = [cell_text(v) for v in row]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _read_sheet(ws, sheet: str, name: str, budget: _Budget, max_rows: int) -> pd.DataFrame | None:
    """One sheet as a text frame (``None`` when it has no cell with a value)."""
    ws.reset_dimensions()  # ignore the declared <dimension>: only present cells count
    rows = ws.iter_rows(values_only=True)
    header = None
    data: list[list[str]] = []
    gaps = 0
    for number, row in enumerate(rows, start=1):
        if not row:  # a missing row (the fast path: a dimension bomb is a million of these)
            gaps += 1
            continue
        budget.spend(len(row) + gaps, sheet)
        gaps = 0
        texts = _row_texts(row, sheet, number, name)
        if header is None:
            header = texts
        elif texts:
            if len(data) >= max_rows:
                raise UnreadableFileError(f"{name}: sheet {sheet!r} has more than "
                                          f"{max_rows:,} rows: split the file")
            data.append(texts)
    budget.spend(gaps, sheet)
    if not header and not data:
        return None
    width = max([len(header or [])] + [len(r) for r in data])
    names = [(header[i] if header and i < len(header) else "") or f"column_{i + 1}"
             for i in range(width)]
    _refuse_duplicate_headers(names, sheet, name)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in data], columns=names, dtype=str)


def _refuse_duplicate_headers(names: list[str], sheet: str, name: str) -> None:
    seen: dict[str, int] = {}
    for i, header in enumerate(names, start=1):
        if header in seen:
            raise UnreadableFileError(
                f"{name}: sheet {sheet!r} has two columns headed {header!r} (columns "
                f"{_column_letter(seen[header])} and {_column_letter(i)}); rename one so each "
                "header is unique")
        seen[header] = i


def _open(raw: bytes, name: str):
    import openpyxl  # uses defusedxml for the XML parts (a dependency)

    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 — any parser failure on untrusted input
        raise _unreadable(err, name) from err


def _unreadable(err: BaseException, name: str) -> UnreadableFileError:
    """A clear message for a failure inside openpyxl or the XML parser."""
    chain, cause = [], err
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    kinds = {type(e).__name__ for e in chain}
    if kinds & {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden",
                "NotSupportedError", "DefusedXmlException"}:
        return UnreadableFileError(f"{name}: the workbook's XML declares entities or a DTD "
                                   "(refused: XXE / entity expansion); open and save it again "
                                   "in Excel, or export a CSV")
    if any(isinstance(e, (ParseError, zipfile.BadZipFile)) for e in chain):
        return UnreadableFileError(f"{name}: the workbook's XML is damaged ({chain[-1]}); open "
                                   "and save it again in Excel, or export a CSV")
    return UnreadableFileError(f"{name}: not a readable .xlsx workbook "
                               f"({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}); "
                               "open and save it again in Excel, or export a CSV")


def sheet_names(raw: bytes, name: str = "file.xlsx") -> list[str]:
    """The names of a workbook's worksheets, in order (chart sheets left out), so a
    person can pick the one to import; the same refusals as :func:`read_xlsx`."""
    _check_archive(raw, name)
    book = _open(raw, name)
    try:
        return [t for t in book.sheetnames if hasattr(book[t], "iter_rows")]
    finally:
        book.close()


def read_xlsx(raw: bytes, name: str = "file.xlsx", max_rows: int = 2_000_000, *,
              sheet: str | None = None) -> tuple[pd.DataFrame, str]:
    """The one sheet with data (or the named ``sheet``) as text. Returns (frame, sheet name).

    Raises :class:`UnreadableFileError` for a damaged or hostile file, a sheet over the
    limits, duplicate headers, or data on several sheets with none named.
    """
    _check_archive(raw, name)
    book = _open(raw, name)
    budget = _Budget(name)
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise UnreadableFileError(f"{name}: no sheet named {sheet!r}; its sheets are "
                                      + ", ".join(map(repr, names)))
        found = {}
        for title in [sheet] if sheet is not None else names:
            ws = book[title]
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            frame = _read_sheet(ws, title, name, budget, max_rows)
            if frame is not None:
                found[title] = frame
    except UnreadableFileError:
        raise
    except Exception as err:  # noqa: BLE001 — XML errors surface while streaming rows
        raise _unreadable(err, name) from err
    finally:
        book.close()
    if not found:
        raise UnreadableFileError(f"{name}: the workbook has no cell with a value")
    if len(found) > 1:
        listed = ", ".join(f"{t!r} ({len(f):,} row{'' if len(f) == 1 else 's'})"
                           for t, f in found.items())
        raise UnreadableFileError(f"{name}: data on {len(found)} sheets: {listed}; import one "
                                  "sheet at a time (the CLI's --sheet NAME), or copy "
                                  "them into one sheet")
    title, frame = next(iter(found.items()))
    return frame, title
