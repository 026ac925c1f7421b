"""The map's legend: a Leaflet control holding HTML built from escaped text, and
the small colour swatches it lists."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

__all__ = ["Legend", "swatch"]


class Legend(MacroElement):
    """A Leaflet control holding legend HTML (built here from escaped text)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "scm-legend");
                div.innerHTML = {{ this.markup|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, markup: str):
        super().__init__()
        self._name = "Legend"
        self.markup = markup


def swatch(fill: str, stroke: str, *, dashed: bool = False, opacity: float = 0.6) -> str:
    dash = "dashed" if dashed else "solid"
    return (f'<span class="scm-swatch" style="background:{fill};opacity:{opacity};'
            f'border:2px {dash} {stroke}"></span>')
