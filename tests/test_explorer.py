"""The explorer driven headlessly: controls change what is shown, from any thread, in any order."""
import io
import random
import threading

import numpy as np
import pytest
from PIL import Image

from init_utils.explorer import Explorer
from init_utils.runs import CUSTOM
from reference import REFERENCE

ITERATIONS = 2000


@pytest.fixture
def explorer(data):
    return Explorer(dict(REFERENCE), *data, num_iterations=ITERATIONS)


def settle(explorer):
    assert explorer.runs.wait(120)


def errors(explorer):
    return [o.get("text", "") for o in explorer.errors.outputs]


def shown(explorer):
    return np.asarray(explorer.replay.image.get_array())


def test_starts_on_he_with_every_snapshot_shown(explorer):
    run = explorer.current
    assert explorer.scheme.value == run.label == "He (yours)"
    assert explorer.frame.max == explorer.play.max == len(run.iterations) - 1
    assert "iteration <b>0</b>" in explorer.readout.value and errors(explorer) == []


def test_slider_and_buttons_move_the_boundary_marker_and_status(explorer):
    run = explorer.current
    explorer.frame.value = explorer.frame.max
    np.testing.assert_array_equal(shown(explorer), run.boundaries[-1])
    assert explorer.replay.marker.get_xdata()[0] == ITERATIONS
    assert f"iteration <b>{ITERATIONS}</b>" in explorer.readout.value
    explorer.step_back.click()
    explorer.step_back.click()
    assert explorer.frame.value == explorer.frame.max - 2
    explorer.to_start.click()
    explorer.step_back.click()
    assert explorer.frame.value == 0
    explorer.step_forward.click()
    np.testing.assert_array_equal(shown(explorer), run.boundaries[1])


def test_switching_scheme_trains_in_the_background_and_keeps_the_iteration(explorer):
    explorer.frame.value = 10
    explorer.scheme.value = "zeros (yours)"
    settle(explorer)
    assert explorer.current.label == "zeros (yours)" and explorer.frame.value == 10
    assert np.allclose(explorer.replay.cost_line.get_ydata(), np.log(2))
    np.testing.assert_array_equal(shown(explorer), explorer.current.boundaries[10])
    first = explorer.current
    explorer.scheme.value = "He (yours)"
    explorer.scheme.value = "zeros (yours)"  # cached: shown at once, nothing to wait for
    assert explorer.current is first and not explorer.runs.busy()


def test_learning_rate_slider_retrains_debounced_and_shows_the_new_run(explorer):
    before = explorer.current
    for value in (0.02, 0.03, 0.05, 0.1):  # a drag: only the last value is trained
        explorer.learning_rate.value = value
    settle(explorer)
    assert explorer.current.config.learning_rate == pytest.approx(0.1)
    assert explorer.current.history.learning_rate == pytest.approx(0.1)
    trained_rates = {c.learning_rate for c in explorer.runs._cache}
    assert 0.02 not in trained_rates and 0.03 not in trained_rates
    assert not np.array_equal(explorer.current.boundaries[-1], before.boundaries[-1])


def test_progress_bar_shows_real_progress_then_hides(explorer):
    seen = []
    explorer.progress.observe(lambda change: seen.append(change["new"]), "value")
    explorer.iterations.value = 5000
    settle(explorer)
    assert len(seen) >= 4 and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert explorer.progress.layout.visibility == "hidden"
    assert explorer.current.iterations[-1] == 5000 and explorer.frame.max == 50


def test_custom_scale_slider_trains_with_its_factor(explorer):
    explorer.scheme.value = CUSTOM
    settle(explorer)
    assert explorer.scale.layout.display == ""
    first = explorer.current.history.snapshots[0]["W1"].copy()
    explorer.scale.value = 0.1
    settle(explorer)
    np.testing.assert_allclose(explorer.current.history.snapshots[0]["W1"], first * 0.1)
    explorer.scheme.value = "LeCun"
    assert explorer.scale.layout.display == "none"


def test_compare_tab_trains_every_scheme_then_shows_them_at_one_iteration(explorer):
    explorer.frame.value = 5
    explorer.tabs.selected_index = 1
    settle(explorer)
    iteration = explorer.current.iterations[5]
    for label, image in explorer.compare.images.items():
        run = explorer.runs.get(explorer.config(label))
        np.testing.assert_array_equal(image.get_array(), run.boundaries[run.history.snapshot_index(iteration)])
    explorer.frame.value = 6
    assert explorer.compare.now.get_xdata()[0] == explorer.current.iterations[6]


