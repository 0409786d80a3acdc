"""Shared figure parts: an ipympl canvas drawn under a lock and sent as whole frames."""
import threading

import numpy as np

from init_utils import load_dataset
from init_utils.figure_parts import boundary_axes, cost_axes, widget_figure


def test_widget_figure_is_an_ipympl_canvas_with_no_chrome():
    import ipywidgets

    figure = widget_figure(4, 3, threading.RLock(), "my-figure")
    canvas = figure.canvas
    assert isinstance(canvas, ipywidgets.DOMWidget) and "my-figure" in canvas._dom_classes
    assert not canvas.header_visible and not canvas.footer_visible and not canvas.toolbar_visible
    assert tuple(canvas.get_width_height()) == (320, 240)


def test_every_draw_and_blit_waits_for_the_lock_and_is_sent_whole():
    lock = threading.RLock()
    figure = widget_figure(3, 2, lock, "f")
    canvas = figure.canvas
    canvas.syncing_data_url = False  # as once a browser view is connected
    modes = []
    canvas.send_binary = lambda data: modes.append(canvas._current_image_mode)
    canvas.draw()
    canvas.draw()
    canvas.blit(figure.bbox)
    assert modes == ["full", "full", "full"]  # never a diff the browser could drop

    lock.acquire()
    drawing = threading.Thread(target=canvas.draw)
    drawing.start()
    drawing.join(0.3)
    assert drawing.is_alive()  # blocked while another callback holds the lock
    lock.release()
    drawing.join(5)
    assert not drawing.is_alive() and len(modes) == 4


def test_boundary_axes_show_the_square_view_under_the_points():
    from matplotlib.figure import Figure

    X, Y, _, _ = load_dataset(plot=False)
    ax = Figure().subplots()
    image, markers = boundary_axes(ax, (4, 4), X, Y)
    assert ax.get_xlim() == (-1.5, 1.5) and np.asarray(image.get_array()).shape == (4, 4)
    assert [m.get_marker() for m in markers] == ["o", "^"]  # shape as well as colour tells the classes apart
    assert image.zorder < min(m.zorder for m in markers)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 4 and "predicts 0" in labels


def test_cost_axis_labels_are_plain_text():
    from matplotlib.figure import Figure

    figure = Figure()
    ax = cost_axes(figure.subplots())
    figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "0.01" in labels and not any("$" in label for label in labels)
