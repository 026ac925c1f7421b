"""Online geocoding in the app, through Streamlit's AppTest, against the fake geocoder on
127.0.0.1: offered only when the server names a settings file, nothing sent without the
reader's tick, firms placed and the summary saying so in Chinese and English, and a
failing service as one message while the import completes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apptabs import open_tab
from exports import QICHACHA_HEADER, qichacha_csv
from streamlit.testing.v1 import AppTest
from wording import text_problems

from ui.geocoding import (
    SETTINGS_ENV,
    failure_text,
    geocoder_rows,
    limit_text,
    provider_label,
    settings_path,
    summary_line,
)
from ui.i18n import t

pytestmark = [pytest.mark.apptest, pytest.mark.slow]  # loopback: by its fixture

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def export(tag: str) -> bytes:
    """A 企查查 CSV export of address-only firms (``tag`` keeps each test's upload its own):
    two on 祖冲之路 (the fake service knows the house), one on 沪南公路 (it knows only the
    road) and one it does not know."""
    def row(name: str, address: str) -> tuple:
        return (name, "存续", "张三", "1000万元人民币", "2019-08-20", "", address,
                "软件和信息技术服务业", "12", "-", "-")
    return qichacha_csv([
        row(f"上海{tag}甲软件有限公司", "上海市浦东新区张江镇祖冲之路1号"),
        row(f"上海{tag}乙软件有限公司", "上海市浦东新区张江镇祖冲之路1号"),
        row(f"上海{tag}丙软件有限公司", "上海市浦东新区周浦镇沪南公路100号"),
        row(f"上海{tag}丁软件有限公司", "上海市松江区车墩镇某路1号"),
    ])


def app_with(settings: Path | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    if settings is not None:
        at.secrets["geocoder_settings"] = str(settings)
    at.run()
    at.radio(key="firm_source").set_value("upload").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, content: bytes) -> None:
    at.file_uploader(key="upload").upload("企查查导出.csv", content, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def sidebar_texts(at: AppTest) -> str:
    """The sidebar's captions, warnings and checkboxes (Markdown escapes taken off)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(
        [c.value for c in at.sidebar.caption] + [w.value for w in at.sidebar.warning]
        + [c.label for c in at.sidebar.checkbox]))


def wording_problems(at: AppTest, lang: str, *, said: str = "") -> list[str]:
    """Words of the other language (or raw ids) in the sidebar and the import report,
    the file's own words and the service's (``said``) aside."""
    data = [*QICHACHA_HEADER, "企查查 · 企业数据导出（导出时间：2024-05-01 10:00）", said,
            *(str(df.value.iloc[i, 1]) for df in at.dataframe
              if list(df.value.columns) in (["项目", "数值"], ["Item", "Value"])
              for i in range(len(df.value)))]
    texts = [("sidebar", sidebar_texts(at))] + [("report", k) for k in report_rows(at)]
    return text_problems(texts, lang, [d for d in data if d])


def report_rows(at: AppTest) -> dict[str, str]:
    """The import report's table, item → value, in the language shown (its tab opened)."""
    for df in open_tab(at, "import_report").dataframe:
        cols = list(df.value.columns)
        if cols in (["项目", "数值"], ["Item", "Value"]):
            return dict(zip(df.value.iloc[:, 0], df.value.iloc[:, 1], strict=True))
    raise AssertionError("no import report shown")


def test_the_settings_file_is_named_by_the_secret_or_else_the_environment():
    assert settings_path(" /srv/geo.toml ", {SETTINGS_ENV: "/etc/other.toml"}) == "/srv/geo.toml"
    assert settings_path("", {SETTINGS_ENV: "/etc/other.toml"}) == "/etc/other.toml"
    assert settings_path("", {}) == ""


