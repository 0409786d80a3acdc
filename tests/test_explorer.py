"""The explorer driven headlessly: widgets change the figure's artists; caching, errors, export."""
import random

import numpy as np
import pytest

from init_utils import load_dataset
from init_utils.explorer import CUSTOM, Explorer
from reference import REFERENCE

ITERATIONS = 2000


@pytest.fixture(scope="module")
def data():
    return load_dataset(plot=False)


@pytest.fixture
def explorer(data):
    return Explorer(dict(REFERENCE), *data, num_iterations=ITERATIONS)


def shown_image(explorer):
    return np.asarray(explorer.image.get_array())


def errors(explorer):
    return [o.get("text", "") for o in explorer.errors.outputs]


def test_starts_on_he_with_every_snapshot_precomputed(explorer):
    run = explorer.current
    assert explorer.scheme.value == "He (yours)" and run.label == "He (yours)"
    assert run.iterations == list(range(0, ITERATIONS, 100)) + [ITERATIONS]
    assert run.boundaries.shape == (len(run.iterations), *explorer.grid_shape)
    assert explorer.frame.max == explorer.play.max == len(run.iterations) - 1
    assert errors(explorer) == []


def test_moving_the_slider_changes_boundary_and_marker(explorer):
    run = explorer.current
    explorer.frame.value = 0
    before = shown_image(explorer).copy()
    explorer.frame.value = explorer.frame.max
    assert not np.array_equal(shown_image(explorer), before)
    np.testing.assert_array_equal(shown_image(explorer), run.boundaries[-1])
    assert explorer.marker.get_xdata()[0] == ITERATIONS
    assert f"iteration <b>{ITERATIONS}</b>" in explorer.readout.value


def test_step_and_start_buttons_move_one_snapshot(explorer):
    explorer.frame.value = 5
    explorer.step_forward.click()
    assert explorer.frame.value == 6
    explorer.step_back.click()
    explorer.step_back.click()
    assert explorer.frame.value == 4
    explorer.to_start.click()
    assert explorer.frame.value == 0
    explorer.step_back.click()
    assert explorer.frame.value == 0


def test_switching_scheme_keeps_the_iteration_and_changes_the_cost_curve(explorer):
    explorer.frame.value = 10
    he_costs = np.array(explorer.cost_line.get_ydata(), dtype=float)
    explorer.scheme.value = "zeros (yours)"
    assert explorer.current.label == "zeros (yours)" and explorer.frame.value == 10
    zeros_costs = np.array(explorer.cost_line.get_ydata(), dtype=float)
    assert not np.allclose(zeros_costs, he_costs)
    assert np.allclose(zeros_costs, np.log(2))
    np.testing.assert_array_equal(shown_image(explorer), explorer.current.boundaries[10])


def test_large_random_costs_start_at_inf_and_are_not_drawn(explorer):
    explorer.scheme.value = "random x10 (yours)"
    ys = np.array(explorer.cost_line.get_ydata(), dtype=float)
    assert explorer.current.costs[0] == np.inf and np.isnan(ys[0]) and np.isfinite(ys[-1])


def test_results_are_cached_per_configuration(explorer):
    explorer.scheme.value = "LeCun"
    first = explorer.current
    explorer.scheme.value = "He (yours)"
    explorer.scheme.value = "LeCun"
    assert explorer.current is first
    explorer.learning_rate.value = 0.05
    assert explorer.current is not first and explorer.current.history.learning_rate == pytest.approx(0.05)
    assert len({key for key in explorer.runs if key[0] == "LeCun"}) == 2


def test_custom_scale_trains_with_its_own_factor(explorer):
    explorer.scheme.value = CUSTOM
    assert explorer.scale.layout.display == ""
    first = explorer.current.history.snapshots[0]["W1"].copy()
    explorer.scale.value = 0.1
    np.testing.assert_allclose(explorer.current.history.snapshots[0]["W1"], first * 0.1)
    explorer.scheme.value = "LeCun"
    assert explorer.scale.layout.display == "none"


def test_iterations_slider_changes_the_number_of_snapshots(explorer):
    explorer.iterations.value = 1000
    assert explorer.current.iterations[-1] == 1000 and explorer.frame.max == 10


def test_training_moves_the_progress_bar(explorer):
    seen = []
    explorer.progress.observe(lambda change: seen.append(change["new"]), "value")
    explorer.scheme.value = "small (x0.01)"
    assert len(seen) >= 2 and max(seen) >= ITERATIONS - 100  # the engine reports once per 1000 iterations
    assert explorer.progress.layout.visibility == "hidden"