def test_inside_view_is_computed_only_while_its_tab_is_open(explorer, monkeypatch):
    calls = []
    original = explorer.inside.show
    monkeypatch.setattr(explorer.inside, "show", lambda run, k: (calls.append(k), original(run, k)))
    for k in range(5):
        explorer.frame.value = k
    assert calls == []
    explorer.tabs.selected_index = 2
    explorer.frame.value = 7
    assert calls == [4, 7]


def test_unwritten_learner_function_falls_back_and_reports_it(data):
    def initialize_parameters_he(layers_dims):
        raise NotImplementedError("initialize_parameters_he: replace this line with your code")

    explorer = Explorer({"zeros": REFERENCE["zeros"], "he": initialize_parameters_he}, *data, num_iterations=ITERATIONS)
    assert explorer.current.label == explorer.scheme.value == "zeros (yours)"
    assert "replace this line with your code" in " ".join(errors(explorer))
    explorer.scheme.value = "He (yours)"
    settle(explorer)
    assert explorer.scheme.value == explorer.current.label == "zeros (yours)"
    assert "NotImplementedError" in explorer.readout.value


def test_callbacks_from_three_threads_end_in_the_state_the_controls_name(explorer):
    """The main shell, the comm subshell and the browser's draw requests, all at once."""
    canvas = explorer.replay.figure.canvas
    canvas.syncing_data_url = False
    sent = []
    canvas.send_binary = sent.append
    schemes = [o for o in explorer.scheme.options if o != CUSTOM]
    stop = threading.Event()

    def clicks(seed):
        rng = random.Random(seed)
        for _ in range(120):
            action = rng.choice(["scheme", "frame", "step", "tab", "rate"])
            if action == "scheme":
                explorer.scheme.value = rng.choice(schemes)
            elif action == "frame":
                explorer.frame.value = rng.randint(0, explorer.frame.max)
            elif action == "step":
                rng.choice([explorer.step_back, explorer.step_forward, explorer.to_start]).click()
            elif action == "tab":
                explorer.tabs.selected_index = rng.choice([0, 0, 1, 2])
            else:
                explorer.learning_rate.value = rng.choice([0.01, 0.02])

    def browser_draws():
        while not stop.is_set():
            canvas.draw()

    threads = [threading.Thread(target=clicks, args=(seed,)) for seed in (1, 2)]
    drawer = threading.Thread(target=browser_draws)
    drawer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    settle(explorer)
    stop.set()
    drawer.join(30)
    assert errors(explorer) == []
    run = explorer.runs.get(explorer.config())
    k = explorer.frame.value
    assert explorer.current is run and explorer.replay.shown == (run, k)
    assert f"<b>{run.label}</b> &nbsp; iteration <b>{run.iterations[k]}</b>" in explorer.readout.value
    canvas.draw()  # what the browser shows after quiet: the last frame sent
    last = np.asarray(Image.open(io.BytesIO(sent[-1])))
    np.testing.assert_array_equal(last, np.asarray(Image.open(io.BytesIO(explorer.snapshot_png()))))


def test_static_renderings_get_a_picture_and_a_sentence_not_a_widget_repr(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "Initialization explorer (He (yours) at iteration 0). Run the notebook to use its controls."
    assert "VBox" not in bundle["text/plain"]
    png = __import__("base64").b64decode(bundle["image/png"])
    assert Image.open(io.BytesIO(png)).size == (720, 288)
    assert png == explorer.snapshot_png()  # the replay as the live canvas shows it


def test_replay_image_is_small_and_animated(explorer):
    image = explorer.replay_image(every=5)
    assert image.png[:8] == b"\x89PNG\r\n\x1a\n" and Image.open(io.BytesIO(image.png)).n_frames == 5
    assert len(image.png) < 300_000
    assert "zeros (yours), random x10 (yours), He (yours)" in image.description


def test_export_html_needs_no_script(explorer, tmp_path):
    html = explorer.export_html("he", path=tmp_path / "he.html", every=10)
    assert html.startswith("<img") and "<script" not in html and "https://" not in html
    assert (tmp_path / "he.html").read_text() == html


def test_unknown_scheme_name_is_explained(explorer):
    with pytest.raises(ValueError, match="unknown scheme 'xavier'"):
        explorer.replay_image(("xavier",))
