"""The optional online geocoder against a server on 127.0.0.1 that answers in each
provider's documented format: off by default, asked once per address, converted to WGS84."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from geocoding_server import ROAD_LAT, ROAD_LON, TRUE_LAT, TRUE_LON

from firms.certainty import coarse_mask
from firms.intake import import_firm_list
from firms.intake.geocode import Geocoder, load_geocoder
from firms.zones import join_and_count, measures_of
from geo.metric import buffer_m

ROOT = Path(__file__).resolve().parent.parent


FIRMS = ("企业名称,企业地址\n甲公司,上海市浦东新区张江镇祖冲之路1号\n"
         "乙公司,上海市浦东新区张江镇祖冲之路1号\n丙公司,上海市松江区车墩镇某路1号\n").encode()


@pytest.mark.parametrize("provider", ["amap", "baidu", "tianditu", "nominatim"])
def test_each_provider_is_converted_to_wgs84_with_the_precision_of_its_match(
        provider, geocoder_server, tmp_path):
    coder = Geocoder(provider, key="k", url=geocoder_server.url(provider),
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


def test_the_cache_answers_a_re_import_without_a_request(geocoder_server, tmp_path):
    url = geocoder_server.url("amap")
    first = Geocoder("amap", key="k", url=url, cache=tmp_path / "cache.sqlite")
    import_firm_list(FIRMS, name="f.csv", geocoder=first)
    first.close()
    again = Geocoder("amap", key="k", url=url, cache=tmp_path / "cache.sqlite")
    firms = import_firm_list(FIRMS, name="f.csv", geocoder=again).accepted
    assert again.requests == 0 and len(geocoder_server.asked) == 2
    assert firms.iloc[0]["placement_level"] == "geocoded"


def test_geocoding_is_off_by_default(geocoder_server):
    firms = import_firm_list(FIRMS, name="f.csv").accepted
    assert geocoder_server.asked == [] and "geocoded" not in set(firms["placement_level"])


def test_the_cli_reads_a_settings_file(geocoder_server, tmp_path):
    settings = geocoder_server.settings(tmp_path / "geocoder.toml", "tianditu")
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
    assert "geocoder tianditu: placed 2 firms (±50 m 2) of 2 addresses" in run.stdout


@pytest.mark.parametrize("provider", ["amap", "baidu", "tianditu", "nominatim"])
@pytest.mark.parametrize("fail", ["bad_key", "quota"])
def test_a_bad_key_or_spent_quota_is_a_failure_not_a_cached_not_found(provider, fail,
                                                                        geocoder_server, tmp_path):
    geocoder_server.fail = fail
    coder = Geocoder(provider, key="SECRET-KEY", url=geocoder_server.url(provider),
                     cache=tmp_path / "cache.sqlite")
    result = import_firm_list(FIRMS, name="f.csv", geocoder=coder)
    assert len(geocoder_server.asked) == 1  # no further address asked after the failure
    assert coder.failure is not None and coder.failure.kind == "refused"
    assert coder.failure.detail and "SECRET-KEY" not in coder.failure.detail  # its words only
    report = result.report["geocoder"]
    assert report["failure"]["unasked"] == 1 and report["placed"] == 0
    # the import completed with the offline ladder's places
    assert result.report["accepted"] == 3
    assert "geocoded" not in set(result.accepted["placement_level"])
    geocoder_server.fail = None  # nothing was kept: the next import asks again
    again = Geocoder(provider, key="k", url=geocoder_server.url(provider),
                     cache=tmp_path / "cache.sqlite")
    assert import_firm_list(FIRMS, name="f.csv", geocoder=again).report["geocoder"]["placed"] == 2
    assert again.requests == 2


def test_a_service_too_slow_or_down_is_a_timeout_or_refusal(geocoder_server, tmp_path):
    geocoder_server.fail = "slow"
    coder = Geocoder("amap", key="k", url=geocoder_server.url("amap"),
                     cache=tmp_path / "cache.sqlite", timeout_s=0.3)
    result = import_firm_list(FIRMS, name="f.csv", geocoder=coder)
    assert result.report["geocoder"]["failure"] == {"kind": "timeout", "detail": "",
                                                    "unasked": 1}
    assert result.report["accepted"] == 3
    geocoder_server.fail = "http_503"
    coder = Geocoder("nominatim", url=geocoder_server.url("nominatim"),
                     cache=tmp_path / "cache.sqlite")
    failure = import_firm_list(FIRMS, name="f.csv", geocoder=coder).report["geocoder"]["failure"]
    assert failure["kind"] == "refused" and failure["detail"].startswith("HTTP 503")


def test_nothing_listening_is_unreachable(tmp_path):
    with socket.socket() as bound:  # a port bound but not listening: the connection is refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/amap"
        coder = Geocoder("amap", key="k", url=url, cache=tmp_path / "c.sqlite")
        result = import_firm_list(FIRMS, name="f.csv", geocoder=coder)
    assert result.report["geocoder"]["failure"]["kind"] == "unreachable"
    assert result.report["accepted"] == 3


def test_a_geocoded_firm_counts_by_its_match_levels_precision(geocoder_server, tmp_path):
    """A house number (±50 m) is a point and counts where it lies; a road (±1 km) is not a
    dot: in a zone its ring straddles, it is only possibly in."""
    text = ("企业名称,企业地址\n甲公司,上海市浦东新区张江镇祖冲之路1号\n"
            "乙公司,上海市浦东新区周浦镇沪南公路100号\n").encode()
    coder = Geocoder("amap", key="k", url=geocoder_server.url("amap"),
                     cache=tmp_path / "cache.sqlite")
    result = import_firm_list(text, name="f.csv", geocoder=coder)
    firms = result.accepted
    assert list(firms["placement_precision_m"]) == [50.0, 1000.0]
    assert list(coarse_mask(firms)) == [False, True]
    assert result.report["geocoder"]["bands"] == {50: 1, 1000: 1}
    zones = gpd.GeoDataFrame(  # 500 m around each answer: the house inside, the road's ring not
        {"name_zh": ["甲", "乙"], "name_en": ["A", "B"], "role": ["", ""], "area_km2": [0.8, 0.8],
         "sectors": ["", ""], "part_of": ["", ""]}, index=["house", "road"],
        geometry=[buffer_m(shapely.Point(TRUE_LON, TRUE_LAT), 500),
                  buffer_m(shapely.Point(ROAD_LON, ROAD_LAT), 500)], crs="EPSG:4326")
    table = measures_of(join_and_count(firms, zones).counts, zones)
    assert (table.loc["house", "firms"], table.loc["house", "firms_possible"]) == (1, 1)
    assert (table.loc["road", "firms"], table.loc["road", "firms_possible"]) == (0, 1)


def test_the_requests_per_import_are_limited_and_the_rest_keep_their_offline_place(
        geocoder_server, tmp_path):
    settings = geocoder_server.settings(tmp_path / "geocoder.toml", "amap")
    settings.write_text(settings.read_text(encoding="utf-8") + "max_requests = 1\n",
                        encoding="utf-8")
    coder = load_geocoder(settings)
    result = import_firm_list(FIRMS, name="f.csv", geocoder=coder)
    assert len(geocoder_server.asked) == 1
    assert result.report["geocoder"]["limit"] == {"max_requests": 1, "unasked": 1}
    assert "failure" not in result.report["geocoder"] and result.report["accepted"] == 3


class _BusyCache:
    """A cache another import holds locked: every statement fails as SQLite's would."""

    def execute(self, *_args):
        raise sqlite3.OperationalError("database is locked")

    def commit(self):
        raise sqlite3.OperationalError("database is locked")

    def rollback(self):
        pass

    def close(self):
        pass


def test_a_busy_cache_is_passed_by_and_the_answers_still_used(geocoder_server, tmp_path):
    coder = Geocoder("amap", key="k", url=geocoder_server.url("amap"),
                     cache=tmp_path / "cache.sqlite")
    coder.db.close()
    coder.db = _BusyCache()
    result = import_firm_list(FIRMS, name="f.csv", geocoder=coder)
    assert result.report["geocoder"]["placed"] == 2 and coder.requests == 2
    assert "failure" not in result.report["geocoder"]
