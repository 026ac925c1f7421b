"""Hostile input, round two: each finding made again with a file or argument generated
here and run through the real CLI (``cli.main.main`` in this process, the ``run_cli``
fixture; a subprocess where a signal stops it) — a refusal exits 2 with one
``shmap: error:`` line (argparse's own line for a bad argument), an
import that finishes loses nothing — and through the real app (Streamlit's AppTest),
which shows no traceback for any of them."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from streamlit.testing.v1 import AppTest
from test_hostile_input import FIRMS, ROOT, imported, refused, sheet, xlsx
from test_serve import server  # noqa: F401 — the real `shmap serve` on loopback

from firms.intake import import_firm_list
from layers.files import clear_leftovers

APP = str(ROOT / "app.py")
#: User columns named like what the outputs add or hold, beside the bilingual headers
#: a 企查查 export and a translated copy both give.
CLASHING = ("企业名称,地址,坐标系,datum,wkt,wkt_note,fid,geom,Name,Address,tel,TEL\n"
            "甲公司,上海市浦东新区张江镇,WGS84,我的字段,\"POLYGON ((121 31, 121.1 31, 121.1 31.1, "
            "121 31))\",我的备注,7,g1,Jia Co,Zhangjiang,1,2\n")
USER_VALUES = {"datum_1": "我的字段", "wkt_1": "POLYGON ((121 31, 121.1 31, 121.1 31.1, 121 31))",
               "wkt_note_1": "我的备注", "fid_1": "7", "geom_1": "g1", "Name_1": "Jia Co",
               "Address_1": "Zhangjiang", "tel": "1", "TEL_1": "2"}


def _read_back(path: Path) -> dict[str, str]:
    """The one accepted firm of an output file, every attribute as text."""
    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        frame = pyogrio.read_dataframe(path, read_geometry=False)
    assert len(frame) == 1
    return {str(k): "" if v is None else str(v) for k, v in frame.iloc[0].items()}


# ---------------------------------------------------------------- 3, 4: output columns

@pytest.mark.parametrize("suffix", [".csv", ".gpkg", ".geojson"])
def test_user_columns_named_like_output_columns_keep_their_values_in_every_format(
        run_cli, tmp_path, suffix, ogrinfo):
    """Finding 3 and 4: wkt, datum, wkt_note, fid, geom and the case-insensitive clashes
    (Name beside 企业名称, TEL beside tel) are renamed the same way in
    every format and reported; no value is overwritten, no GeoPackage traceback."""
    src = tmp_path / "企查查导出.csv"
    src.write_text(CLASHING, encoding="utf-8")
    out = tmp_path / f"firms{suffix}"
    done = run_cli("firms", "import", str(src), "-o", str(out))
    assert imported(done) == {"rows_in": 1, "accepted": 1, "rejected": 0}
    for old, new in (("datum", "datum_1"), ("wkt", "wkt_1"), ("fid", "fid_1"), ("Name", "Name_1"),
                     ("TEL", "TEL_1")):
        assert f"{old} → {new}" in done.stdout
    row = _read_back(out)
    assert {k: row[k] for k in USER_VALUES} == USER_VALUES
    if suffix == ".csv":  # the format's own columns beside the user's
        assert row["datum"] == "wgs84" and row["wkt"].startswith("POINT (")
    if suffix == ".gpkg":  # GDAL's own reader opens it with every column
        listing = subprocess.run([ogrinfo, "-so", "-al", str(out)], capture_output=True,
                                 text=True, check=True).stdout
        for column in ("fid_1", "geom_1", "Name_1", "Address_1", "TEL_1", "wkt_1"):
            assert f"{column}: " in listing


# ---------------------------------------------------------------- 7: GeoJSON memory

_PEAK = ("import re\nwith open('/proc/self/status') as s:\n"
         "    print(int(re.search(r'VmHWM:\\s+(\\d+)', s.read()).group(1)) * 1024)\n")


def _peak_bytes(code: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code + "\n" + _PEAK], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120, check=True)
    return int(done.stdout.splitlines()[-1])


@pytest.mark.subprocess
def test_a_geojson_of_empty_features_is_read_in_memory_bounded_by_its_size(tmp_path):
    """Finding 7: 24 MB of empty features (470,000 of them) is read as a stream in at most
    10× its size over the interpreter and its imports (json.loads took about 10×, and
    30–60× through the app)."""
    path = tmp_path / "empty.geojson"
    feature = '{"type":"Feature","properties":{},"geometry":null}'
    count = 470_000
    path.write_text('{"type":"FeatureCollection","features":[' + ",".join([feature] * count)
                    + "]}", encoding="utf-8")
    size = path.stat().st_size
    base = _peak_bytes("import firms.intake.readers")
    peak = _peak_bytes(f"from firms.intake.readers import read_firm_table\n"
                       f"table, _ = read_firm_table({str(path)!r})\n"
                       f"assert len(table) == {count}")
    assert peak - base <= 10 * size, (peak - base) / size


# ---------------------------------------------------------------- 8: a 5,000-digit number

def _long_number_geojson() -> str:
    feature = {"type": "Feature", "properties": {"企业名称": "甲公司"},
               "geometry": {"type": "Point", "coordinates": [121.5, 31.2]}}
    text = json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False)
    return text.replace('"甲公司"}', '"甲公司", "注册号": 1' + "0" * 5000 + "}")


def test_a_geojson_with_a_5000_digit_number_is_refused_by_name(run_cli, tmp_path):
    """Finding 8: a 5 KB file, one clear line, no traceback; 20 digits still read."""
    path = tmp_path / "long.geojson"
    path.write_text(_long_number_geojson(), encoding="utf-8")
    assert path.stat().st_size < 6000
    refused(run_cli("firms", "import", str(path), "-o", str(tmp_path / "out.geojson")),
            "long.geojson", "more digits than can be read", "as text in quotes")
    path.write_text(_long_number_geojson().replace("1" + "0" * 5000, "1" + "0" * 19))
    imported(run_cli("firms", "import", str(path), "-o", str(tmp_path / "out.geojson")))


def test_the_app_shows_no_server_detail_of_an_unexpected_error():
    """Finding 8: Streamlit shows only its generic message for an error the app did not
    expect ("none"; the deprecated false would still show the traceback)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


