"""What intake says, by key: every whole-file refusal, read warning and row reason.

A message is a :class:`Said`: its English text (what the command line prints and the
rejected-rows CSV keeps) that also carries its key and values, so a screen words it in
its reader's language from the key (:mod:`ui.refusals`, :mod:`ui.phrases`) without
reading the English. Values are text already formatted for reading (``"1,000,000"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["ENGLISH", "Said", "remember", "said", "shifted"]

_AGAIN = "open and save it again in Excel, or export a CSV"

#: key → English template (``{value}`` names filled by :func:`said`).
ENGLISH: dict[str, str] = {
    # whole files: text, CSV, GeoJSON, size and memory (firms.intake.readers)
    "not_text": "{name}: not UTF-8 or GB18030 text (byte 0x{byte} at offset {offset}); "
                "save it as UTF-8 CSV",
    "header_too_long": "{name}: the header line is longer than {kb} KB; is this a firm table? "
                       "The first line should hold the column names",
    "header_not_csv": "{name}: the header line is not readable CSV ({detail})",
    "too_many_rows": "more than {limit} rows: split the file or import a sample",
    "not_csv": "{name}: not a readable CSV table: {detail}",
    "csv_empty": "{name}: not a readable CSV table: {detail}",
    "csv_ragged": "{name}: not a readable CSV table: {detail}",
    "csv_unclosed_quote": "{name}: not a readable CSV table: {detail}",
    "duplicate_header": "two columns are headed {header}; rename one so each header is unique",
    "feature_not_object": "{name}: feature {number} is {kind}, not a GeoJSON Feature object; "
                          "fix or remove it",
    "properties_not_object": "{name}: feature {number} has properties that are {kind}, not an "
                             "object; fix or remove it",
    "top_not_object": "{name}: the top level is {kind}, not a GeoJSON FeatureCollection object",
    "not_feature_collection": "{name}: expected a GeoJSON FeatureCollection (its type is {type})",
    "features_not_list": "{name}: 'features' is {kind}, expected a list of Feature objects",
    "json_invalid": "{name}: not valid JSON ({detail} at line {line})",
    "json_too_deep": "{name}: JSON nested too deeply to be GeoJSON firm points; check the file",
    "too_many_features": "{name}: more than {limit} features: split the file",
    "memory": "{name}: {mb} MB; importing it in memory needs about {need_gb} GB (about {factor}× "
              "the file size) and {free_gb} GB are free: use `shmap measures --engine dask` "
              "(blocks, or a cluster: docs/scale.md) or split the file",
    "unsupported_type": "{name}: unsupported file type {suffix}; use .csv, .xlsx or .geojson",
    "cannot_read": "{name}: cannot read ({detail})",
    "geojson_too_big": "{name}: {mb} MB is over the {limit_mb} MB limit for GeoJSON; save it as "
                       "CSV (lon/lat columns)",
    # whole files: what the GeoJSON stream parser stops at (firms.intake.geojson)
    "json_number_too_long": "{name}: a number has more digits than can be read; write long codes "
                            "as text in quotes, or remove the number",
    "json_number_too_large": "{name}: feature {number} holds a number too large to read (more "
                             "than 18 digits, or beyond ±1.8e308); write long codes as text in "
                             "quotes, or remove the number",
    "json_stream_invalid": "{name}: not valid JSON ({detail}, in or after feature {number})",
    "json_not_text": "{name}: not UTF-8 or GB18030 text (byte 0x{byte} in feature {number}); "
                     "save it as UTF-8",
    "latin1_warning": "{name}: the text was read as GB18030 but looks like Latin-1/Windows-1252 "
                      "(e.g. {example}, read as {read_as}); if names look garbled, save the file "
                      "as UTF-8 and import it again",
    # whole files: workbooks (firms.intake.xlsx)
    "xlsx_not_zip": "{name}: not an .xlsx file (not a zip archive); save it from Excel as .xlsx "
                    "or export a CSV",
    "xlsx_zip_bomb": "{name}: member {member} expands {ratio}× (a zip bomb?); refused",
    "xlsx_too_big": "{name}: {gb} GB uncompressed, over the {limit_gb} GB limit; export a CSV "
                    "instead",
    "xlsx_incomplete": "{name}: not a complete .xlsx workbook (no [Content_Types].xml part); "
                       + _AGAIN,
    "xlsx_too_many_cells": "{name}: sheet {sheet} holds more than {limit} cells (rows × columns "
                           "actually present); split the workbook or export a CSV",
    "xlsx_stray_column": "{name}: sheet {sheet} row {row} has a value in column {column}, beyond "
                         "the {limit} columns read; delete the stray cells or export a CSV",
    "xlsx_too_many_rows": "{name}: sheet {sheet} has more than {limit} rows: split the file",
    "xlsx_duplicate_header": "{name}: sheet {sheet} has two columns headed {header} (columns "
                             "{first} and {second}); rename one so each header is unique",
    "xlsx_entities": "{name}: the workbook's XML declares entities or a DTD (refused: XXE / "
                     "entity expansion); " + _AGAIN,
    "xlsx_xml_damaged": "{name}: the workbook's XML is damaged ({detail}); " + _AGAIN,
    "xlsx_zip_damaged": "{name}: the workbook's XML is damaged ({detail}); " + _AGAIN,
    "xlsx_unreadable": "{name}: not a readable .xlsx workbook ({error}: {detail}); " + _AGAIN,
    "xlsx_shared_strings": "{name}: the workbook holds {count} shared strings but its sheets "
                           "only {cells} cells to use them (made to exhaust memory?); " + _AGAIN,
    "xlsx_no_sheet": "{name}: no sheet named {sheet}; its sheets are {sheets}",
    "xlsx_empty": "{name}: the workbook has no cell with a value",
    "xlsx_several_sheets": "{name}: data on {count} sheets: {sheets}; import one sheet at a time "
                           "(the CLI's --sheet NAME), or copy them into one sheet",
    "xlsx_several_sheets_hidden": "{name}: data on {count} sheets: {sheets}, of which {hidden} "
                                  "hidden (a lookup table?); import one sheet at a time (the "
                                  "CLI's --sheet NAME), or copy them into one sheet",
    "csv_is_xlsx": "{name}: an .xlsx workbook (a zip archive), not CSV text; name it .xlsx and "
                   "import it again",
    "csv_is_xls": "{name}: an old Excel .xls workbook, not CSV text; save it from Excel as .xlsx "
                  "or CSV",
    "merged_lines": "{name}: row {row} holds {lines} line breaks in column {column}: a quote "
                    "that is never closed may have merged that many lines into one row; check "
                    "the quotes from that row on",
    # the table as a whole (firms.intake.importer)
    "no_name_column": "no firm-name column: expected a header such as 企业名称, 名称 or name "
                      "(found: {found})",
    "no_place_columns": "no place columns: expected 经度/纬度 (lon/lat) or 地址 (address)",
    # a row's reason (firms.intake.steps)
    "empty_name": "empty firm name",
    "name_invisible": "the firm name has no visible character (only invisible or control "
                      "characters)",
    "geometry_not_object": "geometry is {kind}, not a GeoJSON geometry object",
    "geometry_not_point": "geometry is a {type}, not a Point",
    "point_coordinates_kind": "Point coordinates are {kind}, expected [longitude, latitude]",
    "point_coordinates_numbers": "Point coordinates are not two numbers, expected "
                                 "[longitude, latitude]",
    "unknown_datum": "unknown datum {value}: use WGS84, GCJ-02, BD-09 or CGCS2000",
    "lon_not_number": "longitude is not a number: {value}",
    "lat_not_number": "latitude is not a number: {value}",
    "lon_without_lat": "longitude given without latitude",
    "lat_without_lon": "latitude given without longitude",
    "zero_zero": "(0, 0) is a placeholder, not a location",
    "out_of_range": "coordinates out of range for degrees",
    "no_place": "no coordinates and no address",
    "address_unplaced": "no coordinates, and the address names no 街道/镇 or 区 of Shanghai",
    "outside_shanghai": "point lies outside Shanghai",
    "not_in_shanghai": "not in Shanghai: {place}",
    "uscc_scientific": "{code} is in scientific notation: a spreadsheet turned the code into a "
                       "number and dropped digits; re-export the column as text",
    "uscc_number": "{code} was stored as a number; re-export the column as text",
    "uscc_length": "{code} has {length} characters, not 18",
    "uscc_characters": "{code} contains characters outside the GB 32100 set: {characters}",
    "uscc_check": "{code}: check character is {found}, should be {expected}",
    "duplicate_code": "duplicate of row {row} (same 统一社会信用代码)",
    "duplicate_name_address": "duplicate of row {row} (same name and address)",
    # a row's flags (kept with the accepted row)
    "swapped": "lon/lat were swapped; fixed",
    "precision_not_number": "precision_m not a number; left empty",
    "employees_not_number": "employees not a non-negative number; left empty",
    "capital_unread": "注册资本 not read as an amount; left empty",
    "founded_unread": "成立日期 not read as a date; left empty",
    "geometry_differs": "geometry used; the properties {lon}/{lat} differ from it ({metres} m)",
    "geometry_not_degrees": "geometry used; the properties {lon}/{lat} differ from it (not "
                            "degrees)",
    "employees_implausible": "employees over {limit}, more than any firm has; left empty",
    "name_hidden_characters": "the name holds invisible or direction-changing characters "
                              "({characters}); check it",
    "capital_implausible": "注册资本 {value} is beyond any firm's (over 10 trillion yuan); check "
                           "the figure and its unit",
    # how an accepted row was placed
    "placed_wgs84": "coordinates (WGS84)",
    "placed_converted": "coordinates ({datum} → WGS84)",
    "placed_town": "街道/镇 {unit} (representative point)",
    "placed_district": "区 {unit} (representative point)",
    "placed_zone": "zone {unit} (its outline)",
    "placed_geocoded": "geocoded by {provider} (match level {level})",
    "placed_town_district": "街道/镇 {unit} without an outline (区 {district}, representative "
                            "point)",
    "placed_town_station": "街道/镇 {unit} without an outline: within {km} km of the metro "
                           "station of its name (possible in zones, never certain)",
}


class Said(str):
    """An English message that also carries its ``key`` and ``values``."""

    key: str
    values: dict[str, str]

    def __new__(cls, key: str, **values: Any) -> Said:
        texts = {k: str(v) for k, v in values.items()}
        made = super().__new__(cls, ENGLISH[key].format(**texts))
        made.key, made.values = key, texts
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (dask, caches) with its key
        return (_said, (self.key, self.values))


def _said(key: str, values: dict[str, str]) -> Said:
    return Said(key, **values)


def said(key: str, **values: Any) -> Said:
    """The message ``key`` with its ``values`` (each shown as ``str(value)``)."""
    return Said(key, **values)


def remember(messages: dict[str, Said], texts: Iterable[object]) -> None:
    """Add each :class:`Said` of ``texts`` to ``messages`` under its English text (tables
    keep only the text, so a screen finds a cell's key here, by exact text)."""
    for text in texts:
        if isinstance(text, Said):
            messages[str(text)] = text


_WHERE = re.compile(r"\b(line|row) (\d+)")


def shifted(message: Said, *, lines: int = 0, offset: int = 0) -> Said:
    """A refusal about part of a file (a block, or the text under title rows) with its
    places counted in the whole file: ``lines`` added to every line number (``line``, and
    ``line n``/``row n`` in ``detail``), ``offset`` to a byte ``offset``."""
    values = dict(message.values)
    if "line" in values:
        values["line"] = str(int(values["line"]) + lines)
    if "detail" in values and lines:
        values["detail"] = _WHERE.sub(lambda m: f"{m[1]} {int(m[2]) + lines}", values["detail"])
    if "offset" in values:
        values["offset"] = str(int(values["offset"]) + offset)
    return said(message.key, **values)
