"""The explorer driven headlessly: controls change what is shown, from any thread, in any order."""
import io
import random
import sys
import threading

import numpy as np
import pytest
from PIL import Image

from init_utils import runs as runs_module
from init_utils.explorer import COMPARE, DEPTH, REBUILD, Explorer
from init_utils.runs import CUSTOM
from init_utils.schemes import SCALES, scaled_normal
from init_utils.inputs import TrainingInputError
from reference import REFERENCE
from test_replay_view import fresh_render

ITERATIONS = 2000


@pytest.fixture
def explorer(data):
    return Explorer(dict(REFERENCE), *data, num_iterations=ITERATIONS)


def settle(explorer):
    assert explorer.wait_until_idle(600), "the explorer is still training after 10 minutes: stuck"


def errors(explorer):
    return [o.get("text", "") for o in explorer.controls.errors.outputs]


def shown(explorer):
    return np.asarray(explorer.replay.image.get_array())


def test_starts_on_he_with_every_snapshot_shown(explorer):
    run = explorer.shown_run
    assert explorer.controls.scheme.value == run.label == "He (yours)"
    assert explorer.controls.frame.max == explorer.controls.play.max == len(run.iterations) - 1
    assert "iteration <b>0</b>" in explorer.controls.readout.value and errors(explorer) == []


def test_slider_and_buttons_move_the_boundary_marker_and_status(explorer):
    run = explorer.shown_run
    explorer.controls.frame.value = explorer.controls.frame.max
    np.testing.assert_array_equal(shown(explorer), run.boundaries[-1])
    assert explorer.replay.marker.get_xdata()[0] == ITERATIONS
    assert f"iteration <b>{ITERATIONS}</b>" in explorer.controls.readout.value
    explorer.controls.back.click()
    explorer.controls.back.click()
    assert explorer.controls.frame.value == explorer.controls.frame.max - 2
    explorer.controls.start.click()
    explorer.controls.back.click()
    assert explorer.controls.frame.value == 0
    explorer.controls.forward.click()
    np.testing.assert_array_equal(shown(explorer), run.boundaries[1])


def test_switching_scheme_trains_in_the_background_and_keeps_the_iteration(explorer):
    explorer.controls.frame.value = 10
    explorer.controls.scheme.value = "zeros (yours)"
    settle(explorer)
    assert explorer.shown_run.label == "zeros (yours)" and explorer.controls.frame.value == 10
    assert np.allclose(explorer.replay.cost_line.get_ydata(), np.log(2))
    np.testing.assert_array_equal(shown(explorer), explorer.shown_run.boundaries[10])
    first = explorer.shown_run
    explorer.controls.scheme.value = "He (yours)"
    explorer.controls.scheme.value = "zeros (yours)"  # cached: shown at once, nothing to wait for
    assert explorer.shown_run is first and not explorer.runs.busy()


def test_learning_rate_slider_retrains_debounced_and_shows_the_new_run(explorer):
    before = explorer.shown_run
    explorer.debounce = 600  # a drag: each value would wait 10 minutes to train ...
    for value in (0.02, 0.03, 0.05):
        explorer.controls.learning_rate.value = value
    explorer.debounce = 0
    explorer.controls.learning_rate.value = 0.1  # ... and the last one replaces them
    settle(explorer)
    assert explorer.shown_run.config.learning_rate == pytest.approx(0.1)
    assert explorer.shown_run.history.learning_rate == pytest.approx(0.1)
    trained_rates = {c.learning_rate for c in explorer.runs._cache}
    assert 0.02 not in trained_rates and 0.03 not in trained_rates
    assert not np.array_equal(explorer.shown_run.boundaries[-1], before.boundaries[-1])


def test_progress_bar_shows_real_progress_then_hides(explorer):
    seen = []
    explorer.controls.progress.observe(lambda change: seen.append(change["new"]), "value")
    explorer.controls.iterations.value = 5000
    settle(explorer)
    assert len(seen) >= 4 and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert explorer.controls.progress.layout.visibility == "hidden"
    assert explorer.shown_run.iterations[-1] == 5000 and explorer.controls.frame.max == 50


def test_custom_scale_slider_trains_with_its_factor(explorer):
    explorer.controls.scheme.value = CUSTOM
    settle(explorer)
    assert explorer.controls.scale.layout.display == ""
    first = explorer.shown_run.history.snapshots[0]["W1"].copy()
    explorer.controls.scale.value = 0.1
    settle(explorer)
    np.testing.assert_allclose(explorer.shown_run.history.snapshots[0]["W1"], first * 0.1)
    explorer.controls.scheme.value = "LeCun"
    assert explorer.controls.scale.layout.display == "none"


