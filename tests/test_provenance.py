"""Every file in data/ states source, licence, datum, precision; hashes and counts hold."""

import json

import pytest

from layers.provenance import REQUIRED, entry_problems, read_provenance, unlisted_files
from layers.settings import DATA_DIR

ENTRIES = read_provenance()

#: Base files are copies of ../shared/data; their hashes and counts are fixed.
BASE = {
    "base/districts_osm.geojson": ("279b11087234db63728b35c9970174f7f536505763401127e4eed3b7e0e7340e", 16),
    "base/towns_osm_central8.geojson": ("d94b7fc3800e8c6bbe3c8b2f376f541b7887f6690a71cee103d53840bdf1a9a9", 113),
    "base/metro_stations.geojson": ("049c03c423cf4c83bf3646cd3020b1e82b81cc7015f5f877c9e5e9e651478fff", 408),
    "base/metro_lines.geojson": ("901b84b2d416ae1f15de3bfbf421472fff830ae02f37891c773795fae0ce6252", 19),
}


@pytest.mark.parametrize("rel_path", sorted(ENTRIES))
def test_provenance_entry_matches_its_file(rel_path):
    entry = ENTRIES[rel_path]
    assert all(entry.get(k) for k in REQUIRED)
    assert entry_problems(rel_path, entry) == []


@pytest.mark.parametrize(("rel_path", "expected"), BASE.items())
def test_base_file_is_the_pinned_copy(rel_path, expected):
    sha, count = expected
    assert ENTRIES[rel_path]["sha256"] == sha
    assert ENTRIES[rel_path]["features"] == count


@pytest.mark.parametrize("rel_path", sorted(BASE))
def test_base_file_carries_its_licence(rel_path):
    text = (DATA_DIR / rel_path).read_text(encoding="utf-8")
    assert ("Open Database License" in text) or ('"license": "MIT"' in text)
    assert ENTRIES[rel_path]["licence"] in ("Open Data Commons Open Database License 1.0",
                                            "MIT", "MIT (network data and palette)")


def test_shared_copies_are_identical_when_present():
    from layers.provenance import sha256_of
    from layers.settings import PROJECT_ROOT
    shared = PROJECT_ROOT.parent / "shared" / "data"
    if not shared.is_dir():
        pytest.skip("../shared/data not present")
    names = {"base/districts_osm.geojson": "shanghai_districts_osm.geojson",
             "base/towns_osm_central8.geojson": "shanghai_streets_towns_osm_central8.geojson",
             "base/metro_stations.geojson": "shanghai_metro_stations.geojson",
             "base/metro_lines.geojson": "shanghai_metro_lines.geojson"}
    for rel, name in names.items():
        assert sha256_of(shared / name) == ENTRIES[rel]["sha256"]


def test_every_data_file_has_an_entry():
    assert unlisted_files(ENTRIES) == []


def test_every_built_layer_states_datum_and_precision():
    for rel, entry in ENTRIES.items():
        if rel.startswith("layers/") and rel.endswith(".geojson"):
            assert entry["datum"].startswith("WGS84")
            assert "precision_m" in entry["precision"]
            doc = json.loads((DATA_DIR / rel).read_text(encoding="utf-8"))
            assert doc["metadata"]["source"]
