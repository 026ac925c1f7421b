"""Optional online geocoding of addresses, off by default.

A person who has a key for 天地图, 高德 (Amap) or 百度 (Baidu) web services, or runs their own
Nominatim, names it in a settings file (TOML)::

    [geocoder]
    provider = "amap"            # amap | baidu | tianditu | nominatim
    key = "…"                    # not needed for nominatim
    url = "https://…"            # optional: the service's address (default: the provider's)
    cache = "geocode-cache.sqlite"
    timeout_s = 10
    max_requests = 2000          # per import; the addresses beyond keep their offline place

Each address is asked once: answers (and "not found") are kept in a local SQLite file.
A failing service (unreachable, timed out, a bad key, a spent quota: its error status)
is not an answer: nothing is kept, the rest of the import is not held up (no further
address is asked once one request failed) and :attr:`Geocoder.failure` says what happened.
At most ``max_requests`` (:data:`MAX_REQUESTS`) are sent per import, so its time stays
bounded whatever the file holds; the addresses beyond keep their offline place.
A provider's coordinates are converted to WGS84 from its datum (高德 GCJ-02, 百度 BD-09,
天地图 CGCS2000 ≈ WGS84, Nominatim WGS84), and the precision an answer is given is the one
its match level implies (:data:`LEVEL_PRECISION_M`; Nominatim: half its bounding box's
diagonal). An answer coarser than a 街道/镇 is not used. Tested against a loopback server
answering in each provider's documented format, not against the live services.
"""

from __future__ import annotations

import json
import math
import sqlite3
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geo.datum import convert
from layers.errors import UsageError

__all__ = ["DEFAULT_URLS", "LEVEL_PRECISION_M", "MAX_REQUESTS", "PRECISION_BANDS_M",
           "PROVIDER_DATUMS", "Answer", "Failure", "Geocoder", "Settings", "geocode_report",
           "load_geocoder", "precision_band", "read_settings"]

#: Where each provider's geocoding service answers (overridden by ``url``).
DEFAULT_URLS = {
    "amap": "https://restapi.amap.com/v3/geocode/geo",
    "baidu": "https://api.map.baidu.com/geocoding/v3/",
    "tianditu": "http://api.tianditu.gov.cn/geocoder",
    "nominatim": "http://127.0.0.1:8080/search",
}
#: The datum each provider answers in.
PROVIDER_DATUMS = {"amap": "gcj02", "baidu": "bd09", "tianditu": "wgs84", "nominatim": "wgs84"}
#: Match level → precision in metres (the levels 高德, 百度 and 天地图 document); a level
#: not listed (区县, 乡镇, 开发区, 城市 …) is no better than the offline ladder: not used.
LEVEL_PRECISION_M = {"门牌号": 50.0, "门址": 50.0, "楼栋": 50.0, "单元号": 50.0,
                     "兴趣点": 100.0, "poi": 100.0, "道路交叉路口": 300.0, "道路": 1000.0,
                     "村庄": 2000.0, "热点商圈": 1500.0}
#: An answer less precise than this is not used (a 街道/镇 is about as good).
COARSEST_M = 3000.0
#: Requests sent per import at most (``max_requests``): an import's time stays bounded.
MAX_REQUESTS = 2000
#: The precision bands (upper bounds, m) an import's report counts geocoded firms in.
PRECISION_BANDS_M = (50, 100, 300, 1000, int(COARSEST_M))


def precision_band(precision_m: float) -> int:
    """The band of :data:`PRECISION_BANDS_M` a precision (m) falls in (its upper bound)."""
    return next(b for b in PRECISION_BANDS_M if precision_m <= b or b == PRECISION_BANDS_M[-1])


@dataclass(frozen=True)
class Answer:
    """A geocoded address: WGS84 lon/lat, precision (m) and the provider's match level."""

    lon: float
    lat: float
    precision_m: float
    level: str


@dataclass(frozen=True)
class Failure:
    """Why the service gave no answer: ``kind`` is ``timeout``, ``unreachable``, ``refused``
    (an HTTP error or the provider's error status: a bad key, a spent quota …) or
    ``bad_reply`` (not the provider's format); ``detail`` is the service's own status and
    message (never the request's address, which holds the key)."""

    kind: str
    detail: str = ""


class _RefusedError(Exception):
    """The provider answered with an error status (its words in ``args[0]``)."""


def _amap(doc: dict[str, Any]) -> tuple[float, float, str] | None:
    if str(doc.get("status")) != "1":
        raise _RefusedError(f"{doc.get('info', '')} ({doc.get('infocode', '')})")
    found = doc.get("geocodes") or []
    if not found:
        return None
    lon, lat = (float(v) for v in str(found[0]["location"]).split(","))
    return lon, lat, str(found[0].get("level", ""))


