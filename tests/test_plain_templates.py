"""Folium renders finished text without compiling it as a template again
(ui/plain_templates.py): the maps come out the same, character for character."""

from __future__ import annotations

import itertools

import jinja2
import pytest
from branca.element import Element

import layers
from firms.demo import demo_firms
from ui import plain_templates
from ui.app_data import display_base
from ui.webmap import MapOptions, build_map


@pytest.mark.parametrize("text", ["abc", "abc\n", "abc\n\n", "a\r\nb\r\n", "a\rb", "",
                                  '{"type": "FeatureCollection"}', "名称：张江\n"])
def test_a_text_without_template_syntax_renders_as_jinja_renders_it(text):
    assert plain_templates.PlainText(text).render(this=None, kwargs={}) == jinja2.Template(text).render()


def test_a_text_with_template_syntax_is_still_compiled():
    assert Element("{{ 1 + 1 }} {# a note #}").render() == "2 "
    assert isinstance(Element("no syntax here")._template, plain_templates.PlainText)


def test_the_whole_map_is_the_same_with_and_without_compiling_finished_text(monkeypatch):
    frames = {i: layers.load(i) for i in ("poles", "new_towns", "tese_parks")}
    entries = {e.id: e for e in layers.catalog()}

    def page() -> str:
        counter = itertools.count()
        monkeypatch.setattr(Element, "_generate_id", classmethod(lambda cls: f"{next(counter):032x}"))
        fmap = build_map(frames, entries, demo_firms().head(500), MapOptions(lang="en"),
                         display_base())
        return fmap.get_root().render()

    fast = page()
    with monkeypatch.context() as m:
        m.setattr(Element, "__init__", plain_templates._original_init)
        compiled = page()
    assert fast == compiled and len(fast) > 100_000
