"""A firm file in blocks for the dask engine (the file edge): a CSV file cut at row
boundaries, a Parquet row group's typed cells as text.

One sequential pass over the file (on the machine that starts the run) decides what
every block needs to be read as the in-memory import reads the whole file:

- the encoding of the *whole* file: UTF-8 (with or without BOM) when every byte is,
  else GB18030, else the same refusal as the in-memory read (:func:`said` ``not_text``,
  with the offset in the file) — not the first megabyte's guess;
- block ends only at a line break outside quotes (a quoted field may hold line breaks;
  a ``"`` or a line-break byte is never part of a UTF-8 or GB18030 multi-byte character);
- the header line, found under any title rows and notes as the in-memory read finds it
  (:func:`firms.intake.headers.header_start` over the file's first bytes; the lines above
  it are skipped, and said), given to every block, and each block's first line number,
  so that a refusal names the line of the file.

Each block is then read as text and imported by :func:`firms.intake.import_firm_list`
(:mod:`firms.scale`).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

import fsspec
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from firms.intake.errors import UnreadableFileError
from firms.intake.headers import HEADER_SEARCH_BYTES, header_start
from firms.intake.messages import said
from firms.intake.readers import CSV_ENCODINGS, decode_error_at

__all__ = ["CsvBlocks", "plan_csv", "table_as_text"]

_CHUNK = 8 << 20


@dataclass(frozen=True)
class CsvBlocks:
    """Where a CSV file's blocks lie: ``spans`` are (start, end, first line number) in
    bytes of the file, after the ``header`` (bytes, line break included, no BOM);
    ``above`` is ``header_row`` (the header's line, 1-based) and, when the header is not
    the first line, ``above_header`` (the text of the lines skipped above it)."""

    url: str
    name: str
    encoding: str
    header: bytes
    spans: tuple[tuple[int, int, int], ...]
    above: dict[str, object] = field(default_factory=lambda: {"header_row": 1})

    def text(self, index: int) -> bytes:
        """Block ``index`` with the header, as UTF-8 bytes (what the in-memory read takes)."""
        start, end, _ = self.spans[index]
        with fsspec.open(self.url, "rb") as fh:
            fh.seek(start)
            body: bytes = fh.read(end - start)
        if self.encoding == "gb18030":
            return (self.header + body).decode("gb18030").encode("utf-8")
        return self.header + body


class _Decoding:
    """A strict incremental decoder of one encoding, fed a file chunk by chunk."""

    def __init__(self, encoding: str) -> None:
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self.error: tuple[int, bytes] | None = None

    def feed(self, data: bytes, offset: int, *, final: bool = False) -> None:
        if self.error is None:
            try:
                self.decoder.decode(data, final=final)
            except UnicodeDecodeError as err:
                at, byte = decode_error_at(err, data)
                self.error = (offset + at, byte)


def _encoding(url: str, name: str, first: _Decoding, start: int) -> str:
    """The file's encoding from byte ``start`` on (its header line): the first of
    :data:`CSV_ENCODINGS` (already tried: ``first``) that decodes every byte, else the
    in-memory read's refusal (the first error's place)."""
    if first.error is None:
        return CSV_ENCODINGS[0]
    for encoding in CSV_ENCODINGS[1:]:
        decoding, offset = _Decoding(encoding), start
        with fsspec.open(url, "rb") as fh:
            fh.seek(start)
            while chunk := fh.read(_CHUNK):
                decoding.feed(chunk, offset)
                offset += len(chunk)
        decoding.feed(b"", offset, final=True)
        if decoding.error is None:
            return encoding
    offset, byte = first.error
    raise UnreadableFileError(said("not_text", name=name, byte=byte.hex(), offset=offset))


def _row_ends(chunk: bytes, odd: bool) -> tuple[np.ndarray, bool]:
    """Positions of the line breaks of ``chunk`` outside quotes (``odd``: inside a quoted
    field when the chunk starts); and whether a quote is left open at its end."""
    a = np.frombuffer(chunk, np.uint8)
    quotes = np.flatnonzero(a == 34)
    breaks = np.flatnonzero(a == 10)
    before = np.searchsorted(quotes, breaks) + odd
    return breaks[before % 2 == 0], bool((len(quotes) + odd) % 2)


def plan_csv(url: str | Path, block_bytes: int) -> CsvBlocks:
    """Read the file once from its header line on (title rows above it skipped, as the
    in-memory read skips them): its encoding, header and blocks of about ``block_bytes``."""
    url, name = str(url), Path(str(url)).name
    with fsspec.open(url, "rb") as fh:
        head = fh.read(len(codecs.BOM_UTF8) + HEADER_SEARCH_BYTES)
    start, above = header_start(head)
    decoding = _Decoding(CSV_ENCODINGS[0])
    cuts: list[tuple[int, int]] = []  # (byte, first line number) where a block starts
    odd, offset, line, next_cut = False, start, head[:start].count(b"\n"), start
    with fsspec.open(url, "rb") as fh:
        fh.seek(start)
        while chunk := fh.read(_CHUNK):
            decoding.feed(chunk, offset)
            breaks = np.flatnonzero(np.frombuffer(chunk, np.uint8) == 10)
            row_ends, odd_after = _row_ends(chunk, odd)
            for pos in row_ends:  # the header's end, then the first row end past each cut
                at = offset + int(pos) + 1
                if at >= next_cut:
                    cuts.append((at, 1 + line + int(np.searchsorted(breaks, pos, "right"))))
                    next_cut = at + block_bytes
            odd, offset, line = odd_after, offset + len(chunk), line + len(breaks)
        decoding.feed(b"", offset, final=True)
    encoding = _encoding(url, name, decoding, start)
    header_end = cuts[0][0] if cuts else offset
    with fsspec.open(url, "rb") as fh:
        fh.seek(start)
        header = fh.read(header_end - start)
    bom = len(codecs.BOM_UTF8) if header.startswith(codecs.BOM_UTF8) else 0
    stops = [c[0] for c in cuts[1:]] + [offset] if cuts else []
    spans = tuple((begin, stop, first) for (begin, first), stop in zip(cuts, stops, strict=True)
                  if stop > begin)
    return CsvBlocks(url, name, encoding, header[bom:], spans, above)


def table_as_text(block: pd.DataFrame) -> pd.DataFrame:
    """A block's cells as text, "" where empty; a geometry column (GeoParquet: WKB, or
    shapely objects) gives lon/lat from its points, and a reason for any other shape."""
    out, problems = {}, None
    for c in block.columns:
        col = block[c]
        if isinstance(col, gpd.GeoSeries) or (len(col) and isinstance(
                col.dropna().iloc[0] if col.notna().any() else None, (bytes, shapely.Geometry))):
            geoms = col.to_numpy() if isinstance(col, gpd.GeoSeries) else np.array(
                [shapely.from_wkb(v) if isinstance(v, bytes) else v for v in col], dtype=object)
            kinds = shapely.get_type_id(geoms)
            point = kinds == 0
            x = np.where(point, shapely.get_x(geoms), np.nan)
            y = np.where(point, shapely.get_y(geoms), np.nan)
            out["lon"] = pd.Series(x, index=block.index).map(lambda v: "" if v != v else repr(v))
            out["lat"] = pd.Series(y, index=block.index).map(lambda v: "" if v != v else repr(v))
            problems = pd.Series(np.where(point | (kinds < 0), "", "geometry is not a Point"),
                                 index=block.index)
            continue
        out[c] = col.astype("string").fillna("").astype(object)
    frame = pd.DataFrame(out, index=block.index)
    if problems is not None and (problems != "").any():
        frame["__geometry_error"] = problems
        frame.attrs["geometry_error_column"] = "__geometry_error"
    return frame