def test_two_hundred_rapid_random_events_end_in_the_last_state(explorer):
    rng = random.Random(0)
    schemes = [o for o in explorer.scheme.options if o != CUSTOM]
    for _ in range(200):
        event = rng.choice(["scheme", "frame", "play", "step"])
        if event == "scheme":
            explorer.scheme.value = rng.choice(schemes)
        elif event == "frame":
            explorer.frame.value = rng.randint(0, explorer.frame.max)
        elif event == "play":
            explorer.frame.value = min(explorer.frame.value + 1, explorer.frame.max)  # what a Play tick does
        else:
            rng.choice([explorer.step_back, explorer.step_forward, explorer.to_start]).click()
    explorer.scheme.value = "LeCun"
    explorer.frame.value = 7
    assert errors(explorer) == []
    run = explorer.current
    assert run.label == "LeCun"
    np.testing.assert_array_equal(shown_image(explorer), run.boundaries[7])
    assert explorer.marker.get_xdata()[0] == run.iterations[7]


def test_compare_view_shows_every_scheme_at_the_same_iteration(explorer):
    explorer.frame.value = 5
    assert explorer.config("LeCun") not in explorer.runs  # trained when the tab opens
    explorer.tabs.selected_index = 1
    assert all(explorer.config(label) in explorer.runs for label in explorer.initializers)
    iteration = explorer.current.iterations[5]
    for label, image in explorer.compare_images.items():
        run = explorer.run_for(label)
        np.testing.assert_array_equal(np.asarray(image.get_array()), run.boundaries[run.history.snapshot_index(iteration)])
    assert explorer.compare_now.get_xdata()[0] == iteration
    explorer.frame.value = 6
    assert explorer.compare_now.get_xdata()[0] == explorer.current.iterations[6]


def test_inside_view_shows_identical_units_for_zeros_and_saturation_for_x10(explorer):
    explorer.tabs.selected_index = 2
    explorer.scheme.value = "zeros (yours)"
    texts = " ".join(t.get_text() for ax in explorer.activation_axes for t in ax.texts)
    assert "1 of 10 units differ" in texts and "1 of 5 units differ" in texts
    explorer.scheme.value = "random x10 (yours)"
    explorer.frame.value = 0
    output_text = explorer.activation_axes[-1].texts[0].get_text()
    assert "100% at exactly 0 or 1" in output_text
    assert len(explorer.gradient_ax.patches) == 3


def test_unwritten_learner_function_falls_back_and_reports_it(data):
    def initialize_parameters_he(layers_dims):
        raise NotImplementedError("initialize_parameters_he: replace this line with your code")

    explorer = Explorer({"zeros": REFERENCE["zeros"], "he": initialize_parameters_he}, *data, num_iterations=ITERATIONS)
    assert explorer.current.label == explorer.scheme.value != "He (yours)"
    assert "replace this line with your code" in " ".join(errors(explorer))
    explorer.scheme.value = "He (yours)"
    assert explorer.scheme.value == explorer.current.label != "He (yours)"
    assert "Error: NotImplementedError" in explorer.readout.value


def test_exported_html_holds_every_frame(explorer, tmp_path):
    path = tmp_path / "he.html"
    html = explorer.export_html("he", path=path)
    assert html.count("data:image/png;base64") == len(explorer.run_for("He (yours)").iterations)
    assert path.read_text() == html and "<script" in html
    assert explorer.export_html("he", every=5).count("data:image/png;base64") == 5  # 0, 5, 10, 15, 20
    assert "https://" not in html and 'class="fa' not in html  # no icon font from a CDN: works offline


def test_unknown_scheme_name_is_explained(explorer):
    with pytest.raises(ValueError, match="unknown scheme 'xavier'"):
        explorer.export_html("xavier")


def test_log_axes_use_plain_tick_labels_not_mathtext(explorer):
    explorer.tabs.selected_index = 2
    explorer.tabs.selected_index = 1
    for figure in (explorer.replay_figure, explorer.compare_figure, explorer.inside_figure):
        figure.canvas.draw()
        labels = [t.get_text() for ax in figure.axes for t in ax.get_yticklabels()]
        assert labels and not any("$" in label for label in labels), labels
    assert "0.01" in [t.get_text() for t in explorer.cost_ax.get_yticklabels()]
