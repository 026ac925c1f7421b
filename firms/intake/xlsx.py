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
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import errors as expat_errors

import pandas as pd

from firms.intake.errors import UnreadableFileError
from firms.intake.messages import said

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
        raise UnreadableFileError(said("xlsx_not_zip", name=name)) from err
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_XLSX_RATIO and info.file_size > 10_000_000:
            raise UnreadableFileError(said("xlsx_zip_bomb", name=name, member=info.filename,
                                           ratio=f"{ratio:.0f}"))
    if total > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise UnreadableFileError(said("xlsx_too_big", name=name, gb=f"{total / 1e9:.1f}",
                                       limit_gb=f"{MAX_XLSX_UNCOMPRESSED_BYTES / 1e9:.0f}"))
    if "[Content_Types].xml" not in archive.namelist():
        raise UnreadableFileError(said("xlsx_incomplete", name=name))


def cell_text(value: object) -> str:
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
            raise UnreadableFileError(said("xlsx_too_many_cells", name=self.name,
                                           sheet=repr(sheet), limit=f"{MAX_XLSX_CELLS:,}"))


def _row_texts(row: tuple[object, ...], sheet: str, number: int, name: str) -> list[str]:
    if len(row) > MAX_XLSX_COLUMNS:
        far = next((i for i, v in enumerate(row[MAX_XLSX_COLUMNS:], MAX_XLSX_COLUMNS + 1)
                    if v is not None), None)
        if far is not None:
            raise UnreadableFileError(said("xlsx_stray_column", name=name, sheet=repr(sheet),
                                           row=number, column=_column_letter(far),
                                           limit=f"{MAX_XLSX_COLUMNS:,}"))
        row = row[:MAX_XLSX_COLUMNS]
    texts = [cell_text(v) for v in row]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _read_sheet(ws: Any, sheet: str, name: str, budget: _Budget, max_rows: int) -> pd.DataFrame | None:
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
                raise UnreadableFileError(said("xlsx_too_many_rows", name=name,
                                               sheet=repr(sheet), limit=f"{max_rows:,}"))
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
            raise UnreadableFileError(said("xlsx_duplicate_header", name=name,
                                           sheet=repr(sheet), header=repr(header),
                                           first=_column_letter(seen[header]),
                                           second=_column_letter(i)))
        seen[header] = i


def _open(raw: bytes, name: str) -> Any:
    import openpyxl  # uses defusedxml for the XML parts (a dependency)

    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 — any parser failure on untrusted input
        raise _unreadable(err, name, raw) from err


def _unreadable(err: BaseException, name: str, raw: bytes = b"") -> UnreadableFileError:
    """A clear message for a failure inside openpyxl or the XML parser."""
    chain: list[BaseException] = []
    cause: BaseException | None = err
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    kinds = {type(e).__name__ for e in chain}
    if kinds & {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden",
                "NotSupportedError", "DefusedXmlException"}:
        return UnreadableFileError(said("xlsx_entities", name=name))
    xml = next((e for e in chain if isinstance(e, ParseError)), None)
    if xml is not None:  # expat's own words by its error code, and where
        line, column = getattr(xml, "position", (0, 0))
        return UnreadableFileError(said("xlsx_xml_damaged", name=name, detail=chain[-1],
                                        reason=expat_errors.messages.get(xml.code, ""),
                                        line=line, column=column))
    if any(isinstance(e, zipfile.BadZipFile) for e in chain):
        return UnreadableFileError(said("xlsx_zip_damaged", name=name, detail=chain[-1],
                                        member=_bad_member(raw)))
    return UnreadableFileError(said("xlsx_unreadable", name=name, error=type(err).__name__,
                                    detail=str(err).splitlines()[0] if str(err) else ""))


def _bad_member(raw: bytes) -> str:
    """The first member of a workbook whose data fails its CRC ("" when none is found)."""
    try:
        return zipfile.ZipFile(io.BytesIO(raw)).testzip() or ""
    except (zipfile.BadZipFile, OSError, EOFError):
        return ""


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
            raise UnreadableFileError(said("xlsx_no_sheet", name=name, sheet=repr(sheet),
                                           sheets=", ".join(map(repr, names))))
        found, hidden = {}, []
        for title in [sheet] if sheet is not None else names:
            ws = book[title]
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            frame = _read_sheet(ws, title, name, budget, max_rows)
            if frame is not None:
                found[title] = frame
                if getattr(ws, "sheet_state", "visible") != "visible":
                    hidden.append(title)
    except UnreadableFileError:
        raise
    except Exception as err:  # noqa: BLE001 — XML errors surface while streaming rows
        raise _unreadable(err, name, raw) from err
    finally:
        book.close()
    if not found:
        raise UnreadableFileError(said("xlsx_empty", name=name))
    if len(found) > 1:
        listed = ", ".join(f"{t!r} ({len(f):,} row{'' if len(f) == 1 else 's'})"
                           for t, f in found.items())
        rows = ", ".join(f"{t!r}: {len(f):,}" for t, f in found.items())
        if hidden:  # a lookup table hidden from view: named as such
            raise UnreadableFileError(said("xlsx_several_sheets_hidden", name=name,
                                           count=len(found), sheets=listed, rows=rows,
                                           hidden=", ".join(map(repr, hidden))))
        raise UnreadableFileError(said("xlsx_several_sheets", name=name, count=len(found),
                                       sheets=listed, rows=rows))
    title, frame = next(iter(found.items()))
    return frame, title
