"""The 9+X taxonomy: ids, groups, names and free-text aliases."""

import pytest

from layers.errors import UsageError
from layers.sectors import match_sectors, parse_sector_ids, sector, sectors_from_toml, taxonomy


def test_nine_fields_and_six_frontier_industries():
    groups = [s.group for s in taxonomy()]
    assert groups.count("core") == 3
    assert groups.count("key") == 6
    assert groups.count("frontier") == 6
    assert [s.name_zh for s in taxonomy() if s.group == "core"] == ["集成电路", "生物医药", "人工智能"]


def test_names_follow_the_plan():
    names = {s.name_zh for s in taxonomy()}
    assert {"新能源汽车", "高端装备", "航空航天", "信息通信", "新材料", "新兴数字产业",
            "光子芯片与器件", "基因与细胞技术", "类脑智能", "新型海洋经济", "氢能与储能",
            "第六代移动通信"} <= names
    assert all(s.name_en for s in taxonomy())


@pytest.mark.parametrize(("text", "sid"), [("芯片设计", "ic"), ("功率半导体", "ic"),
                                           ("IC design house", "ic"), ("创新药研发", "biomed"),
                                           ("燃料电池汽车", "hydrogen_storage"),
                                           ("ＡＩ视觉", "ai")])
def test_aliases_find_the_sector(text, sid):
    assert sid in match_sectors(text)


def test_latin_aliases_match_whole_words_only():
    assert "ai" not in match_sectors("Shanghai Trading Co.")
    assert match_sectors("上海某贸易公司") == ()


def test_sector_lookup_errors_name_the_valid_ids():
    with pytest.raises(UsageError, match="known: ic, biomed"):
        sector("chips")
    with pytest.raises(UsageError, match="unknown sector 'chips'"):
        parse_sector_ids(["chips"])
    assert parse_sector_ids(["集成电路", "Biomedicine", "ai"]) == ("ic", "biomed", "ai")


def test_taxonomy_file_is_checked():
    bad = '[[sector]]\nid = "IC"\ngroup = "core"\nname_zh = "x"\nname_en = "x"\nsection = "x"\n'
    with pytest.raises(ValueError, match="lower-case"):
        sectors_from_toml(bad)
    dup = bad.replace('"IC"', '"ic"') * 2
    with pytest.raises(ValueError, match="duplicate id 'ic'"):
        sectors_from_toml(dup)
