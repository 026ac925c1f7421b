"""The static preview (``shmap preview``) reads in one language."""

import re

from matplotlib.text import Text

import layers
from cli.preview import preview_figure

#: Words allowed in the Chinese figure: proper names, licences and the datum.
PROPER = {"OpenStreetMap", "ODbL", "MetroMapOpenMiniProgram", "MIT", "WGS", "G"}


def figure_words(lang: str) -> tuple[list[str], list[str]]:
    """(the Latin words, every visible text) of a preview of three layers."""
    ids = ["poles", "new_towns", "g60"]
    frames = {i: layers.load(i) for i in ids}
    entries = {e.id: e for e in layers.catalog()}
    fig = preview_figure(frames, entries, layers.load("districts"), lang=lang)
    texts = [a.get_text() for a in fig.findobj(Text) if a.get_visible() and a.get_text()]
    return re.findall(r"[A-Za-z][A-Za-z_]+", " ".join(texts)), texts


def test_the_chinese_preview_has_no_english_but_proper_names():
    words, texts = figure_words("zh")
    assert set(words) <= PROPER, sorted(set(words) - PROPER)
    assert "经度 (°)" in texts and "纬度 (°)" in texts


def test_the_english_preview_has_no_chinese():
    _, texts = figure_words("en")
    assert not [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)]
    assert "longitude (°)" in texts
