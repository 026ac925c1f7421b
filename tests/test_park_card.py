"""The park card and its one-page briefing: 四至 as the sources write them, drawn and
published areas, industries by plan and by firms, counts, plan items and evidence in
words; the PNG and the PDF carry the title, filters, date, legend, sources and the
map data's attribution."""

import io
import re
import subprocess
from datetime import date

import pytest
from conftest import required_program
from PIL import Image

import layers
from firms.demo import demo_firms
from firms.founding import founded_years
from firms.zones import join_and_count, measures_of
from ui.briefing import briefing_bytes, briefing_figure
from ui.park_card import boundary_text, growth_words, park_card, zone_firms
from ui.views import firm_count_text

ENTRIES = {e.id: e for e in layers.catalog()}
ZONE = "ic_park_dongfang_xingang"


@pytest.fixture(scope="module")
def joined():
    firms = demo_firms()
    zones = layers.load("ic_one_body_two_wings")
    j = join_and_count(firms, zones)
    return firms, zones, j


def card_of(joined, lang, zone=ZONE):
    firms, zones, j = joined
    return park_card(zones.loc[zone], ENTRIES["ic_one_body_two_wings"], lang=lang, kind="park",
                     firms=zone_firms(j, zone, firms=firms, years=founded_years(firms)))


