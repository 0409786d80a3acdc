"""The depth view: per-layer RMS on a log axis, from cached stacks, with a caption against the closed form."""
import threading

import numpy as np
import pytest

from init_utils.depth_view import KEPT_WIDTHS, DepthView, axis_layers, log_limits
from init_utils.schemes import SCALES
from init_utils.variance import ReluStack


@pytest.fixture
def view():
    return DepthView(threading.RLock(), samples=32)


def test_lines_hold_the_stacks_rms_and_the_caption_states_the_closed_form(view):
    caption = view.show(12, 32, SCALES["LeCun"].factor, "LeCun")
    activation, gradient = ReluStack(32, samples=32).rms(12, SCALES["LeCun"].factor)
    np.testing.assert_allclose(view.forward.get_ydata(), activation, rtol=1e-12)
    np.testing.assert_allclose(view.backward.get_ydata(), gradient, rtol=1e-12)
    assert list(view.forward.get_xdata()) == list(range(1, 13)) and view.ax.get_xlim() == (0, 30.5)
    low, high = view.ax.get_ylim()
    assert low <= min(activation.min(), gradient.min()) and high >= max(activation.max(), gradient.max())
    assert "<b>0.5</b> (closed form)" in caption and f"<b>{activation[-1]:.3g}</b> after layer 12" in caption
    assert view.title.get_text() == "LeCun: 12 ReLU layers of 32 units at initialization"


def test_the_axes_hold_lecun_glorot_and_he_so_switching_between_them_keeps_them(view):
    view.show(30, 32, SCALES["He"].factor, "He")  # LeCun halves the mean square per layer: 0.5 ** 15 = 3e-5
    assert view.ax.get_ylim() == (1e-5, 1e5) and view.ax.get_xlim() == (0, 30.5)
    view.show(30, 32, SCALES["LeCun"].factor, "LeCun")
    assert view.ax.get_ylim() == (1e-5, 1e5)
    view.show(30, 32, SCALES["x0.01"].factor, "x0.01")  # about 0.04 ** 30 = 1e-42 at width 32
    assert view.ax.get_ylim() == (1e-50, 1e50)
    view.show(100, 32, 10.0, "x10")  # about 40 ** 100 = 1e160
    assert view.ax.get_ylim() == (1e-200, 1e200) and view.ax.get_xlim() == (0, 100.5)


def test_zero_weights_are_said_in_words_not_plotted(view):
    caption = view.show(5, 16, 0.0, "zeros")
    assert len(view.forward.get_xdata()) == 0 and "exactly 0" in view.note.get_text()
    assert "<b>0</b> (closed form)" in caption
    view.show(5, 16, 1.0, "x1")
    assert view.note.get_text() == ""


def test_a_few_widths_are_kept_and_the_oldest_is_dropped(view):
    first = view.stack(16)
    assert view.stack(16) is first  # a return to a width reuses its stack
    for width in range(32, 32 + 16 * KEPT_WIDTHS, 16):  # KEPT_WIDTHS newer widths push it out
        view.stack(width)
    assert view.stack(16) is not first


def test_limits_are_the_first_steps_that_hold_every_value():
    assert log_limits(np.array([1.0, 2.0])) == (1e-2, 1e2)
    assert log_limits(np.array([1e-40, np.inf, 1e20])) == (1e-50, 1e50)
    assert log_limits(np.array([1e-260])) == (1e-200, 1e200)  # the widest: such a line leaves the axes
    assert axis_layers(1) == 10 and axis_layers(50) == axis_layers(51) == 60 and axis_layers(100) == 100


def test_one_layer_is_said_in_the_singular(view):
    assert "x1</b>, 1 layer of 16 units:" in view.show(1, 16, 1.0, "x1")
    assert view.title.get_text() == "x1: 1 ReLU layer of 16 units at initialization"
