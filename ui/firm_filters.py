"""Sidebar blocks that narrow a firm list before anything is counted — widgets only:
注销/吊销/迁出 firms left out unless shown, then a founding-year range; and what an
upload says about itself (rows by placement level, the template to fill)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from firms.founding import founded_years, in_years
from ui.i18n import t
from ui.time_panel import year_filter
from ui.views import active_firms, firm_template_csv, placement_summary

__all__ = ["YEAR_RANGE", "narrowed_firms", "upload_notes"]

#: Session key of the founding-year range every count follows (None: all years).
YEAR_RANGE = "year_range"

Store = Callable[..., Any]  # get(key, make): a cached value of the app's sized cache


def upload_notes(report: Any, lang: str) -> None:
    """Right after an upload, how its rows were placed; always, the template to fill."""
    if report is not None:
        st.sidebar.dataframe(placement_summary(report.report, lang), hide_index=True,
                             key="placement_summary")
    st.sidebar.download_button(t("template", lang), firm_template_csv(),
                               file_name="firm-list-template.csv", mime="text/csv",
                               key="dl_template")


def narrowed_firms(firms: gpd.GeoDataFrame | None, firms_key: str, lang: str, *,
                   get: Store) -> tuple[gpd.GeoDataFrame | None, str, pd.Series | None]:
    """(the firms every count follows, their cache key, their founding years): inactive
    firms out unless the reader shows them, then the founding-year range chosen (kept
    in the session as :data:`YEAR_RANGE`)."""
    if firms is not None and active_firms(firms) is not firms \
            and not st.sidebar.checkbox(t("show_inactive", lang), key="show_inactive"):
        firms = get(("active", firms_key), partial(active_firms, firms))
        firms_key = f"{firms_key}:active"
    years = None if firms is None else get(("years", firms_key), partial(founded_years, firms))
    year_range = year_filter(years, lang)
    st.session_state[YEAR_RANGE] = year_range  # for the filters a briefing names
    if year_range is not None and firms is not None and years is not None:
        keep = in_years(years, *year_range)
        firms, years = firms[keep], years[keep]
        firms_key = f"{firms_key}|{year_range[0]}-{year_range[1]}"
    return firms, firms_key, years
