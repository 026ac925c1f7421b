"""Read firm tables from CSV, XLSX or GeoJSON into text columns (the file edge).

Every cell comes back as text (``""`` when empty), so codes keep their leading
zeros and a column of digits with a blank cell never turns into floats. The
parsing and checking of values happens in :mod:`firms.intake.importer`, which is pure.

Work is bounded for every reader (rows, header size, XLSX cells actually present
— see :mod:`firms.intake.xlsx` —, GeoJSON read as a stream: :mod:`firms.intake.geojson`),
and every refusal is one :class:`UnreadableFileError` saying what, where and how to fix it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, cast

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from firms.intake.arrow_csv import CSV_BLOCK_BYTES, MAX_HEADER_CHARS, utf8_table
from firms.intake.errors import UnreadableFileError
from firms.intake.geojson import table_from_geojson
from firms.intake.headers import HEADER_SEARCH_BYTES, header_start, skip_title_lines
from firms.intake.messages import Said, said, shifted
from firms.intake.xlsx import read_xlsx

__all__ = [
    "CSV_BLOCK_BYTES", "CSV_ENCODINGS", "IMPORT_MEMORY_PER_FILE_BYTE", "MAX_GEOJSON_BYTES", "MAX_HEADER_CHARS",
    "MAX_ROWS", "SUFFIXES", "available_memory", "check_memory", "decode_csv", "decode_error_at", "encoding_warning",
    "read_firm_table", "sniff_encoding", "table_from_bytes",
    "table_from_csv_text", "table_from_utf8_csv",
    "table_from_xlsx_bytes"
]

#: Largest number of data rows read from one file: a sanity cap only; what memory
#: allows is checked from the file's size (:func:`check_memory`).
MAX_ROWS = 500_000_000
#: Peak memory of an in-memory import and its measures, per byte of CSV file
#: (measured: about 600 MB over the interpreter's own for an 84 MB file of 1M firms;
#: docs/scale.md), rounded up.
IMPORT_MEMORY_PER_FILE_BYTE = 8
#: Largest GeoJSON file: it is read as a stream (:mod:`firms.intake.geojson`), but its
#: text repeats every key per feature, so CSV is the format for larger lists.
MAX_GEOJSON_BYTES = 128_000_000
#: Bytes of a file's head that decide its encoding when it is read as a stream.
HEAD_BYTES = 1 << 20
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json")


def decode_csv(raw: bytes, name: str = "file") -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else GB18030, strictly.

    Returns (text, encoding). No replacement characters: undecodable bytes raise
    :class:`UnreadableFileError` naming the byte and its offset.
    """
    return _decoded(raw, name, final=True)


def sniff_encoding(head: bytes, name: str = "file") -> str:
    """The encoding :func:`decode_csv` would choose, from a file's first bytes (a
    character cut at their end is allowed); for readers that decode by blocks."""
    return _decoded(head, name, final=False)[1]


def _decoded(data: bytes, name: str, *, final: bool) -> tuple[str, str]:
    first_error: UnicodeDecodeError | None = None
    for enc in CSV_ENCODINGS:
        try:
            return codecs.getincrementaldecoder(enc)(errors="strict").decode(data, final=final), enc
        except UnicodeDecodeError as err:
            first_error = first_error or err
    assert first_error is not None
    offset, bad = decode_error_at(first_error, data)
    raise UnreadableFileError(said("not_text", name=name, byte=bad.hex(), offset=offset))


def decode_error_at(err: UnicodeDecodeError, data: bytes) -> tuple[int, bytes]:
    """Where a decoding error of ``data`` lies in ``data``, and its first byte. The error
    counts in the bytes the decoder read: without a BOM it took off (UTF-8-SIG), with the
    bytes of a character cut at the end of the block before (an incremental decoder)."""
    return err.start + len(data) - len(err.object), err.object[err.start:err.start + 1]


