"""The map's legend: a collapsible Leaflet control in one corner, and its lines.

Lines are HTML built here from escaped text (:func:`ui.mapbase.safe_text`) and
colours from the catalog and code. The choropleth's classes are merged when
edges repeat or a class holds no zone, so the legend never reads "2.15 – 2.15".
"""

from __future__ import annotations

from collections.abc import Iterable

from jinja2 import Template

from geo.breaks import merged_breaks
from ui.firm_layer import class_colour, grid_breaks, sector_colours
from ui.i18n import sector_labels, t
from ui.mapbase import CLEANUP_JS, OnMap, safe_text, swatch

__all__ = ["STRONG_COLOUR", "Legend", "choropleth_lines", "class_colour", "firm_key_lines",
           "grid_key_lines", "merged_breaks", "swatch"]

STRONG_COLOUR = "#d7191c"
NARROW_PX = 600  # maps narrower than this open with the legend collapsed


class Legend(OnMap):
    """A Leaflet control in the bottom-right corner with a header that folds it away.

    Collapsed at first on maps narrower than ``NARROW_PX``; its size is capped in
    ``static/map.css`` (it scrolls), so it never covers more than a corner."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this.map_name() }};
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "scm-legend");
                div.innerHTML = {{ this.markup|tojson }};
                var button = div.querySelector(".scm-legend-toggle");
                function set(collapsed) {
                    div.classList.toggle("scm-collapsed", collapsed);
                    button.setAttribute("aria-expanded", collapsed ? "false" : "true");
                    button.textContent = collapsed ? "▸" : "▾";
                }
                button.addEventListener("click", function () {
                    set(!div.classList.contains("scm-collapsed"));
                });
                set(map.getSize().x < {{ this.narrow }});
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
            {{ this.cleanup }}(function () { legend.remove(); });
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, lines: Iterable[str], *, toggle_label: str):
        super().__init__()
        self._name = "Legend"
        self.cleanup = CLEANUP_JS
        self.narrow = NARROW_PX
        self.markup = (
            f'<div class="scm-legend-head"><b>{safe_text(title)}</b>'
            f'<button type="button" class="scm-legend-toggle" title="{safe_text(toggle_label)}"'
            f' aria-label="{safe_text(toggle_label)}" aria-expanded="true">▾</button></div>'
            f'<div class="scm-legend-body">{"<br>".join(lines)}</div>')


def _range(lo: float, hi: float) -> str:
    return f"{lo:,.3g}" if f"{lo:,.3g}" == f"{hi:,.3g}" else f"{lo:,.3g} – {hi:,.3g}"


def _count_range(lo: float, hi: float, last: bool) -> str:
    """A class of whole numbers: lo ≤ v < hi holds lo … hi − 1 (the last class: … hi)."""
    top = int(hi) if last else int(hi) - 1
    return f"{int(lo):,}" if top <= int(lo) else f"{int(lo):,} – {top:,}"


def choropleth_lines(measure: str, classes: str, breaks: list[float], *, lang: str,
                     sector_label: str | None = None, integer: bool = False) -> list[str]:
    """Legend lines of a choropleth: the measure and the sector it is for, the method,
    one line per (merged) class (whole numbers for counts: ``integer``), and the
    strong-cluster outline."""
    if len(breaks) < 2:
        return []
    title = safe_text(t("m_" + measure, lang))
    if sector_label:
        title += " · " + safe_text(t("legend_for_sector", lang, sector=sector_label))
    n = len(breaks) - 1
    lines = [f"<b>{title}</b>", safe_text(t("cls_" + classes, lang))]
    lines += [swatch(class_colour(i, n) or "", "#999999", opacity=0.9)
              + (_count_range(breaks[i], breaks[i + 1], i == n - 1) if integer
                 else _range(breaks[i], breaks[i + 1])) for i in range(n)]
    lines.append(swatch("#ffffff", STRONG_COLOUR) + safe_text(t("strong_cluster", lang)))
    return lines


def firm_key_lines(sectors: Iterable[str], *, lang: str) -> list[str]:
    """One line per sector present among the drawn firms: its colour and its name."""
    present = set(sectors)
    colours, labels = sector_colours(), sector_labels(lang)
    order = [s for s in colours if s in present] + sorted(present - set(colours))
    return [f'<span class="scm-dot" style="background:{colours.get(s, "#999999")}"></span>'
            + safe_text(labels.get(s, s)) for s in order]


def grid_key_lines(counts, *, lang: str) -> list[str]:
    """The grid's key: its title and one line per class of firms per cell, in the
    colours the grid is drawn in (:func:`ui.firm_layer.grid_breaks`)."""
    breaks = grid_breaks(counts)
    if len(breaks) < 2:
        return []
    n = len(breaks) - 1
    return [safe_text(t("grid_key", lang))] + [
        swatch(class_colour(i, n) or "", "#999999", opacity=0.7) + _count_range(breaks[i], breaks[i + 1], i == n - 1)
        for i in range(n)]
