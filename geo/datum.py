"""Datum conversion between WGS84, GCJ-02 and BD-09.

WGS84 is the datum of GPS and of every file this project stores. GCJ-02 is the
obfuscated datum that Chinese web maps (Amap/高德, Tencent) draw in; BD-09 is
Baidu's further offset of GCJ-02. Both are published formulas, not EPSG CRSs, so
they are applied to coordinates here rather than through pyproj.

Outside China: the GCJ-02 offset is applied only inside the customary rectangle
lon 72.004–137.8347, lat 0.8293–55.8271. Outside it, GCJ-02 equals WGS84 (what
Chinese map providers do for foreign coordinates) and BD-09 is still Baidu's
offset of that. The rectangle is coarse: it also covers Korea, Mongolia and other
neighbours, where results follow the formula regardless. Points in this project
are always inside Shanghai, far from the rectangle's edges.

All functions take and return longitude/latitude in decimal degrees, as floats or
numpy arrays (vectorised), and never modify their inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from geo.crs import require_storage_crs
from geo.errors import DatumError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "DATUMS", "DATUM_LABELS", "Datum", "bd09_to_gcj02", "bd09_to_wgs84", "convert",
    "convert_frame", "convert_geometry", "gcj02_to_bd09", "gcj02_to_wgs84", "in_china_box",
    "parse_datum", "parse_datums", "wgs84_to_bd09", "wgs84_to_gcj02"
]

Datum = Literal["wgs84", "gcj02", "bd09"]
DATUMS: tuple[Datum, ...] = ("wgs84", "gcj02", "bd09")

_Floats = NDArray[np.float64]
#: Degrees as given: a float for a scalar input, an array of floats otherwise.
Degrees = float | _Floats
_Forward = Callable[[ArrayLike, ArrayLike], tuple[Degrees, Degrees]]
DATUM_LABELS: dict[str, str] = {"wgs84": "WGS84 (EPSG:4326)", "gcj02": "GCJ-02 (国测局)", "bd09": "BD-09 (百度)"}

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula, metres
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0
_CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)  # lon_min, lat_min, lon_max, lat_max

#: Iterative inverses stop when the forward image is within this many degrees of
#: the target (1e-10° ≈ 0.01 mm) or after this many rounds.
_INVERSE_TOL_DEG = 1e-10
_INVERSE_MAX_ROUNDS = 30


#: Characters a datum name may hold that do not count (``GCJ-02``, ``EPSG:4490``).
_SEPARATORS = "-_ :："
_ALIASES: dict[str, Datum] = {
    "wgs84": "wgs84", "epsg4326": "wgs84", "4326": "wgs84", "gps": "wgs84",
    # CGCS2000 (EPSG:4490, the frame Chinese government data is delivered in) is
    # taken as WGS84, unchanged: see parse_datum.
    "cgcs2000": "wgs84", "epsg4490": "wgs84", "4490": "wgs84", "国家2000": "wgs84",
    "2000国家大地坐标系": "wgs84",
    "gcj02": "gcj02", "gcj": "gcj02", "amap": "gcj02", "高德": "gcj02", "火星": "gcj02",
    "bd09": "bd09", "bd09ll": "bd09", "baidu": "bd09", "百度": "bd09",
}


def parse_datum(name: str) -> Datum:
    """Return the canonical datum id for a user-facing name (``GCJ-02``, ``bd09``,
    ``EPSG:4326``, ``CGCS2000`` …).

    CGCS2000 (China Geodetic Coordinate System 2000, EPSG:4490) is accepted as WGS84
    with no shift: both are realisations of the ITRF and agree to centimetres at a
    common epoch; CGCS2000 coordinates are fixed at epoch 2000.0, so plate motion
    (a few cm a year in Shanghai) adds well under a metre by the 2020s. Both are far
    below the precision of any position in this project (metres for surveyed firm
    points, hundreds of metres for places by address). Raises :class:`DatumError` naming
    the accepted values when the name is unknown.
    """
    key = str(name).strip().lower()
    for ch in _SEPARATORS:
        key = key.replace(ch, "")
    if key not in _ALIASES:
        raise DatumError(f"unknown datum {name!r}: use one of wgs84 (or CGCS2000, EPSG:4490, "
                         "EPSG:4326), gcj02, bd09")
    return _ALIASES[key]


def parse_datums(names: Any) -> NDArray[np.object_]:
    """:func:`parse_datum` over many names at once (a sequence or Arrow string array):
    the canonical id per name, ``""`` where it names no datum. Vectorised in Arrow,
    so 100,000 distinct names cost about as much as one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = pc.utf8_lower(pc.utf8_trim_whitespace(pa.array(names, type=pa.string())))
    keys = pc.replace_substring_regex(keys, f"[{_SEPARATORS}]", "")
    found = pc.index_in(keys, value_set=pa.array(list(_ALIASES), type=pa.string()))
    ids = np.array([*_ALIASES.values(), ""], dtype=object)
    codes: NDArray[np.intp] = found.fill_null(len(_ALIASES)).to_numpy(zero_copy_only=False)
    return ids[codes]


