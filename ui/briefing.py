"""A one-page briefing of a park (A4, PNG or PDF, by matplotlib): the zone on the
district map with its precisely placed firms (those placed coarsely are counted on the
card, not drawn as dots), a legend, the park card's lines, the filters and the
date, the sources and the map data's attribution. Pure: bytes out, nothing written.

Coordinates are WGS84 (EPSG:4326), drawn with the x axis stretched by 1/cos(latitude)
so shapes keep their proportions; areas on the card are computed in EPSG:32651."""

from __future__ import annotations

import io
import textwrap
from datetime import date

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ui.firm_layer import precise_only, sector_colours  # noqa: E402
from ui.i18n import sector_labels, t  # noqa: E402
from ui.park_card import ParkCard  # noqa: E402

__all__ = ["FONTS", "MAX_DOTS", "briefing_bytes", "briefing_figure"]

#: Fonts with Chinese, then a fallback.
FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "DejaVu Sans"]
#: At most this many firm dots are drawn (an even sample beyond).
MAX_DOTS = 4000
A4 = (8.27, 11.69)


def _wrap(text: str, lang: str, *, indent: str = "") -> str:
    """``text`` wrapped to the page, each of its own lines apart, those after the first
    indented by ``indent`` (so a card line's later lines read as its own)."""
    width = 46 if lang == "zh" else 100
    wrapped = [w for line in text.splitlines() for w in textwrap.wrap(line, width=width)]
    return "\n".join([*wrapped[:1], *(indent + w for w in wrapped[1:])]) or "—"


def _map(ax, zone: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None, firms, *, colour: str,
         dashed: bool, lang: str) -> list[Artist]:
    x0, y0, x1, y1 = zone.total_bounds
    pad = max(x1 - x0, y1 - y0) * 0.25 + 0.005
    if districts is not None:
        districts.plot(ax=ax, facecolor="#f4f4f4", edgecolor="#9a9a9a", linewidth=0.6)
    zone.plot(ax=ax, facecolor=colour, alpha=0.25, edgecolor="none")
    zone.boundary.plot(ax=ax, color=colour, linewidth=1.8, linestyle="--" if dashed else "-")
    handles: list[Artist] = [Patch(facecolor=colour, alpha=0.4, edgecolor=colour,
                     linestyle="--" if dashed else "-", label=t("card_zone", lang))]
    dots = precise_only(firms) if firms is not None else None  # coarse ones are no points
    if firms is not None and dots is not None and len(dots) < len(firms):
        handles.append(Patch(facecolor="none", edgecolor="none", label=t(
            "card_coarse_not_drawn", lang, n=f"{len(firms) - len(dots):,}")))
    if dots is not None and len(dots):
        shown = dots.iloc[np.linspace(0, len(dots) - 1, min(len(dots), MAX_DOTS)).astype(int)]
        colours, labels = sector_colours(), sector_labels(lang)
        for sector, part in shown.groupby("sector", observed=True):
            ax.scatter(part.geometry.x, part.geometry.y, s=5, color=colours.get(sector, "#999999"),
                       linewidths=0)
        drawn = shown["sector"].value_counts()
        top = drawn[drawn > 0].index[:6]  # a category with no dot is no legend entry
        handles += [Line2D([], [], marker="o", linestyle="", color=colours.get(s, "#999999"),
                           label=labels.get(s, s)) for s in top]
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect(1 / np.cos(np.radians((y0 + y1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    return handles


def briefing_figure(card: ParkCard, zone: gpd.GeoDataFrame, *, districts: gpd.GeoDataFrame | None,
                    firms: gpd.GeoDataFrame | None, filters: str, lang: str, colour: str,
                    dashed: bool, synthetic: bool, today: date | None = None):
    """The briefing page as a matplotlib figure (close it after use)."""
    plt.rcParams["font.family"] = FONTS
    fig = plt.figure(figsize=A4)
    fig.text(0.06, 0.965, card.title, fontsize=17, weight="bold", va="top")
    fig.text(0.06, 0.935, t("card_title", lang) + " · " + (today or date.today()).isoformat(),
             fontsize=9, color="#555555", va="top")
    ax = fig.add_axes((0.06, 0.5, 0.88, 0.42))
    handles = _map(ax, zone, districts, firms, colour=colour, dashed=dashed, lang=lang)
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9,
              title=t("legend", lang), title_fontsize=8)
    colon, indent = ("：", "\u3000\u3000") if lang == "zh" else (": ", "    ")
    body = [f"{label}{colon}{_wrap(text, lang, indent=indent)}" for label, text in card.lines]
    body.append((t("card_filters", lang) + ("：" if lang == "zh" else ": ")) + _wrap(filters, lang))
    if synthetic:
        body.append(t("synthetic_note", lang))
    sources = [t("citation", lang) + ("：" if lang == "zh" else ": ")]
    sources += [_wrap(f"· {s}", lang) for s in card.sources[:6]]
    sources.append(t("card_osm", lang))
    text = "\n".join(body)
    fig.text(0.06, 0.48, text, fontsize=_fitting(text, "\n".join(sources)), va="top",
             linespacing=1.5)
    fig.text(0.06, 0.03, "\n".join(sources), fontsize=7, color="#444444", va="bottom",
             linespacing=1.4)
    return fig


def _fitting(body: str, sources: str, *, top: float = 0.48, size: float = 8.5) -> float:
    """The body's font size (points, at most ``size``) for its lines to fit between
    ``top`` (figure fraction) and the sources' block at the foot of the A4 page."""
    points = A4[1] * 72
    free = (top - 0.04) * points - (sources.count("\n") + 1) * 7 * 1.4
    return min(size, free / ((body.count("\n") + 1) * 1.5))


def briefing_bytes(fig, fmt: str) -> bytes:
    """The figure as ``png`` (150 dpi) or ``pdf`` bytes; the figure is closed."""
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format=fmt, dpi=150 if fmt == "png" else None,
                    metadata={"Creator": "shanghai-cluster-map"} if fmt == "pdf" else None)
    finally:
        plt.close(fig)
    return buf.getvalue()