def _baidu(doc: dict[str, Any]) -> tuple[float, float, str] | None:
    status = int(doc.get("status", -1))
    if status not in (0, 1):  # 1: "无相关结果" (not found); 2 and above: its error codes
        raise _RefusedError(f"{status}: {doc.get('msg', doc.get('message', ''))}")
    result = doc.get("result") or {}
    if status != 0 or "location" not in result:
        return None
    return float(result["location"]["lng"]), float(result["location"]["lat"]), \
        str(result.get("level", ""))


def _tianditu(doc: dict[str, Any]) -> tuple[float, float, str] | None:
    status = str(doc.get("status", ""))
    if status not in ("0", "101"):  # 101: "结果为空" (not found)
        raise _RefusedError(f"{status}: {doc.get('msg', '')}")
    place = doc.get("location") or {}
    if status != "0" or "lon" not in place:
        return None
    return float(place["lon"]), float(place["lat"]), str(place.get("level", ""))


def _nominatim(doc: Any) -> tuple[float, float, float] | None:
    if isinstance(doc, dict) and "error" in doc:
        raise _RefusedError(str(doc["error"]))
    if not doc:
        return None
    lat0, lat1, lon0, lon1 = (float(v) for v in doc[0]["boundingbox"])
    half = 0.5 * math.hypot((lon1 - lon0) * 111_320 * math.cos(math.radians(lat0)),
                            (lat1 - lat0) * 110_540)
    return float(doc[0]["lon"]), float(doc[0]["lat"]), max(half, 30.0)


class Geocoder:
    """One provider with its SQLite cache; ``ask`` counts the requests actually sent."""

    def __init__(self, provider: str, *, key: str = "", url: str | None = None,
                 cache: str | Path = "geocode-cache.sqlite", timeout_s: float = 10.0,
                 max_requests: int = MAX_REQUESTS,
                 fetch: Callable[[str, float], bytes] | None = None):
        if provider not in PROVIDER_DATUMS:
            raise UsageError(f"unknown geocoder provider {provider!r}: use "
                             + ", ".join(sorted(PROVIDER_DATUMS)))
        self.provider, self.key, self.timeout_s = provider, key, timeout_s
        self.max_requests = max_requests
        self.url = url or DEFAULT_URLS[provider]
        self.fetch = fetch or _fetch
        self.requests = 0  # sent to the service
        self.cached = 0  # answered from the cache
        self.failure: Failure | None = None  # the first failure; then nothing more is asked
        try:
            self.db = sqlite3.connect(str(cache))
            self.db.execute("CREATE TABLE IF NOT EXISTS answers (provider TEXT, address TEXT, "
                            "lon REAL, lat REAL, precision_m REAL, level TEXT, "
                            "PRIMARY KEY (provider, address))")
        except sqlite3.Error as err:
            raise UsageError(f"{cache}: the geocoder's cache cannot be opened ({err})") from err

    def _request_url(self, address: str) -> str:
        if self.provider == "amap":
            query = {"key": self.key, "address": address, "city": "上海"}
        elif self.provider == "baidu":
            query = {"ak": self.key, "address": address, "city": "上海市", "output": "json"}
        elif self.provider == "tianditu":
            query = {"ds": json.dumps({"keyWord": address}, ensure_ascii=False), "tk": self.key}
        else:
            query = {"q": address, "format": "jsonv2", "limit": "1", "countrycodes": "cn"}
        return f"{self.url}?{urllib.parse.urlencode(query)}"

    def _answer(self, doc: Any) -> Answer | None:
        """A provider's reply as an :class:`Answer` in WGS84, or None (not found, too coarse)."""
        if self.provider == "nominatim":
            got = _nominatim(doc)
            if got is None:
                return None
            lon, lat, precision = got
            level = "bbox"
        else:
            parsed = {"amap": _amap, "baidu": _baidu, "tianditu": _tianditu}[self.provider](doc)
            if parsed is None:
                return None
            lon, lat, level = parsed
            precision = LEVEL_PRECISION_M.get(level.lower(), math.inf)
        if precision > COARSEST_M:
            return None
        datum = PROVIDER_DATUMS[self.provider]
        if datum != "wgs84":
            x, y = convert(np.array([lon]), np.array([lat]), datum, "wgs84")
            lon, lat = float(x[0]), float(y[0])
        return Answer(lon, lat, precision, level)

    def ask(self, address: str) -> Answer | None:
        """The answer for one address: from the cache, else from the provider (then kept);
        None when not found, too coarse, or the service failed (:attr:`failure`)."""
        try:
            row = self.db.execute("SELECT lon, lat, precision_m, level FROM answers WHERE "
                                  "provider = ? AND address = ?",
                                  (self.provider, address)).fetchone()
        except sqlite3.Error:  # the cache busy (another import writing it): ask the service
            row = None
        if row is not None:
            self.cached += 1
            return None if row[0] is None else Answer(*row)
        if self.failure is not None or self.requests >= self.max_requests:
            return None
        self.requests += 1
        try:
            doc = json.loads(self.fetch(self._request_url(address), self.timeout_s))
            answer = self._answer(doc)
        except Exception as err:  # every failure of the service is one Failure
            self.failure = _failure(err)
            return None  # a failure is not kept: asked again next time
        try:
            self.db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                            (self.provider, address, *(
                                (answer.lon, answer.lat, answer.precision_m, answer.level)
                                if answer else (None, None, None, None))))
            self.db.commit()
        except sqlite3.Error:  # not kept this time (the cache busy or read-only): still used
            self.db.rollback()
        return answer

    def close(self) -> None:
        self.db.close()