def table_from_csv_text(text: str, max_rows: int = MAX_ROWS, *, name: str = "file") -> pd.DataFrame:
    """Parse CSV text into a frame of strings (empty cells as "").

    Arrow's CSV reader does the work (about 4× faster than pandas' at a million
    rows), every column read as text; a file it cannot take (duplicate headers,
    ragged rows) goes through pandas, whose error names the line. A header line
    longer than :data:`MAX_HEADER_CHARS` is refused.
    """
    first_line = text.find("\n", 0, MAX_HEADER_CHARS + 1)
    if first_line == -1 and len(text) > MAX_HEADER_CHARS:
        raise UnreadableFileError(said("header_too_long", name=name,
                                       kb=MAX_HEADER_CHARS // 1024))
    try:
        header = next(csv.reader(io.StringIO(text[:MAX_HEADER_CHARS])), [])
    except csv.Error as err:
        raise UnreadableFileError(said("header_not_csv", name=name, detail=err)) from err
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
                raise UnreadableFileError(said("too_many_rows", limit=f"{max_rows:,}"))
            return _cap(table.to_pandas(), max_rows)
        except pa.ArrowException:
            pass
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                            skipinitialspace=False, nrows=max_rows + 1)
    except (pd.errors.ParserError, ValueError) as err:
        raise UnreadableFileError(_csv_problem(text, name, err)) from err
    return _cap(frame, max_rows)


def _csv_problem(text: str, name: str, err: Exception) -> Said:
    """Why pandas could not read CSV ``text``, found again with the standard library so
    the message carries where it is (a row's field count, an unclosed quote) as values."""
    if not text.strip():
        return said("csv_empty", name=name, detail=err)
    rows = csv.reader(io.StringIO(text), strict=True)
    try:
        width = len(next(rows))
        for row in rows:
            if len(row) != width:
                return said("csv_ragged", name=name, detail=err, line=rows.line_num,
                            expected=width, saw=len(row))
    except csv.Error:
        return said("csv_unclosed_quote", name=name, detail=err, line=rows.line_num)
    return said("not_csv", name=name, detail=err)


def table_from_utf8_csv(source: bytes | Path, max_rows: int = MAX_ROWS) -> pd.DataFrame | None:
    """The CSV fast path (:func:`firms.intake.arrow_csv.utf8_table`), with the row cap and
    the header check; None when the careful path should read the text."""
    frame = utf8_table(source, max_rows)
    return None if frame is None else _cap(frame, max_rows)


def _cap(frame: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    if len(frame) > max_rows:
        raise UnreadableFileError(said("too_many_rows", limit=f"{max_rows:,}"))
    names = [str(c).strip() for c in frame.columns]
    twice = sorted({c for c in names if names.count(c) > 1}) if len(set(names)) < len(names) else []
    if twice:
        raise UnreadableFileError(said("duplicate_header", header=repr(twice[0])))
    frame.columns = names
    return frame


def table_from_xlsx_bytes(raw: bytes, name: str = "file.xlsx", max_rows: int = MAX_ROWS, *,
                          sheet: str | None = None) -> pd.DataFrame:
    """The sheet with data (or ``sheet``) of an XLSX as strings (see :func:`firms.intake.xlsx.read_xlsx`)."""
    return _cap(read_xlsx(raw, name, max_rows, sheet=sheet)[0], max_rows)


#: Share of non-ASCII characters outside GB2312 above which GB18030 text is suspect.
_RARE_SHARE = 0.5


def encoding_warning(raw: bytes, text: str, encoding: str, *, name: str = "file") -> Said | None:
    """A warning when text read as GB18030 looks like Latin-1/Windows-1252 instead.

    Chinese text in GBK/GB18030 uses GB2312's common characters almost only;
    Latin-1 letters (``Müller``: bytes ``FC 6C``) decode to rare characters outside
    it. The first 200,000 characters are tested.
    """
    if encoding != "gb18030":
        return None
    counts = Counter(ch for ch in text[:200_000] if ord(ch) > 127)
    if not counts:
        return None
    rare = sum(n for ch, n in counts.items() if not _in_gb2312(ch))
    if rare / sum(counts.values()) < _RARE_SHARE:
        return None
    example, read_as = _example(raw)
    return said("latin1_warning", name=name, example=example, read_as=read_as)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _example(raw: bytes) -> tuple[str, str]:
    """The first word with a non-ASCII byte, as Windows-1252 and as GB18030 read it."""
    pos = next(i for i, b in enumerate(raw[:1_000_000]) if b > 127)
    start, end = pos, pos
    while start > 0 and raw[start - 1] > 32 and raw[start - 1] not in b",;\t\"":
        start -= 1
    while end < len(raw) and end - pos < 40 and raw[end] > 32 and raw[end] not in b",;\t\"":
        end += 1
    word = raw[start:end]
    return (repr(word.decode("cp1252", errors="replace")),
            repr(word.decode("gb18030", errors="replace")))


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
        raise UnreadableFileError(said("memory", name=name, mb=f"{size / 1e6:,.0f}",
                                       need_gb=f"{need / 1e9:,.1f}",
                                       factor=IMPORT_MEMORY_PER_FILE_BYTE,
                                       free_gb=f"{available / 1e9:,.1f}"))


def read_firm_table(path: str | Path, max_rows: int = MAX_ROWS, *,
                    sheet: str | None = None) -> tuple[pd.DataFrame, dict[str, object]]:
    """Read a firm file by its extension. Returns (text frame, info about the read).

    ``sheet`` names the sheet of an XLSX workbook with data on several sheets.
    ``info["warnings"]`` lists doubts about the read (e.g. a probable wrong encoding).
    A GeoJSON file is read as a stream from disk, never whole.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFileError(said("unsupported_type", name=path.name,
                                       suffix=suffix or "(none)"))
    try:
        size = path.stat().st_size
        _check_size(size, path.name)
        if suffix in (".geojson", ".json"):
            return _geojson(lambda: open(path, "rb"), path.name, size=size, max_rows=max_rows)
        fast = (table_from_utf8_csv(path, max_rows)
                if suffix in (".csv", ".txt") and not _under_titles(path) else None)
        if fast is not None:
            return fast, {"format": "csv", "encoding": "utf-8-sig",
                          "warnings": merged_lines_warning(path, fast, path.name)}
        raw = path.read_bytes()
    except OSError as err:
        raise UnreadableFileError(said("cannot_read", name=path, detail=err.strerror)) from err
    return table_from_bytes(raw, path.name, max_rows=max_rows, sheet=sheet)


def _under_titles(path: Path) -> bool:
    """Whether a CSV file's header is under title rows (:func:`header_start` over its
    first bytes): such a file is read from bytes, its title rows skipped."""
    with open(path, "rb") as fh:
        return header_start(fh.read(len(codecs.BOM_UTF8) + HEADER_SEARCH_BYTES))[0] > 0


def _check_size(size: int, name: str) -> None:
    """GeoJSON over :data:`MAX_GEOJSON_BYTES` is refused; any file whose import would
    not fit in memory is refused (:func:`check_memory`)."""
    if Path(name).suffix.lower() in (".geojson", ".json") and size > MAX_GEOJSON_BYTES:
        raise UnreadableFileError(said("geojson_too_big", name=name, mb=f"{size / 1e6:,.0f}",
                                       limit_mb=f"{MAX_GEOJSON_BYTES / 1e6:,.0f}"))
    check_memory(size, name)


def _geojson(open_stream: Callable[[], BinaryIO], name: str, *, size: int,
             max_rows: int) -> tuple[pd.DataFrame, dict[str, object]]:
    """A GeoJSON file read as a stream; its encoding (and any doubt) from its head."""
    with open_stream() as stream:
        head = stream.read(HEAD_BYTES)
    encoding = sniff_encoding(head, name)
    warning = encoding_warning(head, _decoded(head, name, final=False)[0], encoding, name=name)
    frame = table_from_geojson(open_stream, name, size=size, encoding=encoding,
                               max_rows=max_rows, decode=decode_csv)
    return _cap(frame, max_rows), {"format": "geojson", "encoding": encoding,
                                   "warnings": [warning] if warning else []}


def table_from_bytes(raw: bytes, name: str, *, max_rows: int = MAX_ROWS,
                     sheet: str | None = None) -> tuple[pd.DataFrame, dict[str, object]]:
    """Like :func:`read_firm_table` for bytes already in memory (an upload)."""
    suffix = Path(name).suffix.lower()
    _check_size(len(raw), name)
    if suffix == ".xlsx":
        frame, title = read_xlsx(raw, name, max_rows, sheet=sheet)
        return _cap(frame, max_rows), {"format": "xlsx", "sheet": title, "warnings": []}
    if suffix not in SUFFIXES:
        raise UnreadableFileError(said("unsupported_type", name=name, suffix=suffix or "(none)"))
    if suffix in (".geojson", ".json"):
        return _geojson(lambda: io.BytesIO(raw), name, size=len(raw), max_rows=max_rows)
    _check_not_workbook(raw, name)
    body, above = skip_title_lines(raw)  # title rows and notes above the header
    try:
        return _csv_table(body, name, max_rows=max_rows, above=above)
    except UnreadableFileError as err:  # its line or offset counted in the file
        if len(body) < len(raw) and err.args and isinstance(err.args[0], Said):
            err.args = (shifted(err.args[0], lines=cast(int, above["header_row"]) - 1,
                                offset=len(raw) - len(body)),)
        raise


def _csv_table(raw: bytes, name: str, *, max_rows: int,
               above: dict[str, object]) -> tuple[pd.DataFrame, dict[str, object]]:
    """A CSV file's bytes from its header line on, as text cells, and the read's info."""
    fast = table_from_utf8_csv(raw, max_rows)
    if fast is not None:
        return fast, {"format": "csv", "encoding": "utf-8-sig",
                      "warnings": merged_lines_warning(raw, fast, name), **above}
    text, encoding = decode_csv(raw, name)
    warning = encoding_warning(raw, text, encoding, name=name)
    frame = table_from_csv_text(text, max_rows, name=name)
    warnings = ([warning] if warning else []) + merged_lines_warning(raw, frame, name)
    return frame, {"format": "csv", "encoding": encoding, "warnings": warnings, **above}


def _check_not_workbook(raw: bytes, name: str) -> None:
    """A workbook given a CSV name is refused as the workbook it is."""
    if raw.startswith(b"PK\x03\x04"):
        raise UnreadableFileError(said("csv_is_xlsx", name=name))
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableFileError(said("csv_is_xls", name=name))


#: Line breaks inside the values of a CSV file beyond which a never-closed quote is suspected.
MERGED_LINES = 20


def _line_breaks(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 24), b""))


def merged_lines_warning(raw: bytes | Path, frame: pd.DataFrame, name: str) -> list[Said]:
    """A warning when many of the file's lines were read inside values: the cell with
    the most line breaks, its row and column (a quote never closed merges the lines
    after it into one cell). Costs one count of the file's line breaks (its bytes, or the
    file read in blocks) when all is well."""
    breaks = raw.count(b"\n") if isinstance(raw, bytes) else _line_breaks(raw)
    inside = breaks - len(frame) - 1
    if inside <= MERGED_LINES:
        return []
    most = (0, 0, "")
    for column in frame.columns:
        counts = frame[column].astype(str).str.count("\n")
        at = int(counts.to_numpy().argmax()) if len(counts) else 0
        if len(counts) and counts.iloc[at] > most[0]:
            most = (int(counts.iloc[at]), at, str(column))
    if most[0] <= MERGED_LINES:
        return []
    return [said("merged_lines", name=name, row=most[1] + 1, lines=f"{most[0]:,}",
                 column=repr(most[2]))]