# ---------------------------------------------------------------- 10: failed and stopped writes

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.subprocess
@pytest.mark.slow
def test_a_stopped_write_leaves_no_temporary_file_and_says_so_in_one_line(run_cli, tmp_path):
    """Finding 10: SIGTERM (and Ctrl-C, SIGINT) during the write of a GeoJSON of 200,000
    firms: one `shmap: stopped` line, exit 143 (130), no traceback, no `.part` left, the
    earlier output as it was."""
    src = run_cli("synth", "--n", "200000", "-o", tmp_path)
    assert src.returncode == 0, src.stderr
    firms = next(tmp_path.glob("*.csv"))
    assert "SYNTHETIC" in src.stdout
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "firms.geojson").write_text("earlier", encoding="utf-8")
    for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "firms", "import", str(firms),
                                 "-o", str(out_dir / "firms.geojson")], cwd=ROOT, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 50
        while not list(out_dir.glob(".firms.geojson.*.part")) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.01)
        time.sleep(0.02)  # inside the write (the microseconds inside mkdtemp are left to
        proc.send_signal(sig)  # the next run's clean-up, tested below)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code, err
        assert "Traceback" not in err
        assert [line for line in err.splitlines() if line.startswith("shmap:")] == [
            "shmap: stopped; a file being written was removed, earlier files are as they were"]
        assert sorted(p.name for p in out_dir.iterdir()) == ["firms.geojson"]
        assert (out_dir / "firms.geojson").read_text(encoding="utf-8") == "earlier"


def test_a_killed_writes_temporary_folder_is_removed_by_the_next_write(run_cli, tmp_path):
    """Finding 10: a `.part` folder whose process is gone (SIGKILL leaves one) is removed
    the next time the same file is written; a live process's is left alone."""
    dead = tmp_path / f".firms.geojson.{_dead_pid()}.abcd1234.part"
    live = tmp_path / f".firms.geojson.{os.getpid()}.efgh5678.part"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "firms.geojson").write_bytes(b"x" * 1000)
    src = tmp_path / "in.csv"
    src.write_text("企业名称,地址\n甲公司,上海市松江区\n", encoding="utf-8")
    imported(run_cli("firms", "import", str(src), "-o", str(tmp_path / "firms.geojson")))
    assert not dead.exists() and live.exists()
    assert clear_leftovers(tmp_path / "firms.geojson") == []


def test_a_geopackage_on_a_full_disk_is_one_clear_message(run_cli, tmp_path):
    """Finding 10: GDAL's failure to commit on a full disk (a 200 KB tmpfs) is one line
    naming the file and the free space; nothing is left on that disk."""
    disk = tmp_path / "full"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(disk)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root)")
    try:
        src = tmp_path / "many.csv"
        rows = [f"公司{i}{'长' * 40},{121.4 + i * 1e-5:.6f},31.2" for i in range(3000)]
        src.write_text("企业名称,经度,纬度\n" + "\n".join(rows) + "\n", encoding="utf-8")
        done = run_cli("firms", "import", str(src), "-o", str(disk / "firms.gpkg"))
        refused(done, "firms.gpkg", "is the disk full?")
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


