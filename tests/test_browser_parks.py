"""What a park planner sees, in headless Chromium at 1440 and 390 px, in Chinese and
English: Streamlit's own words in the chosen language, the open legend clear of 临港
and 南汇新城, the wheel scrolling the page rather than zooming the map, 全市 fitting
the map again after a manual zoom, distinct fills for 五个新城 and 特色产业园区, grey
cluster bubbles, the phone's tab bar inside the screen, and the sidebar's choices kept
across a switch of language."""

import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from webpage import MAP_IFRAME, map_frame, open_map, settle

#: Streamlit's English that must not be seen (or read by a screen reader) in Chinese.
STREAMLIT_ENGLISH = ("Upload", "per file", "Choose options", "Choose an option",
                     "Press Enter", "Drag and drop", "Download as CSV")

#: Container-pixel boxes of zones and of the legend, inside the map's frame.
BOXES = """(ids) => {
    const out = {}, map = window.map;
    map.eachLayer(l => {
        const id = l.feature && l.feature.properties && l.feature.properties.id;
        if (ids.includes(id) && l.getBounds) {
            const b = l.getBounds(), sw = map.latLngToContainerPoint(b.getSouthWest()),
                  ne = map.latLngToContainerPoint(b.getNorthEast());
            out[id] = {left: sw.x, right: ne.x, top: ne.y, bottom: sw.y};
        }
    });
    const lg = document.querySelector(".scm-legend").getBoundingClientRect(),
          mp = map.getContainer().getBoundingClientRect();
    out.legend = {left: lg.left - mp.left, right: lg.right - mp.left, top: lg.top - mp.top,
                  bottom: lg.bottom - mp.top};
    out.collapsed = document.querySelector(".scm-legend").classList.contains("scm-collapsed");
    return out;
}"""


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] \
        and b["top"] < a["bottom"]


def words(page) -> str:
    """The page's text and the labels a screen reader reads (aria-label, placeholder)."""
    return page.evaluate("""() => document.body.innerText + "\\n" + Array.from(
        document.querySelectorAll("[aria-label],[placeholder]")).map(
        e => (e.getAttribute("aria-label") || "") + " " + (e.getAttribute("placeholder") || "")
    ).join("\\n")""")


def show_uploader(page, lang: str) -> None:
    page.get_by_text("上传企业名单" if lang == "zh" else "Upload a firm list").first.click()
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzone']").wait_for(timeout=60_000)
    time.sleep(0.5)


def test_in_chinese_at_1440_no_streamlit_english_and_the_legend_clear_of_lingang(app_url, browser):
    page, _ = open_map(browser, app_url, width=1440, height=900)
    boxes = map_frame(page).evaluate(BOXES, ["pole_lingang", "newtown_nanhui"])
    show_uploader(page, "zh")
    text = words(page)
    page.close()
    assert not boxes["collapsed"]
    for zid in ("pole_lingang", "newtown_nanhui"):
        assert not overlaps(boxes[zid], boxes["legend"]), (zid, boxes)
    assert "选择文件" in text and re.search(r"每个文件不超过 50\s?MB", text)
    assert not [w for w in STREAMLIT_ENGLISH if w in text], text[:400]


def test_in_english_streamlit_keeps_its_own_words(app_url, browser):
    page, _ = open_map(browser, app_url + "/?lang=en", width=1440, height=900)
    show_uploader(page, "en")
    text = words(page)
    page.close()
    assert "Upload" in text and "per file" in text
    assert not re.search(r"[\u4e00-\u9fff]{2,}", "\n".join(
        ln for ln in text.splitlines() if "Upload" in ln or "per file" in ln))


