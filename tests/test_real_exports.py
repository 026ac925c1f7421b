"""Firm lists as registry exports give them: title rows above the header, their own header
names, capital with its currency, dates, 登记状态, 国标行业 text at every level."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from exports import ADDRESSES, gongshi_csv, qichacha_xlsx, tianyancha_csv

from firms.intake import import_firm_list
from firms.intake.classify import classify, code_of_name
from firms.intake.register import parse_capital, parse_date
from ui.views import import_summary

ROOT = Path(__file__).resolve().parent.parent

QCC_ROWS = [
    ("上海临港某智能装备有限公司", "存续（在营、开业、在册）", "张三", "1000万元人民币", "2019-08-20",
     "", ADDRESSES[0][0], "专用设备制造业", "56", "021-1234567", "a@example.com"),
    ("上海张江某集成电路设计有限公司", "存续", "李四", "500万美元", "2015年3月12日", "",
     ADDRESSES[4][0], "软件和信息技术服务业", "120", "-", "-"),
    ("上海松江某芯片科技有限公司", "在业", "王五", "3000万人民币", "20180101", "",
     ADDRESSES[17][0], "计算机、通信和其他电子设备制造业", "-", "-", "-"),
    ("上海嘉定某网络科技有限公司", "注销", "赵六", "100万元", "2012-05-03", "",
     ADDRESSES[14][0], "互联网和相关服务", "0", "-", "-"),
    ("上海马陆某电子有限公司", "吊销，未注销", "钱七", "-", "2010-01-01", "",
     ADDRESSES[15][0], "计算机、通信和其他电子设备制造业", "", "-", "-"),
    ("深圳某科技有限公司上海分公司", "存续", "孙八", "200万元人民币", "2020-02-02", "",
     "深圳市龙华区龙华街道清华东路1号", "软件开发", "3", "-", "-"),
]


def test_a_qichacha_workbook_with_a_title_row_imports_and_names_its_header_row():
    result = import_firm_list(qichacha_xlsx(QCC_ROWS), name="企查查导出.xlsx")
    report = result.report
    assert report["header_row"] == 2
    assert report["above_header"] == ["企查查 · 企业数据导出（导出时间：2024-05-01 10:00）"]
    assert report["header_mapping"]["企业地址"] == "address"
    assert report["header_mapping"]["参保人数"] == "employees"
    assert report["header_mapping"]["登记状态"] == "status"
    assert (report["rows_in"], report["accepted"], report["rejected"]) == (6, 5, 1)
    assert result.rejected.iloc[0]["reason"] == "not in Shanghai: 深圳市"


def test_capital_dates_status_and_employees_are_read_from_the_export():
    firms = import_firm_list(qichacha_xlsx(QCC_ROWS), name="企查查导出.xlsx").accepted
    by = firms.set_index("name")
    assert by.loc["上海临港某智能装备有限公司", "registered_capital"] == 10_000_000
    assert by.loc["上海临港某智能装备有限公司", "capital_currency"] == "CNY"
    assert by.loc["上海张江某集成电路设计有限公司", "registered_capital"] == 5_000_000
    assert by.loc["上海张江某集成电路设计有限公司", "capital_currency"] == "USD"
    assert list(by["founded"][:3]) == ["2019-08-20", "2015-03-12", "2018-01-01"]
    assert by.loc["上海张江某集成电路设计有限公司", "employees"] == 120
    assert np.isnan(by.loc["上海松江某芯片科技有限公司", "employees"])  # "-" is unknown, not bad
    assert by.loc["上海松江某芯片科技有限公司", "issues"] == ""
    assert list(by["status_active"]) == [True, True, True, False, False]


def test_sectors_come_from_the_industry_names_and_say_which_rule_gave_them():
    firms = import_firm_list(qichacha_xlsx(QCC_ROWS), name="企查查导出.xlsx").accepted
    got = dict(zip(firms["name"], zip(firms["sector"], firms["sector_source"], strict=True),
                   strict=True))
    assert got["上海张江某集成电路设计有限公司"] == ("ic", "gbt4754_refined_by_name")
    assert got["上海松江某芯片科技有限公司"] == ("ic", "gbt4754_refined_by_name")
    assert got["上海嘉定某网络科技有限公司"] == ("digital", "gbt4754_name")
    assert got["上海马陆某电子有限公司"] == ("unclassified", "none")


@pytest.mark.parametrize(("industry", "code"), [
    ("制造业", "C"), ("计算机、通信和其他电子设备制造业", "39"), ("电子器件制造", "397"),
    ("集成电路制造", "3973"), ("集成电路设计", "6520"), ("互联网和相关服务", "64"),
    ("C3973", "3973"), ("I65", "65"), ("专业技术服务业", "74"), ("不是行业", None)])
def test_industry_names_of_every_level_give_their_code(industry, code):
    assert code_of_name(industry) == code


def test_a_broad_code_is_refined_by_the_firm_name_only_where_it_is_broad():
    import pandas as pd
    names = pd.Series(["某集成电路设计公司", "某集成电路设计公司", "某制药公司"])
    sector, source = classify(pd.Series(["", "", ""]),
                              pd.Series(["软件和信息技术服务业", "应用软件开发", "研究和试验发展"]),
                              names)
    assert list(sector) == ["ic", "digital", "biomed"]
    assert list(source) == ["gbt4754_refined_by_name", "gbt4754_name", "gbt4754_refined_by_name"]


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("1000万元人民币", 1e7, "CNY"), ("500万美元", 5e6, "USD"), ("1,200.5万元", 12_005_000, "CNY"),
    ("1亿元", 1e8, "CNY"), ("50万港元", 5e5, "HKD"), ("１０００万（元）", 1e7, "CNY")])
def test_registered_capital_is_a_number_and_a_currency(text, amount, currency):
    assert parse_capital(text) == (pytest.approx(amount), currency)


def test_unreadable_capital_and_dates_are_none_and_blank_is_empty():
    assert parse_capital("未知") is None
    assert parse_capital("-")[1] == ""
    assert parse_date("2015/3/12") == "2015-03-12"
    assert parse_date("42075") == "2015-03-12"  # an Excel day number
    assert parse_date("2015-02-30") is None
    assert parse_date("") == ""


def test_a_tianyancha_csv_with_a_note_above_its_header_imports():
    rows = [("上海某生物医药有限公司", "存续", "周九", "800万元人民币", "2016-06-06", "",
             "上海市闵行区紫竹科学园区东川路555号", "医药制造业", "40"),
            ("上海某网络有限公司", "迁出", "吴十", "100万元人民币", "2011-01-01", "",
             "上海市黄浦区南京东路街道九江路1号", "互联网和相关服务", "5")]
    result = import_firm_list(tianyancha_csv(rows), name="天眼查.csv")
    assert result.report["header_row"] == 3
    assert result.report["header_mapping"]["公司名称"] == "name"
    assert result.report["header_mapping"]["注册地址"] == "address"
    assert result.report["accepted"] == 2 and result.report["inactive"] == 1
    assert list(result.accepted["sector"]) == ["biomed", "digital"]


def test_a_gongshi_list_reads_its_most_specific_industry_level_in_gb18030():
    rows = [("上海某半导体有限公司", "", "有限责任公司", "钱一", "2000万元人民币", "2018-09-09",
             "上海市浦东新区张江镇祖冲之路1号", "浦东新区市场监管局", "存续", "制造业",
             "计算机、通信和其他电子设备制造业")]
    result = import_firm_list(gongshi_csv(rows), name="公示系统.csv")
    assert result.report["header_mapping"]["行业大类"] == "industry"
    assert "行业门类" not in result.report["header_mapping"]
    firm = result.accepted.iloc[0]
    assert (firm["sector"], firm["sector_source"]) == ("ic", "gbt4754_refined_by_name")
    assert firm["placement_level"] == "town" and firm["address"].endswith("祖冲之路1号")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_import_report_gives_the_header_row_and_rows_by_placement_level(lang):
    report = import_firm_list(qichacha_xlsx(QCC_ROWS), name="企查查导出.xlsx").report
    table = import_summary(report, lang)
    items = dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))
    header = "表头所在行" if lang == "zh" else "Header row"
    assert items[header] == "2"
    zone = ("按地址所指园区/片区定位（以其范围为误差）" if lang == "zh"
            else "Placed in a zone the address names (its outline as uncertainty)")
    assert items[zone] == "2"
    ring = ("按街道/镇名称定位，无其边界：以同名地铁站周围的范围为误差（只计为可能）" if lang == "zh"
            else "Subdistrict/town named, without an outline: a ring around the metro station "
                 "of its name as uncertainty (counted as possible only)")
    assert items[ring] == "3"  # 安亭, 马陆, 九亭: each has a metro station of its name


def test_the_cli_imports_a_qichacha_workbook_and_names_the_header_row(tmp_path):
    src = tmp_path / "企查查导出.xlsx"
    src.write_bytes(qichacha_xlsx(QCC_ROWS))
    out = tmp_path / "firms.csv"
    run = subprocess.run([sys.executable, "-m", "cli.main", "firms", "import", str(src),
                          "-o", str(out)], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "header on row 2" in run.stdout
    assert "zone 2" in run.stdout and "town_station 3" in run.stdout
    assert out.exists()
