"""The dask engine reads a registry export as the in-memory import reads it: the header
found under title rows (and said), the exports' own header names, address-only rows on
every rung of the placement ladder, 国标行业 text, and firms no longer registered left out
of the counts unless asked for.

Each list is made here, shaped like a 企查查 or 天眼查 CSV export; blocks are 64 KB, so
every file has several and the header travels with each.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from exports import ADDRESSES, qichacha_xlsx
from test_hostile_input import refused

from firms.blocks import plan_csv
from firms.intake.uscc import check_character

BLOCK = "64KB"
ROWS = 1_100

#: 登记状态 as exports write them; 注销, 吊销 and 迁出 firms are no longer registered here.
STATUSES = ("存续（在营、开业、在册）", "存续", "在业", "注销", "吊销，未注销", "迁出")
#: 国标行业 text at different levels, as 所属行业 gives it.
INDUSTRIES = ("软件和信息技术服务业", "计算机、通信和其他电子设备制造业", "医药制造业",
              "互联网和相关服务", "专用设备制造业", "集成电路设计")


def _code(i: int) -> str:
    first17 = f"91310115{i:09d}"
    return first17 + check_character(first17)


def _cells(i: int) -> dict[str, str]:
    """One firm: an address only (no coordinates), as the exports write it."""
    return {"name": f"上海某{i}科技有限公司", "status": STATUSES[i % len(STATUSES)],
            "capital": f"{100 + i}万元人民币", "founded": f"20{10 + i % 14}-0{1 + i % 9}-1{i % 10}",
            "code": _code(i), "address": ADDRESSES[i % len(ADDRESSES)][0],
            "industry": INDUSTRIES[i % len(INDUSTRIES)], "staff": str(i % 300)}


def qichacha_csv(rows: int = ROWS) -> str:
    """A 企查查 export saved as CSV: the merged title cell's row (its commas keep the
    table's width), a blank row, then the header (so the header is on line 3)."""
    header = ("企业名称", "登记状态", "法定代表人", "注册资本", "成立日期", "统一社会信用代码",
              "企业地址", "所属行业", "参保人数", "电话", "邮箱")
    lines = ['"企查查 导出 2026-11-30 共 1,234 条"' + "," * (len(header) - 1), "",
             ",".join(header)]
    for i in range(rows):
        c = _cells(i)
        lines.append(",".join((c["name"], f'"{c["status"]}"', "张三", c["capital"], c["founded"],
                               c["code"], c["address"], f'"{c["industry"]}"', c["staff"], "-",
                               "-")))
    return "\r\n".join(lines) + "\r\n"


def tianyancha_csv(rows: int = ROWS, *, address: str = "注册地址") -> str:
    """A 天眼查 export: a note and a blank line above its own header names (公司名称,
    经营状态, 注册地址 or 通信地址, 国标行业) — the header on line 3."""
    header = ("公司名称", "经营状态", "法定代表人", "注册资本", "成立日期", "统一社会信用代码",
              address, "国标行业", "参保人数")
    lines = ["数据来源：天眼查，仅供参考", "", ",".join(header)]
    for i in range(rows):
        c = _cells(i)
        lines.append(",".join((c["name"], f'"{c["status"]}"', "李四", c["capital"], c["founded"],
                               c["code"], c["address"], f'"{c["industry"]}"', c["staff"])))
    return "\n".join(lines) + "\n"


#: 行业门类 of each of :data:`INDUSTRIES`, as the 公示系统 gives it beside 行业大类.
SECTIONS = ("信息传输、软件和信息技术服务业", "制造业", "制造业", "信息传输、软件和信息技术服务业",
            "制造业", "信息传输、软件和信息技术服务业")


def gongshi_csv(rows: int = ROWS) -> bytes:
    """A 国家企业信用信息公示系统 list in GB18030: a title row, then 住所, 登记状态 and
    industry at two levels (行业门类, 行业大类: the more specific is read)."""
    header = ("企业名称", "统一社会信用代码", "类型", "法定代表人", "注册资本", "成立日期", "住所",
              "登记机关", "登记状态", "行业门类", "行业大类")
    lines = ["国家企业信用信息公示系统 查询结果", ",".join(header)]
    for i in range(rows):
        c = _cells(i)
        lines.append(",".join((c["name"], c["code"], "有限责任公司", "王五", c["capital"],
                               c["founded"], c["address"], "市场监督管理局", f'"{c["status"]}"',
                               f'"{SECTIONS[i % len(SECTIONS)]}"', f'"{c["industry"]}"')))
    return ("\n".join(lines) + "\n").encode("gb18030")


