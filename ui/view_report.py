"""The live map's first report of its view, held until the first fit has been made.

st_folium's frame reports the map's view (bounds, zoom) as soon as the map is made,
before the overlays are drawn and fitted (:class:`ui.map_extras.FitBesideLegend`), and
again after the fit: two reruns of the app for one first view, the first for a view
nobody sees. :class:`ReportAfterFit`, drawn with the map's base, holds that first
report: a later report (the fitted view's) replaces it; when no fit is waiting, or the
fit left the view as it was (no later report within the frame's 250 ms debounce), the
held report is sent as it was. Either way the app hears of the first view once.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

__all__ = ["FIT_PENDING", "ReportAfterFit"]

#: True while a fit is waiting to be made, false once made (set by FitBesideLegend).
FIT_PENDING = "window.scmFitPending"


class ReportAfterFit(MacroElement):
    """Holds st_folium's first report of the view until the first fit (see the module).
    Acts on the frame's ``window.Streamlit``; a page without it (the offline HTML, the
    PNG) is left alone. Bounded: the report is held at most ``limit_ms``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var lib = window.Streamlit;
            if (!lib || !lib.setComponentValue || lib.scmHolding !== undefined) return;
            var send = lib.setComponentValue.bind(lib), held = null, first = true;
            var since = Date.now();
            lib.scmHolding = true;
            function flush() {
                if (held !== null) { var value = held; held = null; send(value); }
            }
            function wait() {  // a fit to come reports its own view; else send the first
                if (held === null) return;
                var pending = {{ this.pending }};
                if (pending === true && Date.now() - since < {{ this.limit_ms }}) {
                    return setTimeout(wait, 50);
                }
                setTimeout(flush, pending === false ? {{ this.settle_ms }} : 0);
            }
            lib.setComponentValue = function (value) {
                if (first) { first = false; held = value; setTimeout(wait, 0); return; }
                held = null;
                send(value);
            };
        })();
        {% endmacro %}
    """)

    def __init__(self, *, limit_ms: int = 5000, settle_ms: int = 400):
        super().__init__()
        self._name = "ReportAfterFit"
        self.pending, self.limit_ms, self.settle_ms = FIT_PENDING, limit_ms, settle_ms
