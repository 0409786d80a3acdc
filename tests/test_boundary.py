"""The explorer's pure arithmetic: the grid, drawable costs, marker positions, frame choice."""
import ast
import pathlib

import numpy as np
import pytest

from init_utils.boundary import COST_LIMITS, VIEW, boundary_grid, drawable_costs, frame_indices, marker_cost


def test_grid_cells_are_centred_inside_the_view():
    points, shape = boundary_grid(0.5)
    assert shape == (6, 6) and points.shape == (2, 36)
    assert points.min() == pytest.approx(VIEW[0] + 0.25) and points.max() == pytest.approx(VIEW[1] - 0.25)
    assert np.allclose(np.diff(np.unique(points[0])), 0.5)


@pytest.mark.parametrize("step", [0, -0.1, 4.0])
def test_grid_step_out_of_range_is_explained(step):
    with pytest.raises(ValueError, match="grid_step must be positive"):
        boundary_grid(step)


def test_infinite_and_nan_costs_become_gaps():
    assert np.array_equal(np.isnan(drawable_costs([np.inf, 0.5, np.nan, 0.1])), [True, False, True, False])


def test_marker_sits_inside_the_log_axis():
    assert marker_cost(np.inf) == COST_LIMITS[1]
    assert marker_cost(np.nan) == COST_LIMITS[1]
    assert marker_cost(1e-9) == COST_LIMITS[0]
    assert marker_cost(0.5) == 0.5


def test_frames_always_end_with_the_last_snapshot():
    assert frame_indices(151, 3)[-2:] == [147, 150]
    assert frame_indices(151, 5)[-1] == 150 and frame_indices(151, 5).count(150) == 1
    assert frame_indices(1, 3) == [0]
    with pytest.raises(ValueError, match="every >= 1"):
        frame_indices(10, 0)


def test_module_imports_only_numpy():
    tree = ast.parse(pathlib.Path(__file__).parents[1].joinpath("init_utils", "boundary.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"numpy"}
