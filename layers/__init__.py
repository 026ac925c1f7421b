"""Shanghai's strategic-industry layout as cited GeoPandas layers.

>>> import layers
>>> [e.id for e in layers.catalog()][:2]
['districts', 'poles']
>>> gdf = layers.load("poles")        # EPSG:4326, one row per feature, indexed by id
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd

from layers.catalog import LayerEntry, catalog, entry
from layers.errors import LayerError
from layers.io import layer_path, read_layer
from layers.schema import frame_problems, split_list
from layers.settings import LAYERS_DIR

__all__ = ["LayerEntry", "LayerError", "catalog", "entry", "load", "load_all", "split_list"]


@cache
def _load_cached(layer_id: str, layers_dir: Path) -> gpd.GeoDataFrame:
    e = entry(layer_id, layers_dir)
    path = layer_path(layer_id, layers_dir)
    if not path.is_file():
        raise LayerError(f"{layer_id}: built file {path} is missing; run `shmap build`")
    gdf = read_layer(path)
    problems = frame_problems(gdf, e)
    if problems:
        raise LayerError(f"{path}:\n  " + "\n  ".join(problems))
    return gdf


def load(layer_id: str, layers_dir: Path = LAYERS_DIR) -> gpd.GeoDataFrame:
    """One layer as a GeoDataFrame in EPSG:4326 (a fresh copy each call).

    Raises :class:`UsageError` for an unknown layer and :class:`LayerError` when the
    data file is missing or breaks the schema (missing field, unknown sector id,
    invalid geometry, wrong CRS …).
    """
    return _load_cached(layer_id, Path(layers_dir)).copy()


def load_all(layers_dir: Path = LAYERS_DIR) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the catalog, in catalog order."""
    return {e.id: load(e.id, layers_dir) for e in catalog(layers_dir)}
