"""A fake online geocoder on 127.0.0.1 for the tests: it answers in each provider's documented
format (高德, 百度, 天地图, Nominatim — the provider is the URL's path), records every request,
and can be told to fail the way a live service does (a bad key, a spent quota, an HTTP error,
an answer too slow for the client's timeout)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from geo.datum import wgs84_to_bd09, wgs84_to_gcj02

#: Where the server says every address on 祖冲之路 is (WGS84); others are not found.
TRUE_LON, TRUE_LAT = 121.6012, 31.2031
#: 高德 places an address on 沪南公路 only to the road (level 道路), here (WGS84).
ROAD_LON, ROAD_LAT = 121.5705, 31.0602
#: The failures the server can be set to (``server.fail``), each as the provider says it.
FAILURES = ("bad_key", "quota", "http_503", "slow")
#: How long a "slow" answer takes (s): longer than the timeout the tests give the client.
SLOW_S = 3.0


def reply(provider: str, address: str) -> object:
    """A reply in the provider's documented shape for ``address`` (not found unless 祖冲之路)."""
    found = "祖冲之路" in address
    if provider == "amap":
        road = "沪南公路" in address
        x, y = wgs84_to_gcj02(*((ROAD_LON, ROAD_LAT) if road else (TRUE_LON, TRUE_LAT)))
        return {"status": "1", "count": "1" if found or road else "0", "info": "OK",
                "geocodes": [{"formatted_address": address, "location": f"{x:.6f},{y:.6f}",
                              "level": "道路" if road else "门牌号"}] if found or road else []}
    if provider == "baidu":
        x, y = wgs84_to_bd09(TRUE_LON, TRUE_LAT)
        return ({"status": 0, "result": {"location": {"lng": x, "lat": y}, "precise": 1,
                                         "confidence": 80, "level": "门址"}}
                if found else {"status": 1, "msg": "Internal Service Error:无相关结果"})
    if provider == "tianditu":
        return ({"status": "0", "msg": "ok", "location": {"lon": TRUE_LON, "lat": TRUE_LAT,
                                                          "score": 100, "level": "门址"}}
                if found else {"status": "101", "msg": "结果为空"})
    return ([{"lat": str(TRUE_LAT), "lon": str(TRUE_LON), "addresstype": "building",
              "boundingbox": [str(TRUE_LAT - 0.0003), str(TRUE_LAT + 0.0003),
                              str(TRUE_LON - 0.0003), str(TRUE_LON + 0.0003)]}]
            if found else [])


def failed_reply(provider: str, fail: str) -> object:
    """A provider's documented error answer for a bad key or a spent quota."""
    if provider == "amap":
        return ({"status": "0", "info": "INVALID_USER_KEY", "infocode": "10001"}
                if fail == "bad_key" else
                {"status": "0", "info": "DAILY_QUERY_OVER_LIMIT", "infocode": "10003"})
    if provider == "baidu":
        return ({"status": 200, "message": "APP不存在，AK有误请检查再重试"} if fail == "bad_key"
                else {"status": 302, "message": "天配额超限，限制访问"})
    if provider == "tianditu":
        return {"status": "1", "msg": "权限验证失败" if fail == "bad_key" else "访问次数超限"}
    return {"error": "Unauthorized" if fail == "bad_key" else "Too Many Requests"}


class _Handler(BaseHTTPRequestHandler):
    server: GeocodingServer

    def do_GET(self) -> None:  # noqa: N802 — the standard library's name
        url = urlparse(self.path)
        provider = url.path.strip("/")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        address = (json.loads(query["ds"])["keyWord"] if provider == "tianditu"
                   else query.get("address") or query.get("q", ""))
        self.server.asked.append((provider, address))
        fail = self.server.fail
        if fail == "slow":
            time.sleep(SLOW_S)
        if fail == "http_503":
            self.send_error(503, "Service Unavailable")
            return
        doc = failed_reply(provider, fail) if fail in ("bad_key", "quota") \
            else reply(provider, address)
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.end_headers()
        with contextlib.suppress(OSError):  # a client that timed out has gone
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class GeocodingServer(ThreadingHTTPServer):
    """The server: ``asked`` lists (provider, address) of every request; ``fail`` is None
    (answer) or one of :data:`FAILURES`; ``url(provider)`` is its address for one."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.asked: list[tuple[str, str]] = []
        self.fail: str | None = None

    def url(self, provider: str) -> str:
        return f"http://127.0.0.1:{self.server_port}/{provider}"

    def settings(self, path, provider: str = "amap", *, timeout_s: float = 10.0):
        """A geocoder settings file at ``path`` naming this server for ``provider``."""
        path.write_text(f'[geocoder]\nprovider = "{provider}"\nkey = "test-key"\n'
                        f'url = "{self.url(provider)}"\ncache = "answers.sqlite"\n'
                        f"timeout_s = {timeout_s}\n", encoding="utf-8")
        return path


@contextlib.contextmanager
def geocoding_server() -> Iterator[GeocodingServer]:
    """A :class:`GeocodingServer` running on a free loopback port for the block."""
    httpd = GeocodingServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()
