"""The app's three users, each walking their journey in a real browser, in Chinese and
in English (headless Debian Chromium, no network but the app on loopback).

- the planner: the map fills the page and fits the layers; a zone's panel in four
  short tabs, measures by kind, the plan cited as a document; the view in the
  address for a colleague; back to the whole city; a drawn site measured; a PNG;
- the investment-promotion staff: a sector in the sidebar filters zones and firms,
  the legend follows; search by Chinese, English and pinyin initials opens a zone
  whose layer is off; "no match"; the shortlist with reasons, rounded scores, words
  as headers and its data basis, also in its CSV;
- the GIS team: the exports the app offers open in GDAL and name their datum; the
  demo firms they download say they are synthetic.

The language is chosen as a person does: the sidebar's 中文 / English switch. In each
journey every visible text of the page and of the map (legend, labels, tooltips,
controls) is checked for raw ids and the other language (tests/wording.py). Helpers
that drive the page are in tests/journey_steps.py.
"""

from __future__ import annotations

import re
import subprocess
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from journey_steps import (
    WAIT,
    calm,
    checked_layers,
    download,
    in_language,
    map_view,
    open_by_search,
    open_zone,
    search,
    wording_problems,
    zone_ids_on_map,
)
from webpage import DOCS, MAP_IFRAME, draw_rectangle

import layers
from firms.demo import demo_firms
from layers.documents import document_file, documents
from ui.i18n import column_label, sector_labels, t
from ui.labels_zones import FIRM_COLUMNS
from ui.views import visible_frames
from ui.webmap import firm_mode

pytestmark = pytest.mark.slow

LANGS = ["zh", "en"]
ZONE = "pole_zhangjiang"
MEIGU = "biomed_dongfang_meigu"
SYNTHETIC = "合成企业"  # how every synthetic demo firm's name begins


def params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def name_in(zone_id: str, lang: str) -> str:
    row = next(g.loc[zone_id] for g in layers.load_all().values() if zone_id in g.index)
    return row["name_zh" if lang == "zh" else "name_en"]


# --- the planner ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_planner_reads_a_zone_shares_the_view_and_measures_a_site(app_url, browser, lang):
    page, frame = in_language(browser, app_url, lang)
    # the map fills the width and most of the height, and fits the visible layers
    box = page.locator(MAP_IFRAME).bounding_box()
    inner = page.locator("[data-testid='stMainBlockContainer']").evaluate(
        "el => { const s = getComputedStyle(el);"
        " return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }")
    assert box["width"] >= 0.95 * inner and box["height"] >= 0.7 * 900
    view = map_view(page)
    assert view["contains_zones"], view
    assert view["zones_share"] >= 0.5, view  # the layers fill the map, not a corner of it
    assert not wording_problems(page, lang)

    # a zone clicked: its panel in four short tabs, named in the language
    open_zone(page, frame, ZONE, lang)  # its view goes into the address too
    overview = page.get_by_role("tab", name=t("tab_overview", lang), exact=True)
    tabs = page.locator("[data-testid='stTabs']").first.get_by_role("tab").all_inner_texts()
    assert tabs == [t(k, lang) for k in ("tab_overview", "tab_plans", "tab_firms", "tab_sources")]
    page.get_by_text(name_in(ZONE, lang)).filter(visible=True).first.wait_for(timeout=WAIT)

    # the plan's measures grouped by kind: "kind（n）" / "kind (n)"
    page.get_by_role("tab", name=t("tab_plans", lang), exact=True).click()
    kinds = page.locator("[data-testid='stExpander'] summary:visible [data-testid='stMarkdownContainer']")
    kinds.first.wait_for(timeout=30_000)
    pattern = r".+（\d+）" if lang == "zh" else r".+ \(\d+\)"
    assert all(re.fullmatch(pattern, k.strip()) for k in kinds.all_inner_texts()), kinds.all_inner_texts()

    # its sources: the document, its title, date and section — not a file name
    page.get_by_role("tab", name=t("tab_sources", lang), exact=True).click()
    cite = layers.load("poles").loc[ZONE]
    seed_file = document_file(cite["cite_document"])
    doc = documents().loc[seed_file]
    sources = page.locator("[role='tabpanel']:visible").first
    sources.get_by_text(doc["number"]).first.wait_for(timeout=30_000)
    citation = sources.inner_text().split(t("official_area", lang))[0]  # the "plan text" entry
    assert doc["number"] == "沪府办发〔2021〕10号"
    assert doc["title_zh" if lang == "zh" else "title_en"] in citation
    assert doc["date"] in citation and cite["cite_section"] in citation
    assert seed_file not in citation and not re.search(r"\.(txt|pdf|md)\b", citation)
    assert not wording_problems(page, lang)

    # a colleague opening the address sees the same map
    address, mine = page.url, map_view(page)
    colleague, _ = in_language(browser, address, lang)
    colleague.get_by_role("tab", name=t("tab_overview", lang), exact=True).wait_for(timeout=60_000)
    theirs = map_view(colleague)
    assert checked_layers(colleague) == checked_layers(page)
    assert theirs["zoom"] == mine["zoom"]
    assert abs(theirs["lat"] - mine["lat"]) < 0.01 and abs(theirs["lng"] - mine["lng"]) < 0.01
    colleague.close()

    # back to the whole city: no zone, the hint, the address without the zone
    page.get_by_role("button", name=t("whole_city", lang), exact=True).click()
    page.get_by_text(t("click_hint", lang)).wait_for(timeout=60_000)
    assert not overview.count()
    page.wait_for_url(lambda u: "zone" not in params(u), timeout=30_000)
    calm(page)

    # a candidate site drawn with Leaflet.draw: its measures
    draw_rectangle(page, frame)
    page.get_by_text(t("drawn_title", lang)).first.wait_for(timeout=60_000)
    summary = re.escape(t("drawn_summary", lang, area="AREA", n="N"))
    summary = summary.replace("AREA", r"[\d.,]+").replace("N", r"[\d,]+")
    assert re.search(summary, page.get_by_text("EPSG:32651").first.inner_text())
    calm(page)
    assert not wording_problems(page, lang)

    # a PNG of the map view, for a report
    page.get_by_role("button", name=t("prepare_png", lang)).click()
    png = download(page, page.get_by_role("button", name=t("download_png", lang)))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    page.close()


