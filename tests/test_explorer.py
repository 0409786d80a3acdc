"""The explorer driven headlessly: controls change what is shown, from any thread, in any order."""
import io
import random
import threading

import numpy as np
import pytest
from PIL import Image

from init_utils.explorer import DEPTH, Explorer
from init_utils.runs import CUSTOM
from init_utils.schemes import SCALES, scaled_normal
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
    assert "replace this line with your code" in " ".join(errors(explorer))
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
    stop = threading.Event()

    def clicks(seed):
        rng = random.Random(seed)
        for _ in range(120):
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

    def browser_draws():
        while not stop.is_set():
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
