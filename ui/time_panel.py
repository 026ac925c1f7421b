"""Streamlit blocks of firms over time: the founding-year filter, a zone's firms by year
and sector with its growth and staff, and zones compared over time — each chart with
its CSV and PNG. Widgets only; the counting is :mod:`firms.founding`, the tables and
charts :mod:`ui.time_charts`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from firms.founding import growth, year_table, zone_years
from layers.formats import output_name, table_csv
from ui.i18n import t
from ui.time_charts import chart_png, in_words, sector_colour_names
from ui.views import growth_text

__all__ = ["compare_over_time", "year_filter", "zone_over_time"]


def year_filter(years, lang: str):
    """A range slider of founding years when the list has them: (first, last) chosen,
    or None when the whole range is kept (or there are no years)."""
    if years is None or not years.notna().any():
        return None
    lo, hi = int(np.nanmin(years)), int(np.nanmax(years))
    if lo == hi:
        return None
    first, last = st.sidebar.slider(t("years_filter", lang), lo, hi, (lo, hi), key="years")
    return None if (first, last) == (lo, hi) else (first, last)


def _downloads(table, *, stem: str, title: str, lang: str, kind: str, key: str, colours=None):
    left, right = st.columns(2)
    left.download_button(t("years_csv", lang), table_csv(table.reset_index()).encode("utf-8-sig"),
                         file_name=output_name(stem, suffix="csv"), mime="text/csv",
                         key=f"{key}_csv")
    right.download_button(t("years_png", lang),
                          lambda: chart_png(table, title=title, lang=lang, kind=kind,
                                            colours=colours),
                          file_name=output_name(stem, suffix="png"), mime="image/png",
                          key=f"{key}_png")


def zone_over_time(firms, pairs, zone_id: str, *, years, staff, name: str, lang: str) -> None:
    """A zone's firms by founding year and sector (stacked bars), growth over 3 and 5
    years, insured staff, with the chart's CSV and PNG."""
    if years is None or not years.notna().any():
        st.caption(t("years_none", lang))
        return
    table = in_words(zone_years(firms, pairs, zone_id, years=years), lang)
    st.markdown(f"**{t('years_title', lang)}**")
    if table.empty:
        st.caption(t("firms_none", lang))
        return
    st.bar_chart(table, x_label=t("year", lang), y_label=t("firms", lang))
    last = int(np.nanmax(years))
    counts = year_table(firms, pairs, [zone_id], years=years)
    st.caption(growth_text(growth(counts, last=last, span=3).iloc[0],
                           growth(counts, last=last, span=5).iloc[0], last=last, lang=lang))
    st.caption(t("years_certain_only", lang))
    if staff is not None:
        point = pairs.loc[pairs["zone"] == zone_id, "point"].to_numpy()
        given = staff.to_numpy()[point]
        st.caption(t("years_staff", lang, n=f"{np.nansum(given):,.0f}",
                     k=f"{int(np.count_nonzero(~np.isnan(given))):,}"))
    _downloads(table, stem=f"firms_by_year_{zone_id}", title=f"{name} · {t('years_title', lang)}",
               lang=lang, kind="bar", key="dl_zone_years", colours=sector_colour_names(lang))


def compare_over_time(firms, layer_pairs, zone_ids, *, years, names: dict, lang: str) -> None:
    """Zones' firms over time (cumulative by founding year), with the CSV and PNG;
    ``layer_pairs``: the join's pairs per layer id."""
    if not layer_pairs or years is None or not years.notna().any() or not zone_ids:
        return
    pairs = pd.concat(list(layer_pairs.values()))
    table = year_table(firms, pairs, zone_ids, years=years).T.cumsum()
    table = in_words(table, lang, names=names)
    st.markdown(f"**{t('years_compare', lang)}**")
    st.line_chart(table.set_axis(table.index.astype(str)),  # years as labels, not 2,000
                  x_label=t("year", lang), y_label=t("firms", lang))
    _downloads(table, stem="firms_over_time", title=t("years_compare", lang), lang=lang,
               kind="line", key="dl_compare_years")