def test_the_wheel_scrolls_the_page_and_whole_city_fits_again(app_url, browser):
    page, frame = open_map(browser, app_url, width=1440, height=900)
    f = map_frame(page)
    zoom0 = f.evaluate("() => window.map.getZoom()")
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 400)
    time.sleep(1)
    assert f.evaluate("() => window.map.getZoom()") == zoom0  # the map did not zoom
    assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop "
                         "+ window.scrollY") > 0  # the page scrolled
    frame.locator("a.leaflet-control-zoom-in").click()
    frame.locator("a.leaflet-control-zoom-in").click()
    time.sleep(1.5)
    settle(page)
    assert map_frame(page).evaluate("() => window.map.getZoom()") > zoom0
    page.get_by_role("button", name="全市").click()
    settle(page)
    time.sleep(2)
    zoom_after = map_frame(page).evaluate("() => window.map.getZoom()")
    page.close()
    assert zoom_after == zoom0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_tabs_stay_on_screen_and_the_colours_are_apart(app_url, browser, lang):
    query = "/?layers=new_towns,tese_parks" + ("&lang=en" if lang == "en" else "")
    page, _ = open_map(browser, app_url + query, width=390, height=844)
    f = map_frame(page)
    fills = f.evaluate("""() => { const out = {}; window.map.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (p && p.id && l.options && l.options.fillColor) out[p.id] = l.options.fillColor; });
        return out; }""")
    bubbles = f.evaluate("""() => Array.from(document.querySelectorAll(".marker-cluster div"))
        .slice(0, 20).map(d => getComputedStyle(d).backgroundColor)""")
    tabs = page.locator("[data-testid='stTabs']").last
    tabs.scroll_into_view_if_needed()
    bar = tabs.evaluate("""t => { const l = t.querySelector("[role=tablist]"),
        r = l.getBoundingClientRect(); return {scroll: l.scrollWidth, client: l.clientWidth,
        right: Math.max(...Array.from(l.querySelectorAll("[role=tab]")).map(
            b => b.getBoundingClientRect().right)), width: window.innerWidth, left: r.left}; }""")
    # the short zone ranking, wider than the phone: its last column is reached by a sideways
    # scroll of its own block, not cut off at the screen's edge
    ranking = page.locator("[data-testid='stMarkdownContainer']:has(> table)").first
    ranking.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    reached = ranking.evaluate("""b => ({scroll: b.scrollWidth, client: b.clientWidth,
        right: b.querySelector("tr > :last-child").getBoundingClientRect().right,
        width: window.innerWidth, narrowest: Math.min(...Array.from(b.querySelectorAll("th"))
            .map(h => h.getBoundingClientRect().width))})""")
    # with the whole grid switched on, its toolbar stays clear of the switch's label
    page.locator(".st-key-zones_whole label").click()
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    toolbar.wait_for(state="attached", timeout=60_000)
    switch = page.locator(".st-key-zones_whole").bounding_box()
    gap = toolbar.bounding_box()["y"] - (switch["y"] + switch["height"])
    collapsed = f.evaluate("() => document.querySelector('.scm-legend').classList"
                           ".contains('scm-collapsed')")
    text = words(page)
    page.close()
    assert fills["newtown_nanhui"] != fills["tese_dongfang_meigu"]
    assert bubbles and not [b for b in bubbles if re.match(r"rgba?\((\d+), (\d+), (\d+)", b) and
                            _saturated(b)], bubbles
    assert bar["scroll"] <= bar["client"] + 1 and bar["right"] <= bar["width"], bar
    assert reached["scroll"] > reached["client"] and reached["right"] <= reached["width"], reached
    assert reached["narrowest"] >= 48, reached  # a header holds three characters a line
    assert gap >= 8, gap
    assert collapsed  # a phone's legend starts folded: the map is not covered
    if lang == "zh":
        assert not [w for w in STREAMLIT_ENGLISH if w in text]


def _saturated(css: str) -> bool:
    r, g, b = (int(v) for v in re.match(r"rgba?\((\d+), (\d+), (\d+)", css).groups())
    return max(r, g, b) - min(r, g, b) > 60


def test_sidebar_choices_outlive_a_language_switch_and_the_next_action(app_url, browser):
    """A choice is worded anew in the other language and kept: the browser sends back the
    words it shows, so a choice left in the old words would be lost at the next action."""
    page, _ = open_map(browser, app_url)
    settle(page)
    kinds = page.locator(".st-key-zone_kinds")
    park = page.get_by_role("option", name="园区", exact=True)
    for _ in range(3):  # the list may not open at the first click: click again
        kinds.locator("input").click()
        try:
            park.click(timeout=2_000)
            break
        except PlaywrightTimeout:
            settle(page)
    page.keyboard.press("Escape")
    settle(page)
    whole = page.locator(".st-key-zones_whole")
    parks_only = re.search(r"\d+", whole.inner_text()).group()
    page.locator("[data-testid='stSidebar'] label").get_by_text("English", exact=True).click()
    settle(page)
    whole.locator("label").click()  # the next action: the whole ranking switched on
    settle(page)
    chips = [tag.get_attribute("aria-label") for tag in kinds.locator("[data-tag]").all()]
    shown = re.search(r"\d+", whole.inner_text()).group()
    page.close()
    assert chips == ["park"]
    assert shown == parks_only  # the ranking is still of parks only
