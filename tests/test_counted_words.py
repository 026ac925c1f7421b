"""In English a noun counted by one is singular ("1 firm", "1 match"); other counts, the
Chinese words and texts with no count are as written."""

import pytest

from ui.i18n import t


@pytest.mark.parametrize(("n", "shown"), [(1, "(1 firm)"), ("1", "(1 firm)"),
                                          (2, "(2 firms)"), ("1,000", "(1,000 firms)"),
                                          (0, "(0 firms)"), ("11", "(11 firms)")])
def test_one_firm_is_singular_and_other_counts_plural(n, shown):
    assert t("firm_mode", "en", mode="markers", n=n) == f"Firms shown as markers {shown}"


def test_each_counted_noun_has_its_singular():
    assert t("search_pick", "en", n=1) == "1 match: pick one to go there"
    assert t("firms_up_to", "en", n=1, m=3) == "1 firm; up to 3 with coarsely placed ones"
    assert t("why_firms", "en", n="1") == "1 firm of the sector"


def test_words_that_are_not_a_counted_noun_stay():
    assert t("card_coarse_not_drawn", "en", n=1) == "1 more placed coarsely: counted, not drawn as dots"
    assert t("firms_none", "en") == "No firms"


def test_chinese_is_unchanged():
    assert t("firm_mode", "zh", mode="点", n=1) == "企业显示方式：点（1 家）"
