"""The park card in the real app (Streamlit's AppTest), with a firm list shaped like a
企查查 export: firms with coordinates inside a park, firms whose address names only a
街道/镇 lying wholly inside the park, and firms whose 街道/镇 overlaps it only in part.
The card and its PDF briefing count the first two as certain and the third as possible
("up to"), in all, per leading sector and for the firms founded lately, in Chinese and
in English. Which 街道/镇 is which is worked out here from the layers, not written in."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest
import shapely
from conftest import required_program
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import layers
from firms.certainty import CERTAIN_SHARE
from firms.intake import import_firm_list
from firms.intake.places import shanghai_places
from geo.prepared import prepared_copy
from ui.i18n import sector_labels, t
from ui.views import firm_count_text, growth_text

pytestmark = pytest.mark.apptest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LAYER = "tese_parks"
HEADER = "企业名称,登记状态,成立日期,企业地址,所属行业,经度,纬度"


def _share(town, zone) -> float:
    return float(shapely.intersection(town, zone).area / town.area)


def park_and_towns() -> tuple[str, str, str]:
    """(a park of the layer, a 街道/镇 wholly inside it, one that overlaps it in part),
    by the share of each town's outline inside the park (the placement rule's test)."""
    places = shanghai_places()
    towns = {n: u for n, u in places.units.items() if u.level == "town"}
    for zone_id, zone in layers.load(LAYER).geometry.items():
        shares = {n: _share(places.outlines[u.unit_id], zone) for n, u in towns.items()
                  if places.outlines[u.unit_id].intersects(zone)}
        inside = sorted(n for n, s in shares.items() if s >= CERTAIN_SHARE)
        part = sorted(n for n, s in shares.items() if 0.05 < s < 0.95)
        if inside and part:
            return str(zone_id), inside[0], part[0]
    raise AssertionError("no park of the layer holds one 街道/镇 whole and meets another in part")


def points_inside(zone, n: int) -> list[tuple[float, float]]:
    """``n`` points well inside ``zone`` (200 m or so from its edge; EPSG:4326)."""
    core = zone.buffer(-0.002)
    x0, y0, x1, y1 = core.bounds
    grid = [shapely.Point(x0 + (x1 - x0) * i / 9, y0 + (y1 - y0) * j / 9)
            for i in range(1, 9) for j in range(1, 9)]
    found = [(p.x, p.y) for p in grid if core.contains(p)][:n]
    assert len(found) == n
    return found


def firm_list(zone_id: str, whole: str, part: str) -> bytes:
    """A 企查查-style CSV: a title row, then the firms (coordinates only where precise)."""
    zone = layers.load(LAYER).loc[zone_id, "geometry"]
    district = {n: u.district for n, u in shanghai_places().units.items() if u.level == "town"}
    rows = [f"上海某生物医药有限公司{i},存续,{y}-05-01,上海市某路{i}号,医药制造业,{x:.6f},{lat:.6f}"
            for i, ((x, lat), y) in enumerate(zip(points_inside(zone, 3), (2016, 2023, 2024),
                                                 strict=True))]
    rows.append("上海某外地软件有限公司,存续,2024-01-01,上海市某路9号,软件和信息技术服务业,121.0,31.0")
    (x, lat), = points_inside(zone, 4)[3:]
    rows.append(f"上海某已注销医药有限公司,注销,2019-01-01,上海市某路8号,医药制造业,{x:.6f},{lat:.6f}")
    rows += [f"上海某软件有限公司{i},存续,{y}-03-01,上海市{district[whole]}{whole}某路{i}号,"
             "软件和信息技术服务业,," for i, y in enumerate((2015, 2024))]
    rows += [f"上海某医药科技有限公司{i},存续,{y}-07-01,上海市{district[part]}{part}某路{i}号,"
             "医药制造业,," for i, y in enumerate((2023, 2024, 2012))]
    rows.append(f"上海某医药科技有限公司9,存续,,上海市{district[part]}{part}某路9号,医药制造业,,")
    lines = ["企查查 · 企业数据导出（导出时间：2025-01-02 10:00）", HEADER, *rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture(scope="module")
def case():
    """The park, its towns, the list, and what the rule says of each imported firm."""
    zone_id, whole, part = park_and_towns()
    data = firm_list(zone_id, whole, part)
    firms = import_firm_list(data, name="企查查导出.csv").accepted
    zone = layers.load(LAYER).loc[zone_id, "geometry"]
    units = shanghai_places().units
    precise = firms["placement_level"].isin(["coordinates", "geometry"])
    assert (firms.loc[~precise, "placed_unit"].isin([units[whole].unit_id, units[part].unit_id])
            .all()) and (~precise).sum() == 6  # the addresses were placed to their 街道/镇
    # a copy of the shared layer geometry: contains_xy prepares what it is given
    inside = precise & shapely.contains_xy(prepared_copy(zone), firms["lon"], firms["lat"]) \
        & firms["status_active"].astype(bool)  # a 注销 firm is not counted by default
    certain = inside | (firms["placed_unit"] == units[whole].unit_id)
    maybe = firms["placed_unit"] == units[part].unit_id
    return zone_id, data, firms.assign(certain=certain, maybe=maybe, coarse=~precise)


def expected(firms: pd.DataFrame, rows=None) -> tuple[int, int]:
    rows = firms if rows is None else firms[rows]
    return int(rows["certain"].sum()), int((rows["certain"] | rows["maybe"]).sum())


def open_card(zone_id: str, data: bytes, lang: str, monkeypatch) -> tuple[AppTest, dict]:
    """The app on the park with the list uploaded, and the briefing's deferred downloads
    (file name → the callable the app registered)."""
    made: dict = {}
    register = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params.update({"zone": zone_id, "layers": LAYER, "lang": lang})
    at.run()
    at.radio(key="firm_source").set_value("upload").run()
    at.file_uploader(key="upload").upload("企查查导出.csv", data, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at, made


def card_lines(at: AppTest) -> dict[str, str]:
    """The lines the page shows as a bold label then its text, label → text (the first)."""
    out: dict[str, str] = {}
    label = None
    for el in at.main:
        for node in _walk(el):
            if node.type == "markdown" and str(node.value).startswith("**"):
                label = str(node.value).strip("*")
            elif node.type == "text" and label is not None:
                out.setdefault(label, node.value)
                label = None
    return out


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_park_card_and_its_briefing_count_certain_and_possible_firms(case, lang,
                                                                         monkeypatch):
    zone_id, data, firms = case
    at, made = open_card(zone_id, data, lang, monkeypatch)
    lines = card_lines(at)
    certain, up_to = expected(firms)
    assert certain < up_to  # the list has possible firms, so the card must say "up to"
    total = firm_count_text(certain, up_to, lang)
    assert lines[t("card_firms", lang)].startswith(total + ("（" if lang == "zh" else " ("))
    assert t("card_firm_more", lang) in lines[t("card_firms", lang)]

    labels = sector_labels(lang)
    colon = "：" if lang == "zh" else ": "
    by_sector = [f"{labels[s]}{colon}" + firm_count_text(*expected(firms, firms["sector"] == s),
                                                          lang)
                 for s in firms.loc[firms["certain"] | firms["maybe"], "sector"].unique()
                 if s != "unclassified"]
    shown = lines[t("card_firm_sectors", lang)].splitlines()
    assert sorted(shown) == sorted(by_sector) and shown

    founded = pd.to_numeric(firms["founded"].str[:4], errors="coerce")  # NaN: no date
    last = int(founded.max())
    recent = founded > last - 3
    growth = lines[t("card_growth", lang)].splitlines()[0]
    assert growth == t("card_growth_text", lang, k=3, first=last - 2, last=last,
                       count=firm_count_text(*expected(firms, recent), lang))

    rates = [[by_then(firms, founded, last, k, up) for k in (3, 5)] for up in (False, True)]
    assert lines[t("card_growth", lang)].splitlines()[2:] == [
        growth_text(*rates[0], last=last, lang=lang),
        growth_text(*rates[1], last=last, lang=lang, key="card_growth_up_to"),
        t("card_growth_undated", lang, n=int(((firms["certain"] | firms["maybe"])
                                                & founded.isna()).sum()))]

    flat = briefing_text(made)
    undrawn = t("card_coarse_not_drawn", lang, n=int((firms["certain"] & firms["coarse"]).sum()))
    for needed in (total, *by_sector, growth, undrawn, "OpenStreetMap"):
        assert "".join(needed.split()) in flat, needed


def by_then(firms: pd.DataFrame, founded: pd.Series, last: int, span: int, up: bool) -> float:
    """Growth of the park's firms over ``span`` years to ``last`` (certain, or up to)."""
    mine = firms["certain"] | (firms["maybe"] if up else False)
    return (mine & (founded <= last)).sum() / (mine & (founded <= last - span)).sum() - 1


