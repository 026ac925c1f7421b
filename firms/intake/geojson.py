"""Read a GeoJSON firm list as a stream: feature properties as text cells, plus the Point
geometry's coordinates in the columns ``GEOMETRY_LON``/``GEOMETRY_LAT``
(:mod:`firms.intake.headers`), which win over coordinate-like properties.

The document is parsed by ijson (the yajl C parser) one feature at a time, and the
cells go straight into one list per column, so memory grows with the cells kept,
not with Python's objects for the whole document (``json.loads`` of a 39 MB file took
2 GB). The document's shape is checked as it streams: a FeatureCollection object
whose ``features`` is a list of objects with object (or null) ``properties``.

A small file the stream cannot parse (:data:`SMALL_BYTES`) is parsed whole by Python's
``json``, whose message names the line, and which also reads ``NaN`` and numbers too
large for the stream; a large one is refused with the stream parser's reason. A
number with more digits than Python converts is refused by name, never a traceback.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import ijson
import pandas as pd

from firms.intake.errors import UnreadableFileError
from firms.intake.headers import GEOMETRY_LAT, GEOMETRY_LON
from firms.intake.messages import Said, said
from firms.intake.xlsx import cell_text

__all__ = ["MAX_DEPTH", "SMALL_BYTES", "table_from_geojson"]

#: Files up to this size are parsed whole by Python's ``json`` when the stream fails.
SMALL_BYTES = 4_000_000
#: Deepest nesting of lists and objects accepted in a feature's property.
MAX_DEPTH = 512

Opener = Callable[[], BinaryIO]


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            type(None): "null", int: "a number", float: "a number"}.get(type(value), "a value")


_EVENT_KINDS = {"start_map": "an object", "start_array": "a list", "string": "a string",
                "boolean": "a boolean", "null": "null", "number": "a number"}


def _json_cell(value: object, name: str) -> str:
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value, ensure_ascii=False)
        except RecursionError as err:
            raise _too_deep(name) from err
    return cell_text(value)


def _too_deep(name: str) -> UnreadableFileError:
    return UnreadableFileError(said("json_too_deep", name=name))


def _point_problem(geom: object) -> Said | str | None:
    """Why a feature's geometry gives no point ("" for none at all, None when it is fine)."""
    if geom is None:
        return ""
    if not isinstance(geom, dict):
        return said("geometry_not_object", kind=_kind(geom))
    if geom.get("type") != "Point":
        return said("geometry_not_point", type=geom.get("type"))
    coords = geom.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2:
        return said("point_coordinates_kind", kind=_kind(coords))
    if not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords[:2]):
        return said("point_coordinates_numbers")
    return None


class _Columns:
    """Cells gathered column by column ("" where a feature lacks a property)."""

    def __init__(self) -> None:
        self.cells: dict[str, list[str]] = {}
        self.n = 0

    def add(self, row: dict[str, str]) -> None:
        for key, text in row.items():
            column = self.cells.get(key)
            if column is None:
                column = self.cells[key] = [""] * self.n
            column.append(text)
        self.n += 1
        for column in self.cells.values():
            if len(column) < self.n:
                column.append("")

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.cells, index=pd.RangeIndex(self.n), dtype=object)


def _feature_row(feat: object, number: int, name: str) -> tuple[dict[str, str], Said | str | None]:
    """A feature's cells (lon/lat from its Point) and its geometry problem (None if fine)."""
    if not isinstance(feat, dict):
        raise UnreadableFileError(said("feature_not_object", name=name, number=number,
                                       kind=_kind(feat)))
    props = feat.get("properties")
    if props is not None and not isinstance(props, dict):
        raise UnreadableFileError(said("properties_not_object", name=name, number=number,
                                       kind=_kind(props)))
    row = {str(k): _json_cell(v, name) for k, v in (props or {}).items()}
    geom = feat.get("geometry")
    problem = _point_problem(geom)
    if problem is None and isinstance(geom, dict):
        row[GEOMETRY_LON], row[GEOMETRY_LAT] = (cell_text(c) for c in geom["coordinates"][:2])
    return row, problem


def _collection_head(stream: BinaryIO, name: str) -> tuple[str | None, bool]:
    """Parse up to the start of ``features``: (the top-level ``type`` if met before it,
    whether there is a ``features`` list). Refuses a top level that is not an object and
    a ``features`` that is not a list."""
    events = ijson.parse(stream, use_float=True)
    _, event, _ = next(events)
    if event != "start_map":
        raise UnreadableFileError(said("top_not_object", name=name,
                                       kind=_EVENT_KINDS.get(event, "a value")))
    doc_type: str | None = None
    for prefix, event, value in events:
        if prefix == "type" and event != "map_key":
            doc_type = value if event == "string" else str(value)
        elif prefix == "features" and event != "map_key":
            if event != "start_array":
                raise UnreadableFileError(said("features_not_list", name=name,
                                               kind=_EVENT_KINDS.get(event, "a value")))
            return doc_type, True
    return doc_type, False


def _late_type(stream: BinaryIO, name: str) -> str | None:
    """The top-level ``type`` of a document that gives it after its features (a full
    pass of the stream parser; nesting deeper than :data:`MAX_DEPTH` refused)."""
    depth, found = 0, None
    for prefix, event, value in ijson.parse(stream, use_float=True):
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(name)
        elif event in ("end_map", "end_array"):
            depth -= 1
        elif prefix == "type" and depth == 1 and event != "map_key":
            found = value if event == "string" else str(value)
    return found