# --- the investment-promotion staff ---------------------------------------------------


def choose_sector(page, label: str) -> None:
    """Type the sector's name in the sidebar's filter and pick it from the list."""
    box = page.locator(".st-key-sectors input")
    box.click()
    box.press_sequentially(label)
    page.get_by_role("option", name=label, exact=True).click()
    page.keyboard.press("Escape")


@pytest.mark.parametrize("lang", LANGS)
def test_the_promoter_filters_a_sector_finds_a_zone_and_takes_a_shortlist(
        app_url, browser, lang, tmp_path):
    page, frame = in_language(browser, app_url, lang)
    labels = sector_labels(lang)
    shown_layers = params(page.url)["layers"].split(",")
    every_zone = zone_ids_on_map(page)

    # a sector chosen: zones and firms filtered, counts and legend follow
    choose_sector(page, labels["ic"])
    firms = demo_firms()
    n_ic = int((firms["sector"] == "ic").sum())
    page.get_by_text(t("firm_mode", lang, mode=t(f"mode_{firm_mode(n_ic)}", lang),
                       n=f"{n_ic:,}")).wait_for(timeout=60_000)
    calm(page)
    expected = set().union(*(f.index for f in visible_frames(
        layers.load_all(), shown_layers, ["ic"]).values()))
    assert zone_ids_on_map(page) == expected and expected < every_zone
    legend = frame.locator(".scm-legend").inner_text().splitlines()
    assert {line.strip() for line in legend} & set(labels.values()) == {labels["ic"]}
    assert params(page.url)["sector"] == "ic"

    # the shortlist: top 10 for the sector, reasons, rounded scores, words as headers
    page.get_by_role("tab", name=t("shortlist", lang), exact=True).click()
    panel = page.locator("[role='tabpanel']:visible").last
    panel.get_by_text(t("basis_synthetic", lang)).wait_for(timeout=60_000)
    assert panel.locator(".st-key-short_sector input").input_value() == labels["ic"]  # followed
    grid = panel.locator("[data-testid='stDataFrame'] table[role='grid']")
    assert grid.get_attribute("aria-rowcount") == "11"  # the header and 10 zones
    heads = grid.locator("[role='columnheader']").all_text_contents()
    assert heads[:5] == [column_label(c, lang) for c in ("name", "rank", "score", "why", "kind")]
    rows = [r.locator("td, th").all_text_contents() for r in grid.locator("tbody [role='row']").all()]
    assert [r[1] for r in rows] == [str(i) for i in range(1, 11)]
    metro = re.escape(t("why_metro_across", lang, km="KM")).replace("KM", r"[\d.]+")
    assert all(re.search(metro, r[3]) for r in rows), rows  # a reason on every row
    assert all(re.fullmatch(r"\d+(\.\d{1,2})?", r[2]) for r in rows)
    short = pd.read_csv(download(page, panel.locator(".st-key-dl_short button"), tmp_path),
                        encoding="utf-8-sig")  # headers and values in words
    assert len(short) == 10
    assert set(short[t("data_basis_col", lang)]) == {t("basis_word_synthetic", lang)}
    assert set(short[column_label("sector", lang)]) == {labels["ic"]}

    # search: 东方美谷 by pinyin initials, English and Chinese name, its layer off
    layer = ".st-key-layer_biomed_1_5_x input"
    assert not page.locator(layer).is_checked()
    for query in ("dfmg", "Oriental Beauty Valley", "东方美谷"):
        open_by_search(page, query, name_in(MEIGU, "zh"), lang)
        # the card names the zone (a hidden copy of the name may come first while it draws)
        page.locator("[role='tabpanel']:visible").first.get_by_text(
            name_in(MEIGU, lang)).filter(visible=True).first.wait_for(timeout=WAIT)
        assert page.locator(layer).is_checked()
        view = map_view(page, zone=MEIGU)
        assert view["contains_zone"] and view["zoom"] >= 11, view  # fitted to it
        assert not wording_problems(page, lang)
        page.get_by_role("button", name=t("whole_city", lang), exact=True).click()
        page.get_by_text(t("click_hint", lang)).wait_for(timeout=60_000)
    search(page, "qzqzqz")
    page.get_by_text(t("no_match", lang), exact=True).wait_for(timeout=30_000)
    calm(page)  # the rerun may still be redrawing the page it is read from
    assert not wording_problems(page, lang)
    page.close()


