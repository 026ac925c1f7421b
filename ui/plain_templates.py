"""Folium's rendering without compiling finished text as a template.

When folium renders a map, branca turns each element's finished script — for a zone
layer, a GeoJSON text of hundreds of kilobytes — into a new ``Element`` whose text is
compiled as a Jinja template, to be rendered again once, unchanged. In the app this
compiling was about a third of every rerun's server time (st_folium renders the map
and each swapped overlay). Jinja renders a text holding no template syntax as the text
itself (its line ends as ``\\n``, one trailing line end dropped); :class:`PlainText`
gives exactly that without compiling, and is used only for such texts: a text with
``{{``, ``{%`` or ``{#`` is compiled as before. :func:`install` (called by
:mod:`ui.mapbase`, under every map the app draws) puts it in branca's elements; the
output is the same, character for character.
"""

from __future__ import annotations

import re
from typing import Any

from branca.element import Element

__all__ = ["PlainText", "install", "jinja_output"]

_SYNTAX = re.compile(r"\{[{%#]")
_original_init = Element.__init__


def jinja_output(text: str) -> str:
    """What a Jinja template of ``text`` renders to, when ``text`` holds no template
    syntax: line ends made ``\\n``, one trailing line end dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:-1] if text.endswith("\n") else text


class PlainText:
    """Stands for a compiled template of a text without template syntax."""

    def __init__(self, text: str):
        self.text = jinja_output(text)

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.text


def _init(self: Element, template: str | None = None, template_name: str | None = None) -> None:
    if template is not None and not _SYNTAX.search(template):
        _original_init(self, None, template_name)
        self._template_str = template
        self._template = PlainText(template)  # type: ignore[assignment]
    else:
        _original_init(self, template, template_name)


def install() -> None:
    """Have branca's elements keep texts without template syntax as they are."""
    Element.__init__ = _init  # type: ignore[method-assign]
