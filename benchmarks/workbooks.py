"""Workbook figures: the same firms as XLSX and as CSV, and workbooks made to cost.

    python benchmarks/workbooks.py [--n 100000] [--repeat 3] [--json]
    python benchmarks/workbooks.py --hostile [--before] [--json]

- pair: ``--n`` SYNTHETIC firms (``shmap synth``) written as CSV and as a workbook laid out
  as Excel saves one (text in shared strings, numbers as numbers). Each is imported
  ``--repeat`` times, alternating, each in a fresh child process: the import's wall and
  CPU seconds (``import_firm_list``: read, check, place, classify) and the child's peak RSS
  (VmHWM), then ``shmap firms import FILE -o out.csv`` end to end (wall seconds, the
  command's peak RSS). Ratios workbook ÷ CSV of the medians, measured in the same run.
- hostile (issue figures): a 5 MB workbook with one data row and 16 million shared
  strings; a workbook of 8 million ordinary cells (1M rows × 8). Each is read in a child:
  refused or read, wall and CPU seconds, peak RSS. ``--before`` also reads them with the
  openpyxl reader of git revision ``--before-rev`` (minutes and gigabytes: run it once).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hostile import child_figures  # noqa: E402  (benchmarks/ is this script's folder)

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _column(index: int) -> str:
    letters = ""
    while index >= 0:
        index, rest = divmod(index, 26)
        letters = chr(65 + rest) + letters
        index -= 1
    return letters


_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def workbook(sheet_rows: bytes, strings: bytes) -> bytes:
    """A one-sheet workbook whose sheet holds ``sheet_rows`` (the ``<row>`` elements) and
    whose shared-strings part holds ``strings`` (the ``<si>`` elements)."""
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{_PKG}/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
        'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        f'ContentType="{_MEDIA}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_MEDIA}.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{_MEDIA}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets><sheet name="企业" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for member, text in parts.items():
            dst.writestr(member, text)
        dst.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                     f'<worksheet xmlns="{_NS}"><sheetData>'.encode() + sheet_rows
                     + b"</sheetData></worksheet>")
        dst.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_NS}">'.encode() + strings + b"</sst>")
    return out.getvalue()


def excel_like(rows: list[list[str]]) -> bytes:
    """Rows of text as Excel saves them: text in shared strings, numbers as numbers."""
    index: dict[str, int] = {}
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if not value:
                continue
            ref = f"{_column(c)}{r}"
            try:
                float(value)
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            except ValueError:
                cells.append(f'<c r="{ref}" t="s"><v>{index.setdefault(value, len(index))}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in index)
    return workbook("".join(out).encode(), strings.encode())


def shared_strings_bomb(count: int) -> bytes:
    """One header row and one data row, behind ``count`` distinct shared strings."""
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>')
    head = "<si><t>企业名称</t></si><si><t>地址</t></si><si><t>甲公司</t></si><si><t>上海市松江区</t></si>"
    body = "".join(f"<si><t>{i}</t></si>" for i in range(count - 4))
    return workbook(rows.encode(), (head + body).encode())


def many_cells(rows: int, cols: int) -> bytes:
    """A header row (企业名称, 经度, …) and ``rows`` rows of ``cols`` numbers."""
    header = "".join(f'<c r="{_column(c)}1" t="inlineStr"><is><t>{t}</t></is></c>'
                     for c, t in enumerate(["企业名称", "经度", "纬度"] +
                                           [f"x{i}" for i in range(cols - 3)]))
    letters = [_column(c) for c in range(cols)]
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{letter}{r}"><v>{r * cols + c}</v></c>'
                                              for c, letter in enumerate(letters)) + "</row>"
                   for r in range(2, rows + 2))
    return workbook(f'<row r="1">{header}</row>{body}'.encode(), b"")


_READ = """
import json, resource, time
{load}
r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
try:
    rows, refused = len(read({path!r})), ""
except Exception as err:
    rows, refused = 0, str(err)[:160]
r1, t1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
print(json.dumps({{"rows": rows, "refused": refused, "wall_s": t1 - t0,
                  "cpu_s": r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime}}))
