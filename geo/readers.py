"""Read firm tables from CSV, XLSX or GeoJSON into text columns (the file edge).

Every cell comes back as text (``""`` when empty), so codes keep their leading
zeros and a column of digits with a blank cell never turns into floats. The
parsing and checking of values happens in :mod:`geo.firms`, which is pure.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from geo.errors import UnreadableFileError

#: Largest number of data rows read from one file: a sanity cap only; what memory
#: allows is checked from the file's size (:func:`check_memory`).
MAX_ROWS = 500_000_000
#: Peak memory of an in-memory import and its measures, per byte of CSV file
#: (measured: about 600 MB over the interpreter's own for an 84 MB file of 1M firms;
#: docs/scale.md), rounded up.
IMPORT_MEMORY_PER_FILE_BYTE = 8
#: XLSX safety limits: total uncompressed size, and compression ratio of any member.
MAX_XLSX_UNCOMPRESSED_BYTES = 1_000_000_000
MAX_XLSX_RATIO = 200
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json")


def decode_csv(raw: bytes, name: str = "file") -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else GB18030, strictly.

    Returns (text, encoding). No replacement characters: undecodable bytes raise
    :class:`UnreadableFileError` naming the byte and its offset.
    """
    first_error: UnicodeDecodeError | None = None
    for enc in CSV_ENCODINGS:
        try:
            return raw.decode(enc, errors="strict"), enc
        except UnicodeDecodeError as err:
            first_error = first_error or err
    assert first_error is not None
    bad = raw[first_error.start:first_error.start + 1].hex()
    raise UnreadableFileError(f"{name}: not UTF-8 or GB18030 text (byte 0x{bad} at offset "
                       f"{first_error.start}); save it as UTF-8 CSV")


def table_from_csv_text(text: str, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Parse CSV text into a frame of strings (empty cells as "").

    Arrow's CSV reader does the work (about 4× faster than pandas' at a million
    rows), every column read as text; a file it cannot take (duplicate headers,
    ragged rows) goes through pandas, whose error names the line.
    """
    header = next(csv.reader(io.StringIO(text[:65536])), [])
    names = [h.strip() for h in header]
    if names and len(set(names)) == len(names) and all(names):
        try:
            table = pacsv.read_csv(
                io.BytesIO(text.encode("utf-8")),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={h: pa.string() for h in header},
                    strings_can_be_null=False, quoted_strings_can_be_null=False))
            if table.num_rows > max_rows:
                raise UnreadableFileError(f"more than {max_rows:,} rows: split the file or import "
                                          "a sample")
            return _cap(table.to_pandas(), max_rows)
        except pa.ArrowInvalid:
            pass
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                            skipinitialspace=False, nrows=max_rows + 1)
    except (pd.errors.ParserError, ValueError) as err:
        raise UnreadableFileError(f"not a readable CSV table: {err}") from err
    return _cap(frame, max_rows)


def table_from_utf8_csv(raw: bytes, max_rows: int = MAX_ROWS) -> pd.DataFrame | None:
    """The CSV fast path: Arrow parses UTF-8 bytes directly (no decode and re-encode
    of the whole file; Arrow checks the UTF-8). None when the bytes are not UTF-8 or
    Arrow cannot take the table, so that the careful path (:func:`decode_csv`,
    :func:`table_from_csv_text`) reads it and names the problem."""
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    head = body[:65536]
    head = head[:head.rfind(b"\n") + 1] if b"\n" in head else head
    try:
        header = next(csv.reader(io.StringIO(head.decode("utf-8"))), [])
    except UnicodeDecodeError:
        return None
    names = [h.strip() for h in header]
    if not names or len(set(names)) != len(names) or not all(names):
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.large_string()),  # pandas' own type
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    if table.num_rows > max_rows:
        raise UnreadableFileError(f"more than {max_rows:,} rows: split the file or import a sample")
    frame = table.combine_chunks().to_pandas()  # one chunk a column: no copies later
    del table
    pa.default_memory_pool().release_unused()  # the parser's buffers, back to the system
    return _cap(frame, max_rows)


def _cap(frame: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    if len(frame) > max_rows:
        raise UnreadableFileError(f"more than {max_rows:,} rows: split the file or import a sample")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _check_xlsx_archive(raw: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as err:
        raise UnreadableFileError(f"{name}: not an .xlsx file (not a zip archive)") from err
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_XLSX_RATIO and info.file_size > 10_000_000:
            raise UnreadableFileError(f"{name}: member {info.filename} expands {ratio:.0f}× "
                               "(a zip bomb?); refused")
    if total > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise UnreadableFileError(f"{name}: {total / 1e9:.1f} GB uncompressed, over the "
                           f"{MAX_XLSX_UNCOMPRESSED_BYTES / 1e9:.0f} GB limit; export a CSV instead")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def table_from_xlsx_bytes(raw: bytes, name: str = "file.xlsx",
                          max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """The first sheet of an XLSX as strings; numbers keep their spreadsheet form
    (a credit code stored as a number shows as ``9.14403001922038e+17``)."""
    import openpyxl  # uses defusedxml for the XML parts when it is installed

    _check_xlsx_archive(raw, name)
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UnreadableFileError(f"{name}: the first sheet is empty")
        data = []
        for i, row in enumerate(rows):
            if i >= max_rows:
                raise UnreadableFileError(f"{name}: more than {max_rows:,} rows: split the file")
            data.append([_cell_text(v) for v in row])
    finally:
        book.close()
    width = len(header)
    data = [(r + [""] * width)[:width] for r in data if any(r)]
    frame = pd.DataFrame(data, columns=[_cell_text(h) or f"column_{i + 1}"
                                        for i, h in enumerate(header)], dtype=str)
    return _cap(frame, max_rows)


def table_from_geojson_text(text: str, name: str = "file.geojson",
                            max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Feature properties as strings, plus ``lon``/``lat`` from Point geometries.

    A feature whose geometry is not a Point gets its type in ``__geometry_error``
    so that the importer can reject that row with the reason.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise UnreadableFileError(f"{name}: not valid JSON ({err.msg} at line {err.lineno})") from err
    if doc.get("type") != "FeatureCollection":
        raise UnreadableFileError(f"{name}: expected a GeoJSON FeatureCollection")
    rows = []
    for feat in doc.get("features", []):
        props = {k: _cell_text(v) for k, v in (feat.get("properties") or {}).items()}
        geom = feat.get("geometry") or {}
        if geom.get("type") == "Point" and len(geom.get("coordinates", [])) >= 2:
            props["lon"], props["lat"] = (_cell_text(c) for c in geom["coordinates"][:2])
        elif geom:
            props["__geometry_error"] = f"geometry is a {geom.get('type')}, not a Point"
        rows.append(props)
    frame = pd.DataFrame(rows, dtype=str).fillna("")
    return _cap(frame, max_rows)


def available_memory() -> int:
    """Bytes of memory this machine can still give (Linux: MemAvailable; elsewhere
    half of the physical memory)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    except (ValueError, OSError, AttributeError):
        return 1 << 62  # unknown: do not refuse


