"""Steps of the browser journeys (tests/test_journeys.py): open the app in a language,
click a zone, search, download, and read what the page and the map show."""

from __future__ import annotations

import html
import re
from pathlib import Path

from webpage import MAP_IFRAME, map_frame, open_map, settle
from wording import text_problems

import layers
from ui.i18n import t

LOCALES = {"zh": "zh-CN", "en": "en-US"}
SWITCH = {"zh": "中文", "en": "English"}
WAIT = 60_000


def in_language(browser, url: str, lang: str, *, width: int = 1440, height: int = 900):
    """The app at ``url`` with ``lang`` chosen on the sidebar's switch, as a person does;
    returns (page, map frame) once the map is drawn in that language."""
    page, frame = open_map(browser, url, width=width, height=height, locale=LOCALES[lang])
    folded = page.locator("[data-testid='stExpandSidebarButton']")
    on_phone = folded.is_visible()  # a narrow page starts with the sidebar folded away
    if on_phone:
        folded.click()
    page.locator("[data-testid='stSidebar'] label").get_by_text(SWITCH[lang], exact=True).click()
    settle(page)
    if on_phone:
        page.locator("[data-testid='stSidebarCollapseButton'] button").click()
    one_map(page)
    frame.locator(".scm-legend-head", has_text=t("legend", lang)).wait_for(timeout=WAIT)
    page.get_by_role("button", name=t("whole_city", lang), exact=True).wait_for(timeout=WAIT)
    settle(page)
    return page, frame


def calm(page) -> None:
    """Wait for the rerun to end and the page to hold one map."""
    settle(page)
    one_map(page)


def open_zone(page, frame, zone_id: str, lang: str) -> None:
    """Click a zone; wait for its panel and for its view in the address."""
    click_zone(page, frame, zone_id)
    page.get_by_role("tab", name=t("tab_overview", lang), exact=True).wait_for(timeout=WAIT)
    page.wait_for_url(lambda u: f"zone={zone_id}" in u and "zoom=" in u, timeout=WAIT)
    calm(page)


def one_map(page) -> None:
    """Wait until the page holds one map again (a rerun may briefly show two frames)."""
    page.wait_for_function(f"document.querySelectorAll({MAP_IFRAME!r}).length === 1",
                           timeout=WAIT)


_ZONES_JS = """() => {
    const out = [];
    window.map.eachLayer(l => {
        if (l.feature && l.feature.properties && l.feature.properties.layer) out.push(l);
    });
    return out;
}"""


def zone_ids_on_map(page) -> set[str]:
    """The ids of the zones drawn on the map (features of the plan layers)."""
    return set(map_frame(page).evaluate(f"({_ZONES_JS})().map(l => l.feature.properties.id)"))


def map_view(page, *, zone: str | None = None) -> dict:
    """The map's zoom and centre; whether it shows all drawn zones whole
    (``contains_zones``) and what share of its width or height they span (``zones_share``);
    with ``zone``: whether that zone's outline (from the layer file) is in view."""
    bounds = None
    if zone is not None:
        row = next(g.loc[zone] for g in layers.load_all().values() if zone in g.index)
        bounds = [float(v) for v in row.geometry.bounds]
    return map_frame(page).evaluate("""([zonesOf, zone]) => {
        const m = window.map, b = m.getBounds(), pad = 1e-3;
        const z = L.latLngBounds([]);
        zonesOf().forEach(l => z.extend(l.getBounds ? l.getBounds() : l.getLatLng()));
        const inside = (s, w, n, e) => s >= b.getSouth() - pad && n <= b.getNorth() + pad
            && w >= b.getWest() - pad && e <= b.getEast() + pad;
        return {zoom: m.getZoom(), lat: m.getCenter().lat, lng: m.getCenter().lng,
                contains_zones: z.isValid() && inside(z.getSouth(), z.getWest(), z.getNorth(), z.getEast()),
                zones_share: z.isValid() ? Math.max(
                    (z.getEast() - z.getWest()) / (b.getEast() - b.getWest()),
                    (z.getNorth() - z.getSouth()) / (b.getNorth() - b.getSouth())) : 0,
                contains_zone: zone ? inside(zone[1], zone[0], zone[3], zone[2]) : null};
    }""".replace("zonesOf()", f"({_ZONES_JS})()").replace("[zonesOf, zone]", "[_, zone]"),
        [None, bounds])


