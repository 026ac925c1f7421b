"""Tabs that draw only the open tab: the open tab and the choices made in closed tabs
survive reruns and a switch of language; small tables drawn as Markdown; the map's view
taken only from the frame that reported it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from apptabs import open_tab
from streamlit.testing.v1 import AppTest

from ui.map_options import MapOptions
from ui.map_panel import REPORTED, reported_view
from ui.markdown_table import markdown_table
from ui.session import WORDED_CHOICES
from ui.tabs import TABLE_TABS, keep_choices, tab_id

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_a_tab_is_known_by_its_label_in_either_language():
    assert tab_id("导出当前视图", TABLE_TABS) == "export"
    assert tab_id("Export what is on screen", TABLE_TABS) == "export"
    assert tab_id("no such tab", TABLE_TABS) is None and tab_id(None, TABLE_TABS) is None


def test_kept_choices_are_set_again_and_absent_ones_left_absent():
    class Recording(dict):
        written: list = []

        def __setitem__(self, key, value):
            self.written.append(key)
            super().__setitem__(key, value)

    state = Recording(export_datum="gcj02", other="x")
    keep_choices(state, ("export_datum", "short_top"))
    assert state.written == ["export_datum"] and state == {"export_datum": "gcj02", "other": "x"}


def test_a_small_table_in_markdown_escapes_text_and_formats_numbers():
    frame = pd.DataFrame({"图层|名": ["*园区*", "[链接](http://x)"], "企业": [1234, 5],
                          "占比": [0.2468, float("nan")]})
    text = markdown_table(frame, formats={"占比": "{:.1%}"})
    lines = text.splitlines()
    assert lines[0] == "| 图层\\|名 | 企业 | 占比 |"
    assert lines[1] == "| --- | ---: | ---: |"
    assert lines[2] == "| \\*园区\\* | 1,234 | 24.7% |"
    assert lines[3] == "| \\[链接\\]\\(http\\:\\/\\/x\\) | 5 |  |"


def test_the_view_is_taken_only_from_the_frame_of_the_basemap_shown():
    value = {"zoom": 12, "bounds": {}}
    assert reported_view({REPORTED: "amap"}, value, MapOptions(basemap="amap")) is value
    # a frame made anew for another basemap has not reported: the old value is not its view
    assert reported_view({REPORTED: "amap"}, value, MapOptions(basemap="none")) is None
    assert reported_view({}, value, MapOptions(basemap="none")) is None


@pytest.mark.apptest
def test_only_the_open_tab_is_drawn_and_it_stays_open_in_the_other_language():
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert [s.key for s in at.selectbox if s.key == "zones_sort"]  # the first tab, drawn
    assert not [s for s in at.selectbox if s.key == "export_datum"]  # a closed tab: not drawn
    open_tab(at, "export").selectbox(key="export_datum").set_value("gcj02").run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["tables_tab"] == "Export what is on screen"
    assert at.selectbox(key="export_datum").value == "gcj02"
    open_tab(at, "zones_table")
    assert not [s for s in at.selectbox if s.key == "export_datum"]
    # the choice made in the closed tab is kept for when it opens again
    assert open_tab(at, "export").selectbox(key="export_datum").value == "gcj02"


def opened(at: AppTest, name: str) -> None:
    """Search ``name`` and open the match whose label holds it."""
    at.text_input(key="search").input(name).run()
    picks = [s for s in at.selectbox if s.key == "search_pick"]
    if picks:
        picks[0].set_value(next(i for i, o in enumerate(picks[0].options) if name in o)).run()


@pytest.mark.apptest
def test_a_zone_card_draws_its_open_tab_and_another_zone_opens_at_its_overview():
    at = AppTest.from_file(APP, default_timeout=180).run()
    opened(at, "临港产业增长极")
    assert at.session_state["selected"] == "pole_lingang"
    assert not at.expander  # the overview is open: the plan items are not drawn
    assert any(e.label.startswith("措施（") for e in open_tab(at, "tab_plans").expander)
    opened(at, "松江新城")
    assert at.session_state["selected"] == "newtown_songjiang"
    assert not at.expander and "松江新城 / Songjiang New Town" in [x.value for x in at.text]


@pytest.mark.apptest
def test_every_choice_worded_in_the_readers_language_is_worded_anew_on_a_switch():
    """A select box, multiselect or radio whose options read differently in the two
    languages is set again on a language switch (``ui.session.WORDED_CHOICES``): the
    browser sends back the words it shows, and old words would match no option."""
    at = AppTest.from_file(APP, default_timeout=180).run()
    options: dict[str, dict[str, list[str]]] = {}
    for lang in ("zh", "en"):
        at.radio(key="lang").set_value(lang).run()
        for tab in TABLE_TABS:  # each tab's own choices are drawn only while it is open
            open_tab(at, tab)
            for kind in ("selectbox", "multiselect", "radio"):
                for widget in getattr(at, kind):
                    if widget.key:
                        options.setdefault(widget.key, {})[lang] = list(widget.options)
    worded = {key for key, by in options.items() if by.get("zh") != by.get("en")}
    assert {"sectors", "zone_kinds", "firm_source", "measure"} <= worded  # the walk sees them
    assert not worded - set(WORDED_CHOICES), worded - set(WORDED_CHOICES)
