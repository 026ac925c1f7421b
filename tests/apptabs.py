"""Opening a tab of the app in an AppTest: the app draws only its open tab (``ui.tabs``),
and AppTest has no tab to click, so the tab is chosen as the browser would report it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.i18n import t
from ui.tabs import TABLE_TABS


def open_tab(at: AppTest, tab: str) -> AppTest:
    """``at`` (run at least once) run again with the tables' tab ``tab`` (a word key of
    ``ui.tabs.TABLE_TABS``) open, labelled in the app's current language."""
    if tab not in TABLE_TABS:
        raise ValueError(f"no tab {tab!r}")
    at.session_state["tables_tab"] = t(tab, at.session_state["lang"])
    return at.run()