def _check_type(doc_type: object, name: str) -> None:
    if doc_type != "FeatureCollection":
        raise UnreadableFileError(said("not_feature_collection", name=name,
                                       type=repr(str(doc_type)[:40])))


def _streamed_features(open_stream: Opener, name: str) -> Iterator[object]:
    with open_stream() as stream:
        doc_type, has_features = _collection_head(stream, name)
    if doc_type is None:
        with open_stream() as stream:
            doc_type = _late_type(stream, name)
    _check_type(doc_type, name)
    if has_features:
        with open_stream() as stream:
            yield from ijson.items(stream, "features.item", use_float=True)


def _parsed_features(text: str, name: str) -> list[object]:
    """The features of a document parsed whole by Python's ``json`` (small files)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise UnreadableFileError(said("json_invalid", name=name, detail=err.msg,
                                       line=err.lineno)) from err
    except RecursionError as err:
        raise _too_deep(name) from err
    except ValueError as err:  # an integer past Python's digit limit for conversion
        raise _number_too_long(name) from err
    if not isinstance(doc, dict):
        raise UnreadableFileError(said("top_not_object", name=name, kind=_kind(doc)))
    _check_type(doc.get("type"), name)
    features = doc.get("features", [])
    if not isinstance(features, list):
        raise UnreadableFileError(said("features_not_list", name=name, kind=_kind(features)))
    return features


def _number_too_long(name: str) -> UnreadableFileError:
    return UnreadableFileError(said("json_number_too_long", name=name))


def _stream_refusal(err: Exception, name: str, number: int) -> UnreadableFileError:
    """The stream parser's reason (its first line, without the file's text), where it stopped."""
    reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    reason = reason.strip("b'\"").removeprefix("parse error: ").removeprefix("lexical error: ")
    if "overflow" in reason:
        return UnreadableFileError(said("json_number_too_large", name=name, number=number))
    return UnreadableFileError(said("json_stream_invalid", name=name, detail=reason,
                                    number=number))


def _rows(features: Iterable[object], name: str, max_rows: int
          ) -> tuple[_Columns, list[Said | str]]:
    columns = _Columns()
    problems: list[Said | str] = []  # "" or a reason per row, up to the last with one
    for number, feat in enumerate(features, start=1):
        if number > max_rows:
            raise UnreadableFileError(said("too_many_features", name=name,
                                           limit=f"{max_rows:,}"))
        row, problem = _feature_row(feat, number, name)
        columns.add(row)
        if problem is not None or problems:
            problems.extend([""] * (number - 1 - len(problems)))
            problems.append(problem or "")
    return columns, problems


def table_from_geojson(open_stream: Opener, name: str, *, size: int, encoding: str,
                       max_rows: int, decode: Callable[[bytes, str], tuple[str, str]]
                       ) -> pd.DataFrame:
    """Feature properties as text, plus Point geometries in ``GEOMETRY_LON``/``_LAT``.

    ``open_stream()`` opens the file's bytes afresh (the head, an unusual document and
    a retry each read it again); ``encoding`` is the text's (UTF-8 or GB18030, from its
    head); ``decode(raw, name)`` decodes a small file whole for Python's ``json``. A
    feature whose geometry is not a Point with two numbers gets the reason in a marker
    column, named in ``frame.attrs["geometry_error_column"]``, so the importer rejects
    that row.
    """
    opener = _without_bom(open_stream) if encoding != "gb18030" else _transcoded(open_stream)
    count = [0]

    def counted(features: Iterable[object]) -> Iterator[object]:
        for feat in features:
            count[0] += 1
            yield feat

    try:
        columns, problems = _rows(counted(_streamed_features(opener, name)), name, max_rows)
    except ijson.JSONError as err:
        if size > SMALL_BYTES:
            raise _stream_refusal(err, name, count[0] + 1) from err
        with open_stream() as stream:
            text = decode(stream.read(), name)[0]
        columns, problems = _rows(_parsed_features(text, name), name, max_rows)
    except RecursionError as err:
        raise _too_deep(name) from err
    except UnicodeDecodeError as err:
        raise UnreadableFileError(said("json_not_text", name=name,
                                       byte=err.object[err.start:err.start + 1].hex(),
                                       number=count[0] + 1)) from err
    frame = columns.frame()
    if any(problems):
        marker = "__geometry_error"
        while marker in frame.columns:
            marker += "_"
        frame[marker] = problems + [""] * (len(frame) - len(problems))
        frame.attrs["geometry_error_column"] = marker
        frame.attrs["messages"] = {str(p): p for p in problems if isinstance(p, Said)}
    return frame


class _Utf8Stream(io.RawIOBase):
    """A GB18030 byte stream re-encoded as UTF-8, block by block (for the JSON parser)."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.pending = raw, b""
        self.decoder = codecs.getincrementaldecoder("gb18030")(errors="strict")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            block = self.raw.read(1 << 16)
            self.pending = self.decoder.decode(block, final=not block).encode("utf-8")
            if not block:
                break
        n = min(len(buffer), len(self.pending))
        buffer[:n], self.pending = self.pending[:n], self.pending[n:]
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _without_bom(open_stream: Opener) -> Opener:
    """``open_stream`` past a UTF-8 byte-order mark (which the JSON parser refuses)."""
    def opened() -> BinaryIO:
        stream = open_stream()
        if stream.read(3) != codecs.BOM_UTF8:
            stream.seek(0)
        return stream
    return opened


def _transcoded(open_stream: Opener) -> Opener:
    return lambda: io.BufferedReader(_Utf8Stream(open_stream()))