def briefing_text(made: dict) -> str:
    """The text of the briefing PDF the app registered, without white space."""
    pdf = next(f for name, f in made.items() if name and name.endswith(".pdf"))()
    text = subprocess.run([required_program("pdftotext", "poppler-utils"), "-", "-"],
                          input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    return "".join(text.split())


def test_the_card_and_its_briefing_follow_the_founding_years_chosen(case, monkeypatch):
    zone_id, data, firms = case
    at, made = open_card(zone_id, data, "zh", monkeypatch)
    founded = pd.to_numeric(firms["founded"].str[:4], errors="coerce")
    first = int(founded.min()) + 1  # the oldest firm (placed coarsely) is left out
    at.slider(key="years").set_value((first, int(founded.max()))).run()
    assert not at.exception, [e.value for e in at.exception]
    kept = founded >= first
    total = firm_count_text(*expected(firms, kept), "zh")
    assert expected(firms, kept) != expected(firms)
    assert card_lines(at)[t("card_firms", "zh")].startswith(total + "（")
    flat = briefing_text(made)
    assert "".join(total.split()) in flat and f"成立年份：{first}–{int(founded.max())}" in flat


def test_a_deregistered_firm_counts_on_the_card_once_the_reader_chooses_to_count_it(case,
                                                                                  monkeypatch):
    zone_id, data, firms = case
    at, _ = open_card(zone_id, data, "en", monkeypatch)
    certain, up_to = expected(firms)
    assert card_lines(at)[t("card_firms", "en")].startswith(firm_count_text(certain, up_to, "en"))
    at.checkbox(key="show_inactive").check().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = firm_count_text(certain + 1, up_to + 1, "en")  # the 注销 firm inside, now counted
    assert card_lines(at)[t("card_firms", "en")].startswith(shown + " (")
