"""``shmap serve`` on a free loopback port for the service tests, and a firm list shaped
like a 企查查 export (成立日期, 注册资本, 参保人数, credit codes good and bad)
with one firm whose name is a script-injection attempt."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from webpage import free_port

from firms.intake.uscc import check_character

STARTUP_SECONDS = 90
HOSTILE_NAME = '</script><img src=x onerror="document.title=\'pwned\'">恶意企业'


def _code(first17: str) -> str:
    return first17 + check_character(first17)


def qichacha_csv(path: Path) -> Path:
    """A small 企查查-style CSV export: the header and six firms (the intake takes title
    rows above the header from .xlsx only)."""
    rows = [
        ["上海中芯示例有限公司", _code("91310115MA1FL0000"), "2001-04-03", "5000", "1200",
         "上海市浦东新区张江路18号", "121.6035", "31.2085", "WGS84", "3973", "集成电路制造"],
        ["上海联影示例股份有限公司", _code("91310114MA1GT0001"), "2011-03-21", "72000.5", "",
         "上海市嘉定区城北路2258号", "121.246", "31.40", "WGS84", "3581", "医疗影像设备制造"],
        [HOSTILE_NAME, "913101150000000000", "2019-07-01", "100", "5",
         "上海市浦东新区祖冲之路1号", "121.61", "31.20", "WGS84", "6513", "软件开发"],
        ["上海临港示例科技有限公司", _code("91310000MA1K40003"), "2020-12-30", "3000", "48",
         "上海市浦东新区临港新片区环湖西二路888号", "121.93", "30.90", "WGS84", "3562",
         "半导体器件专用设备制造"],
        ["上海松江示例电子有限公司", "", "2015-05-05", "800", "210", "上海市松江区九亭镇",
         "121.32", "31.13", "WGS84", "3990", "其他电子设备制造"],
        ["上海张江示例药业有限公司", _code("91310115MA1HB0005"), "2008-08-08", "1500", "330",
         "上海市浦东新区蔡伦路88号", "121.59", "31.21", "WGS84", "2720", "化学药品制剂制造"],
    ]
    header = ["企业名称", "统一社会信用代码", "成立日期", "注册资本(万元)", "参保人数", "地址",
              "经度", "纬度", "坐标系", "国民经济行业代码", "行业"]
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def ogr_fields(ogrinfo, url: str, layer: str, env=None) -> dict[str, str]:
    """Field → type as GDAL's OAPIF driver reads a collection of the service at ``url``."""
    out = subprocess.run([ogrinfo, "-ro", "-so", f"OAPIF:{url}", layer], capture_output=True,
                         text=True, check=True, timeout=120, env=env).stdout
    return dict(re.findall(r"^(\S+): (\w+(?:\(\w+\))?) \(", out, flags=re.M))


def get(url: str, *, headers: dict | None = None, timeout: float = 30):
    """(status, headers (case-insensitive), body bytes) of a GET, HTTP errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def get_json(url: str, **kw):
    status, _, body = get(url, **kw)
    assert status == 200, (url, status, body[:300])
    return json.loads(body)


@contextlib.contextmanager
def serving(*args: str, env: dict | None = None, output: list[str] | None = None):
    """``shmap serve ARGS --port P`` until the block ends; yields its URL. What it printed
    (stdout and stderr) is appended to ``output`` when it stops."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", *args, "--port",
                                 str(port)], stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                try:
                    urllib.request.urlopen(f"{url}/conformance?f=json", timeout=5).read()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError("shmap serve did not start:\n"
                                           + log.read().decode("utf-8", "replace")) from None
                    time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            if output is not None:
                log.seek(0)
                output.append(log.read().decode("utf-8", "replace"))