# ---------------------------------------------------------------- 11: fix and retry

def test_the_rejected_rows_round_trip_with_their_original_values(run_cli, tmp_path):
    """Finding 11: `-3D打印`, `+86 …` and `=1+1` come back from x.rejected.csv as they
    were (the guard's ' is ours and is taken off); a text that began with ' keeps it;
    once the row is fixed it is accepted with its original name."""
    src = tmp_path / "x.csv"
    src.write_text("企业名称,地址,电话,备注\n-3D打印,,+86 21 5555 0101,=1+1\n"
                   "@科技,,'-已有引号,普通\n", encoding="utf-8")
    imported(run_cli("firms", "import", str(src), "-o", str(tmp_path / "x.geojson")))
    rejected = tmp_path / "x.rejected.csv"
    assert "'-3D打印" in rejected.read_text(encoding="utf-8-sig")  # guarded for spreadsheets
    again = import_firm_list(rejected)
    assert again.report["formula_guards_removed"] == 5
    table = again.rejected
    assert list(table["企业名称"]) == ["-3D打印", "@科技"]
    assert list(table["电话"]) == ["+86 21 5555 0101", "'-已有引号"]
    assert list(table["备注"]) == ["=1+1", "普通"]
    fixed = rejected.read_text(encoding="utf-8-sig").replace("'-3D打印,,", "'-3D打印,上海市浦东新区张江镇,")
    (tmp_path / "fixed.csv").write_text(fixed, encoding="utf-8-sig")  # the address filled in
    accepted = import_firm_list(tmp_path / "fixed.csv").accepted
    assert "-3D打印" in list(accepted["name"])


def test_a_nul_in_a_name_does_not_cut_it_short_in_a_geopackage(run_cli, tmp_path):
    """Finding 11: GDAL ends text at a NUL; the GeoPackage shows it as ␀ and keeps the rest."""
    src = tmp_path / "nul.csv"
    src.write_bytes("企业名称,地址\n甲\x00乙科技有限公司,上海市松江区\n".encode())
    imported(run_cli("firms", "import", str(src), "-o", str(tmp_path / "nul.gpkg")))
    assert _read_back(tmp_path / "nul.gpkg")["name"] == "甲\u2400乙科技有限公司"


# ---------------------------------------------------------------- 12: every command's arguments

@pytest.mark.parametrize(("args", "needle"), [
    (("schema", "-o", "/nonexistent-folder/schema.json"), "does not exist"),
    (("schema", "-o", "{tmp}"), "it is a folder"),
    (("synth", "--n", "0"), "argument --n: 0 is out of range"),
    (("synth", "--n", "-5"), "argument --n: -5 is out of range"),
    (("synth", "--n", "200000000"), "argument --n: 200,000,000 is out of range"),
    (("preview", "--dpi", "0", "-o", "{tmp}/p.png"), "argument --dpi: 0 is out of range"),
    (("serve", "--port", "99999"), "argument --port: 99,999 is out of range"),
    (("shortlist", "--sector", "ic", "--top", "-3"), "argument --top: -3 is out of range"),
    (("export", "poles", "-o", "data/layers/poles.geojson"), "the project's own data folder"),
    (("synth", "--n", "5", "-o", "data"), "the project's own data folder"),
    (("preview", "poles", "-o", "{tmp}/p.txt"), ".txt is not an image type"),
    (("measures", "{tmp}/none.csv", "--layer", "poles", "--engine", "dask", "--blocksize", "0"),
     "argument --blocksize: 0 is out of range"),
    (("measures", "{tmp}/none.csv", "--layer", "poles", "--engine", "dask", "--blocksize", "abc"),
     "argument --blocksize: 'abc' is not a size"),
], ids=["schema-missing-folder", "schema-folder", "synth-0", "synth-negative", "synth-huge",
        "preview-dpi-0", "serve-port", "shortlist-top-negative", "export-over-data",
        "synth-into-data", "preview-not-an-image", "blocksize-0", "blocksize-words"])
def test_every_command_refuses_a_bad_argument_clearly(run_cli, tmp_path, args, needle):
    poles = ROOT / "data" / "layers" / "poles.geojson"
    before = hashlib.sha256(poles.read_bytes()).hexdigest()
    done = run_cli(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and needle in errors[0], done.stderr
    assert hashlib.sha256(poles.read_bytes()).hexdigest() == before


@pytest.mark.loopback
@pytest.mark.subprocess
@pytest.mark.parametrize("bbox", ["nan,nan,nan,nan", "121,31,122,32,0,10", "121,31,x,32",
                                  "122,31,121,32"])
def test_the_service_answers_400_to_a_bbox_it_cannot_use(server, bbox):  # noqa: F811
    """Finding 12: a bbox of NaNs, of six numbers, of words or inside out is the client's
    mistake (400, an OGC exception naming the form), not the server's (500)."""
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server}/collections/parks/items?f=json&bbox={bbox}", timeout=20)
    assert caught.value.code == 400
    body = json.loads(caught.value.read())
    assert body["code"] == "InvalidParameterValue" and "minlon,minlat,maxlon,maxlat" in \
        body["description"]


