"""Firm lists shaped like the exports staff have (made here, not copied): a 企查查 workbook
with a title row, a 天眼查 CSV with a note above the header, a 公示系统 list, and a
GeoJSON whose properties disagree with its geometry. Addresses cover all 16 districts as
such exports write them, 临港新片区 and 自贸区 forms, and other provinces."""

from __future__ import annotations

import csv
import io
import json

import openpyxl

__all__ = ["ADDRESSES", "ELSEWHERE", "QICHACHA_HEADER", "geojson_with_properties",
           "gongshi_csv", "qichacha_csv", "qichacha_xlsx", "tianyancha_csv"]

#: (address, what it should be placed to: level, unit id or name)
ADDRESSES: tuple[tuple[str, str, str], ...] = (
    ("中国（上海）自由贸易试验区临港新片区环湖西二路888号C楼", "zone", "zone:poles/pole_lingang"),
    ("中国(上海)自由贸易试验区临港新片区业盛路188号", "zone", "zone:poles/pole_lingang"),
    ("中国（上海）自由贸易试验区张江片区哈雷路1号", "zone", "zone:poles/pole_zhangjiang"),
    ("中国（上海）自由贸易试验区张江路665号3层", "district", "district:浦东新区"),
    ("上海市浦东新区张江高科技园区蔡伦路88号", "zone", "zone:poles/pole_zhangjiang"),
    ("上海市黄浦区南京东路街道九江路1号", "town", "town:310101002"),
    ("上海市徐汇区漕河泾开发区宜山路700号", "zone", "zone:service_belt/core_caohejing"),
    ("上海市长宁区新华路街道番禺路1号", "town", "town:310105004"),
    ("上海市静安区市北高新技术服务业园区江场三路1号", "zone", "zone:service_belt/core_shibei"),
    ("上海市普陀区长寿路街道长寿路1号", "town", "town:310107015"),
    ("上海市虹口区北外滩街道东大名路1号", "town", "town:310109018"),
    ("上海市杨浦区五角场街道国定路1号", "town", "town:310110019"),
    ("上海市闵行区紫竹科学园区东川路555号", "zone", "zone:parks/park_zizhu_hitech_zone"),
    ("上海市宝山区罗店镇美丹路1号", "town_district", "district:宝山区"),
    ("上海市嘉定区安亭镇墨玉南路888号", "town_station", "near:town:310114103"),
    ("上海市嘉定区马陆镇白银路1号", "town_station", "near:town:310114106"),
    ("上海市金山区山阳镇亭卫公路1号", "town_district", "district:金山区"),
    ("上海市松江区九亭镇沪亭北路1号", "town_station", "near:town:310117107"),
    ("上海市松江区车墩镇车都大道1号", "town_district", "district:松江区"),
    ("上海市松江区洞泾镇长兴东路1号", "town_station", "near:town:310117106"),
    ("上海市青浦区徐泾镇诸光路1号", "town_district", "district:青浦区"),
    ("上海市奉贤区金汇镇金碧路1号", "town_district", "district:奉贤区"),
    ("上海市崇明区城桥镇八一路1号", "town_district", "district:崇明区"),
    ("上海市松江区某工业园某路1号", "district", "district:松江区"),
    ("上海市松江区新浜林建路1号", "town_district", "district:松江区"),
)

#: (address, the place named in the rejection)
ELSEWHERE: tuple[tuple[str, str], ...] = (
    ("深圳市龙华区龙华街道清华东路1号", "深圳市"),
    ("浙江省舟山市普陀区沈家门街道", "浙江省"),
    ("舟山市普陀区东港街道1号", "舟山市"),
    ("福州市仓山区金山街道浦上大道1号", "福州市"),
    ("江苏省苏州市工业园区星湖街328号", "江苏省"),
)

QICHACHA_HEADER = ("企业名称", "登记状态", "法定代表人", "注册资本", "成立日期", "统一社会信用代码",
                   "企业地址", "所属行业", "参保人数", "电话", "邮箱")


def qichacha_xlsx(rows: list[tuple]) -> bytes:
    """A 企查查-style workbook: a merged title row, then the header, then ``rows``."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "企业列表"
    sheet.append(["企查查 · 企业数据导出（导出时间：2024-05-01 10:00）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(QICHACHA_HEADER))
    sheet.append(list(QICHACHA_HEADER))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def qichacha_csv(rows: list[tuple]) -> bytes:
    """A 企查查-style CSV (UTF-8 with BOM): its export title line above the header, then
    ``rows`` (cells quoted where they hold commas)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["企查查 · 企业数据导出（导出时间：2024-05-01 10:00）"])
    writer.writerow(QICHACHA_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def tianyancha_csv(rows: list[tuple]) -> bytes:
    """A 天眼查-style CSV (UTF-8 with BOM): a note line and a blank line above its header."""
    header = ("公司名称", "经营状态", "法定代表人", "注册资本", "成立日期", "统一社会信用代码",
              "注册地址", "国标行业", "参保人数")
    lines = ["数据来源：天眼查，仅供参考", "", ",".join(header)]
    lines += [",".join(map(str, r)) for r in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def gongshi_csv(rows: list[tuple]) -> bytes:
    """A 国家企业信用信息公示系统-style list (GB18030): 住所, 登记状态, 行业门类/行业大类."""
    header = ("企业名称", "统一社会信用代码", "类型", "法定代表人", "注册资本", "成立日期", "住所",
              "登记机关", "登记状态", "行业门类", "行业大类")
    lines = [",".join(header)] + [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode("gb18030")


def geojson_with_properties(features: list[tuple[str, float, float, float, float]]) -> bytes:
    """Point features (name, geometry lon, lat, property 经度, 纬度)."""
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [gx, gy]},
         "properties": {"企业名称": n, "经度": px, "纬度": py}} for n, gx, gy, px, py in features]}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
