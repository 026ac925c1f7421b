"""A workbook is refused by what it would cost to read, before the reader pays it.

python-calamine builds a dense rectangle per sheet and keeps every shared string, so the
scan of the zip directory and the XML bytes (firms/intake/xlsx_scan.py) decides first.
The workbooks are generated here (benchmarks/workbooks.py makes the full-size ones).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest
from test_hostile_input import FIRMS, refused, sheet, xlsx

from firms.intake import xlsx as reader
from firms.intake import xlsx_scan
from firms.intake.errors import UnreadableFileError
from firms.intake.readers import table_from_bytes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from workbooks import excel_like, many_cells, shared_strings_bomb  # noqa: E402


def _never_read(*_args, **_kwargs):
    raise AssertionError("the reader ran: the scan should have refused first")


def test_shared_strings_no_cell_can_use_are_refused_by_name_in_seconds(run_cli, tmp_path):
    """Issue figure: 5 MB, one data row, 16M shared strings took 138 s and 2.67 GB. The
    same shape with 2M strings is refused by the CLI, naming the counts."""
    path = tmp_path / "strings.xlsx"
    path.write_bytes(shared_strings_bomb(2_000_000))
    start = time.perf_counter()
    line = refused(run_cli("firms", "import", str(path), "-o", str(tmp_path / "o.csv")),
                   "strings.xlsx", "2,000,000 shared strings", "4 cells")
    assert time.perf_counter() - start < 60, line


def test_two_values_far_apart_are_refused_before_the_reader_builds_their_rectangle(
        run_cli, tmp_path, monkeypatch):
    """Values at A1 and AMJ1000000 (inside the column limit) would make the reader build
    a billion cells; the scan refuses the sheet and the reader never runs."""
    far = '<row r="1000000"><c r="AMJ1000000"><v>1</v></c></row>'
    raw = xlsx({"S": sheet(FIRMS, extra_rows=far)})
    monkeypatch.setattr(reader, "_open", _never_read)
    with pytest.raises(UnreadableFileError, match=r"sheet 'S' holds more than 20,000,000 cells"):
        table_from_bytes(raw, "far.xlsx")
    path = tmp_path / "far.xlsx"
    path.write_bytes(raw)
    refused(run_cli("firms", "import", str(path), "-o", str(tmp_path / "o.csv")),
            "holds more than 20,000,000 cells")


def test_the_cell_budget_counts_every_sheet_read_before_any_is_read(monkeypatch):
    monkeypatch.setattr(xlsx_scan, "MAX_XLSX_CELLS", 2_000)
    monkeypatch.setattr(reader, "_open", _never_read)
    with pytest.raises(UnreadableFileError, match=r"holds more than 2,000 cells"):
        table_from_bytes(many_cells(300, 8), "many.xlsx")


def test_empty_styled_cells_far_away_cost_nothing_and_are_not_refused():
    """The reader leaves cells without a value out of its rectangle; so does the scan."""
    styled = '<row r="900000"><c r="XFD900000" s="1"/><c r="XFC900000"></c></row>'
    table, _ = table_from_bytes(xlsx({"S": sheet(FIRMS, extra_rows=styled)}), "styled.xlsx")
    assert table.shape == (2, 2)


def test_cells_without_references_are_placed_in_order_and_bounded_per_row():
    cells = ('<row><c t="inlineStr"><is><t>企业名称</t></is></c><c t="inlineStr"><is><t>地址'
             '</t></is></c></row><row><c t="inlineStr"><is><t>甲公司</t></is></c><c t="inlineStr">'
             "<is><t>上海市松江区</t></is></c></row>")
    raw = xlsx({"S": sheet([], extra_rows=cells)})  # rows given as raw XML
    table, _ = table_from_bytes(raw, "plain.xlsx")
    assert table.to_dict("records") == [{"企业名称": "甲公司", "地址": "上海市松江区"}]


def test_an_excel_like_workbook_reads_as_its_csv_does():
    rows = [["企业名称", "经度", "纬度", "从业人员", "统一社会信用代码"],
            ["甲公司", "121.362768", "31.400601", "72", "91310000MA1K35XX8X"],
            ["乙公司", "121.5", "31.2", "", "914403001922038000"],
            ["丙公司", "0.00001", "-0.0", "1e+20", " 带空格 "]]
    table, info = table_from_bytes(excel_like(rows), "firms.xlsx")
    assert info["sheet"] == "企业"
    assert table.values.tolist() == [
        ["甲公司", "121.362768", "31.400601", "72", "91310000MA1K35XX8X"],
        ["乙公司", "121.5", "31.2", "", "9.14403001922038e+17"],  # a number, as Excel shows it
        ["丙公司", "1e-05", "0", "1e+20", "带空格"]]


def test_numbers_read_vectorised_as_one_by_one():
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.uniform(-200, 200, 20_000), 10 ** rng.uniform(-7, 19, 20_000),
                             np.round(rng.uniform(-1e6, 1e6, 5_000)), [0.0, -0.0, 1e15, 1e9]])
    assert reader._numbers(values).to_pylist() == [reader.cell_text(float(v)) for v in values]
