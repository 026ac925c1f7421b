"""Opening a tab of the app in an AppTest: the app draws only its open tab (``ui.tabs``),
and AppTest has no tab to click, so the tab is chosen as the browser would report it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.i18n import t
from ui.tabs import CARD_TABS, TABLE_TABS, card_tab_key


def open_tab(at: AppTest, tab: str) -> AppTest:
    """``at`` (run at least once) run again with the tab ``tab`` open — a word key of
    ``ui.tabs.TABLE_TABS``, or of ``CARD_TABS`` for the selected zone's card —, labelled in
    the app's current language."""
    if tab in TABLE_TABS:
        key = "tables_tab"
    elif tab in CARD_TABS and at.session_state["selected"]:
        key = card_tab_key(at.session_state["selected"])
    else:
        raise ValueError(f"no tab {tab!r} to open")
    at.session_state[key] = t(tab, at.session_state["lang"])
    return at.run()