def check_memory(size: int, name: str, *, available: int | None = None) -> None:
    """Refuse a file whose in-memory import would not fit: its size in bytes times
    :data:`IMPORT_MEMORY_PER_FILE_BYTE` against :func:`available_memory`."""
    need = size * IMPORT_MEMORY_PER_FILE_BYTE
    available = available_memory() if available is None else available
    if need > available:
        raise UnreadableFileError(
            f"{name}: {size / 1e6:,.0f} MB; importing it in memory needs about "
            f"{need / 1e9:,.1f} GB (about {IMPORT_MEMORY_PER_FILE_BYTE}× the file size) and "
            f"{available / 1e9:,.1f} GB are free: use `shmap measures --engine dask` (blocks, "
            "or a cluster: docs/scale.md) or split the file")


def read_firm_table(path: str | Path, max_rows: int = MAX_ROWS) -> tuple[pd.DataFrame, dict]:
    """Read a firm file by its extension. Returns (text frame, info about the read)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFileError(f"{path.name}: unsupported file type {suffix or '(none)'}; "
                           "use .csv, .xlsx or .geojson")
    try:
        check_memory(path.stat().st_size, path.name)
        raw = path.read_bytes()
    except OSError as err:
        raise UnreadableFileError(f"{path}: cannot read ({err.strerror})") from err
    return table_from_bytes(raw, path.name, max_rows)


def table_from_bytes(raw: bytes, name: str, max_rows: int = MAX_ROWS) -> tuple[pd.DataFrame, dict]:
    """Like :func:`read_firm_table` for bytes already in memory (an upload)."""
    check_memory(len(raw), name)
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return table_from_xlsx_bytes(raw, name, max_rows), {"format": "xlsx"}
    if suffix in (".csv", ".txt"):
        fast = table_from_utf8_csv(raw, max_rows)
        if fast is not None:
            return fast, {"format": "csv", "encoding": "utf-8-sig"}
    text, encoding = decode_csv(raw, name)
    if suffix in (".geojson", ".json"):
        return table_from_geojson_text(text, name, max_rows), {"format": "geojson",
                                                               "encoding": encoding}
    if suffix in (".csv", ".txt"):
        return table_from_csv_text(text, max_rows), {"format": "csv", "encoding": encoding}
    raise UnreadableFileError(f"{name}: unsupported file type {suffix or '(none)'}; "
                       "use .csv, .xlsx or .geojson")
