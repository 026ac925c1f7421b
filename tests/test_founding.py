"""Firms over time: founding dates as registry exports write them, counts per year per
zone and sector, growth over 3 and 5 years, the year filter, staff sums, and the chart
as PNG with its table in words."""

import io

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import layers
from firms.demo import demo_firms
from firms.founding import founded_years, growth, in_years, staff, year_table, zone_years
from firms.intake import import_firm_list
from firms.zones import join_and_count
from ui.time_charts import chart_png, in_words


def test_founding_dates_are_read_as_exports_write_them():
    firms = pd.DataFrame({"成立日期": ["2015-03-12", "2015/3/2", "2016年7月1日", "20170105", "2018",
                                   "43831", "", "不详", "1890-01-01", "2019.11.30"]})
    years = founded_years(firms)
    assert list(years.fillna(0).astype(int)) == [2015, 2015, 2016, 2017, 2018, 2020, 0, 0, 0, 2019]
    assert founded_years(pd.DataFrame({"企业名称": ["甲"]})) is None


def test_a_real_shaped_export_keeps_its_date_and_staff_columns_through_the_import():
    csv = ("企业名称,统一社会信用代码,成立日期,参保人数,地址,国标行业\n"
           "上海甲科技有限公司,,2012-05-06,35,上海市浦东新区张江路100号,集成电路设计\n"
           "上海乙医药有限公司,,2020年1月3日,-,上海市奉贤区金海公路6000号,化学药品制剂制造\n")
    firms = import_firm_list(csv.encode("utf-8"), name="企查查导出.csv").accepted
    assert list(founded_years(firms)) == [2012.0, 2020.0]
    assert staff(firms).iloc[0] == 35 and np.isnan(staff(firms).iloc[1])


@pytest.fixture(scope="module")
def demo():
    firms = demo_firms()
    zones = layers.load("biomed_1_5_x")
    return firms, zones, join_and_count(firms, zones).pairs, founded_years(firms)


def test_counts_per_year_per_zone_and_sector_add_up_to_the_zones_dated_firms(demo):
    firms, zones, pairs, years = demo
    table = year_table(firms, pairs, zones.index, years=years)
    inside = pairs[pairs["zone"] == "biomed_core_zhangjiang"]["point"].to_numpy()
    assert table.loc["biomed_core_zhangjiang"].sum() == int(years.iloc[inside].notna().sum())
    biomed = year_table(firms, pairs, zones.index, years=years, sector="biomed")
    assert (biomed <= table.reindex(columns=biomed.columns, fill_value=0)).all().all()
    by_sector = zone_years(firms, pairs, "biomed_core_zhangjiang", years=years)
    assert by_sector.to_numpy().sum() == table.loc["biomed_core_zhangjiang"].sum()
    assert len(by_sector.columns) <= 6


def test_growth_over_three_and_five_years():
    table = pd.DataFrame({2015: [2, 0], 2019: [2, 1], 2022: [4, 0]}, index=["a", "b"])
    assert growth(table, last=2022, span=3).loc["a"] == pytest.approx(8 / 4 - 1)
    assert growth(table, last=2024, span=5).loc["a"] == pytest.approx(8 / 4 - 1)
    assert np.isnan(growth(table, last=2019, span=3).loc["b"])  # none before: no growth rate


def test_the_year_filter_keeps_dated_firms_in_range(demo):
    _, _, _, years = demo
    keep = in_years(years, 2018, 2020)
    assert keep.sum() == int(((years >= 2018) & (years <= 2020)).sum()) > 0
    assert in_years(years, None, None).all()


def test_staff_sums_where_given(demo):
    firms, zones, pairs, _ = demo
    s = staff(firms)
    assert s.notna().sum() == 5000  # the synthetic rows give it, the named institutions do not


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_is_a_png_and_its_table_reads_in_words(demo, lang):
    firms, _, pairs, years = demo
    table = in_words(zone_years(firms, pairs, "biomed_core_zhangjiang", years=years), lang)
    assert table.index.name == ("年份" if lang == "zh" else "Year")
    assert ("生物医药" if lang == "zh" else "Biomedicine") in table.columns
    png = Image.open(io.BytesIO(chart_png(table, title="x", lang=lang)))
    assert png.format == "PNG" and png.size[0] > 600