def test_compare_tab_trains_every_scheme_then_shows_them_at_one_iteration(explorer):
    explorer.controls.frame.value = 5
    explorer.tabs.selected_index = 1
    settle(explorer)
    iteration = explorer.shown_run.iterations[5]
    for label, image in explorer.compare.images.items():
        run = explorer.runs.get(explorer.config(label))
        np.testing.assert_array_equal(image.get_array(), run.boundaries[run.history.snapshot_index(iteration)])
    explorer.controls.frame.value = 6
    assert explorer.compare.now.get_xdata()[0] == explorer.shown_run.iterations[6]


def test_inside_view_is_computed_only_while_its_tab_is_open(explorer, monkeypatch):
    calls = []
    original = explorer.inside.show
    monkeypatch.setattr(explorer.inside, "show", lambda run, k: (calls.append(k), original(run, k)))
    for k in range(5):
        explorer.controls.frame.value = k
    assert calls == []
    explorer.tabs.selected_index = 2
    explorer.controls.frame.value = 7
    assert calls == [4, 7]


def test_unwritten_learner_function_falls_back_and_reports_it(data):
    def initialize_parameters_he(layers_dims):
        raise NotImplementedError("initialize_parameters_he: replace this line with your code")

    explorer = Explorer({"zeros": REFERENCE["zeros"], "he": initialize_parameters_he}, *data, num_iterations=ITERATIONS)
    assert explorer.shown_run.label == explorer.controls.scheme.value == "zeros (yours)"
    assert "replace this line with your code" in " ".join(errors(explorer)) and errors(explorer)[-1].endswith(REBUILD)
    explorer.controls.scheme.value = "He (yours)"
    settle(explorer)
    assert explorer.controls.scheme.value == explorer.shown_run.label == "zeros (yours)"
    assert "NotImplementedError" in explorer.controls.readout.value


def test_a_run_that_diverges_says_so_in_the_status_line(data):
    huge = {"he": lambda layers_dims: scaled_normal(layers_dims, lambda n_l, n_prev: 1e200)}  # overflows at once
    explorer = Explorer(huge, *data, num_iterations=ITERATIONS)
    assert explorer.shown_run.history.diverged_at == 1
    assert "training diverged at iteration 1" in explorer.controls.readout.value
    explorer.controls.scheme.value = "LeCun"
    settle(explorer)
    assert "diverged" not in explorer.controls.readout.value


def test_callbacks_from_three_threads_end_in_the_state_the_controls_name(explorer):
    """The main shell, the comm subshell and the browser's draw requests, all at once."""
    canvas = explorer.replay.figure.canvas
    canvas.syncing_data_url = False  # what the browser's "initialized" message sets: frames go out as sent
    sent = []
    canvas.send_binary = sent.append
    schemes = [o for o in explorer.controls.scheme.options if o != CUSTOM]
    stop, changed = threading.Event(), threading.Event()

    def clicks(seed):
        rng = random.Random(seed)
        for _ in range(120):
            changed.set()
            action = rng.choice(["scheme", "frame", "step", "tab", "rate"])
            if action == "scheme":
                explorer.controls.scheme.value = rng.choice(schemes)
            elif action == "frame":
                explorer.controls.frame.value = rng.randint(0, explorer.controls.frame.max)
            elif action == "step":
                rng.choice([explorer.controls.back, explorer.controls.forward, explorer.controls.start]).click()
            elif action == "tab":
                explorer.tabs.selected_index = rng.choice([0, 0, 1, 2, 3])
            else:
                explorer.controls.learning_rate.value = rng.choice([0.01, 0.02])

    def browser_draws():  # as a browser does: a frame after a change, never draw after draw (that starves the clicks)
        while not stop.is_set():
            changed.wait()
            changed.clear()
            canvas.draw()

    threads = [threading.Thread(target=clicks, args=(seed,)) for seed in (1, 2)]
    drawer = threading.Thread(target=browser_draws)
    drawer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    explorer.tabs.selected_index = 0  # back to the replay (the depth view trains nothing)
    settle(explorer)
    stop.set()
    changed.set()
    drawer.join(600)
    assert not any(t.is_alive() for t in threads + [drawer]), "a callback thread is stuck after 10 minutes"
    assert errors(explorer) == []
    run = explorer.runs.get(explorer.config())
    k = explorer.controls.frame.value
    assert explorer.shown_run is run and explorer.replay.shown == (run, k)
    assert f"<b>{run.label}</b> &nbsp; iteration <b>{run.iterations[k]}</b>" in explorer.controls.readout.value
    canvas.draw()  # what the browser shows after quiet: the last frame sent
    last = np.asarray(Image.open(io.BytesIO(sent[-1])))
    np.testing.assert_array_equal(last, fresh_render(run, k, explorer.data, explorer.runs.grid_shape))