@pytest.mark.parametrize("provider", ["amap", "baidu", "tianditu", "nominatim"])
@pytest.mark.parametrize("kind", ["timeout", "unreachable", "refused", "bad_reply"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_geocoding_text_is_in_the_chosen_language(provider, kind, lang):
    geocoded = {"provider": provider, "addresses": 3, "requests": 2, "cached": 1, "placed": 2,
                "bands": {50: 1, 1000: 1}, "limit": {"max_requests": 2, "unasked": 1},
                "failure": {"kind": kind, "detail": "", "unasked": 1}}
    label = provider_label(provider, lang)
    texts = [t(k, lang, provider=label) for k in ("geocode_opt_in", "geocode_sent")]
    texts += [t("geocode_settings_bad", lang), t("stage_geocode", lang, addresses="3"),
              failure_text(geocoded, lang), limit_text(geocoded, lang),
              summary_line(geocoded, lang)]
    texts += [f"{k} {v}" for k, v in geocoder_rows(geocoded, lang)]
    assert not text_problems([("geocoding", x) for x in texts], lang)


def test_the_limit_on_requests_is_said_in_both_languages():
    geocoded = {"provider": "amap", "limit": {"max_requests": 2000, "unasked": 1500}}
    assert limit_text(geocoded, "zh") == ("每次导入最多发送 2,000 次在线地理编码请求：1,500 个地址未查询，"
                                          "已按离线规则（园区、街道/镇或区）定位。")
    assert limit_text(geocoded, "en").startswith(
        "Online geocoding sends at most 2,000 requests per import. Addresses not asked: 1,500;")
    assert limit_text({"provider": "amap"}, "zh") is None


def test_without_settings_nothing_is_offered_or_sent(geocoder_server):
    at = app_with(None)
    upload(at, export("无设置"))
    assert not [c for c in at.checkbox if c.key == "geocode"]
    assert "在线地理编码" not in sidebar_texts(at)
    assert not any("在线地理编码" in k for k in report_rows(at))
    assert geocoder_server.asked == []


def test_the_opt_in_places_firms_and_the_summary_says_so_in_both_languages(geocoder_server,
                                                                           tmp_path):
    settings = geocoder_server.settings(tmp_path / "geocoder.toml", "amap")
    at = app_with(settings)
    box = at.checkbox(key="geocode")
    assert box.label == "用在线地理编码定位无坐标的地址（高德地图）" and box.value is False
    assert "地址将发送至高德地图" in sidebar_texts(at)
    assert "test-key" not in sidebar_texts(at)  # the key is never on the page
    upload(at, export("勾选"))
    assert geocoder_server.asked == []  # not ticked: nothing sent
    assert not any("在线地理编码" in k for k in report_rows(at))

    at.checkbox(key="geocode").check().run()
    assert not at.exception, [e.value for e in at.exception]
    assert sorted(geocoder_server.asked) == sorted([  # each distinct address once
        ("amap", "上海市浦东新区张江镇祖冲之路1号"), ("amap", "上海市浦东新区周浦镇沪南公路100号"),
        ("amap", "上海市松江区车墩镇某路1号")])
    assert "在线地理编码（高德地图）定位 3 家企业：±50 米以内 2 家，±300–1,000 米 1 家" \
        in sidebar_texts(at)
    rows = report_rows(at)
    assert rows["在线地理编码（高德地图）定位的企业"] == "3"
    assert rows["精度 ±50 米以内：画为点，按点计数"] == "2"
    assert rows["精度 ±300–1,000 米：画为圆环，圆环全在区内才计入，否则计为“可能在区内”"] == "1"
    assert rows["在线地理编码定位"] == "3"  # the rows by placement level count them too
    assert rows["在线地理编码：发送的请求"] == "3"
    assert not wording_problems(at, "zh")

    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.checkbox(key="geocode").label == \
        "Place addresses without coordinates by online geocoding (Amap)"
    assert "Placed by online geocoding (Amap): 3 firms: 2 within ±50 m, 1 ±300–1,000 m" \
        in sidebar_texts(at)
    rows = report_rows(at)
    assert rows["Firms placed by online geocoding (Amap)"] == "3"
    assert rows["Precision within ±50 m: drawn as points, counted where they lie"] == "2"
    assert not wording_problems(at, "en")
    assert len(geocoder_server.asked) == 3  # a rerun asks nothing again


def test_a_failing_service_is_one_message_and_the_import_completes(geocoder_server, tmp_path):
    settings = geocoder_server.settings(tmp_path / "geocoder.toml", "amap")
    geocoder_server.fail = "bad_key"
    at = app_with(settings)
    at.checkbox(key="geocode").check().run()
    upload(at, export("失败"))
    warnings = [w.value for w in at.sidebar.warning]
    assert len(warnings) == 1 and len(geocoder_server.asked) == 1  # asked once, then stopped
    message = re.sub(r"\\(.)", r"\1", warnings[0])
    assert message.startswith("在线地理编码（高德地图）失败：服务拒绝了请求（INVALID_USER_KEY (10001)）")
    assert "2 个地址未查询，已按离线规则" in message  # three distinct addresses, one asked
    rows = report_rows(at)
    assert rows["接受"] == "4" and rows["在线地理编码（高德地图）定位的企业"] == "0"
    assert "在线地理编码定位" not in rows
    assert not wording_problems(at, "zh", said="INVALID_USER_KEY (10001)")

    geocoder_server.fail = None  # the service is back: the retry imports again
    at.button(key="geocode_retry").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.sidebar.warning
    assert report_rows(at)["在线地理编码（高德地图）定位的企业"] == "3"