def click_zone(page, frame, zone_id: str) -> None:
    """Click a zone's outline on the map (dispatched on the path itself: a firm
    cluster drawn over it would take a pointer click)."""
    found = map_frame(page).evaluate("""id => {
        let found = false;
        window.map.eachLayer(l => {
            if (l.feature && l.feature.id === id && l._path) {
                l._path.setAttribute('data-zone', id); found = true; }
        });
        return found;
    }""", zone_id)
    assert found, f"{zone_id} is not drawn on the map"
    frame.locator(f"path[data-zone='{zone_id}']").first.dispatch_event("click")


def checked_layers(page) -> list[str]:
    """The labels of the layers ticked in the sidebar."""
    boxes = page.locator("[data-testid='stSidebar'] [data-testid='stCheckbox']")
    return [b.inner_text() for b in boxes.all() if b.locator("input").is_checked()]


def download(page, button, folder: Path | None = None) -> Path:
    """Click a download button once the app's run has ended (a button drawn mid-run, as
    in a tab just opened, is drawn anew at its end, and a click between the two can be
    lost); the file, saved under its own name in ``folder``."""
    button.wait_for(timeout=WAIT)
    settle(page)
    with page.expect_download(timeout=WAIT) as info:
        button.click()
    if folder is None:
        return Path(info.value.path())
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def search(page, query: str) -> None:
    box = page.locator(".st-key-search input")
    box.fill(query)
    box.press("Enter")


def open_by_search(page, query: str, label: str, lang: str) -> None:
    """Search ``query``; open the match whose label holds ``label`` (at once if it is the
    only match, else picked from the list); wait for its panel."""
    search(page, query)
    overview = page.get_by_role("tab", name=t("tab_overview", lang), exact=True)
    pick = page.locator(".st-key-search_pick")
    overview.or_(pick).first.wait_for(timeout=WAIT)
    if not overview.count():
        pick.click()
        page.get_by_role("option", name=re.compile(re.escape(label))).first.click()
    overview.wait_for(timeout=WAIT)
    calm(page)


_MAP_TEXTS_JS = """() => {
    const out = [];
    document.querySelectorAll('.scm-legend').forEach(e => out.push(['legend', e.innerText]));
    document.querySelectorAll('.scm-zone-label').forEach(e => out.push(['zone label', e.innerText]));
    // (Leaflet's own credit, in the attribution corner, is left as it is)
    document.querySelectorAll(
        '.leaflet-control:not(.leaflet-control-attribution) :is([title], [aria-label])').forEach(
        e => out.push(['map control', e.getAttribute('title') || e.getAttribute('aria-label')]));
    document.querySelectorAll('.leaflet-control-layers-list label').forEach(
        e => out.push(['layer control', e.textContent]));
    window.map.eachLayer(l => {
        const tip = l.getTooltip && l.getTooltip();
        if (!tip || !l.feature || !l.feature.properties.layer) return;
        const c = typeof tip._content === 'function' ? tip._content(l) : tip._content;
        out.push(['tooltip', typeof c === 'string' ? c : c.innerHTML]);
    });
    return out;
}"""


def shown_texts(page) -> list[tuple[str, str]]:
    """(where, text) of what the page shows: the sidebar and the main column (icons'
    ligature names left out), table headers, and the map's texts."""
    icons = {i for i in page.locator("[data-testid='stIconMaterial']").all_inner_texts() if i.strip()}
    out = []
    for where, css in (("sidebar", "[data-testid='stSidebarUserContent']"),
                       ("page", "[data-testid='stMainBlockContainer']")):
        text = page.locator(css).inner_text()
        for icon in icons:
            text = text.replace(icon, " ")
        out.append((where, text))  # whole: a multi-line note is exempt as a whole
    out += [("table header", h) for h in page.locator("[role='columnheader']").all_text_contents()]
    out += [(f"choice {box.get_attribute('aria-label')!r}", box.input_value())
            for box in page.locator("input[role='combobox']").all()]
    for where, text in map_frame(page).evaluate(_MAP_TEXTS_JS):
        out.append((where, html.unescape(re.sub(r"<[^>]+>", " ", text))))
    return out


def wording_problems(page, lang: str) -> list[str]:
    """Raw ids and words of the other language in what the page shows (none: [])."""
    return text_problems(shown_texts(page), lang)
