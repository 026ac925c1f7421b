"""The optional online geocoder against a server on 127.0.0.1 that answers in each
provider's documented format: off by default, asked once per address, converted to WGS84."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from firms.intake import import_firm_list
from firms.intake.geocode import Geocoder, load_geocoder
from geo.datum import wgs84_to_bd09, wgs84_to_gcj02

ROOT = Path(__file__).resolve().parent.parent
#: Where the loopback server says 上海市浦东新区张江镇祖冲之路1号 is (WGS84).
TRUE_LON, TRUE_LAT = 121.6012, 31.2031


def _reply(provider: str, address: str):
    """A reply in the provider's documented shape for ``address`` (not found unless 祖冲之路)."""
    found = "祖冲之路" in address
    if provider == "amap":
        x, y = wgs84_to_gcj02(TRUE_LON, TRUE_LAT)
        return {"status": "1", "count": "1" if found else "0", "info": "OK",
                "geocodes": [{"formatted_address": address, "location": f"{x:.6f},{y:.6f}",
                              "level": "门牌号"}] if found else []}
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


@pytest.fixture
def server():
    """A loopback server; ``server.asked`` lists (provider, address) of every request."""
    asked: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — the standard library's name
            url = urlparse(self.path)
            provider = url.path.strip("/")
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            address = (json.loads(query["ds"])["keyWord"] if provider == "tianditu"
                       else query.get("address") or query.get("q", ""))
            asked.append((provider, address))
            body = json.dumps(_reply(provider, address), ensure_ascii=False).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.asked = asked
    yield httpd
    httpd.shutdown()
    thread.join()
    httpd.server_close()


FIRMS = ("企业名称,企业地址\n甲公司,上海市浦东新区张江镇祖冲之路1号\n"
         "乙公司,上海市浦东新区张江镇祖冲之路1号\n丙公司,上海市松江区车墩镇某路1号\n").encode()


@pytest.mark.parametrize("provider", ["amap", "baidu", "tianditu", "nominatim"])
def test_each_provider_is_converted_to_wgs84_with_the_precision_of_its_match(provider, server,
                                                                             tmp_path):
    coder = Geocoder(provider, key="k", url=f"http://127.0.0.1:{server.server_port}/{provider}",
                     cache=tmp_path / "cache.sqlite")
    firms = import_firm_list(FIRMS, name="f.csv", geocoder=coder).accepted
    first = firms.iloc[0]
    assert first["placement_level"] == "geocoded"
    assert (first["lon"], first["lat"]) == pytest.approx((TRUE_LON, TRUE_LAT), abs=2e-6)
    assert first["placement_precision_m"] <= 50
    assert first["placement"].startswith(f"geocoded by {provider}")
    third = firms.iloc[2]  # not found: the offline ladder's place stands
    assert third["placement_level"] == "town_district"
    assert coder.requests == 2  # the repeated address was asked once


def test_the_cache_answers_a_re_import_without_a_request(server, tmp_path):
    url = f"http://127.0.0.1:{server.server_port}/amap"
    first = Geocoder("amap", key="k", url=url, cache=tmp_path / "cache.sqlite")
    import_firm_list(FIRMS, name="f.csv", geocoder=first)
    first.close()
    again = Geocoder("amap", key="k", url=url, cache=tmp_path / "cache.sqlite")
    firms = import_firm_list(FIRMS, name="f.csv", geocoder=again).accepted
    assert again.requests == 0 and len(server.asked) == 2
    assert firms.iloc[0]["placement_level"] == "geocoded"


def test_geocoding_is_off_by_default(server):
    firms = import_firm_list(FIRMS, name="f.csv").accepted
    assert server.asked == [] and "geocoded" not in set(firms["placement_level"])


def test_the_cli_reads_a_settings_file(server, tmp_path):
    settings = tmp_path / "geocoder.toml"
    settings.write_text(f'[geocoder]\nprovider = "tianditu"\nkey = "k"\n'
                        f'url = "http://127.0.0.1:{server.server_port}/tianditu"\n'
                        'cache = "answers.sqlite"\n', encoding="utf-8")
    assert load_geocoder(settings).provider == "tianditu"
    src = tmp_path / "firms.csv"
    src.write_bytes(FIRMS)
    run = subprocess.run([sys.executable, "-m", "cli.main", "firms", "import", str(src), "-o",
                          str(tmp_path / "out.csv"), "--geocoder", str(settings)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    assert "geocoded 2" in run.stdout
    assert (tmp_path / "answers.sqlite").exists()