def test_depth_tab_follows_scheme_layers_and_width_and_trains_nothing(explorer):
    c, view = explorer.controls, explorer.depth_view
    explorer.tabs.selected_index = DEPTH
    he_scale = view.shown[2]
    assert view.shown[:2] == (50, 256) and view.shown[3] == "He (yours)"
    assert he_scale == pytest.approx(np.sqrt(2 / 256), rel=0.02)  # measured from the learner's own W1
    assert len(view.forward.get_xdata()) == 50 and "(closed form)" in c.depth_caption.value
    trained = set(explorer.runs._cache)
    c.scheme.value = "LeCun"
    c.layers.value = 20
    c.width.value = 64
    assert view.shown == (20, 64, SCALES["LeCun"].factor, "LeCun") and len(view.backward.get_ydata()) == 20
    c.scheme.value = "zeros (yours)"
    assert view.shown[2] == 0 and "exactly 0" in view.note.get_text()
    c.scheme.value = CUSTOM
    c.scale.value = 0.5  # no debounce: nothing trains here
    assert view.shown[2] == 0.5 and "s = 0.5" in c.depth_caption.value
    assert set(explorer.runs._cache) == trained and not explorer.runs.busy() and errors(explorer) == []
    explorer.tabs.selected_index = 0  # the replay trains what the controls name
    settle(explorer)
    assert explorer.shown_run.config == explorer.config()


def test_open_depth_shows_the_depth_view_also_as_a_static_picture(explorer):
    assert explorer.open_depth(layers=30, width=128) is explorer
    assert explorer.depth_view.shown[:2] == (30, 128)
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Initialization explorer (depth view: He (yours), 30 layers of 128 units)")
    png = Image.open(io.BytesIO(__import__("base64").b64decode(bundle["image/png"])))
    assert png.size == tuple(explorer.depth_view.figure.canvas.get_width_height())
    assert np.asarray(png)[..., 3].min() > 0  # the whole figure, axes included, not only what moves


