"""The layer catalog: one typed entry per layer, read from ``data/layers/*.toml``.

Each layer file holds a ``[layer]`` table (this entry) and ``[[feature]]``
tables (the features with their recipes, see :mod:`layers.build`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from layers.errors import LayerError, UsageError
from layers.settings import LAYERS_DIR

__all__ = [
    "GEOM_TYPES", "KINDS", "LayerEntry", "Style", "catalog", "entry", "entry_from_table",
    "layer_files", "read_layer_file"
]

KINDS = ("polygon", "line", "point")
GEOM_TYPES = {
    "polygon": {"Polygon", "MultiPolygon"},
    "line": {"LineString", "MultiLineString"},
    "point": {"Point"},
}


@dataclass(frozen=True)
class Style:
    """Default drawing style (hex colours; opacity 0–1; dashed for approximate shapes)."""

    color: str = "#3366cc"
    fill_color: str = "#3366cc"
    fill_opacity: float = 0.2
    weight: float = 2.0


@dataclass(frozen=True)
class LayerEntry:
    """What a layer is: id, titles, geometry kind, group in the UI, style and source."""

    id: str
    title_zh: str
    title_en: str
    kind: str
    group: str
    order: int
    source: str
    description: str = ""
    generate: str = ""
    style: Style = field(default_factory=Style)
    #: For a layer drawn from an official list: ``(("catalogue", n), ("named", n), ("drawn", n))``
    #: — how many items the list has, how many a public text found names, how many are drawn.
    coverage: tuple[tuple[str, int], ...] = ()

    def title(self, lang: str = "zh") -> str:
        return self.title_zh if lang == "zh" else self.title_en


def entry_from_table(table: dict, path: str = "<memory>") -> LayerEntry:
    """Check and convert a ``[layer]`` table; errors name the file and key."""
    required = ("id", "title_zh", "title_en", "kind", "group", "order", "source")
    missing = [k for k in required if k not in table]
    if missing:
        raise LayerError(f"{path}: [layer] lacks {', '.join(missing)}")
    if table["kind"] not in KINDS:
        raise LayerError(f"{path}: [layer] kind must be one of {KINDS}, got {table['kind']!r}")
    style = Style(**table.get("style", {}))
    coverage = tuple((str(k), int(v)) for k, v in table.get("coverage", {}).items())
    rest = {k: v for k, v in table.items() if k not in ("style", "coverage")}
    return LayerEntry(**rest, style=style, coverage=coverage)


@cache
def read_layer_file(path: Path) -> dict:
    """The parsed TOML of one layer file (cached by path)."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def layer_files(layers_dir: Path = LAYERS_DIR) -> dict[str, Path]:
    """Layer id → its definition file, in catalog order."""
    found = {}
    for path in sorted(layers_dir.glob("*.toml")):
        found[entry_from_table(read_layer_file(path)["layer"], str(path)).id] = path
    return found


def catalog(layers_dir: Path = LAYERS_DIR) -> tuple[LayerEntry, ...]:
    """All layer entries, ordered by their ``order`` field."""
    entries = [entry_from_table(read_layer_file(p)["layer"], str(p))
               for p in sorted(layers_dir.glob("*.toml"))]
    ids = [e.id for e in entries]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise LayerError(f"duplicate layer ids: {', '.join(sorted(dupes))}")
    return tuple(sorted(entries, key=lambda e: e.order))


def entry(layer_id: str, layers_dir: Path = LAYERS_DIR) -> LayerEntry:
    """The catalog entry of one layer; :class:`UsageError` listing valid ids otherwise."""
    for e in catalog(layers_dir):
        if e.id == layer_id:
            return e
    known = ", ".join(e.id for e in catalog(layers_dir))
    raise UsageError(f"unknown layer {layer_id!r}; known layers: {known}")
