"""Shanghai's stored outline and the cover grid of the import's Shanghai test."""

import numpy as np
import shapely

from firms.intake.places import (
    OUTLINE_FILE,
    build_shanghai_outline,
    shanghai_outline,
    shanghai_places,
)
from geo.cover import EDGE, INSIDE, OUTSIDE, CoverGrid
from geo.prepared import prepared_copy
from layers.provenance import read_provenance


def test_the_stored_outline_is_the_one_built_from_the_districts():
    assert shanghai_outline().equals_exact(build_shanghai_outline(), 0)


def test_the_outline_file_has_its_provenance_with_the_osm_licence():
    entry = read_provenance()[OUTLINE_FILE.name]
    assert "Open Database License" in entry["licence"]
    assert "OpenStreetMap" in entry["attribution"]
    assert "districts_osm" in entry["source"] and entry["features"] == 1


def test_the_places_use_the_stored_outline():
    assert shanghai_places().shanghai.equals_exact(shanghai_outline(), 0)


def test_the_grid_gives_the_exact_answer_for_every_point():
    area = shanghai_outline()
    grid = CoverGrid.build(area, cells=64)
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = area.bounds
    vertices = shapely.get_coordinates(area)[::7]
    corners = np.array([(grid.x0 + i * grid.dx, grid.y0 + j * grid.dy)
                        for i in range(0, 65, 4) for j in range(0, 65, 4)])
    pts = np.vstack([np.column_stack([rng.uniform(x0 - 0.2, x1 + 0.2, 50_000),
                                      rng.uniform(y0 - 0.2, y1 + 0.2, 50_000)]),
                     vertices, corners, [[np.nan, 31.0], [121.0, np.nan]]])
    want = shapely.intersects_xy(prepared_copy(area), pts[:, 0], pts[:, 1])  # area is shared
    got = grid.intersects_xy(area, pts[:, 0], pts[:, 1])
    assert (got == want).all()
    assert want.any() and (~want).any()
    assert {OUTSIDE, INSIDE, EDGE} <= set(np.unique(grid.state))
