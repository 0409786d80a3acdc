"""Shared figure parts: an ipympl canvas drawn under a lock and sent as whole frames, a figure that redraws what moves."""
import io
import threading

import numpy as np
from PIL import Image

from init_utils import load_dataset
from init_utils.figure_parts import agg_figure, boundary_axes, cost_axes, figure_png, widget_figure


def test_widget_figure_is_an_ipympl_canvas_with_no_chrome():
    import ipywidgets

    figure = widget_figure(4, 3, threading.RLock(), "my-figure")
    canvas = figure.canvas
    assert isinstance(canvas, ipywidgets.DOMWidget) and "my-figure" in canvas._dom_classes
    assert not canvas.header_visible and not canvas.footer_visible and not canvas.toolbar_visible
    assert tuple(canvas.get_width_height()) == (320, 240)


class RecordingLock:
    """An RLock that says when a thread starts waiting for it."""

    def __init__(self):
        self.lock, self.tried = threading.RLock(), threading.Event()

    def __enter__(self):
        self.tried.set()
        self.lock.acquire()

    def __exit__(self, *exc):
        self.lock.release()


def sent_frames(canvas):
    """Make ``canvas`` behave as once a browser view is there; return the list its frames go to (as RGBA arrays)."""
    canvas.syncing_data_url = False  # what the browser's "initialized" message sets
    frames = []
    canvas.send_binary = lambda data: frames.append(np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")))
    return frames


def test_every_frame_is_drawn_under_the_lock_and_sent_whole():
    lock = RecordingLock()
    figure = widget_figure(3, 2, lock, "f")
    line, = figure.subplots().plot([0, 1], [0, 1])
    figure.set_moving([line])
    frames = sent_frames(figure.canvas)
    figure.canvas.draw()
    line.set_data([0, 1], [1, 0])
    figure.canvas.draw()
    assert len(frames) == 2 and all(frame[:, :, 3].all() for frame in frames)  # whole images: no pixel left out

    lock.tried.clear()
    with lock:
        drawing = threading.Thread(target=figure.canvas.draw)
        drawing.start()
        assert lock.tried.wait(600)
        assert len(frames) == 2  # it waits for the lock a callback holds: nothing drawn or sent yet
    drawing.join(600)
    assert not drawing.is_alive() and len(frames) == 3


def test_a_picture_of_a_live_figure_is_its_next_frame_and_savefig_draws_it_whole():
    figure = widget_figure(3, 2, threading.RLock(), "f")
    ax = figure.subplots()
    ax.set_title("static")
    line, = ax.plot([0, 1], [0, 1])
    figure.tight_layout()  # leaves a layout engine: savefig first draws with drawing disabled
    figure.set_moving([line])
    frames = sent_frames(figure.canvas)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    saved = np.asarray(Image.open(buffer).convert("RGBA"))
    assert saved[..., 3].min() > 0 and (saved[..., :3] < 128).any()  # the axes too, not only the line
    picture = np.asarray(Image.open(io.BytesIO(figure_png(figure))).convert("RGBA"))
    figure.canvas.draw()
    np.testing.assert_array_equal(frames[-1], picture)


def test_a_frame_drawn_over_the_saved_background_equals_a_full_draw():
    figure = agg_figure((3, 2))
    ax = figure.subplots()
    ax.plot([3, 4], [0, 2], color="k")
    image = ax.imshow(np.zeros((4, 4)), extent=(0, 2, 0, 2), vmin=0, vmax=1)
    ax.set_xlim(0, 4)
    title = ax.set_title("start")
    figure.set_moving([image, title])
    figure.canvas.draw()
    image.set_data(np.eye(4))
    title.set_text("moved")
    figure.canvas.draw()  # reuses the background
    reused = np.asarray(figure.canvas.buffer_rgba()).copy()
    figure.redraw_all()
    figure.canvas.draw()
    np.testing.assert_array_equal(reused, np.asarray(figure.canvas.buffer_rgba()))
    assert (reused[..., :3] != 255).any(axis=2).mean() > 0.1  # something was drawn


def test_boundary_axes_show_the_square_view_under_the_points():
    from matplotlib.figure import Figure

    X, Y, _, _ = load_dataset(plot=False)
    ax = Figure().subplots()
    image, markers = boundary_axes(ax, (4, 4), X, Y)
    assert ax.get_xlim() == (-1.5, 1.5) and np.asarray(image.get_array()).shape == (4, 4)
    assert [m.get_marker() for m in markers] == ["o", "^"]  # shape as well as colour tells the classes apart
    assert image.zorder < min(m.zorder for m in markers)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 4 and any(label.endswith("predicts 0") for label in labels)


def test_cost_axis_labels_are_plain_text():
    from matplotlib.figure import Figure

    figure = Figure()
    ax = cost_axes(figure.subplots())
    figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "0.01" in labels and not any("$" in label for label in labels)