# ---------------------------------------------------------------- 13: the smaller ones

def test_invisible_and_implausible_values_are_rejected_or_flagged_per_row(run_cli, tmp_path):
    """Finding 13: a name of zero-width spaces is rejected; a right-to-left override is
    flagged by code point; 1e308 employees and 100,000,000亿 capital are flagged, the
    employees left empty; every row accounted for."""
    src = tmp_path / "odd.csv"
    src.write_text("企业名称,地址,从业人员,注册资本\n"
                   "\u200b\u200b\u200d,上海市浦东新区张江镇,5,100万元\n"
                   "甲\u202egpj.exe科技有限公司,上海市松江区,1e308,5000万元人民币\n"
                   "乙科技有限公司,上海市松江区,200,100000000亿元\n", encoding="utf-8")
    out = tmp_path / "odd.csv.out.csv"
    assert imported(run_cli("firms", "import", str(src), "-o", str(out))) == {
        "rows_in": 3, "accepted": 2, "rejected": 1}
    rejected = pd.read_csv(tmp_path / "odd.csv.out.rejected.csv", dtype=str, encoding="utf-8-sig")
    assert rejected["reason"].iloc[0].startswith("the firm name has no visible character")
    accepted = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    flagged = dict(zip(accepted["row"], accepted["issues"], strict=True))
    assert "(U+202E)" in flagged["2"] and "employees over 1,000,000" in flagged["2"]
    assert accepted["employees"].iloc[0] == ""
    assert "注册资本 100000000亿元 is beyond any firm's" in flagged["3"]
    assert float(accepted["registered_capital"].iloc[1]) == 1e16  # read as yuan, and flagged


def test_a_workbook_named_csv_and_a_hidden_sheet_are_named_for_what_they_are(run_cli, tmp_path):
    book = xlsx({"企业": sheet(FIRMS), "代码表": sheet(FIRMS[:2])}, hidden=("代码表",))
    (tmp_path / "名单.csv").write_bytes(book)
    refused(run_cli("firms", "import", str(tmp_path / "名单.csv"), "-o", str(tmp_path / "o.geojson")),
            "an .xlsx workbook (a zip archive), not CSV text")
    (tmp_path / "名单.xlsx").write_bytes(book)
    refused(run_cli("firms", "import", str(tmp_path / "名单.xlsx"), "-o", str(tmp_path / "o.geojson")),
            "of which '代码表' hidden")


def test_a_quote_never_closed_is_warned_about_with_its_row(run_cli, tmp_path):
    """Finding 13: a stray quote merges 1,001 lines into one cell: the import finishes and
    says where."""
    lines = ["企业名称,地址", "甲公司,上海市松江区", '"乙公司,上海市松江区',
             *(f"公司{i},上海市松江区" for i in range(1000)), '丙公司",上海市松江区',
             "丁公司,上海市松江区"]
    src = tmp_path / "quote.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("firms", "import", str(src), "-o", str(tmp_path / "q.geojson"))
    assert imported(done)["rows_in"] == 3
    assert "warning: quote.csv: row 2 holds 1,001 line breaks in column '企业名称'" in done.stderr


# ---------------------------------------------------------------- the app

APP_FILES = {
    "long-number": ("long.geojson", _long_number_geojson().encode(), "有一个数字位数过多"),
    "workbook-named-csv": ("名单.csv", xlsx({"企业": sheet(FIRMS)}), "这是 .xlsx 工作簿"),
    "clashing-columns": ("cols.csv", CLASHING.encode(), None),
    "invisible-name": ("odd.csv", "企业名称,地址\n\u200b\u200b,上海市松江区\n乙公司,上海市松江区\n"
                       .encode(), None),
}


@pytest.mark.apptest
@pytest.mark.parametrize("case", list(APP_FILES))
def test_the_app_answers_each_hostile_file_without_a_traceback(case):
    name, content, refusal = APP_FILES[case]
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.radio(key="firm_source").set_value("upload").run()
    at.file_uploader(key="upload").upload(name, content, "application/octet-stream")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.sidebar.error]
    if refusal is None:
        assert not errors, errors
        assert at.sidebar.status[0].label == "导入完成"
    else:
        assert len(errors) == 1 and refusal in errors[0].replace("\\", ""), errors
        assert at.sidebar.status[0].label != "导入完成"  # marked failed, not spinning
