"""What a workbook would cost to read, measured before a reader parses it (the file edge).

python-calamine (:mod:`firms.intake.xlsx`) builds each sheet as a dense rectangle from
A1 to the furthest cell with a value, and keeps every shared string. Two values at A1
and XFD1048576 would ask it for 17 billion cells (the process aborts); a 5 MB workbook
may hold 16 million shared strings behind one row. So before it runs, this module reads
the zip directory and scans the XML bytes (numpy over each decompressed block, about
0.1 s per 40 MB of sheet XML; no parsing) and refuses by name:

- a damaged or hostile archive (not a zip, a member expanding over 200×, over 1 GB in
  all, no ``[Content_Types].xml``), XML that declares a DTD or entities;
- a value beyond :data:`MAX_XLSX_COLUMNS` columns (its row and column named);
- sheets whose rectangles (rows × columns up to the furthest value, from each cell's own
  ``r`` reference; cells without one counted per row) exceed :data:`MAX_XLSX_CELLS`;
- more shared strings than the workbook's cells could use.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import errors as expat_errors

import numpy as np
from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

from firms.intake.errors import UnreadableFileError
from firms.intake.messages import said

__all__ = ["MAX_XLSX_CELLS", "MAX_XLSX_COLUMNS", "Extent", "check_archive", "column_letter",
           "damaged", "scan_sheet", "sheet_parts", "workbook_cells"]

#: Total uncompressed size, and compression ratio of any member over 10 MB.
MAX_XLSX_UNCOMPRESSED_BYTES = 1_000_000_000
MAX_XLSX_RATIO = 200
#: Columns read; a value further right refuses the sheet.
MAX_XLSX_COLUMNS = 1024
#: Cells of the rectangles the reader builds for the sheets read (rows × columns from A1
#: to the furthest value). Measured: 8M numeric cells took 16 s of CPU and a 910 MB peak
#: (about 2 µs and 90 bytes a cell), so the limit keeps a workbook near 40 s and 2 GB.
MAX_XLSX_CELLS = 20_000_000
#: Shared strings beyond what the cells could use: a few left over by an editor are fine.
SPARE_SHARED_STRINGS = 10_000
_BLOCK = 1 << 23
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def check_archive(raw: bytes, name: str) -> zipfile.ZipFile:
    """The workbook's zip archive, refused when damaged, a zip bomb or not a workbook."""
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
    return archive


