"""The CSV fast path: UTF-8 text parsed by Arrow, every column as text (the file edge).

About 4× faster than pandas' parser at a million rows; a file streamed from disk in
blocks, never held whole. :mod:`firms.intake.readers` falls back to its careful path
(decode, then name the problem) whenever this returns None.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from firms.intake.errors import UnreadableFileError
from firms.intake.messages import said

__all__ = ["CSV_BLOCK_BYTES", "MAX_HEADER_CHARS", "utf8_table"]

#: Longest header line (characters) of a CSV file.
MAX_HEADER_CHARS = 65_536
#: Bytes a file is parsed in by :func:`table_from_utf8_csv` (the parser's memory follows it).
CSV_BLOCK_BYTES = 16 << 20


def utf8_table(source: bytes | Path, max_rows: int) -> pd.DataFrame | None:
    """The CSV fast path: Arrow parses UTF-8 directly (no decode and re-encode of the
    whole file; Arrow checks the UTF-8), from bytes or streamed from a file in blocks of
    :data:`CSV_BLOCK_BYTES` (the file is never held whole: a column keeps one chunk per
    block). None when the text is not UTF-8 or Arrow cannot take the table, so that the
    careful path (:func:`decode_csv`, :func:`table_from_csv_text`) reads it and names the
    problem."""
    if isinstance(source, Path):
        with open(source, "rb") as fh:
            head, size = fh.read(MAX_HEADER_CHARS + len(codecs.BOM_UTF8)), source.stat().st_size
    else:
        head, size = source[:MAX_HEADER_CHARS + len(codecs.BOM_UTF8)], len(source)
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    header = _utf8_header(head[bom:], size - bom)
    if header is None:
        return None
    try:
        stream = pa.input_stream(source) if isinstance(source, Path) else \
            pa.BufferReader(pa.py_buffer(source))
        with stream:
            stream.read(bom)
            table = pacsv.read_csv(
                stream,  # type: ignore[arg-type]  # pyarrow-stubs: a NativeFile is accepted
                read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(header, pa.large_string()),  # pandas' own type
                    strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    if table.num_rows > max_rows:
        raise UnreadableFileError(said("too_many_rows", limit=f"{max_rows:,}"))
    names, chunked = table.column_names, table.columns
    del table
    columns: list[pa.Array[Any] | pa.ChunkedArray[Any]] = list(chunked)
    del chunked
    for i, column in enumerate(columns):  # one chunk a column (no copies later), one at a time
        columns[i] = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        del column
    frame = pa.table(columns, names=names).to_pandas()
    del columns
    pa.default_memory_pool().release_unused()  # the parser's buffers, back to the system
    return frame


def _utf8_header(head: bytes, size: int) -> list[str] | None:
    """The header of UTF-8 CSV text from its first bytes (``size``: the text's length), or
    None when the careful path should read the file and name its problem."""
    if b"\n" not in head[:MAX_HEADER_CHARS] and size > MAX_HEADER_CHARS:
        return None  # no header line within the limit: the careful path refuses it by name
    head = head[:MAX_HEADER_CHARS]
    head = head[:head.rfind(b"\n") + 1] if b"\n" in head else head
    try:
        header = next(csv.reader(io.StringIO(head.decode("utf-8"))), [])
    except (UnicodeDecodeError, csv.Error):  # the careful path names the problem
        return None
    names = [h.strip() for h in header]
    if not names or len(set(names)) != len(names) or not all(names):
        return None
    return header