def _failure(err: Exception) -> Failure:
    """A failed request as a :class:`Failure` (no URL in it: the URL holds the key)."""
    if isinstance(err, _RefusedError):
        return Failure("refused", str(err.args[0])[:200])
    if isinstance(err, urllib.error.HTTPError):
        return Failure("refused", f"HTTP {err.code} {err.reason}"[:200])
    if isinstance(err, TimeoutError) or "timed out" in str(getattr(err, "reason", "")):
        return Failure("timeout")
    if isinstance(err, OSError):
        return Failure("unreachable", str(getattr(err, "reason", "") or err.strerror or "")[:200])
    return Failure("bad_reply", type(err).__name__)


def geocode_report(geocoder: Geocoder, placed: list[float], *, addresses: int
                   ) -> dict[str, object]:
    """An import's geocoding in numbers: the provider, the distinct ``addresses`` to ask,
    how many were sent and answered from the cache, the firms ``placed`` (their
    precisions, m) per band of :data:`PRECISION_BANDS_M` and the failure, if any, with the
    addresses it left unasked (placed by the offline ladder), or the addresses left unasked
    by the limit on requests."""
    bands = Counter(precision_band(precision) for precision in placed)
    report: dict[str, object] = {
        "provider": geocoder.provider, "addresses": addresses, "requests": geocoder.requests,
        "cached": geocoder.cached, "placed": len(placed), "bands": dict(sorted(bands.items()))}
    unasked = addresses - geocoder.requests - geocoder.cached
    if geocoder.failure is not None:
        report["failure"] = {"kind": geocoder.failure.kind, "detail": geocoder.failure.detail,
                             "unasked": unasked}
    elif unasked:  # the limit on requests was reached
        report["limit"] = {"max_requests": geocoder.max_requests, "unasked": unasked}
    return report


def _fetch(url: str, timeout_s: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout_s) as reply:  # noqa: S310 — the user's URL
        return bytes(reply.read(2_000_000))


@dataclass(frozen=True)
class Settings:
    """A geocoder settings file read (``cache`` resolved against the file's folder)."""

    provider: str
    key: str = field(repr=False)  # never in a message or a log
    url: str | None
    cache: Path
    timeout_s: float
    max_requests: int


def read_settings(path: str | Path) -> Settings:
    """A geocoder settings file (TOML, its ``[geocoder]`` table), checked; a
    :class:`UsageError` names the file and what is wrong."""
    path = Path(path)
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8")).get("geocoder", {})
        timeout_s = float(settings.get("timeout_s", 10))
        max_requests = int(settings.get("max_requests", MAX_REQUESTS))
    except (OSError, tomllib.TOMLDecodeError, ValueError, TypeError, AttributeError) as err:
        raise UsageError(f"{path}: not a readable geocoder settings file ({err})") from err
    provider = str(settings.get("provider", ""))
    if provider not in PROVIDER_DATUMS:
        raise UsageError(f"{path}: unknown geocoder provider {provider!r}: use "
                         + ", ".join(sorted(PROVIDER_DATUMS)))
    return Settings(provider, str(settings.get("key", "")), settings.get("url"),
                    path.parent / settings.get("cache", "geocode-cache.sqlite"), timeout_s,
                    max_requests)


def load_geocoder(path: str | Path) -> Geocoder:
    """The geocoder a settings file names (its ``cache`` relative to the file)."""
    s = read_settings(path)
    return Geocoder(s.provider, key=s.key, url=s.url, cache=s.cache, timeout_s=s.timeout_s,
                    max_requests=s.max_requests)
