"""Optional online geocoding of addresses, off by default.

A person who has a key for 天地图, 高德 (Amap) or 百度 (Baidu) web services, or runs their own
Nominatim, names it in a settings file (TOML)::

    [geocoder]
    provider = "amap"            # amap | baidu | tianditu | nominatim
    key = "…"                    # not needed for nominatim
    url = "https://…"            # optional: the service's address (default: the provider's)
    cache = "geocode-cache.sqlite"
    timeout_s = 10

Each address is asked once: answers (and "not found") are kept in a local SQLite file.
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geo.datum import convert
from layers.errors import UsageError

__all__ = ["DEFAULT_URLS", "LEVEL_PRECISION_M", "PROVIDER_DATUMS", "Answer", "Geocoder",
           "load_geocoder"]

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


@dataclass(frozen=True)
class Answer:
    """A geocoded address: WGS84 lon/lat, precision (m) and the provider's match level."""

    lon: float
    lat: float
    precision_m: float
    level: str


def _amap(doc: dict[str, Any]) -> tuple[float, float, str] | None:
    found = doc.get("geocodes") or []
    if str(doc.get("status")) != "1" or not found:
        return None
    lon, lat = (float(v) for v in str(found[0]["location"]).split(","))
    return lon, lat, str(found[0].get("level", ""))


def _baidu(doc: dict[str, Any]) -> tuple[float, float, str] | None:
    result = doc.get("result") or {}
    if doc.get("status") != 0 or "location" not in result:
        return None
    return float(result["location"]["lng"]), float(result["location"]["lat"]), \
        str(result.get("level", ""))


def _tianditu(doc: dict[str, Any]) -> tuple[float, float, str] | None:
    place = doc.get("location") or {}
    if str(doc.get("status")) != "0" or "lon" not in place:
        return None
    return float(place["lon"]), float(place["lat"]), str(place.get("level", ""))


def _nominatim(doc: list[dict[str, Any]]) -> tuple[float, float, float] | None:
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
                 fetch: Callable[[str, float], bytes] | None = None):
        if provider not in PROVIDER_DATUMS:
            raise UsageError(f"unknown geocoder provider {provider!r}: use "
                             + ", ".join(sorted(PROVIDER_DATUMS)))
        self.provider, self.key, self.timeout_s = provider, key, timeout_s
        self.url = url or DEFAULT_URLS[provider]
        self.fetch = fetch or _fetch
        self.requests = 0
        self.db = sqlite3.connect(str(cache))
        self.db.execute("CREATE TABLE IF NOT EXISTS answers (provider TEXT, address TEXT, "
                        "lon REAL, lat REAL, precision_m REAL, level TEXT, "
                        "PRIMARY KEY (provider, address))")

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
        """The answer for one address: from the cache, else from the provider (then kept)."""
        row = self.db.execute("SELECT lon, lat, precision_m, level FROM answers WHERE "
                              "provider = ? AND address = ?", (self.provider, address)).fetchone()
        if row is not None:
            return None if row[0] is None else Answer(*row)
        self.requests += 1
        try:
            doc = json.loads(self.fetch(self._request_url(address), self.timeout_s))
            answer = self._answer(doc)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # a failed request is not kept: asked again next time
        self.db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                        (self.provider, address, *(
                            (answer.lon, answer.lat, answer.precision_m, answer.level)
                            if answer else (None, None, None, None))))
        self.db.commit()
        return answer

    def close(self) -> None:
        self.db.close()


def _fetch(url: str, timeout_s: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout_s) as reply:  # noqa: S310 — the user's URL
        return bytes(reply.read(2_000_000))


def load_geocoder(path: str | Path) -> Geocoder:
    """The geocoder a settings file names (its ``cache`` relative to the file)."""
    path = Path(path)
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8")).get("geocoder", {})
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise UsageError(f"{path}: not a readable geocoder settings file ({err})") from err
    cache = path.parent / settings.get("cache", "geocode-cache.sqlite")
    return Geocoder(str(settings.get("provider", "")), key=str(settings.get("key", "")),
                    url=settings.get("url"), cache=cache,
                    timeout_s=float(settings.get("timeout_s", 10)))
