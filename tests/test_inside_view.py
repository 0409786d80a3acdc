"""Inside the network: distinct units in words, and all-zero gradients said in words."""
import threading

from init_utils import load_dataset
from init_utils.inside_view import InsideView, units_text
from init_utils.runs import Config, Runs
from init_utils.schemes import scaled_normal
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


def test_a_snapshot_with_inf_weights_or_overflowing_activations_is_said_in_words_not_drawn():
    data = load_dataset(plot=False)
    huge = {"he": lambda layers_dims: scaled_normal(layers_dims, lambda n_l, n_prev: 1e200)}
    run = Runs(huge, data, [2, 10, 5, 1]).train_now(Config("He (yours)", None, 0.01, 1000))
    view = InsideView([2, 10, 5, 1], data, threading.RLock())
    view.show(run, 1)  # the weights are inf from iteration 1
    assert view.note.get_text() == "the weights hold inf or NaN (training diverged at iteration 1): nothing to draw"
    assert not any(ax.patches for ax in view.figure.axes) and view.title.get_text() == "He (yours), iteration 100"
    view.show(run, 0)  # finite weights of 1e200: the activations overflow
    assert view.note.get_text().startswith("the activations or gradients overflow to inf or NaN")
    view.show(Runs(dict(REFERENCE), data, [2, 10, 5, 1]).train_now(Config("He (yours)", None, 0.01, 1000)), 0)
    assert view.note.get_text() == "" and all(ax.patches and ax.axison for ax in view.figure.axes)
