"""Inside the network: distinct units in words, and all-zero gradients said in words."""
import threading

from init_utils import load_dataset
from init_utils.inside_view import InsideView, units_text
from init_utils.runs import Config, Runs
from reference import REFERENCE


def texts(view):
    return [t.get_text() for ax in view.figure.axes for t in ax.texts]


def test_units_are_counted_in_words():
    assert units_text(1, 10) == "1 distinct unit of 10"
    assert units_text(5, 5) == "5 distinct units of 5"


def test_zeros_have_one_distinct_unit_and_every_gradient_exactly_zero():
    data = load_dataset(plot=False)
    runs = Runs(dict(REFERENCE), data, [2, 10, 5, 1])
    view = InsideView([2, 10, 5, 1], data, threading.RLock())
    view.show(runs.train_now(Config("zeros (yours)", None, 0.01, 1000)), 5)
    shown = " | ".join(texts(view))
    assert "1 distinct unit of 10" in shown and "1 distinct unit of 5" in shown
    assert "every weight gradient\nis exactly 0" in shown and not view.gradient_ax.patches
    assert "zeros (yours), iteration 500" == view.title.get_text()


def test_x10_saturates_the_output_and_draws_one_bar_per_layer():
    data = load_dataset(plot=False)
    runs = Runs(dict(REFERENCE), data, [2, 10, 5, 1])
    view = InsideView([2, 10, 5, 1], data, threading.RLock())
    view.show(runs.train_now(Config("random x10 (yours)", None, 0.01, 1000)), 0)
    assert "of outputs at exactly 0 or 1" in view.activation_axes[-1].texts[0].get_text()
    assert len(view.gradient_ax.patches) == 3
    assert "10 distinct units of 10" in view.activation_axes[0].texts[0].get_text()