# --- the GIS team ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_gis_team_downloads_files_gdal_opens_with_their_datum(
        app_url, browser, lang, tmp_path, ogrinfo):
    page, frame = in_language(browser, app_url, lang)
    shown_layers = set(params(page.url)["layers"].split(","))
    page.get_by_role("tab", name=t("export", lang), exact=True).click()
    panel = page.locator("[role='tabpanel']:visible").last
    for label in ("GeoPackage", "GeoJSON", "CSV"):
        panel.get_by_text(label, exact=True).click()
        calm(page)
        path = download(page, panel.locator(".st-key-dl_export button"), tmp_path)
        info = subprocess.run([ogrinfo, "-ro", "-so", "-al", str(path)], capture_output=True,
                              text=True, check=False)
        assert info.returncode == 0, info.stderr
        names = set(re.findall(r"^Layer name: (\S+)$", info.stdout, flags=re.M))
        if label == "GeoPackage":  # one table per layer on screen, its CRS WGS 84
            assert names - {"layer_styles"} == shown_layers  # (and QGIS's style table)
        if label == "CSV":  # a CSV holds no CRS: a datum column names it on every row
            table = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
            assert set(table["datum"]) == {"wgs84"} and set(table["layer"]) == shown_layers
        else:
            assert re.search(r'GEOGCRS\["WGS 84"', info.stdout), info.stdout[-3000:]
    assert not wording_problems(page, lang)

    # the firms inside a zone, as a CSV: GDAL opens it and every demo firm says synthetic
    open_zone(page, frame, ZONE, lang)
    page.get_by_role("tab", name=t("tab_firms", lang), exact=True).click()
    path = download(page, page.locator(".st-key-dl_inside button"), tmp_path)
    info = subprocess.run([ogrinfo, "-ro", "-so", "-al", str(path)], capture_output=True,
                          text=True, check=False)
    assert info.returncode == 0, info.stderr
    inside = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    name, synthetic = (FIRM_COLUMNS[c][0 if lang == "zh" else 1] for c in ("name", "synthetic"))
    made_up = inside[name].str.startswith(SYNTHETIC)  # headers and values in words
    assert made_up.any() and (inside.loc[made_up, synthetic] == t("yes", lang)).all()
    assert page.get_by_text(t("synthetic_note", lang)).first.is_visible()
    page.close()


# --- the English app as it looks, for docs/ --------------------------------------------


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_english_screenshots_for_the_docs(app_url, browser, width, height):
    """docs/app-<width>-en.png, beside the Chinese ones test_browser.py takes; on a
    phone the map comes first and its legend starts folded, as in Chinese."""
    page, frame = in_language(browser, app_url, "en", width=width, height=height)
    box = page.locator(MAP_IFRAME).bounding_box()
    tabs = page.locator("[data-testid='stTabs']").first.bounding_box()
    folded = "scm-collapsed" in (frame.locator(".scm-legend").get_attribute("class") or "")
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / f"app-{width}-en.png"))
    page.close()
    assert box["width"] >= min(900, width - 50) and tabs["y"] > box["y"] + box["height"] - 1
    assert folded == (width < 600)
