import matplotlib.pyplot as plt
import numpy as np
import pytest

from init_utils import load_dataset, plot_boundary, plot_costs, plot_decision_boundary, train
from reference import initialize_parameters_he


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_decision_grid_uses_step_001_and_pads_by_one():
    X, asked = np.array([[0.0, 1.0], [0.0, 2.0]]), []
    plot_decision_boundary(lambda p: asked.append(p) or p[:, 0] > 0, X, np.array([[0, 1]]), ax=plt.subplots()[1])
    xs, ys = np.unique(asked[0][:, 0]), np.unique(asked[0][:, 1])
    assert xs[0] == -1.0 and ys[0] == -1.0
    assert np.isclose(xs[1] - xs[0], 0.01)
    assert xs.max() < 2.0 <= xs.max() + 0.01 and ys.max() < 3.0


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


def test_classes_differ_in_marker_shape_and_are_named_in_a_legend():
    from matplotlib.markers import MarkerStyle

    from init_utils.plotting import CLASSES, class_legend, mark_classes, scatter_classes

    def marker_path(marker):
        style = MarkerStyle(marker)
        return style.get_path().transformed(style.get_transform())

    X, Y, _, _ = load_dataset(plot=False)
    fig, ax = plt.subplots()
    points = scatter_classes(ax, X, Y)
    assert points.get_offsets().shape == (300, 2)  # one collection, every point, as before
    paths = points.get_paths()
    labels = Y.ravel()
    circle, triangle = marker_path(CLASSES[0]["marker"]), marker_path(CLASSES[1]["marker"])
    assert all(np.array_equal(p.vertices, (triangle if l == 1 else circle).vertices) for p, l in zip(paths, labels))
    assert not np.array_equal(circle.vertices, triangle.vertices)
    lines = mark_classes(ax, X, Y)
    assert lines[0].get_marker() != lines[1].get_marker()
    texts = [t.get_text() for t in class_legend(ax).get_texts()]
    assert "red" in texts[0] and "class 0" in texts[0] and "blue" in texts[1] and "class 1" in texts[1]


def test_decision_boundary_legend_explains_points_and_shading():
    X, Y, _, _ = load_dataset(plot=False)
    _, points = plot_boundary(initialize_parameters_he([2, 10, 5, 1]), X, Y)
    labels = [t.get_text() for t in points.axes.get_legend().get_texts()]
    assert any("class 0" in t for t in labels) and any("class 1" in t for t in labels)
    assert "pink shade: predicts 0" in labels and "pale blue shade: predicts 1" in labels


def test_class_colours_stand_apart_from_both_region_shades():
    from matplotlib.colors import to_rgb

    from init_utils.plotting import CLASSES, CMAP

    shades = [np.array(CMAP(c)[:3]) for c in (0, 1)]
    for style in CLASSES.values():
        assert all(np.abs(np.array(to_rgb(style["color"])) - shade).sum() > 0.6 for shade in shades)
    red, blue = (np.array(to_rgb(CLASSES[c]["color"])) for c in (0, 1))
    assert red[0] > red[2] and blue[2] > blue[0]  # named as drawn: red is red, blue is blue


def test_comparison_figure_has_log_costs_with_legend_beside_each_boundary():
    from init_utils.plotting import plot_comparison

    X, Y, _, _ = load_dataset(plot=False)
    runs = {name: train(X, Y, initialize_parameters_he([2, 10, 5, 1]), num_iterations=2001, print_cost=False)
            for name in ("a", "b", "c")}
    fig = plot_comparison(runs, X, Y)
    cost_ax, *boundary_axes = fig.axes[:4]
    assert cost_ax.get_yscale() == "log"
    assert [t.get_text() for t in cost_ax.get_legend().get_texts()] == ["a", "b", "c"]
    assert [ax.get_title() for ax in boundary_axes] == ["a", "b", "c"]


def test_sweep_figure_plots_cost_and_accuracy_on_a_log_scale_axis_and_marks_named_schemes():
    from init_utils.plotting import plot_sweep
    from init_utils.sweep import SWEEP_SCALES, SweepPoint

    points = [SweepPoint(f"{s:g}", [s] * 3, 0.5, 0.8, 0.8, 0.0) for s in SWEEP_SCALES]
    named = [SweepPoint("He", [1.0, 0.447, 0.632], 0.06, 0.99, 0.96, 0.0)]
    fig = plot_sweep(points, named)
    cost_ax, acc_ax = fig.axes[:2]
    assert cost_ax.get_xscale() == "log" and acc_ax.get_xscale() == "log"
    assert len(cost_ax.lines[0].get_xdata()) == len(SWEEP_SCALES)
    assert any(t.get_text().startswith("He") for t in cost_ax.get_legend().get_texts())
    assert {t.get_text() for t in cost_ax.texts} >= {"x10", "x0.01"}


def test_layer_rms_figure_draws_each_scheme_forward_and_backward_on_log_axes():
    from init_utils.plotting import plot_layer_rms

    rms = {"He": (np.ones(5), np.ones(5)), "LeCun": (0.7 ** np.arange(5), 0.7 ** np.arange(5)[::-1])}
    forward_ax, backward_ax = plot_layer_rms(rms).axes[:2]
    assert forward_ax.get_yscale() == "log" and backward_ax.get_yscale() == "log"
    assert [line.get_label() for line in backward_ax.lines] == ["He", "LeCun"]
    np.testing.assert_array_equal(forward_ax.lines[1].get_xdata(), [1, 2, 3, 4, 5])


def test_deep_cost_figure_puts_every_run_on_one_axis_and_leaves_out_what_diverged(data):
    from init_utils.deep import DeepRun
    from init_utils.plotting import plot_deep_costs

    X, Y, _, _ = data
    healthy = train(X, Y, initialize_parameters_he([2, 10, 5, 1]), num_iterations=300, print_cost=False)
    broken = train(X, Y, initialize_parameters_he([2, 10, 5, 1]), num_iterations=300, print_cost=False)
    broken.diverged_at = 200
    ax = plot_deep_costs([DeepRun("He", 1, healthy), DeepRun("x1", 2, broken)])
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"
    drawn = ax.lines[1].get_ydata()
    assert np.all(np.isnan(drawn[2:])) and np.all(np.isfinite(drawn[:2]))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["He", "x1", "seed 1", "seed 2"]


def test_plot_costs_given_a_parameters_dict_says_to_pass_the_history():
    with pytest.raises(TypeError, match=r"history must be a History.*got a dict.*not history.parameters"):
        plot_costs(initialize_parameters_he([2, 3, 1]))


def test_plot_boundary_given_a_history_says_to_pass_its_parameters(data):
    X, Y, _, _ = data
    history = train(X, Y, initialize_parameters_he([2, 3, 1]), num_iterations=1, print_cost=False)
    with pytest.raises(TypeError, match="needs the parameters dict; got a History: pass history.parameters"):
        plot_boundary(history, X, Y)


@pytest.mark.parametrize("model, error, message", [
    ({"W1": 0}, TypeError, r"model must be a function taking a \(k, 2\) array.*got a dict"),
    (lambda points: None, ValueError, r"returning k predictions; given \d+ points it returned None"),
    (lambda points: points, ValueError, r"given (\d+) points it returned \(\1, 2\)"),
], ids=["parameters dict", "returns None", "returns the points"])
def test_decision_boundary_with_a_wrong_model_says_what_model_must_be(data, model, error, message):
    X, Y, _, _ = data
    with pytest.raises(error, match=message):
        plot_decision_boundary(model, X, Y, ax=plt.subplots()[1])