def _measures(run_cli, path, tmp_path, *options: str) -> tuple[pd.DataFrame, str]:
    """``shmap measures`` of ``path``: its table (read back from CSV) and its stderr."""
    out = tmp_path / f"m{len(list(tmp_path.iterdir()))}.csv"
    run = run_cli("measures", str(path), "-o", str(out), *options)
    assert run.returncode == 0, run.stderr
    return pd.read_csv(out, encoding="utf-8-sig").set_index("id"), run.stderr


def _both_engines(run_cli, path, tmp_path, *options: str, dask: tuple[str, ...] = ()):
    """(table, stderr) of the in-memory engine and of the dask engine (threads, 64 KB
    blocks, and ``dask``'s options)."""
    memory = _measures(run_cli, path, tmp_path, *options)
    scaled = _measures(run_cli, path, tmp_path, *options, "--engine", "dask",
                       "--scheduler", "threads", "--blocksize", BLOCK, *dask)
    return memory, scaled


@pytest.fixture(scope="module")
def qichacha(tmp_path_factory):
    path = tmp_path_factory.mktemp("exports") / "企查查导出.csv"
    path.write_text(qichacha_csv(), encoding="utf-8-sig")
    assert path.stat().st_size > 3 * 64_000  # several blocks
    return path


def test_the_header_under_a_title_row_is_found_and_every_block_reads_under_it(qichacha):
    plan = plan_csv(qichacha, 64_000)
    assert plan.above["header_row"] == 3
    assert plan.above["above_header"] == ["企查查 导出 2026-11-30 共 1,234 条"]
    assert plan.header.decode("utf-8").startswith("企业名称,登记状态,")
    assert plan.spans[0][2] == 4  # the first data row is line 4 of the file
    assert len(plan.spans) > 3


@pytest.mark.parametrize("layer", ["districts", "poles"])
def test_a_qichacha_export_with_a_title_row_counts_the_same_on_both_engines(
        qichacha, tmp_path, run_cli, layer):
    (memory, memory_said), (scaled, scaled_said) = _both_engines(
        run_cli, qichacha, tmp_path, "--layer", layer, "--sector", "digital")
    pd.testing.assert_frame_equal(scaled, memory, check_dtype=False)
    assert memory["firms"].sum() > 0 and memory["sector_firms"].sum() > 0  # certainly in
    for said in (memory_said, scaled_said):
        assert "header on row 3; above it: 企查查 导出 2026-11-30 共 1,234 条" in said
    assert f"rows in {ROWS}: accepted {ROWS}, rejected 0" in scaled_said


@pytest.mark.parametrize("dask", [(), ("--spatial",)], ids=["blocks", "spatial"])
def test_inactive_firms_are_left_out_on_both_engines_unless_asked_for(qichacha, tmp_path,
                                                                      run_cli, dask):
    options = ("--layer", "districts", "--sector", "digital")
    (memory, _), (scaled, said) = _both_engines(run_cli, qichacha, tmp_path, *options,
                                                dask=dask)
    (memory_all, _), (scaled_all, said_all) = _both_engines(
        run_cli, qichacha, tmp_path, *options, "--include-inactive", dask=dask)
    pd.testing.assert_frame_equal(scaled, memory, check_dtype=False)
    pd.testing.assert_frame_equal(scaled_all, memory_all, check_dtype=False)
    for column in ("firms", "firms_possible", "sector_firms"):
        assert (scaled_all[column] >= scaled[column]).all()
        assert scaled_all[column].sum() > scaled[column].sum()
    assert "deregistered/revoked/moved-out firms left out" in said
    assert "left out" not in said_all


@pytest.mark.parametrize("address", ["注册地址", "通信地址"])
def test_a_tianyancha_export_maps_its_own_header_names_the_same_on_both_engines(
        tmp_path, run_cli, address):
    path = tmp_path / "天眼查.csv"
    path.write_text(tianyancha_csv(address=address), encoding="utf-8")
    (memory, memory_said), (scaled, scaled_said) = _both_engines(
        run_cli, path, tmp_path, "--layer", "poles", "--sector", "biomed")
    pd.testing.assert_frame_equal(scaled, memory, check_dtype=False)
    assert memory["sector_firms"].sum() + memory["sector_firms_possible"].sum() > 0
    assert "employees" in memory and memory["employees"].sum() > 0  # 参保人数 read
    for said in (memory_said, scaled_said):
        assert "header on row 3; above it: 数据来源：天眼查，仅供参考" in said