def column_letter(index: int) -> str:
    """Excel's name of the 1-based column ``index`` (1 → A, 16384 → XFD)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def damaged(name: str, err: BaseException, *, member: str = "") -> UnreadableFileError:
    """The refusal of a workbook part that declares entities, is not well-formed XML or
    fails its zip check."""
    if isinstance(err, DefusedXmlException):
        return UnreadableFileError(said("xlsx_entities", name=name))
    if isinstance(err, ParseError):  # expat's own words by its error code, and where
        line, column = getattr(err, "position", (0, 0))
        return UnreadableFileError(said("xlsx_xml_damaged", name=name, detail=err,
                                        reason=expat_errors.messages.get(err.code, ""),
                                        line=line, column=column))
    return UnreadableFileError(said("xlsx_zip_damaged", name=name, detail=err, member=member))


def _small_xml(archive: zipfile.ZipFile, member: str, name: str) -> ET.Element | None:
    """A small XML part (the workbook, its relationships) parsed safely, or None if absent."""
    try:
        data = archive.read(member)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError) as err:
        raise damaged(name, err, member=member) from err
    try:
        return SafeTree.fromstring(data)
    except (ParseError, DefusedXmlException) as err:
        raise damaged(name, err) from err


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Each worksheet's name → its XML member, in the workbook's order (chart sheets left
    out), from ``xl/workbook.xml`` and its relationships."""
    book = _small_xml(archive, "xl/workbook.xml", name)
    rels = _small_xml(archive, "xl/_rels/workbook.xml.rels", name)
    if book is None or rels is None:
        raise UnreadableFileError(said("xlsx_unreadable", name=name, error="KeyError",
                                       detail="File contains no valid workbook part"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"}
    parts = {}
    for node in book.iter():
        if _local(node.tag) == "sheet":
            target = targets.get(node.get(f"{{{_NS_REL}}}id"), "")
            member = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
            if "worksheets/" in member:
                parts[node.get("name", "")] = member
    return parts


@dataclass
class Extent:
    """A sheet's cost to read: the rectangle a reader builds (``rows`` × ``cols``, from A1 to
    the furthest value), the cell elements present, and the first value beyond
    :data:`MAX_XLSX_COLUMNS` (row, column) if any."""

    rows: int = 0
    cols: int = 0
    cells: int = 0
    far: tuple[int, int] | None = None


def _attribute_values(a: np.ndarray) -> np.ndarray:
    """Where the value of each ``r="…"`` attribute starts (any element, either quote)."""
    r = np.flatnonzero(a[1:-16] == 114) + 1
    space, quote = a[r - 1], a[r + 2]
    starts: np.ndarray = r[((space == 32) | (space == 9) | (space == 10) | (space == 13))
                           & (a[r + 1] == 61) & ((quote == 34) | (quote == 39))] + 3
    return starts


def _cell_refs(data: bytes, a: np.ndarray) -> np.ndarray:
    """Where the reference of each cell written ``<c r="…"`` starts (four-byte compares)."""
    key = np.frombuffer(b"<c r", "<u4")[0]
    hits = [np.flatnonzero(np.frombuffer(data, "<u4", count=(len(data) - k) // 4, offset=k)
                           == key) * 4 + k for k in range(4) if len(data) - k >= 4]
    at = np.concatenate(hits) if hits else np.zeros(0, np.int64)
    quote = a[at + 5]
    refs: np.ndarray = at[(a[at + 4] == 61) & ((quote == 34) | (quote == 39))] + 6
    return refs


def _closes_empty(a: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Whether the element holding each position closes empty (``<c …/>``, ``<c …></c>``)."""
    gt = np.flatnonzero(a == 62)
    end = gt[np.minimum(np.searchsorted(gt, at), len(gt) - 1)] if len(gt) else at
    empty: np.ndarray = (a[end - 1] == 47) | ((a[end + 1] == 60) & (a[end + 2] == 47)
                                             & (a[end + 3] == 99))
    return empty


def _words(a: np.ndarray) -> np.ndarray:
    """The 8 bytes starting at every position of ``a``, as little-endian integers (a view)."""
    return np.ndarray((len(a) - 7,), "<u8", a, 0, (1,))


def _leading(words: np.ndarray, low: int, high: int) -> np.ndarray:
    """How many of each word's bytes, from the first, lie in ``low``–``high`` (0–8)."""
    run = np.ones(len(words), bool)
    count = np.zeros(len(words), np.int64)
    for k in range(8):
        byte = (words >> np.uint64(8 * k)) & np.uint64(0xFF)
        run &= (byte >= low) & (byte <= high)
        count += run
    return count


def _max_number(a: np.ndarray, at: np.ndarray) -> int:
    """The largest of the decimal numbers starting at positions ``at`` of ``a``; one of
    more than 8 digits counts as 10⁹ (beyond any sheet)."""
    if not len(at):
        return 0
    words = _words(a)[at]
    ndig = _leading(words, 48, 57)
    most = int(ndig.max())
    if most == 0:
        return 0
    top = at[ndig == most]
    if most == 8 and ((a[top + 8] >= 48) & (a[top + 8] <= 57)).any():
        return 10**9
    big = words[ndig == most].byteswap() >> np.uint64(8 * (8 - most))
    return int(int(big.max()).to_bytes(most, "big"))


class _Scan:
    """Running figures of one sheet's XML, block by block (numpy over the bytes); with
    ``valued``, cells that close empty are left out (as the reader leaves them)."""

    def __init__(self, *, valued: bool = False, thorough: bool = False) -> None:
        self.valued, self.thorough = valued, thorough
        self.ref_row = self.ref_col = self.refs = self.cells = 0
        self.row_elems = self.row_ref = self.per_row = self.carry = 0
        self.far: tuple[int, int] | None = None
        self.unplaced = False

    def block(self, data: bytes) -> None:
        """Count one block of XML that ends before a tag. The fast way finds the cells
        written ``<c r="…"``; a block with other cells asks for the thorough way."""
        a = np.frombuffer(data + bytes(16), np.uint8)
        if self.thorough:
            self._elements(a)
            self._refs(a, _attribute_values(a))
            return
        cells = data.count(b"<c ") + data.count(b"<c>")
        at = _cell_refs(data, a)
        self.unplaced |= len(at) != cells
        self.cells += cells
        self._refs(a, at)

    def _elements(self, a: np.ndarray) -> None:
        """Cells and rows, and the most cells in one row (for cells placed by order)."""
        lt = np.flatnonzero(a == 60)
        after = a[lt + 2]
        ends = (after == 32) | (after == 62) | (after == 47) | (after == 9) | (after == 10) | (after == 13)
        cell_at = lt[(a[lt + 1] == 99) & ends]
        row_at = lt[(a[lt + 1] == 114) & (a[lt + 2] == 111) & (a[lt + 3] == 119)]
        self.cells += len(cell_at)
        self.row_elems += len(row_at)
        per = np.bincount(np.searchsorted(row_at, cell_at), minlength=len(row_at) + 1)
        per[0] += self.carry
        self.per_row = max(self.per_row, int(per[:-1].max()) if len(per) > 1 else 0)
        self.carry = int(per[-1])

    def _refs(self, a: np.ndarray, r: np.ndarray) -> None:
        """Row and column of the references starting at ``r`` (a row's number alone for
        ``<row r="…">``)."""
        words = _words(a)
        nlet = _leading(words[r], 65, 90)
        cell = nlet > 0
        self.refs += int(cell.sum())
        if not cell.all():  # the rows' own numbers (<row r="…">)
            self.row_ref = max(self.row_ref, _max_number(a, r[~cell]))
        if self.valued:
            cell &= ~_closes_empty(a, r)
        if not cell.any():
            return
        r, nlet = r[cell], nlet[cell]
        self.ref_row = max(self.ref_row, _max_number(a, r + nlet))
        longest = int(nlet.max())
        if longest > 3:
            self.ref_col = max(self.ref_col, 10**6)
            self.far = self.far or (_max_number(a, (r + nlet)[nlet > 3][:1]), 10**6)
            return
        at = r[nlet == longest]
        col = np.zeros(len(at), np.int64)
        for k in range(longest):
            col = col * 26 + a[at + k] - 64
        self.ref_col = max(self.ref_col, int(col.max()))
        beyond = np.flatnonzero(col > MAX_XLSX_COLUMNS)
        if len(beyond) and self.far is None:
            self.far = (_max_number(a, at[beyond[:1]] + longest), int(col[beyond[0]]))

    def extent(self) -> Extent:
        rows, cols = self.ref_row, self.ref_col
        if self.thorough and self.cells > self.refs:  # cells placed by order: each row as long as its cells
            rows = max(rows, self.row_ref + self.row_elems)
            cols = cols + max(self.per_row, self.carry)
        return Extent(rows=rows, cols=cols, cells=self.cells, far=self.far)


def _blocks(archive: zipfile.ZipFile, member: str, name: str) -> Iterator[bytes]:
    """The member's bytes in blocks that each end before a tag (a row's when it can)."""
    tail = b""
    try:
        with archive.open(member) as fh:
            while chunk := fh.read(_BLOCK):
                data = tail + chunk
                cut = data.rfind(b"<row", len(data) // 2)
                cut = cut if cut > 0 else data.rfind(b"<")
                data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                yield data
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise damaged(name, err, member=member) from err
    if tail:
        yield tail


def _check_prolog(head: bytes, name: str) -> None:
    root = next((i for i in range(len(head) - 1) if head[i] == 60 and head[i + 1] not in b"?!"),
                len(head))
    if b"<!DOCTYPE" in head[:root] or b"<!ENTITY" in head[:root]:
        raise damaged(name, DefusedXmlException())


def scan_sheet(archive: zipfile.ZipFile, member: str, name: str) -> Extent:
    """The :class:`Extent` of one worksheet's XML (bounded: a block at a time)."""
    scan = _scan(archive, member, name, _Scan())
    if scan.unplaced:  # some cells not written <c r="…">: every element looked at
        scan = _scan(archive, member, name, _Scan(thorough=True))
    extent = scan.extent()
    if extent.far or extent.rows * extent.cols > MAX_XLSX_CELLS:  # again, without empty cells
        extent = _scan(archive, member, name, _Scan(valued=True, thorough=scan.thorough)).extent()
    return extent


def _scan(archive: zipfile.ZipFile, member: str, name: str, scan: _Scan) -> _Scan:
    first = True
    for data in _blocks(archive, member, name):
        if first:
            _check_prolog(data[:65_536], name)
            first = False
        scan.block(data)
    return scan


def _shared_strings(archive: zipfile.ZipFile, cells: int, name: str) -> None:
    """Refuse more shared strings than ``cells`` cells could use (counted only when the
    part's size allows more: each entry takes at least 13 bytes)."""
    member = next((m for m in archive.namelist() if m.lower() == "xl/sharedstrings.xml"), None)
    if member is None:
        return
    allowed = 2 * cells + SPARE_SHARED_STRINGS
    if archive.getinfo(member).file_size // 13 <= allowed:
        return
    count, first = 0, True
    for data in _blocks(archive, member, name):
        if first:
            _check_prolog(data[:65_536], name)
            first = False
        count += data.count(b"<si>") + data.count(b"<si ")
    if count > allowed:
        raise UnreadableFileError(said("xlsx_shared_strings", name=name, count=f"{count:,}",
                                       cells=f"{cells:,}"))


def workbook_cells(archive: zipfile.ZipFile, parts: dict[str, str], read: list[str],
                   name: str) -> dict[str, Extent]:
    """Scan every sheet, refuse the workbook if the sheets in ``read`` cost more than the
    limits allow or its shared strings are more than its cells could use; the extents."""
    extents = {title: scan_sheet(archive, member, name) for title, member in parts.items()}
    budget = MAX_XLSX_CELLS
    for title in read:
        extent = extents[title]
        if extent.far:
            row, col = extent.far
            raise UnreadableFileError(said("xlsx_stray_column", name=name, sheet=repr(title),
                                           row=row, column=column_letter(col),
                                           limit=f"{MAX_XLSX_COLUMNS:,}"))
        budget -= extent.rows * extent.cols
        if budget < 0:
            raise UnreadableFileError(said("xlsx_too_many_cells", name=name, sheet=repr(title),
                                           limit=f"{MAX_XLSX_CELLS:,}"))
    _shared_strings(archive, sum(e.cells for e in extents.values()), name)
    return extents
