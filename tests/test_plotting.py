import matplotlib.pyplot as plt
import numpy as np
import pytest

from init_utils import load_dataset, plot_boundary, plot_costs, plot_decision_boundary, train
from init_utils.plotting import decision_grid
from reference import initialize_parameters_he


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_decision_grid_uses_step_001_and_pads_by_one():
    X = np.array([[0.0, 1.0], [0.0, 2.0]])
    xx, yy = decision_grid(X)
    assert xx[0, 0] == -1.0 and yy[0, 0] == -1.0
    assert np.isclose(xx[0, 1] - xx[0, 0], 0.01)
    assert xx.max() < 2.0 <= xx.max() + 0.01 and yy.max() < 3.0


def test_decision_boundary_on_given_axes_returns_artists_without_showing(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: pytest.fail("plt.show called with an ax"))
    X, Y, _, _ = load_dataset(plot=False)
    fig, ax = plt.subplots()
    regions, points = plot_decision_boundary(lambda p: p[:, 0] > 0, X, Y, ax=ax)
    assert points.get_offsets().shape == (300, 2)
    assert regions.levels.tolist() == [-0.5, 0.5, 1.5]


def test_course_call_without_ax_draws_on_current_axes_and_shows(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    X, Y, _, _ = load_dataset(plot=False)
    plt.figure()
    plot_decision_boundary(lambda p: p[:, 1] > 0, X, Y)
    assert shown == [True] and len(plt.gca().collections) >= 2


def test_plot_boundary_sets_course_limits_and_title():
    X, Y, _, _ = load_dataset(plot=False)
    regions, points = plot_boundary(initialize_parameters_he([2, 10, 5, 1]), X, Y, title="He")
    ax = points.axes
    assert ax.get_xlim() == (-1.5, 1.5) and ax.get_ylim() == (-1.5, 1.5) and ax.get_title() == "He"


def test_cost_curve_x_axis_is_the_true_iteration_number():
    X, Y, _, _ = load_dataset(plot=False)
    history = train(X, Y, initialize_parameters_he([2, 10, 5, 1]), num_iterations=3001, print_cost=False)
    line = plot_costs(history, title="He")
    np.testing.assert_array_equal(line.get_xdata(), [0, 1000, 2000, 3000])
    np.testing.assert_array_equal(line.get_ydata(), history.costs)
    assert line.axes.get_xlabel() == "iteration" and line.axes.get_ylabel() == "cost"