"""
_AFTER = ("from firms.intake.readers import read_firm_table\n"
          "def read(path):\n    return read_firm_table(path)[0]\n")


def _before(folder: Path, rev: str) -> str:
    """Code that loads the openpyxl reader of git revision ``rev`` as ``read``."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:firms/intake/xlsx.py"],
                            capture_output=True, text=True, check=True).stdout
    (folder / "xlsx_before.py").write_text(source, encoding="utf-8")
    return (f"import sys\nsys.path.insert(0, {str(folder)!r})\nfrom xlsx_before import read_xlsx\n"
            "def read(path):\n    return read_xlsx(open(path, 'rb').read(), 'f.xlsx', 10**9)[0]\n")


def read_figures(path: Path, load: str) -> dict:
    """Read ``path`` in a child with ``load``'s ``read``: rows or refusal, seconds, peak RSS."""
    figures, rss = child_figures(_READ.format(load=load, path=str(path)))
    return {"rows": figures["rows"], "refused": figures["refused"],
            "wall_s": round(figures["wall_s"], 2), "cpu_s": round(figures["cpu_s"], 2),
            "peak_rss_mb": round(rss, 1)}


def hostile_figures(folder: Path, *, before: str | None = None) -> dict:
    """Finding 6's workbooks, read now (and with the reader of ``before``)."""
    out = {}
    for key, raw in (("strings16m", shared_strings_bomb(16_000_000)),
                     ("cells8m", many_cells(1_000_000, 8))):
        path = folder / f"{key}.xlsx"
        path.write_bytes(raw)
        out[key] = {"file_mb": round(len(raw) / 1e6, 1), "after": read_figures(path, _AFTER)}
        if before:
            out[key]["before"] = read_figures(path, _before(folder, before))
    return out


_IMPORT = """
import json, resource, time
from firms.intake import import_firm_list
from firms.intake.places import shanghai_places
shanghai_places()
r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
result = import_firm_list({path!r}, points=False)
r1, t1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
print(json.dumps({{"accepted": result.report["accepted"], "wall_s": t1 - t0,
                  "cpu_s": r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime}}))
"""
_CLI = ("from cli.main import main\n"
        "import json, time\nt = time.perf_counter()\n"
        "assert main(['firms', 'import', {path!r}, '-o', {out!r}]) == 0\n"
        "print(json.dumps({{'wall_s': time.perf_counter() - t}}))\n")


def _once(path: Path, folder: Path) -> dict:
    figures, rss = child_figures(_IMPORT.format(path=str(path)))
    cli, cli_rss = child_figures(_CLI.format(path=str(path), out=str(folder / "out.csv")))
    return {**figures, "peak_rss_mb": rss, "cli_wall_s": cli["wall_s"], "cli_peak_rss_mb": cli_rss}


def pair_figures(n: int, repeat: int, folder: Path) -> dict:
    """The same ``n`` firms as CSV and as a workbook, imported alternately ``repeat`` times."""
    from firms.synth import write_synthetic

    src = write_synthetic(n, 1, folder)
    with open(src, encoding="utf-8") as fh:
        book = folder / "firms.xlsx"
        book.write_bytes(excel_like(list(csv.reader(fh))))
    runs = {"csv": [], "xlsx": []}
    for _ in range(repeat):
        runs["csv"].append(_once(src, folder))
        runs["xlsx"].append(_once(book, folder))
    med = {kind: {key: round(statistics.median(r[key] for r in rs), 3) for key in rs[0]}
           for kind, rs in runs.items()}
    ratios = {f"{key}_ratio": round(med["xlsx"][key] / med["csv"][key], 2)
              for key in ("wall_s", "cpu_s", "peak_rss_mb", "cli_wall_s", "cli_peak_rss_mb")}
    return {"n": n, "repeat": repeat, "csv_mb": round(src.stat().st_size / 1e6, 1),
            "xlsx_mb": round(book.stat().st_size / 1e6, 1), **med, **ratios}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--hostile", action="store_true", help="finding 6's workbooks instead")
    p.add_argument("--before", action="store_true", help="with --hostile: the old reader too")
    p.add_argument("--before-rev", default="0126f67")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = hostile_figures(Path(tmp), before=args.before_rev if args.before else None) \
            if args.hostile else pair_figures(args.n, args.repeat, Path(tmp))
    print(json.dumps(figures) if args.json else json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
