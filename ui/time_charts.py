"""Firms over time as people read them: tables with headers in words (sectors and zones
by name) for the screen and the CSV, and a chart of them as PNG (matplotlib). Pure."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from ui.briefing import FONTS  # noqa: E402
from ui.firm_layer import sector_colours  # noqa: E402
from ui.i18n import sector_labels, t  # noqa: E402

__all__ = ["chart_png", "in_words", "sector_colour_names"]


def in_words(table: pd.DataFrame, lang: str, *, names: dict | None = None) -> pd.DataFrame:
    """``table`` (years × sectors, or years × zones with ``names``) with its columns and
    index named in ``lang``."""
    labels = {**sector_labels(lang), "other": t("other_sectors", lang), **(names or {})}
    out = table.rename(columns=lambda c: labels.get(c, c))
    out.index = out.index.astype(int)
    return out.rename_axis(index=t("year", lang))


def chart_png(table: pd.DataFrame, *, title: str, lang: str, kind: str = "bar",
              colours: dict | None = None) -> bytes:
    """A chart of ``table`` (index: years; one series per column, already in words) as PNG:
    stacked bars (``bar``) or lines (``line``), the title and axis names in ``lang``."""
    plt.rcParams["font.family"] = FONTS
    fig, ax = plt.subplots(figsize=(8, 4.2))
    try:
        if len(table):
            style: dict[str, Any] = {"stacked": kind == "bar", "legend": True}
            if kind == "bar":
                style["width"] = 0.8
            if colours:
                style["color"] = [colours.get(c) or "#999999" for c in table.columns]
            plot: Any = table.plot  # pandas-stubs overloads want a literal kind
            plot(ax=ax, kind=kind, **style)
        ax.set_title(title)
        ax.set_xlabel(t("year", lang))
        ax.set_ylabel(t("firms", lang))
        if len(table):
            ax.legend(fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=120)
    finally:
        plt.close(fig)
    return buf.getvalue()


def sector_colour_names(lang: str) -> dict[str, str]:
    """Sector names in ``lang`` → the sector's map colour (for charts)."""
    labels = sector_labels(lang)
    return {labels[s]: c for s, c in sector_colours().items() if s in labels}
