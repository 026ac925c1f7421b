"""The map's view in the page address, so a colleague opens the same map.

``?layers=poles,new_towns&sector=ic&zone=newtown_songjiang&zoom=12&center=31.03000,121.22000``

:func:`view_to_params` writes a :class:`MapView` as query parameters;
:func:`params_to_view` reads them back, keeping only what is valid (known layer
and sector ids, a zoom the map allows, a centre near Shanghai), so a mistyped or
stale address opens the default map instead of failing. Coordinates are WGS84.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping
from dataclasses import dataclass

__all__ = ["LANGS", "VIEW_KEYS", "MapView", "center_of", "params_to_view", "sync_params", "view_to_params"]

VIEW_KEYS = ("layers", "sector", "zone", "zoom", "center", "lang")
LANGS = ("zh", "en")  # the first is the default, left out of the address
ZOOMS = (7.0, 18.0)  # the map's zoom range
AREA = (120.0, 30.0, 123.0, 32.5)  # west, south, east, north: around Shanghai


@dataclass(frozen=True)
class MapView:
    """What the address holds; None (or empty) means "the app's default"."""

    layers: tuple[str, ...] | None = None
    sectors: tuple[str, ...] = ()
    zone: str | None = None
    zoom: float | None = None  # in half steps
    center: tuple[float, float] | None = None  # (lat, lon)
    lang: str | None = None  # one of LANGS

    def map_view(self) -> tuple[float, float, float] | None:
        """(lat, lon, zoom) for :class:`ui.webmap.MapOptions`, when both are known."""
        if self.center is None or self.zoom is None:
            return None
        return (*self.center, self.zoom)


def view_to_params(view: MapView) -> dict[str, str]:
    """The view as query parameters (keys of ``VIEW_KEYS``; defaults left out)."""
    params = {}
    if view.layers is not None:
        params["layers"] = ",".join(view.layers)
    if view.sectors:
        params["sector"] = ",".join(view.sectors)
    if view.zone:
        params["zone"] = view.zone
    if view.zoom is not None and view.center is not None:
        params["zoom"] = f"{round(float(view.zoom) * 2) / 2:g}"
        params["center"] = f"{view.center[0]:.5f},{view.center[1]:.5f}"
    if view.lang in LANGS[1:]:
        params["lang"] = view.lang
    return params


def _ids(text: str | None, known: Collection[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in (text or "").split(",") if i in known))


def _center(text: str | None) -> tuple[float, float] | None:
    try:
        lat, lon = (float(v) for v in (text or "").split(","))
    except ValueError:
        return None
    west, south, east, north = AREA
    return (lat, lon) if south <= lat <= north and west <= lon <= east else None


def _zoom(text: str | None) -> float | None:
    try:
        zoom = round(float(text or "") * 2) / 2
    except (ValueError, OverflowError):
        return None
    return zoom if ZOOMS[0] <= zoom <= ZOOMS[1] else None


def params_to_view(params: Mapping[str, str], *, layer_ids: Collection[str],
                   sector_ids: Collection[str], zone_ids: Collection[str] = ()) -> MapView:
    """The view in ``params``, keeping only valid parts (see the module docstring).

    ``layers`` present but empty means "no layer"; absent means the default layers.
    ``zone_ids`` empty: any zone id is kept (the app checks it when it looks it up)."""
    layers = _ids(params.get("layers"), layer_ids) if "layers" in params else None
    zone = params.get("zone") or None
    if zone is not None and zone_ids and zone not in zone_ids:
        zone = None
    center, zoom = _center(params.get("center")), _zoom(params.get("zoom"))
    if center is None or zoom is None:
        center = zoom = None
    lang = params.get("lang") if params.get("lang") in LANGS else None
    return MapView(layers=layers, sectors=_ids(params.get("sector"), sector_ids), zone=zone,
                   zoom=zoom, center=center, lang=lang)


def center_of(bounds: Mapping | None) -> tuple[float, float] | None:
    """The (lat, lon) centre of st_folium's ``bounds``, or None."""
    if bounds is None:
        return None
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        return ((float(sw["lat"]) + float(ne["lat"])) / 2, (float(sw["lng"]) + float(ne["lng"])) / 2)
    except (KeyError, TypeError, ValueError):
        return None


def sync_params(query: MutableMapping[str, str], view: MapView) -> None:
    """Make ``query`` (e.g. ``st.query_params``) hold ``view``: the view's keys set or
    removed, any other parameter left alone; unchanged keys are not rewritten."""
    params = view_to_params(view)
    for key in VIEW_KEYS:
        if key in params and query.get(key) != params[key]:
            query[key] = params[key]
        elif key not in params and key in query:
            del query[key]
