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
from firms.zones import join_and_count
from ui.briefing import briefing_bytes, briefing_figure
from ui.park_card import boundary_text, growth_words, park_card

ENTRIES = {e.id: e for e in layers.catalog()}
ZONE = "ic_park_dongfang_xingang"


@pytest.fixture(scope="module")
def joined():
    firms = demo_firms()
    zones = layers.load("ic_one_body_two_wings")
    j = join_and_count(firms, zones)
    return firms, zones, j


def card_of(joined, lang):
    _, zones, j = joined
    return park_card(zones.loc[ZONE], ENTRIES["ic_one_body_two_wings"], lang=lang, kind="park",
                     sector_counts=j.counts.counts.loc[ZONE])


def test_the_four_sides_are_read_from_the_sources_in_order():
    assert boundary_text("北至龙东大道、东至外环—沪芦高速、南至下盐公路、西至罗山路—沪奉高速") == \
        "东至外环—沪芦高速，南至下盐公路，西至罗山路—沪奉高速，北至龙东大道"
    assert boundary_text("北至大叶公路. Derivation: a box", "东至浦星公路") == "东至浦星公路，北至大叶公路"
    assert boundary_text("只写了东至某路") == ""  # one side is not a 四至


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
    firms = joined[2].counts.counts.loc[ZONE]
    assert card.firms == int(firms.sum()) > 0
    assert card.firm_sectors[0] == firms.idxmax()
    assert card.plan_sectors == ["ic"]
    assert any("±4,000" in text for _, text in card.lines)  # the evidence in words
    assert card.sources and "沪府办发〔2021〕10号" in card.sources[0]


def test_growth_counts_the_last_three_and_five_years():
    import pandas as pd
    text = growth_words(pd.Series({2018: 4, 2020: 1, 2022: 2, 2023: 3, 2024: 5}), "zh")
    assert text == "截至 2024 年：近 3 年 10 家，近 5 年 11 家"


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
    for needed in (card.title, "FILTERS-LINE", "2026-12-05", "OpenStreetMap",
                   "图例" if lang == "zh" else "Legend", "沪府办发〔2021〕10号"):
        assert "".join(needed.split()) in flat, needed
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    assert re.search(rb"Pages:\s+1\n", info) and b"(A4)" in info