def test_static_renderings_get_a_picture_and_a_sentence_not_a_widget_repr(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "Initialization explorer (He (yours) at iteration 0). Run the notebook to use its controls."
    assert "VBox" not in bundle["text/plain"]
    png = Image.open(io.BytesIO(__import__("base64").b64decode(bundle["image/png"])))
    assert png.size == (720, 288)
    run, k = explorer.shown_run, explorer.controls.frame.value  # the replay as the live canvas shows it
    np.testing.assert_array_equal(np.asarray(png), fresh_render(run, k, explorer.data, explorer.runs.grid_shape,
                                                                picture=True))


def test_replay_image_is_small_and_animated(explorer):
    image = explorer.replay_image(every=5)
    assert image.png[:8] == b"\x89PNG\r\n\x1a\n" and Image.open(io.BytesIO(image.png)).n_frames == 5
    assert len(image.png) < 300_000
    assert "zeros (yours), random x10 (yours), He (yours)" in image.description


def test_unknown_scheme_name_is_explained(explorer):
    with pytest.raises(ValueError, match="unknown scheme 'xavier'"):
        explorer.replay_image(("xavier",))


def test_compare_all_trains_past_a_failing_scheme_and_shows_what_the_controls_name(data):
    def initialize_parameters_random(layers_dims):
        raise RuntimeError("learner bug in random")

    explorer = Explorer({"zeros": REFERENCE["zeros"], "random": initialize_parameters_random, "he": REFERENCE["he"]},
                        *data, num_iterations=ITERATIONS)
    c, explorer.debounce = explorer.controls, 0
    explorer.tabs.selected_index = COMPARE
    settle(explorer)
    c.scheme.value = "LeCun"
    c.learning_rate.value = 0.1
    settle(explorer)
    assert explorer.replay.shown[0].config == explorer.config() and c.progress.layout.visibility == "hidden"
    for label, title in explorer.compare.titles.items():
        failed = label == "random x10 (yours)"
        assert ("cannot be trained: RuntimeError" if failed else "train accuracy") in title.get_text()
    c.scheme.value = "random x10 (yours)"  # known not to train: said at once, back to the scheme shown
    assert c.scheme.value == "LeCun" and "random x10 (yours) cannot be trained" in c.readout.value
    reports = [text for text in errors(explorer) if "random x10 (yours) cannot be trained" in text]
    assert len(reports) == 1 and reports[0].endswith(REBUILD)


def test_an_exit_in_a_learner_initializer_is_reported_and_the_explorer_trains_on(data):
    def initialize_parameters_random(layers_dims):
        sys.exit("stop here")

    explorer = Explorer({"random": initialize_parameters_random, "he": REFERENCE["he"]}, *data,
                        num_iterations=ITERATIONS)
    for label in ("random x10 (yours)", "LeCun", "x0.01"):
        explorer.controls.scheme.value = label
        settle(explorer)
    assert explorer.shown_run.label == "x0.01" and all(worker.is_alive() for worker in explorer.runs._workers)
    assert "SystemExit('stop here')" in " ".join(errors(explorer))


def test_the_depth_tab_calls_a_learner_initializer_under_the_lock_training_uses(data):
    held = []

    def initialize_parameters_he(layers_dims):
        held.append(runs_module.INITIALIZER_LOCK.locked())
        return REFERENCE["he"](layers_dims)

    explorer = Explorer({"he": initialize_parameters_he}, *data, num_iterations=ITERATIONS)
    explorer.open_depth(width=64)
    assert held == [True, True] and explorer.depth_view.shown[:2] == (50, 64)


def test_the_depth_tab_names_the_scheme_and_the_call_when_a_learner_initializer_fails(data):
    def initialize_parameters_he(layers_dims):  # written for three weight layers
        parameters = REFERENCE["he"](layers_dims)
        parameters["W3"]
        return parameters

    huge = {"random": lambda layers_dims: scaled_normal(layers_dims, lambda n_l, n_prev: 1e200)}
    explorer = Explorer({"he": initialize_parameters_he, **huge}, *data, num_iterations=ITERATIONS)
    explorer.open_depth(width=64)
    assert ("He (yours): your initializer, called with layers_dims=[64, 64] (the depth tab measures the scale"
            in explorer.controls.readout.value) and "KeyError" in explorer.controls.readout.value
    assert errors(explorer)[-1].endswith(REBUILD)
    explorer.controls.scheme.value = "random x10 (yours)"
    assert "drew weights whose standard deviation is inf" in explorer.controls.readout.value


@pytest.mark.parametrize("arrange, message", [
    (lambda X, Y, tX, tY: (X.T, Y, tX, tY), "Y must have shape"),
    (lambda X, Y, tX, tY: (X, tX, Y, tY), "Y must have shape"),
    (lambda X, Y, tX, tY: (X.tolist(), Y, tX, tY), "X must be a 2-D numpy array")],
    ids=["X transposed", "arrays in the wrong order", "a list"])
def test_data_in_the_wrong_shape_or_order_is_explained_before_any_figure(data, arrange, message):
    with pytest.raises(TrainingInputError, match=f"the training data: {message}.*The explorer takes train_X, "
                                                 "train_Y, test_X, test_Y, in that order"):
        Explorer(dict(REFERENCE), *arrange(*data))


def test_layers_dims_that_do_not_fit_the_data_are_explained(data):
    with pytest.raises(ValueError, match=r"cannot train its built-in scheme .* layers_dims=\[3, 10, 1\]"):
        Explorer(dict(REFERENCE), *data, layers_dims=(3, 10, 1), num_iterations=ITERATIONS)


def test_settings_outside_the_sliders_are_said_with_the_value_used(data):
    explorer = Explorer({"he": REFERENCE["he"]}, *data, learning_rate=2.0, num_iterations=500)
    assert explorer.config().learning_rate == 1.0 and explorer.config().num_iterations == 1000
    assert errors(explorer)[:2] == ["learning_rate=2.0: its slider takes 0.0001 to 1, so the explorer uses 1.\n",
                                    "num_iterations=500: its slider takes 1000 to 30000, so the explorer uses 1000.\n"]


def test_replay_image_takes_one_scheme_name(explorer):
    assert explorer.replay_image("he", every=10).description.startswith("Animated replay of He (yours):")
