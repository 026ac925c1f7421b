"""A small table as Markdown text: drawn with the page's text instead of a data grid
(Streamlit's grid loads ~1.3 MB of script on the first page that shows one)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ui.views import plain_markdown

__all__ = ["markdown_table"]


def markdown_table(frame: pd.DataFrame, *, formats: Mapping[str, str] | None = None) -> str:
    """``frame`` as a Markdown table, every header and text cell escaped
    (:func:`ui.views.plain_markdown`); numbers with thousands separators, or in the
    ``formats`` given per column for numbers (e.g. ``{"share": "{:.1%}"}``); missing
    values blank."""
    formats = formats or {}

    def cell(col, value) -> str:
        if pd.isna(value):
            return ""
        if col in formats:  # a number in the format given: digits and signs only
            return formats[col].format(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{value:,}"
        return plain_markdown(value)

    head = "| " + " | ".join(plain_markdown(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(" ---: " if pd.api.types.is_numeric_dtype(frame[c]) else " --- "
                          for c in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(c, v) for c, v in zip(frame.columns, row, strict=True)) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])
