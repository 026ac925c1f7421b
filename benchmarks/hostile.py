"""Figures for hostile input (issue #13): the XLSX dimension bomb, junk datum values,
and the peak memory of ``shmap firms import -o x.geojson``.

    python benchmarks/hostile.py [--n 200000] [--distinct 100000] [--export-n 1000000] [--json]
        [--workbooks [--before]]

- bomb: a workbook written by openpyxl, then its sheet made to declare
  ``A1:XFD1048576`` with an empty row 1,048,576; read in a child process, which
  reports the read's CPU seconds, wall seconds and its peak RSS (MB).
- datum: import of ``--n`` rows whose 坐标系 column holds one junk value, then
  ``--distinct`` distinct junk values (best of three each); ``datum_ratio`` = distinct / one.
- export: ``shmap firms import`` of ``--export-n`` SYNTHETIC firms to GeoJSON in a
  child process; its peak RSS (MB, VmHWM). Skipped with ``--export-n 0``.
- geojson: the import of a GeoJSON firm list of ``--geojson-mb`` MB of SYNTHETIC firms
  with Chinese properties, and of one of empty features (no properties, null
  geometry), each in a child process: wall seconds, peak RSS (MB) and
  ``…_rss_per_byte``, the peak over that of a child that only loaded the places, per
  byte of file (the target is ≤ 10). Skipped with ``--geojson-mb 0``. ``--code-root`` runs the children on another
  checkout (e.g. the code before a change) for a before/after pair.
- workbooks (``--workbooks``): issue 24's finding 6, a 5 MB workbook of one data row and 16M
  shared strings and one of 8M ordinary cells, read in a child (refused or read, seconds, peak
  RSS); with ``--before`` also by the openpyxl reader this replaced (minutes, gigabytes).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bomb_bytes() -> bytes:
    """An openpyxl workbook whose sheet then claims 1,048,576 × 16,384 cells."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in [("企业名称", "地址"), ("甲公司", "上海市浦东新区张江镇")]:
        book.active.append(row)
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index('<dimension ref="')
                end = text.index("/>", start) + 2
                text = text[:start] + '<dimension ref="A1:XFD1048576"/>' + text[end:]
                text = text.replace("</sheetData>", '<row r="1048576"/></sheetData>')
                data = text.encode()
            dst.writestr(info, data)
    return out.getvalue()


#: Appended to a child's code: its own peak RSS (VmHWM, MB) as the last line. (Its
#: ru_maxrss would keep the forking parent's peak: Linux carries it across exec.)
_PEAK = ("\nimport re as _re\nwith open('/proc/self/status') as _s:\n"
         "    print('{\"peak_rss_mb\": %.1f}' % (int(_re.search(r'VmHWM:\\s+(\\d+)', "
         "_s.read()).group(1)) / 1024))\n")


#: The checkout the children run (``--code-root``).
CODE_ROOT = [ROOT]


def child_figures(code: str) -> tuple[dict, float]:
    """Run Python code in a child; (its JSON line before the last, its peak RSS in MB)."""
    env = {**os.environ, "PYTHONPATH": str(CODE_ROOT[0])}
    done = subprocess.run([sys.executable, "-c", code + _PEAK], capture_output=True, text=True,
                          env=env, check=True, cwd=CODE_ROOT[0])
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    figures = json.loads(lines[-2]) if len(lines) > 1 else {}
    return figures, json.loads(lines[-1])["peak_rss_mb"]


def bomb_figures(folder: Path) -> dict:
    path = folder / "bomb.xlsx"
    path.write_bytes(bomb_bytes())
    code = textwrap.dedent(f"""
        import json, resource, time
        from firms.intake.readers import read_firm_table
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        table, _ = read_firm_table({str(path)!r})
        r1, t1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        print(json.dumps({{"rows": len(table), "wall_s": t1 - t0,
                          "cpu_s": r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime}}))
    """)
    figures, rss = child_figures(code)
    return {"bomb_bytes": path.stat().st_size, "bomb_rows": figures["rows"],
            "bomb_wall_s": round(figures["wall_s"], 3), "bomb_cpu_s": round(figures["cpu_s"], 3),
            "bomb_peak_rss_mb": round(rss, 1)}


def datum_figures(n: int, distinct: int) -> dict:
    from firms.intake import import_firm_list
    from firms.intake.readers import table_from_bytes

    def timed(values) -> float:
        """The best of three imports (the machine is shared: the least disturbed run)."""
        body = "".join(f"f{i},121.5,31.2,{values(i)}\n" for i in range(n))
        table, info = table_from_bytes(("企业名称,经度,纬度,坐标系\n" + body).encode(), "j.csv")
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            result = import_firm_list(table, datum="wgs84", info=info)
            best = min(best, time.perf_counter() - start)
        assert result.report["rejected"] == n
        return best

    import_firm_list(table_from_bytes("企业名称,经度,纬度\n甲,121.5,31.2\n".encode(), "w.csv")[0])
    one = timed(lambda i: "junk")  # after a warm-up import: places and taxonomy loaded
    many = timed(lambda i: f"junk{i % distinct}")
    return {"datum_rows": n, "datum_distinct": distinct, "datum_one_s": round(one, 2),
            "datum_distinct_s": round(many, 2), "datum_ratio": round(many / one, 2)}


