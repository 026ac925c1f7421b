"""The map's legend: a collapsible Leaflet control in one corner, and its lines.

Lines are HTML built here from escaped text (:func:`ui.mapbase.safe_text`) and
colours from the catalog and code. The choropleth's classes are merged when
edges repeat or a class holds no zone, so the legend never reads "2.15 – 2.15".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.breaks import class_breaks
from ui.firm_layer import CLASS_COLOURS, sector_colours
from ui.i18n import sector_labels, t
from ui.mapbase import safe_text, swatch

__all__ = ["STRONG_COLOUR", "Legend", "choropleth_lines", "class_colour", "firm_key_lines",
           "merged_breaks", "swatch"]

STRONG_COLOUR = "#d7191c"
NARROW_PX = 600  # maps narrower than this open with the legend collapsed


class Legend(MacroElement):
    """A Leaflet control in the bottom-right corner with a header that folds it away.

    Collapsed at first on maps narrower than ``NARROW_PX``; its size is capped in
    ``static/map.css`` (it scrolls), so it never covers more than a corner."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
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
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, lines: Iterable[str], *, toggle_label: str):
        super().__init__()
        self._name = "Legend"
        self.narrow = NARROW_PX
        self.markup = (
            f'<div class="scm-legend-head"><b>{safe_text(title)}</b>'
            f'<button type="button" class="scm-legend-toggle" title="{safe_text(toggle_label)}"'
            f' aria-label="{safe_text(toggle_label)}" aria-expanded="true">▾</button></div>'
            f'<div class="scm-legend-body">{"<br>".join(lines)}</div>')


def merged_breaks(values: pd.Series, *, method: str = "quantile") -> list[float]:
    """Class edges of ``values`` with repeated edges and empty classes merged away.

    One distinct value gives one class ``[v, v]``; no values give no class."""
    vals = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    if vals.empty:
        return []
    edges = sorted(set(class_breaks(vals, method=method)))
    if len(edges) < 2:
        return [edges[0], edges[0]]
    # an inner edge whose class below holds no value is dropped (the classes merge)
    v = np.sort(vals.to_numpy())
    kept = [edges[0]]
    for hi in edges[1:-1]:
        if np.count_nonzero((v >= kept[-1]) & (v < hi)) > 0:
            kept.append(hi)
    kept.append(edges[-1])
    return kept


def class_colour(cls: int | None, n_classes: int) -> str | None:
    """The colour of class ``cls`` of ``n_classes``, spread over the whole ramp."""
    if cls is None or n_classes < 1:
        return None
    if n_classes == 1:
        return CLASS_COLOURS[-1]
    return CLASS_COLOURS[round(cls * (len(CLASS_COLOURS) - 1) / (n_classes - 1))]


def _range(lo: float, hi: float) -> str:
    return f"{lo:,.3g}" if f"{lo:,.3g}" == f"{hi:,.3g}" else f"{lo:,.3g} – {hi:,.3g}"


def choropleth_lines(measure: str, classes: str, breaks: list[float], *, lang: str,
                     sector_label: str | None = None) -> list[str]:
    """Legend lines of a choropleth: the measure and the sector it is for, the method,
    one line per (merged) class, and the strong-cluster outline."""
    if len(breaks) < 2:
        return []
    title = safe_text(t("m_" + measure, lang))
    if sector_label:
        title += " · " + safe_text(t("legend_for_sector", lang, sector=sector_label))
    n = len(breaks) - 1
    lines = [f"<b>{title}</b>", safe_text(t("cls_" + classes, lang))]
    lines += [swatch(class_colour(i, n) or "", "#999999", opacity=0.9) + _range(breaks[i], breaks[i + 1])
              for i in range(n)]
    lines.append(swatch("#ffffff", STRONG_COLOUR) + safe_text(t("strong_cluster", lang)))
    return lines


def firm_key_lines(sectors: Iterable[str], *, lang: str) -> list[str]:
    """One line per sector present among the drawn firms: its colour and its name."""
    present = set(sectors)
    colours, labels = sector_colours(), sector_labels(lang)
    order = [s for s in colours if s in present] + sorted(present - set(colours))
    return [f'<span class="scm-dot" style="background:{colours.get(s, "#999999")}"></span>'
            + safe_text(labels.get(s, s)) for s in order]