def _refusals(run_cli, path, tmp_path) -> tuple[str, str]:
    """The one error line of the in-memory import and of the dask engine (threads)."""
    memory = refused(run_cli("firms", "import", str(path), "-o", str(tmp_path / "o.csv")))
    scaled = refused(run_cli("measures", str(path), "--layer", "districts", "--engine", "dask",
                             "--scheduler", "threads", "--blocksize", BLOCK))
    return memory, scaled


def test_a_ragged_row_under_title_rows_is_named_by_its_line_in_the_file(tmp_path, run_cli):
    lines = qichacha_csv().split("\r\n")
    lines[1_000] += ",多,余"  # line 1,001 of the file: 998 rows under the header on line 3
    path = tmp_path / "ragged.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    memory, scaled = _refusals(run_cli, path, tmp_path)
    assert scaled == memory and "line 1001" in scaled


@pytest.mark.parametrize("titled", [True, False])
def test_a_bad_byte_is_named_by_its_offset_in_the_file(tmp_path, run_cli, titled):
    """A UTF-8 file with a BOM (as Excel saves it), under title rows or not."""
    raw = qichacha_csv().encode("utf-8")
    raw = raw if titled else raw[raw.index("企业名称".encode()):]
    at = raw.rindex(b",", 0, len(raw) - 100)
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xef\xbb\xbf" + raw[:at] + b"\xff" + raw[at + 1:])
    memory, scaled = _refusals(run_cli, path, tmp_path)
    assert scaled == memory and f"byte 0xff at offset {at + 3}" in scaled


def test_a_gongshi_list_in_gb18030_counts_the_same_on_both_engines(tmp_path, run_cli):
    path = tmp_path / "公示系统.csv"
    path.write_bytes(gongshi_csv())
    (memory, memory_said), (scaled, scaled_said) = _both_engines(
        run_cli, path, tmp_path, "--layer", "poles", "--sector", "biomed")
    pd.testing.assert_frame_equal(scaled, memory, check_dtype=False)
    assert memory["sector_firms"].sum() > 0  # biomed from 行业大类 医药制造业, not 行业门类 制造业
    for said in (memory_said, scaled_said):
        assert "header on row 2; above it: 国家企业信用信息公示系统 查询结果" in said


def test_a_qichacha_workbook_is_read_whole_by_the_dask_engine_as_in_memory(tmp_path, run_cli):
    rows = [(c["name"], c["status"], "张三", c["capital"], c["founded"], c["code"],
             c["address"], c["industry"], c["staff"], "-", "-")
            for c in map(_cells, range(300))]
    path = tmp_path / "企查查导出.xlsx"
    path.write_bytes(qichacha_xlsx(rows))
    (memory, memory_said), (scaled, scaled_said) = _both_engines(
        run_cli, path, tmp_path, "--layer", "districts", "--sector", "digital")
    pd.testing.assert_frame_equal(scaled, memory, check_dtype=False)
    assert memory["sector_firms"].sum() > 0
    for said in (memory_said, scaled_said):
        assert "header on row 2; above it: 企查查 · 企业数据导出" in said


def test_an_indented_geojson_file_larger_than_a_block_is_read_whole(tmp_path, run_cli):
    features = [{"type": "Feature", "geometry": None,
                 "properties": {"企业名称": c["name"], "登记状态": c["status"],
                                "企业地址": c["address"], "所属行业": c["industry"]}}
                for c in map(_cells, range(700))]
    path = tmp_path / "firms.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False, indent=2), encoding="utf-8")
    assert path.stat().st_size > 2 * 64_000
    (memory, _), (scaled, said) = _both_engines(run_cli, path, tmp_path, "--layer", "poles",
                                                "--sector", "digital")
    pd.testing.assert_frame_equal(scaled, memory, check_dtype=False)
    assert "rows in 700: accepted 700, rejected 0" in said


def test_a_two_column_list_under_a_two_cell_title_row_is_read_under_its_title(tmp_path,
                                                                               run_cli):
    """The title row has as many cells as the header: only the header search tells them
    apart (a CSV reader takes either as a header)."""
    rows = "".join(f"{c['name']},{c['address']}\n" for c in map(_cells, range(400)))
    path = tmp_path / "名单.csv"
    path.write_text("园区企业名单,2026年11月\n\n企业名称,企业地址\n" + rows, encoding="utf-8")
    (memory, memory_said), (scaled, scaled_said) = _both_engines(run_cli, path, tmp_path,
                                                                 "--layer", "districts")
    pd.testing.assert_frame_equal(scaled, memory, check_dtype=False)
    assert memory["firms"].sum() > 0
    for said in (memory_said, scaled_said):
        assert "header on row 3; above it: 园区企业名单 2026年11月" in said
