"""``shmap validate``: every check of a data folder, as readable problems.

Checks: each layer file against the schema (fields, CRS, geometry validity, sector
ids); the evidence rules of :mod:`layers.evidence` (notes for every precision of 2 km
or finer, a derivation that supports the claimed precision, an address, coordinate or
traced edge for ±500 m or finer, outlines inside the 街镇/区 their notes name, no
internal reference in what users see); discs no smaller than their precision, points
and discs in the district and 街镇 they name (:mod:`layers.sites`); overlaps within a
layer, ``part_of`` containment, named districts, published areas within what the
precision allows unless explained; citations found verbatim in the seed texts (when
the texts are present), the policy measures and sector targets (ids, places,
sectors, numbers, quotes), and the provenance record (hashes, counts, required
fields, files without an entry).
"""

from __future__ import annotations

from pathlib import Path

import layers
from layers.catalog import catalog, layer_files, read_layer_file
from layers.checks import (
    area_problems,
    citation_problems,
    district_problems,
    overlap_problems,
    part_of_problems,
)
from layers.citations import quote_problems
from layers.evidence import (
    definition_word_problems,
    derivation_problems,
    fine_claim_problems,
    notes_problems,
    plain_word_problems,
    position_problems,
    unit_problems,
)
from layers.io import base_units
from layers.policy import measure_problems, policy_measures, sector_targets
from layers.provenance import entry_problems, read_provenance, unlisted_files
from layers.sectors import sector_ids
from layers.settings import DATA_DIR, SEEDS_DIR
from layers.sites import disc_problems, place_problems

__all__ = ["validation_problems"]


def _policy_problems(data_dir: Path, layers_dir: Path, seeds_dir: Path | None) -> list[str]:
    measures_file = data_dir / "policy_measures.csv"
    if not measures_file.is_file():
        return ["policy_measures.csv is missing"]
    feature_ids: set[str] = set()
    for e in catalog(layers_dir):
        try:
            feature_ids |= set(layers.load(e.id, layers_dir).index)
        except layers.LayerError:
            continue
    seeds = Path(seeds_dir) if seeds_dir is not None else None
    problems = measure_problems(policy_measures(measures_file), feature_ids, set(sector_ids()), seeds)
    targets = sector_targets(path=data_dir / "sector_targets.csv")
    known = set(sector_ids()) | {""}
    problems += [f"sector target {r.id}: unknown sector {r.sector!r}"
                 for r in targets.itertuples() if r.sector not in known]
    problems += quote_problems(targets.itertuples(), seeds_dir=seeds,
                               where=lambda r: f"sector target {r.id}")
    return problems


def _site_problems(layers_dir: Path, base_dir: Path) -> list[str]:
    """Disc sizes, site places and the evidence rules that read the layer definitions
    (:mod:`layers.sites`, :mod:`layers.evidence`)."""
    base = base_units(base_dir)
    problems: list[str] = []
    for path in layer_files(layers_dir).values():
        definition = read_layer_file(path)
        try:
            problems += (disc_problems(definition) + place_problems(definition, base)
                         + notes_problems(definition) + derivation_problems(definition)
                         + fine_claim_problems(definition) + definition_word_problems(definition)
                         + position_problems(definition, base))
        except (ValueError, KeyError) as err:
            problems.append(f"{path.name}: {err}")
    return problems


def _layer_problems(e, gdf, definition: dict, base) -> list[str]:
    """The checks of one built layer against its frame and its definition."""
    explained = {f["id"] for f in definition.get("feature", []) if f.get("area_difference")}
    texts = {f"{e.id} {k}": getattr(e, k) for k in ("title_zh", "title_en", "source",
                                                      "description")}
    return (overlap_problems(gdf) + part_of_problems(gdf) + area_problems(gdf, explained)
            + district_problems(gdf, base.districts) + unit_problems(definition, gdf, base)
            + plain_word_problems(gdf, texts))


def validation_problems(data_dir: Path = DATA_DIR, seeds_dir: Path | None = SEEDS_DIR) -> list[str]:
    """Every problem found in ``data_dir`` (empty when the data is valid)."""
    data_dir = Path(data_dir)
    problems: list[str] = []
    layers_dir = data_dir / "layers"
    try:
        entries = catalog(layers_dir)
    except (ValueError, KeyError, OSError) as err:
        return [f"layer definitions: {err}"]
    base = base_units(data_dir / "base")
    files = layer_files(layers_dir)
    for e in entries:
        try:
            gdf = layers.load(e.id, layers_dir)
        except layers.LayerError as err:
            problems.append(str(err))
            continue
        problems += _layer_problems(e, gdf, read_layer_file(files[e.id]), base)
        if seeds_dir is not None and Path(seeds_dir).is_dir():
            problems += citation_problems(gdf, Path(seeds_dir))
    problems += _site_problems(layers_dir, data_dir / "base")
    problems += _policy_problems(data_dir, layers_dir, seeds_dir)
    provenance = data_dir / "provenance.json"
    if not provenance.is_file():
        return [*problems, "provenance.json is missing"]
    record = read_provenance(provenance)
    for rel, entry in record.items():
        problems += entry_problems(rel, entry, data_dir=data_dir)
    problems += [f"{f}: no provenance entry" for f in unlisted_files(record, data_dir)]
    return problems