def test_the_four_sides_are_read_from_the_sources_in_order():
    assert boundary_text("北至龙东大道、东至外环—沪芦高速、南至下盐公路、西至罗山路—沪奉高速") == \
        "东至外环—沪芦高速，南至下盐公路，西至罗山路—沪奉高速，北至龙东大道"
    assert boundary_text("北至大叶公路. Derivation: a box", "东至浦星公路") == "东至浦星公路，北至大叶公路"
    assert boundary_text("只写了东至某路") == ""  # one side is not a 四至
    # a bracket the side did not open ends it; one it opened and did not close is cut
    assert boundary_text("区块一北至两港大道、南至沧海路、西至云水路等）。") == \
        "南至沧海路，西至云水路等，北至两港大道"
    assert boundary_text("东至外环（S20）、西至罗山路（近") == "东至外环（S20），西至罗山路"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_card_says_what_a_planner_asks(joined, lang):
    card = card_of(joined, lang)
    lines = dict(card.lines)
    assert card.title == ("临港新片区东方芯港" if lang == "zh" else
                          layers.load("ic_one_body_two_wings").loc[ZONE, "name_en"])
    sides = lines["四至（来源原文）" if lang == "zh" else "Boundaries as the sources write them"]
    assert "南至沧海路" in sides and "北至两港大道" in sides
    area = lines["面积（计算值）" if lang == "zh" else "Area (computed)"]
    assert "50.24 km²" in area and "5.45 km²" in area
    firms = joined[2].counts.counts.loc[ZONE].drop("unclassified")
    assert card.firms == int(joined[2].counts.counts.loc[ZONE].sum()) > 0
    assert card.firm_sectors[0] == firms.idxmax()  # "unclassified" is no leading industry
    assert "unclassified" not in card.firm_sectors
    items = lines["规划条目" if lang == "zh" else "Plan items"]
    assert ("平台（1 条）：临港加速建设东方芯港" if lang == "zh" else
            "Platforms (1): Lingang builds the Oriental Chip Harbour") in items
    assert card.plan_sectors == ["ic"]
    assert any("±4,000" in text for _, text in card.lines)  # the evidence in words
    assert card.sources and "沪府办发〔2021〕10号" in card.sources[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_card_counts_firms_certain_and_up_to_as_the_zone_measures_do(joined, lang):
    """Firms placed only to a unit that meets the zone in part are "possible": the card
    gives the certain count and the count up to, in all and per leading sector, from the
    same counts as the zone table (:func:`firms.zones.measures_of`)."""
    firms, zones, j = joined
    zone = next(z for z in zones.index if j.counts.possible is not None and z in
                j.counts.possible.index and j.counts.possible.loc[z].sum() > 0)
    card, lines = card_of(joined, lang, zone), dict(card_of(joined, lang, zone).lines)
    table = measures_of(j.counts, zones, card.firm_sectors[0])
    certain, up_to = table.loc[zone, ["firms", "firms_possible"]]
    assert (card.firms, card.firms_possible) == (certain, up_to) and up_to > certain
    firms_line = lines["区内企业" if lang == "zh" else "Firms inside"]
    assert firms_line.startswith(firm_count_text(certain, up_to, lang))
    assert ("最多" if lang == "zh" else "up to") in firms_line
    by_sector = lines["企业最多的产业（前三）" if lang == "zh" else
                      "Industries with most firms (top 3)"].splitlines()
    assert len(by_sector) == len(card.firm_sectors) == 3
    lead = table.loc[zone, ["sector_firms", "sector_firms_possible"]]
    assert by_sector[0].endswith(firm_count_text(*lead, lang))


def test_growth_counts_the_last_three_and_five_years_certain_and_up_to():
    import pandas as pd
    years = pd.DataFrame({"firms": [4, 1, 2, 3, 5], "firms_possible": [4, 1, 2, 3, 7]},
                         index=[2018, 2020, 2022, 2023, 2024])
    assert growth_words(years, last=2024, lang="zh").splitlines() == [
        "近 3 年（2022–2024 年成立）：10 家企业；连同定位较粗者最多 12 家",
        "近 5 年（2020–2024 年成立）：11 家企业；连同定位较粗者最多 13 家",
        # 15 firms by 2024 against 5 by 2021 and 4 by 2019; 17 against 5 and 4 with the coarse
        "企业存量增长：近 3 年 +200%，近 5 年 +275%（截至 2024 年；名单中已注销的企业不计）",
        "连同定位较粗者：近 3 年 +240%，近 5 年 +325%"]
    certain_only = years.assign(firms_possible=years["firms"])
    assert len(growth_words(certain_only, last=2024, lang="zh").splitlines()) == 3
    assert growth_words(years, last=2024, lang="en", undated=2).splitlines()[-1] == \
        "2 firms certainly or possibly inside give no founding date and are not in these figures"
    assert growth_words(years, last=2026, lang="en").splitlines()[0] == \
        "last 3 years (founded 2024–2026): 5 firms; up to 7 with coarsely placed ones"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_briefing_is_one_page_with_title_filters_date_legend_sources_and_attribution(joined,
                                                                                         lang):
    firms, zones, j = joined
    inside = firms.iloc[j.pairs.loc[j.pairs["zone"] == ZONE, "point"].to_numpy()]
    card = card_of(joined, lang)

    def page(fmt):
        fig = briefing_figure(card, zones.loc[[ZONE]], districts=layers.load("districts"),
                              firms=inside, filters="FILTERS-LINE", lang=lang, colour="#2c3e50",
                              dashed=True, synthetic=True, today=date(2026, 12, 5))
        return briefing_bytes(fig, fmt)

    png = Image.open(io.BytesIO(page("png")))
    assert png.size == (1240, 1754) or abs(png.size[1] / png.size[0] - 11.69 / 8.27) < 0.01
    pdf = page("pdf")
    assert pdf.startswith(b"%PDF")
    text = subprocess.run([required_program("pdftotext", "poppler-utils"), "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode("utf-8")
    flat = "".join(text.split())
    for needed in (card.title, firm_count_text(card.firms, card.firms_possible, lang),
                   "FILTERS-LINE", "2026-12-05", "OpenStreetMap",
                   "图例" if lang == "zh" else "Legend", "沪府办发〔2021〕10号"):
        assert "".join(needed.split()) in flat, needed
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    assert re.search(rb"Pages:\s+1\n", info) and b"(A4)" in info


def test_the_briefing_draws_only_precisely_placed_firms_and_counts_the_others(joined):
    """Firms placed only to a 街道/镇 or district are no dots: the legend says how many
    are counted but not drawn, and names no sector that has no dot."""
    from matplotlib.collections import PathCollection

    from ui.i18n import sector_labels, t

    firms, zones, j = joined
    inside = firms.iloc[j.pairs.loc[j.pairs["zone"] == ZONE, "point"].to_numpy()].copy()
    kept, sector = inside["sector"].astype(str).value_counts().index[:2]
    inside = inside[inside["sector"].isin([kept, sector])]  # dots of one sector only
    coarse = (inside["sector"].astype(str) == sector).to_numpy()
    inside.loc[coarse, "placement_precision_m"] = 3000.0
    inside["sector"] = inside["sector"].astype("category")  # as an import gives it
    fig = briefing_figure(card_of(joined, "zh"), zones.loc[[ZONE]], districts=None, firms=inside,
                          filters="", lang="zh", colour="#2c3e50", dashed=True, synthetic=True)
    ax = fig.axes[0]
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    dots = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    briefing_bytes(fig, "png")  # closes it
    assert dots == len(inside) - coarse.sum() > 0
    assert t("card_coarse_not_drawn", "zh", n=f"{coarse.sum():,}") in legend
    assert sector_labels("zh")[sector] not in legend
