"""The provenance record of ``data/``: source, licence, datum, precision, hash, count.

``data/provenance.json`` has one entry per shipped data file (path relative to
``data/``). Base files are fixed copies; built layer files are refreshed by
``shmap build``. Tests check every entry against the file on disk.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from layers.files import write_text
from layers.settings import DATA_DIR, PROVENANCE_FILE

__all__ = [
    "AUTHORED", "OSM_DERIVED_LICENCE", "REQUIRED", "SELF_DESCRIBING", "authored_entry",
    "built_layer_entry", "entry_problems", "feature_count", "read_provenance",
    "refreshed_entry", "sha256_of", "unlisted_files", "write_provenance"
]

REQUIRED = ("source", "licence", "datum", "precision", "sha256")
#: Files in data/ that describe the others and need no entry of their own.
SELF_DESCRIBING = {"README.md", "provenance.json"}

OSM_DERIVED_LICENCE = ("Open Database License 1.0 (derived from © OpenStreetMap contributors "
                       "boundaries); recipes and attributes © the project, MIT")


#: Files the project writes (by hand or by a command), path → how they came about.
#: ``shmap build`` refreshes their hashes; base files are never refreshed.
AUTHORED = {
    "sectors.toml": "the 9+X taxonomy of 003_6b82db74c365b8ba.txt §二(三), §三, §四 "
                    "(沪府办发〔2021〕10号); aliases written by the project",
    "gbt4754_sectors.csv": "GB/T 4754-2017 industry codes mapped to the taxonomy by the project; "
                           "each label_zh is the class name of table 1 of the standard",
    "firms/institutions_named_in_seeds.csv": "real institutions named in the seed texts (quote "
        "and section in each row); site positions judged by the project from their published "
        "addresses, ±1.5 km; no credit codes",
    "policy_measures.csv": "measures, targets, figures and platforms of the five seed texts, tied "
        "to places and sectors, each with its verbatim quote and section; extracted by the project",
    "sector_targets.csv": "2025 targets per sector of 003 §二(四)/§三 and the Table 1 indicators "
        "of 002 §二(三), each with its verbatim quote; extracted by the project",
    "town_positions.toml": "the 121 街道/镇 without an OSM outline, decided by the project: 16 "
        "placed on a ring around a metro station of their name (bundled station data), its "
        "radius the diameter of a disc of the town's published area (page and quote per town); "
        "the rest left at their district, with why",
    "documents.csv": "the seed files' documents (number, title, author, issuer, date) as listed "
                     "in the seeds' README.md; English titles and issuers translated by the project",
    "firms/firms_synthetic_n5000_seed1.csv": "SYNTHETIC firms, not real: `shmap synth --n 5000 "
        "--seed 1` (layers/synth.py), for the demo map",
}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def feature_count(path: Path) -> int | None:
    """Features in a GeoJSON file, or None for other files."""
    if path.suffix != ".geojson":
        return None
    return len(json.loads(path.read_text(encoding="utf-8"))["features"])


def read_provenance(path: Path = PROVENANCE_FILE) -> dict[str, dict]:
    return json.loads(path.read_text(encoding="utf-8"))["files"]


def write_provenance(entries: dict[str, dict], path: Path = PROVENANCE_FILE) -> None:
    doc = {"about": "One entry per file in data/ (paths relative to data/). See data/README.md.",
           "files": dict(sorted(entries.items()))}
    write_text(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def built_layer_entry(rel_path: str, path: Path, definition_file: str, source: str) -> dict:
    """The entry for a layer file written by ``shmap build``."""
    return {
        "source": f"built by `shmap build` from {definition_file} and data/base/; {source}",
        "licence": OSM_DERIVED_LICENCE,
        "attribution": "© OpenStreetMap contributors; shanghai-cluster-map",
        "datum": "WGS84 (EPSG:4326)",
        "precision": "per feature, in the precision_m attribute (metres); approximate shapes "
                     "carry approximate=true",
        "sha256": sha256_of(path),
        "features": feature_count(path),
    }


def derived_entry(path: Path, source: str, *, precision: str) -> dict:
    """The entry for a file the project derives from the OSM base data by code."""
    return {
        "source": source,
        "licence": OSM_DERIVED_LICENCE,
        "attribution": "© OpenStreetMap contributors (via geoBoundaries); shanghai-cluster-map",
        "datum": "WGS84 (EPSG:4326)",
        "precision": precision,
        "sha256": sha256_of(path),
        "features": feature_count(path),
    }


def authored_entry(path: Path, source: str) -> dict:
    """The entry for a file the project writes by hand (taxonomy, layer definitions)."""
    return {
        "source": source,
        "licence": "MIT (the project's own)",
        "attribution": "shanghai-cluster-map",
        "datum": "WGS84 (EPSG:4326) for every coordinate; none in non-spatial files",
        "precision": "per feature, in precision_m (metres); not spatial for the taxonomy",
        "sha256": sha256_of(path),
        "features": None,
    }


def refreshed_entry(old: dict | None, path: Path, source: str) -> dict:
    """An authored file's entry with its hash and count brought up to date; the
    descriptive fields of an existing entry are kept as written."""
    fresh = authored_entry(path, source)
    if old is None:
        return fresh
    return {**old, "sha256": fresh["sha256"], "features": fresh["features"]}


def entry_problems(rel_path: str, entry: dict, *, data_dir: Path = DATA_DIR) -> list[str]:
    """How one provenance entry disagrees with its file (empty when it agrees)."""
    path = data_dir / rel_path
    if not path.is_file():
        return [f"{rel_path}: listed in provenance but missing"]
    problems = [f"{rel_path}: provenance lacks {k}" for k in REQUIRED if not entry.get(k)]
    if entry.get("sha256") and entry["sha256"] != sha256_of(path):
        problems.append(f"{rel_path}: sha256 differs from provenance (file changed; "
                        "rebuild or update the record)")
    count = feature_count(path)
    if count is not None and entry.get("features") != count:
        problems.append(f"{rel_path}: {count} features, provenance says {entry.get('features')}")
    return problems


def unlisted_files(entries: dict[str, dict], data_dir: Path = DATA_DIR) -> list[str]:
    """Data files with no provenance entry."""
    files = [p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if p.is_file()]
    return sorted(f for f in files if f not in entries and Path(f).name not in SELF_DESCRIBING)
