"""Policy measures and sector targets: cited verbatim, tied to real places and sectors."""

import pandas as pd
import pytest

import layers
from cli.main import main
from layers.citations import quote_problem
from layers.policy import (
    measure_problems,
    measures_for_feature,
    measures_for_features,
    measures_for_sector,
    policy_measures,
    provenance,
    sector_targets,
)
from layers.schema import split_list
from layers.sectors import sector_ids

SEED_FILES = ("000_9857f1df7ab7df07.txt", "001_2d09aa15b4157113.txt", "002_3cd0a6500466b35b.txt",
              "003_6b82db74c365b8ba.txt", "004_439b1b1ec0f8757f.txt")


@pytest.fixture(scope="module")
def feature_ids() -> set[str]:
    return {fid for e in layers.catalog() for fid in layers.load(e.id).index}


def test_every_quote_is_verbatim_in_its_seed(seeds_dir):
    for row in policy_measures().itertuples():
        assert quote_problem(seeds_dir, row.source_file, row.quote) is None, row.id
    for row in sector_targets().itertuples():
        assert quote_problem(seeds_dir, row.source_file, row.quote) is None, row.id


def test_every_place_and_sector_exists_and_ids_are_unique(feature_ids, seeds_dir):
    table = policy_measures()
    assert measure_problems(table, feature_ids, set(sector_ids()), seeds_dir) == []
    assert table["id"].is_unique and sector_targets()["id"].is_unique
    assert all(s in set(sector_ids()) | {""} for s in sector_targets()["sector"])


def test_values_with_a_unit_are_numbers():
    for table in (policy_measures(), sector_targets()):
        with_unit = table[table["unit"] != ""]
        assert pd.to_numeric(with_unit["value"], errors="coerce").notna().all()


def test_each_seed_file_contributes():
    assert set(policy_measures()["source_file"]) == set(SEED_FILES)
    assert len(policy_measures()) >= 100


def test_every_row_is_tied_to_a_place_or_a_sector():
    table = policy_measures()
    assert all(split_list(r.places) or split_list(r.sectors) for r in table.itertuples())


def test_lookups_by_feature_sector_and_layer():
    zj = measures_for_feature("pole_zhangjiang")
    assert "m003_zj_national_centre" in zj.index and "m000_hukou" in zj.index
    assert "m000_hydrogen_parks" in measures_for_sector("hydrogen_storage").index
    towns = measures_for_features(layers.load("new_towns").index)
    assert {"m002_new_towns", "m004_new_towns_upstairs"} <= set(towns.index)
    row = policy_measures().loc["m000_hukou"]
    assert provenance(row).startswith("000_9857f1df7ab7df07.txt §四(二): “对张江科学城")


def test_sector_targets_hold_the_2025_figures_of_003():
    ic = sector_targets("ic")
    assert "t003_ic_growth" in ic.index
    assert float(sector_targets().loc["t003_nev_output", "value"]) == 3500
    assert {"t003_all_share"} <= set(ic.index)  # all-industry targets come with every sector


def test_cli_measures_of(capsys):
    assert main(["measures-of", "newtown_songjiang"]) == 0
    out = capsys.readouterr().out
    assert "m002_new_towns" in out and "§三(三)" in out
    assert main(["measures-of", "--sector", "集成电路"]) == 0
    assert "t003_ic_growth" in capsys.readouterr().out
    assert main(["measures-of", "moon"]) == 2
    assert main(["measures-of"]) == 2
