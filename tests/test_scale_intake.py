"""The dask engine reads a file through the one intake, as the in-memory import does.

Each file is generated here: duplicates that span blocks, a ragged row, an empty file,
quoted line breaks across a block boundary, GB18030 first met after the first megabyte,
a GeoParquet file of WKB points. Blocks are 64 KB, so every file has many.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point
from test_hostile_input import imported, refused

from firms.intake import import_firm_list
from firms.intake.uscc import check_character
from firms.scale import measures_dask
from firms.synth import write_synthetic
from firms.zones import layer_measures

BLOCK = "64KB"


def _code(i: int) -> str:
    first17 = f"91310000{i:09d}"
    return first17 + check_character(first17)


@pytest.fixture(scope="module")
def firms(tmp_path_factory) -> pd.DataFrame:
    """3,000 synthetic firms with a credit code and an address each."""
    path = write_synthetic(3_000, 3, tmp_path_factory.mktemp("intake"))
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.insert(1, "统一社会信用代码", [_code(i) for i in range(len(table))])
    table.insert(2, "地址", [f"上海市松江区{i % 700}号" for i in range(len(table))])
    return table


def _same_as_in_memory(path, layer_id: str = "districts") -> dict:
    memory = import_firm_list(path)
    want = layer_measures(memory.accepted, layer_id, "ic")
    got, tally = measures_dask(path, layer_id, "ic", blocksize=BLOCK)
    assert tally == {"in": memory.report["rows_in"], "accepted": memory.report["accepted"],
                     "rejected": memory.report["rejected"]}
    assert list(got["firms"]) == list(want["firms"])
    assert list(got["sector_firms"]) == list(want["sector_firms"])
    return tally


def test_duplicates_across_blocks_are_removed_as_the_in_memory_import_removes_them(
        firms, tmp_path):
    """Rows 2,000–2,199 repeat rows 0–199 by credit code (blocks apart); rows 2,200–2,299
    repeat rows 300–399 by name and address under new codes; one code repeats within a
    block too."""
    by_code = firms.iloc[:200].copy()
    by_place = firms.iloc[300:400].copy()
    by_place["统一社会信用代码"] = [_code(900_000 + i) for i in range(100)]
    table = pd.concat([firms.iloc[:2_000], by_code, by_place, firms.iloc[2_000:2_010],
                       firms.iloc[2_005:2_006]])
    path = tmp_path / "dups.csv"
    table.to_csv(path, index=False)
    assert path.stat().st_size > 4 * 64_000  # several blocks
    tally = _same_as_in_memory(path)
    assert tally["rejected"] == 301


def test_quoted_line_breaks_across_block_boundaries_read_as_in_memory(firms, tmp_path):
    table = firms.copy()
    table["备注"] = ["第一行\n第二行,带逗号\n" * (i % 3) for i in range(len(table))]
    path = tmp_path / "quoted.csv"
    table.to_csv(path, index=False)
    assert _same_as_in_memory(path)["in"] == len(table)


def test_gb18030_first_met_after_the_first_megabyte_reads_as_in_memory(firms, tmp_path):
    ascii_rows = "\n".join(f"Firm {i} Ltd,121.45,31.22,WGS84,ic,,5,yes" for i in range(30_000))
    text = ("企业名称,经度,纬度,坐标系,行业,国民经济行业代码,从业人员,synthetic\n".replace(
        "企业名称", "name").replace("经度", "lon").replace("纬度", "lat") + ascii_rows
        + "\n中芯国际集成电路,121.6,31.2,WGS84,集成电路,,9,yes\n")
    path = tmp_path / "late.csv"
    path.write_bytes(text.encode("gb18030"))
    assert text.encode("gb18030").find(b"\xd6") > 1_000_000  # the first non-ASCII byte
    assert _same_as_in_memory(path)["accepted"] == 30_001


def test_geoparquet_points_give_the_csv_measures(firms, tmp_path):
    frame = firms.copy()
    geometry = [Point(float(x), float(y)) for x, y in zip(frame.pop("经度"), frame.pop("纬度"),
                                                          strict=True)]
    gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326").to_parquet(
        tmp_path / "firms.parquet", row_group_size=500)
    csv = tmp_path / "firms.csv"
    firms.to_csv(csv, index=False)
    want = layer_measures(import_firm_list(csv).accepted, "districts", "ic")
    got, tally = measures_dask(tmp_path / "firms.parquet", "districts", "ic")
    assert tally["in"] == len(firms) and tally["accepted"] == len(
        import_firm_list(csv).accepted)
    assert list(got["firms"]) == list(want["firms"])


def _both(run_cli, path, tmp_path) -> tuple[str, str]:
    """The one error line of the in-memory import and of the dask engine (threads)."""
    memory = refused(run_cli("firms", "import", str(path), "-o", str(tmp_path / "o.csv")))
    scaled = refused(run_cli("measures", str(path), "--layer", "districts", "--engine", "dask",
                         "--scheduler", "threads", "--blocksize", BLOCK))
    return memory, scaled


def test_a_ragged_row_in_a_late_block_is_the_in_memory_refusal_with_its_line(firms, tmp_path,
                                                                            run_cli):
    path = tmp_path / "ragged.csv"
    firms.to_csv(path, index=False)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2_500] = lines[2_500].rstrip("\n") + ",多,余\n"
    path.write_text("".join(lines), encoding="utf-8")
    memory, scaled = _both(run_cli, path, tmp_path)
    assert scaled == memory and "2501" in scaled


@pytest.mark.parametrize("content", [b"", "企业名称,经度,纬度\n".encode()])
def test_an_empty_file_or_a_header_alone_is_answered_as_in_memory(tmp_path, content, run_cli):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    if content:
        assert imported(run_cli("firms", "import", str(path), "-o", str(tmp_path / "o.csv")))
        _, tally = measures_dask(path, "districts", "ic", blocksize=BLOCK)
        assert tally == {"in": 0, "accepted": 0, "rejected": 0}
    else:
        memory, scaled = _both(run_cli, path, tmp_path)
        assert scaled == memory


def test_bytes_neither_utf8_nor_gb18030_late_in_the_file_are_refused_where_they_are(
        firms, tmp_path, run_cli):
    path = tmp_path / "bad.csv"
    firms.to_csv(path, index=False)
    raw = path.read_bytes()
    at = raw.rindex(b",", 0, len(raw) - 100)  # an ASCII byte: the error is at it
    path.write_bytes(raw[:at] + b"\xff" + raw[at + 1:])
    memory, scaled = _both(run_cli, path, tmp_path)
    assert scaled == memory and f"offset {at}" in scaled