def in_china_box(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """True where a point lies in the rectangle inside which GCJ-02 is offset."""
    x, y = _as_arrays(lon, lat)
    x0, y0, x1, y1 = _CHINA_BOX
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def _offset_lat(x: _Floats, y: _Floats) -> _Floats:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lon(x: _Floats, y: _Floats) -> _Floats:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[_Floats, _Floats]:
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _same_kind(lon_in: ArrayLike, out: _Floats) -> Degrees:
    """Return floats for scalar input, arrays otherwise."""
    return float(out) if np.ndim(lon_in) == 0 else out


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Degrees, Degrees]:
    """WGS84 → GCJ-02 (forward formula; identity outside the China rectangle)."""
    x, y = _as_arrays(lon, lat)
    dlat = _offset_lat(x - 105.0, y - 35.0)
    dlon = _offset_lon(x - 105.0, y - 35.0)
    radlat = y / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = in_china_box(x, y)
    gx = np.where(inside, x + dlon, x)
    gy = np.where(inside, y + dlat, y)
    return _same_kind(lon, gx), _same_kind(lat, gy)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Degrees, Degrees]:
    """GCJ-02 → BD-09 (Baidu's published forward formula)."""
    x, y = _as_arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return _same_kind(lon, z * np.cos(theta) + 0.0065), _same_kind(lat, z * np.sin(theta) + 0.006)


def _invert(forward: _Forward, lon: ArrayLike, lat: ArrayLike) -> tuple[Degrees, Degrees]:
    """Solve ``forward(p) = (lon, lat)`` for p by fixed-point iteration.

    Each round moves the guess by the residual; the offsets vary slowly with
    position, so this converges to ~1e-12° in a handful of rounds.
    """
    tx, ty = _as_arrays(lon, lat)
    x, y = tx.copy(), ty.copy()
    for _ in range(_INVERSE_MAX_ROUNDS):
        fx, fy = forward(x, y)
        dx, dy = np.asarray(fx) - tx, np.asarray(fy) - ty
        x, y = x - dx, y - dy
        if np.all(np.abs(dx) < _INVERSE_TOL_DEG) and np.all(np.abs(dy) < _INVERSE_TOL_DEG):
            break
    return _same_kind(lon, x), _same_kind(lat, y)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Degrees, Degrees]:
    """GCJ-02 → WGS84 by iterating the forward formula (error well under 1 mm)."""
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Degrees, Degrees]:
    """BD-09 → GCJ-02 by iterating the forward formula."""
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Degrees, Degrees]:
    """WGS84 → BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Degrees, Degrees]:
    """BD-09 → WGS84 (both steps iterative)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_PAIRS: dict[tuple[str, str], _Forward] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


@overload
def convert(lon: float, lat: float, src: str, dst: str) -> tuple[float, float]: ...


@overload
def convert(lon: NDArray[Any], lat: NDArray[Any], src: str,
            dst: str) -> tuple[_Floats, _Floats]: ...


def convert(lon: ArrayLike, lat: ArrayLike, src: str, dst: str) -> tuple[Degrees, Degrees]:
    """Convert lon/lat (degrees, scalars or arrays) from datum ``src`` to ``dst``
    (canonical ids, see :data:`DATUMS`)."""
    if src == dst and src in DATUMS:
        return _same_kind(lon, np.array(lon, dtype=float)), _same_kind(lat, np.array(lat, dtype=float))
    if (src, dst) not in _PAIRS:
        raise DatumError(f"unknown datum pair {src!r} → {dst!r}: use the ids {DATUMS} "
                         "(parse_datum turns a user's name into one)")
    return _PAIRS[(src, dst)](lon, lat)


def convert_geometry(geom: Any, src: str, dst: str) -> Any:
    """Convert every vertex of a shapely geometry (or array of them) between datums."""

    def _xy(coords: _Floats) -> _Floats:
        if len(coords) == 0:
            return coords
        x, y = convert(coords[:, 0], coords[:, 1], src, dst)
        return np.column_stack([x, y]).astype(float)

    return shapely.transform(geom, _xy)


def convert_frame(gdf: gpd.GeoDataFrame, src: str, dst: str) -> gpd.GeoDataFrame:
    """Return a copy of a lon/lat GeoDataFrame with its geometry moved to datum ``dst``.

    The CRS stays EPSG:4326 (GCJ-02 and BD-09 have no EPSG code); the datum is
    recorded in ``result.attrs["datum"]`` so exporters can label the output.
    """
    require_storage_crs(gdf, what="datum conversion")
    out = gdf.copy()
    out.geometry = convert_geometry(gdf.geometry.values, src, dst)
    out.attrs["datum"] = dst
    return out
