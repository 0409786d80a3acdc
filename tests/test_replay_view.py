"""The replay view: one run at one snapshot, drawn over a saved background, identical to a fresh full render."""
import io
import threading

import numpy as np
import pytest
from PIL import Image

from init_utils import load_dataset
from init_utils.figure_parts import agg_figure, figure_png, widget_figure
from init_utils.replay_view import ReplayView, status_text
from init_utils.runs import Config, Run, Runs
from reference import REFERENCE


@pytest.fixture(scope="module")
def setup():
    data = load_dataset(plot=False)
    runs = Runs(dict(REFERENCE), data, [2, 10, 5, 1])
    he = runs.train_now(Config("He (yours)", None, 0.01, 2000))
    x10 = runs.train_now(Config("random x10 (yours)", None, 0.01, 3000))
    return data, runs, he, x10


def fresh_render(run, k, data, grid_shape, size=(9.0, 3.6), picture=False):
    """Render snapshot ``k`` of ``run`` into a new replay figure on a plain Agg canvas (or its picture); return its pixels."""
    view = ReplayView(data, grid_shape, agg_figure(size))
    view.show(run, k)
    return np.asarray(Image.open(io.BytesIO(view.picture() if picture else figure_png(view.figure))))


def live_view(data, grid_shape):
    return ReplayView(data, grid_shape, widget_figure(9.0, 3.6, threading.RLock(), "explorer-replay"))


def connected_view(data, grid_shape):
    """Return a live view whose canvas sends its frames into the returned list, as once its browser view is there."""
    view, sent = live_view(data, grid_shape), []
    view.figure.canvas.syncing_data_url = False  # what the browser's "initialized" message sets
    view.figure.canvas.send_binary = sent.append
    return view, sent


def test_each_frame_the_browser_asks_for_is_one_whole_image_equal_to_a_fresh_render(setup):
    data, runs, he, x10 = setup
    view, sent = connected_view(data, runs.grid_shape)
    canvas = view.figure.canvas
    for run, k in [(he, 3), (he, 20), (x10, 0), (x10, 30), (he, 7)]:
        text = view.show(run, k)
        assert f"iteration <b>{run.iterations[k]}</b>" in text and text == status_text(run, k)
        canvas.draw()  # what the browser's draw request runs, after show's draw_idle
        assert tuple(fresh_render(run, k, data, runs.grid_shape).shape) == np.asarray(Image.open(io.BytesIO(sent[-1]))).shape
    assert len(sent) == 5
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(sent[-1]))), fresh_render(he, 7, data, runs.grid_shape))


def test_a_diverged_run_says_where_in_its_status():
    class History:
        snapshot_iterations, diverged_at = [0, 100, 200], 137

    run = Run(Config("x", None, 1.0, 200), History(), None, np.ones(3), np.ones(3), np.array([0.7, np.nan, np.nan]))
    assert "training diverged at iteration 137" in status_text(run, 0)
    History.diverged_at = None
    assert "diverged" not in status_text(run, 2)


def test_artists_follow_the_snapshot(setup):
    data, runs, he, x10 = setup
    view = live_view(data, runs.grid_shape)
    view.show(x10, 0)
    np.testing.assert_array_equal(view.image.get_array(), x10.boundaries[0])
    assert view.marker.get_xdata()[0] == 0 and view.marker.get_ydata()[0] == 10.0  # inf cost: top of the axis
    assert np.isnan(view.cost_line.get_ydata()[0])
    text = view.show(he, 20)
    assert view.cost_ax.get_xlim() == (0, 2000) and view.marker.get_xdata()[0] == 2000
    assert "iteration <b>2000</b>" in text and f"train accuracy <b>{he.train_accuracy[20]:.1%}</b>" in text


def test_the_picture_names_its_snapshot_and_the_next_frame_is_drawn_as_before(setup):
    data, runs, he, x10 = setup
    view, sent = connected_view(data, runs.grid_shape)
    canvas = view.figure.canvas
    view.show(x10, 30)
    canvas.draw()
    picture = np.asarray(Image.open(io.BytesIO(view.picture())))
    assert picture.shape == fresh_render(x10, 30, data, runs.grid_shape).shape
    assert not np.array_equal(picture, fresh_render(x10, 30, data, runs.grid_shape))  # the title differs
    assert view.title.get_text() == "decision boundary at this snapshot"
    view.show(he, 7)
    canvas.draw()
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(sent[-1]))), fresh_render(he, 7, data, runs.grid_shape))
