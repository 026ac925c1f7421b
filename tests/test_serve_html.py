"""The service's HTML pages in headless Chromium: they work with no network but the
service (Leaflet from the service, no basemap), and a firm whose name is a script
tag stays text — in the table, in the page's data and in the map's popups."""

import pytest
from serving import HOSTILE_NAME, get_json, qichacha_csv, serving

pytestmark = [pytest.mark.browser, pytest.mark.loopback, pytest.mark.subprocess]


@pytest.fixture(scope="module")
def firm_service(tmp_path_factory):
    firm_file = qichacha_csv(tmp_path_factory.mktemp("firms") / "qichacha.csv")
    with serving("poles", "--firms", str(firm_file)) as url:
        yield url


def open_page(browser, url: str):
    """The page at ``url`` with every request to another host refused (and listed)."""
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    refused: list[str] = []
    origin = url.split("/collections")[0]

    def route(r):
        if r.request.url.startswith(origin):
            return r.continue_()
        refused.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    return page, refused


@pytest.mark.parametrize("which", ["items", "item"])
def test_a_hostile_firm_name_stays_text(browser, firm_service, which):
    items = get_json(f"{firm_service}/collections/firms/items?f=json&limit=100")["features"]
    hostile = next(f for f in items if f["properties"]["name"] == HOSTILE_NAME)
    path = "items" if which == "items" else f"items/{hostile['id']}"
    page, refused = open_page(browser, f"{firm_service}/collections/firms/{path}?f=html")
    try:
        page.locator(".leaflet-container").wait_for(timeout=30_000)
        assert page.title() != "pwned"
        assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
        assert page.locator("td", has_text="恶意企业").first.inner_text().strip() \
            .startswith("</script><img")
        assert page.locator("#features-data").count() == 1  # the data block survived whole
        assert page.evaluate("document.querySelectorAll('.leaflet-interactive').length") > 0
        assert refused == []  # no CDN, no tile server
    finally:
        page.close()
