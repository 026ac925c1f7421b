"""The live map's reports of its view: the first held until the first fit, and each fit
reported as soon as it is made.

st_folium's frame reports the map's view (bounds, zoom) as soon as the map is made,
before the overlays are drawn and fitted (:class:`ui.map_extras.FitBesideLegend`), and
again 250 ms after each move ends (its debounce): two reruns of the app for a new page's
first view, the first for a view nobody sees, and a quarter second lost after each fit.
:class:`ReportView`, drawn with the map's base, holds that first report, and gives the
fit a way to report the view it made at once (:data:`REPORT`): the frame's last report
with the new bounds and zoom, recorded as the frame's own last report, so the frame's
debounced report of the same view is not sent again. When no fit is waiting, or it never
comes, the held report is sent as it was. A fit told to be quiet (the app's view
changes nothing the server draws) keeps a held first report to itself: the frame records
the fitted view as reported, and the server, which drew that view, is not asked to run
again for it.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

__all__ = ["FIT_PENDING", "REPORT", "ReportView"]

#: True while a fit is waiting to be made, false once made (set by FitBesideLegend).
FIT_PENDING = "window.scmFitPending"
#: The function a fit calls once made, to report the view at once (absent off the app).
REPORT = "window.scmReportView"


class ReportView(MacroElement):
    """The first report held, each fit reported at once (see the module). Acts on the
    frame's ``window.Streamlit`` and st_folium's ``window.__GLOBAL_DATA__``; a page
    without them (the offline HTML, the PNG) is left alone. Bounded: the first report
    is held at most ``limit_ms``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var lib = window.Streamlit;
            if (!lib || !lib.setComponentValue || lib.scmHolding !== undefined) return;
            var send = lib.setComponentValue.bind(lib), held = null, first = true;
            var since = Date.now();
            lib.scmHolding = true;
            {{ this.report }} = function (quiet) {  // the fitted view, now
                var global = window.__GLOBAL_DATA__, map = window.map;
                var last = held !== null ? held : global && global.previous_data;
                if (!map || !last || !("bounds" in last)) return;
                // the same keys in the same order as the frame's own report
                var value = Object.assign({}, last, {bounds: map.getBounds(), zoom: map.getZoom()});
                if (held === null && JSON.stringify(value) === JSON.stringify(global.previous_data)) {
                    return;
                }
                var wasHeld = held !== null;  // the frame's first report, not yet sent
                global.previous_data = value;
                held = null;
                if (!(quiet && wasHeld)) send(value);  // the first fit of a quiet frame: kept
            };
            function wait() {  // a fit to come reports its own view; else the first as it was
                if (held === null) return;
                if ({{ this.pending }} === true && Date.now() - since < {{ this.limit_ms }}) {
                    return setTimeout(wait, 50);
                }
                var value = held;
                held = null;
                send(value);
            }
            lib.setComponentValue = function (value) {
                if (first) { first = false; held = value; setTimeout(wait, 0); return; }
                held = null;
                send(value);
            };
        })();
        {% endmacro %}
    """)

    def __init__(self, *, limit_ms: int = 5000):
        super().__init__()
        self._name = "ReportView"
        self.pending, self.report, self.limit_ms = FIT_PENDING, REPORT, limit_ms
