"""Labels of the optional online geocoding of an upload, in Chinese and English — part of
:data:`ui.i18n.LABELS` (merged there; read them through :func:`ui.i18n.t`)."""

from __future__ import annotations

__all__ = ["GEOCODING_LABELS"]

GEOCODING_LABELS: dict[str, tuple[str, str]] = {
    "provider_amap": ("高德地图", "Amap"),
    "provider_baidu": ("百度地图", "Baidu Maps"),
    "provider_tianditu": ("天地图", "Tianditu"),
    "provider_nominatim": ("Nominatim（自建服务）", "Nominatim (self-hosted)"),
    "geocode_opt_in": ("用在线地理编码定位无坐标的地址（{provider}）",
                       "Place addresses without coordinates by online geocoding ({provider})"),
    "geocode_sent": ("勾选后，无坐标企业的地址将发送至{provider}；每个地址只查询一次，结果保存在服务器上。",
                     "When ticked, the addresses of firms without coordinates are sent to "
                     "{provider}; each address is asked once and its answer kept on the server."),
    "geocode_settings_bad": ("在线地理编码的设置无法读取，已关闭；请联系管理员。",
                             "The online geocoding settings cannot be read, so it is off; "
                             "ask the administrator."),
    "stage_geocode": ("向在线地理编码服务查询 {addresses} 个地址",
                      "Asking the online geocoder for {addresses} addresses"),
    "geocode_placed": ("在线地理编码（{provider}）定位 {n} 家企业",
                       "Placed by online geocoding ({provider}): {n} firms"),
    "geocode_placed_item": ("在线地理编码（{provider}）定位的企业",
                            "Firms placed by online geocoding ({provider})"),
    "geocode_within": ("±{hi} 米以内", "within ±{hi} m"),
    "geocode_range": ("±{lo}–{hi} 米", "±{lo}–{hi} m"),
    "geocode_band_count": ("{span} {n} 家", "{n} {span}"),
    "geocode_band_point": ("精度 {span}：画为点，按点计数", "Precision {span}: drawn as points, "
                           "counted where they lie"),
    "geocode_band_ring": ("精度 {span}：画为圆环，圆环全在区内才计入，否则计为“可能在区内”",
                          "Precision {span}: drawn as rings, counted in a zone only when the ring "
                          "lies inside it, else as possibly in it"),
    "geocode_addresses": ("在线地理编码：查询的地址", "Online geocoding: addresses asked"),
    "geocode_requests": ("在线地理编码：发送的请求", "Online geocoding: requests sent"),
    "geocode_cached": ("在线地理编码：来自缓存的答复", "Online geocoding: answers from the cache"),
    "geocode_failed": ("在线地理编码（{provider}）失败：{reason}。{unasked} 个地址未查询，已按离线规则"
                       "（园区、街道/镇或区）定位；导入已完成。",
                       "Online geocoding ({provider}) failed: {reason}. Addresses not asked: "
                       "{unasked}; they are placed by the offline rules (zone, subdistrict/town "
                       "or district) and the import is complete."),
    "geocode_failure_timeout": ("服务未按时应答（超时）", "the service did not answer in time"),
    "geocode_failure_unreachable": ("无法连接该服务", "the service could not be reached"),
    "geocode_failure_refused": ("服务拒绝了请求（{detail}），密钥无效或配额用尽时会这样，请联系管理员",
                                "the service refused the request ({detail}), as it does for an "
                                "invalid key or a spent quota; ask the administrator"),
    "geocode_failure_bad_reply": ("服务的应答无法读取", "its answer could not be read"),
    "geocode_limit": ("每次导入最多发送 {limit} 次在线地理编码请求：{unasked} 个地址未查询，已按离线规则"
                      "（园区、街道/镇或区）定位。",
                      "Online geocoding sends at most {limit} requests per import. Addresses not "
                      "asked: {unasked}; they are placed by the offline rules (zone, "
                      "subdistrict/town or district)."),
    "geocode_limit_item": ("在线地理编码请求上限", "Online geocoding request limit"),
    "geocode_retry": ("重试在线地理编码", "Retry online geocoding"),
    "geocode_failed_item": ("在线地理编码失败", "Online geocoding failed"),
}