def export_figures(n: int, folder: Path) -> dict:
    from firms.synth import write_synthetic

    src = write_synthetic(n, 1, folder)
    out = folder / "firms.geojson"
    code = (f"from cli.main import main\n"
            f"assert main(['firms', 'import', {str(src)!r}, '-o', {str(out)!r}]) == 0")
    start = time.perf_counter()
    _, rss = child_figures(code)
    return {"export_n": n, "export_s": round(time.perf_counter() - start, 1),
            "export_bytes": out.stat().st_size, "export_peak_rss_mb": round(rss, 1)}


def geojson_file(path: Path, mb: float, *, empty: bool) -> int:
    """Write a FeatureCollection of about ``mb`` MB: SYNTHETIC firms with Chinese
    properties and Point geometries, or empty features. Returns its size in bytes."""
    target = int(mb * 1e6)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","name":"SYNTHETIC","features":[')
        size, i = 0, 0
        while size < target:
            if empty:
                text = '{"type":"Feature","properties":{},"geometry":null}'
            else:
                text = json.dumps({"type": "Feature", "properties": {
                    "企业名称": f"SYNTHETIC 上海示例科技有限公司{i}", "地址": "上海市浦东新区张江镇",
                    "行业": "集成电路设计", "从业人员": i % 500},
                    "geometry": {"type": "Point", "coordinates": [121.5 + (i % 1000) * 1e-4,
                                                                  31.2]}}, ensure_ascii=False)
            text = ("," if i else "") + text
            fh.write(text)
            size += len(text.encode())
            i += 1
        fh.write("]}")
    return path.stat().st_size


def geojson_figures(mb: float, folder: Path) -> dict:
    """Peak memory of reading GeoJSON firm lists (finding: 30–60× the file before)."""
    figures: dict = {}
    base_code = ("import json\nfrom firms.intake import import_firm_list\n"
                 "from firms.intake.places import shanghai_places\nshanghai_places()\n"
                 "print(json.dumps({}))")
    _, base = child_figures(base_code)
    for kind in ("firms", "empty"):
        path = folder / f"{kind}.geojson"
        size = geojson_file(path, mb, empty=kind == "empty")
        code = textwrap.dedent(f"""
            import json, time
            from firms.intake import import_firm_list
            from firms.intake.places import shanghai_places
            places = shanghai_places()
            t0 = time.perf_counter()
            try:
                rows = import_firm_list({str(path)!r}, places=places).report["rows_in"]
            except Exception as err:  # empty features: refused (no name column) once read
                rows = type(err).__name__
            print(json.dumps({{"rows": rows, "wall_s": time.perf_counter() - t0}}))
        """)
        try:
            got, rss = child_figures(code)
        except subprocess.CalledProcessError as err:  # the code before the change may fail
            figures[f"geojson_{kind}_failed"] = err.stderr.strip().splitlines()[-1][:120]
            continue
        figures.update({f"geojson_{kind}_mb": round(size / 1e6, 1),
                        f"geojson_{kind}_rows": got["rows"],
                        f"geojson_{kind}_wall_s": round(got["wall_s"], 2),
                        f"geojson_{kind}_peak_rss_mb": round(rss, 1),
                        f"geojson_{kind}_rss_per_byte": round((rss - base) * 1e6 / size, 2)})
    return figures


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200_000)
    p.add_argument("--distinct", type=int, default=100_000)
    p.add_argument("--export-n", type=int, default=1_000_000)
    p.add_argument("--geojson-mb", type=float, default=40)
    p.add_argument("--only-geojson", action="store_true", help="only the GeoJSON figures")
    p.add_argument("--code-root", type=Path, default=ROOT,
                   help="the checkout whose code the children run (default: this one)")
    p.add_argument("--workbooks", action="store_true",
                   help="issue 24 finding 6: a 16M-shared-string and an 8M-cell workbook "
                        "(benchmarks/workbooks.py --hostile); --before: the old reader too")
    p.add_argument("--before", action="store_true")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    CODE_ROOT[0] = args.code_root.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        figures = {}
        if not args.only_geojson:
            figures.update(bomb_figures(Path(tmp)))
            figures.update(datum_figures(args.n, args.distinct))
            if args.export_n:
                figures.update(export_figures(args.export_n, Path(tmp)))
        if args.geojson_mb:
            figures.update(geojson_figures(args.geojson_mb, Path(tmp)))
        if args.workbooks:
            from workbooks import hostile_figures

            figures["workbooks"] = hostile_figures(Path(tmp), before="0126f67" if args.before
                                                   else None)
    if not args.json:
        for key, value in figures.items():
            print(f"{key:>22}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
