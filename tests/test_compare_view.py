"""Compare all: every scheme at the same iteration; schemes still training say so."""
import threading

import numpy as np

from init_utils import load_dataset
from init_utils.compare_view import CompareView
from init_utils.runs import Config, Runs
from reference import REFERENCE


def test_every_scheme_at_the_same_iteration_and_missing_ones_marked_training():
    data = load_dataset(plot=False)
    runs = Runs(dict(REFERENCE), data, [2, 10, 5, 1])
    view = CompareView(runs.labels, data, runs.grid_shape, threading.RLock())
    trained = {label: runs.train_now(Config(label, None, 0.01, 2000)) for label in runs.labels[:2]}
    shown = {label: trained.get(label) for label in runs.labels}
    view.show(shown, 1000, 2000)
    for label, run in trained.items():
        np.testing.assert_array_equal(view.images[label].get_array(), run.boundaries[10])
        assert f"train accuracy {run.train_accuracy[10]:.0%}" in view.titles[label].get_text()
    assert all("training…" in view.titles[label].get_text() for label in runs.labels[2:])
    assert view.now.get_xdata()[0] == 1000 and view.cost_ax.get_xlim() == (0, 2000)
    assert len(view.lines[runs.labels[0]].get_xdata()) == 21 and len(view.lines[runs.labels[3]].get_xdata()) == 0


def test_a_scheme_that_cannot_be_trained_says_so_in_its_panel():
    data = load_dataset(plot=False)
    view = CompareView(["He (yours)", "LeCun"], data, (8, 8), threading.RLock())
    view.show({"He (yours)": RuntimeError("learner bug"), "LeCun": None}, 0, 1000)
    assert view.titles["He (yours)"].get_text() == "He (yours)\ncannot be trained: RuntimeError"
    assert view.titles["LeCun"].get_text() == "LeCun\ntraining…"
