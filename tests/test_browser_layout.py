"""The map as tall as the window: the real app in headless Chromium at desktop and
phone sizes. At desktop sizes the whole map is in view without scrolling and takes at
least 70 % of the window's height; on a phone it comes first and fits the screen; and
Leaflet's own size follows the frame's when the window changes."""

import time

import pytest
from webpage import MAP_IFRAME, map_frame, open_map

pytestmark = pytest.mark.slow

#: Leaflet's size and its container's, measured inside the map's frame.
SIZES = """() => {
    const box = window.map.getContainer().getBoundingClientRect(), size = window.map.getSize();
    return {leaflet: [size.x, size.y], container: [Math.round(box.width), Math.round(box.height)]};
}"""


def measure(page) -> dict:
    box = page.locator(MAP_IFRAME).bounding_box()
    inside = map_frame(page).evaluate(SIZES)
    return {"box": box, **inside}


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1920, 1080)])
def test_at_desktop_sizes_the_whole_map_is_in_view_and_most_of_the_height(app_url, browser, width,
                                                                          height):
    page, _ = open_map(browser, app_url, width=width, height=height)
    m = measure(page)
    scrolled = page.evaluate("() => window.scrollY")
    page.close()
    box = m["box"]
    assert scrolled == 0 and box["y"] >= 0
    assert box["y"] + box["height"] <= height  # nothing of it below the fold
    assert box["height"] >= 0.7 * height
    # Leaflet fills the frame: its size is the container's, the container the frame's
    assert m["leaflet"] == m["container"]
    assert abs(m["container"][1] - box["height"]) <= 1 and abs(m["container"][0] - box["width"]) <= 1


def test_on_a_phone_the_map_comes_first_and_fits_the_screen(app_url, browser):
    page, _ = open_map(browser, app_url, width=390, height=844)
    m = measure(page)
    search = page.locator("[data-testid='stTextInput']").first.bounding_box()
    page.close()
    box = m["box"]
    assert box["y"] + box["height"] <= 844  # the whole map on the first screen
    assert box["height"] >= 0.6 * 844 and box["width"] >= 340
    assert search["y"] >= box["y"] + box["height"] - 1  # the panel (its search) after the map
    assert m["leaflet"] == m["container"]


def test_the_map_follows_the_window_when_it_changes_size(app_url, browser):
    page, _ = open_map(browser, app_url, width=1440, height=900)
    before = measure(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    time.sleep(1.5)
    after = measure(page)
    page.close()
    assert after["box"]["height"] - before["box"]["height"] == pytest.approx(180, abs=2)
    assert after["leaflet"] == after["container"]  # Leaflet told of its new size
    assert abs(after["container"][1] - after["box"]["height"]) <= 1
