"""Runs: what is trained, cached and cancelled, without any widget."""
import subprocess
import sys
import threading

import numpy as np
import pytest

from init_utils.runs import CUSTOM, Config, Runs
from reference import REFERENCE

ITERATIONS = 2000


@pytest.fixture
def runs(data):
    return Runs(dict(REFERENCE), data, [2, 10, 5, 1])


def he(learning_rate=0.01, iterations=ITERATIONS):
    return Config("He (yours)", None, learning_rate, iterations)


def test_learner_schemes_come_first_then_the_builtin_ones(runs):
    assert runs.labels[:3] == ["zeros (yours)", "random x10 (yours)", "He (yours)"]
    assert runs.labels[3:] == ["Xavier/Glorot", "LeCun", "x0.01"]
    assert runs.label("he") == "He (yours)" and runs.label(CUSTOM) == CUSTOM


def test_unknown_scheme_is_explained(runs):
    with pytest.raises(ValueError, match="unknown scheme 'xavier'"):
        runs.label("xavier")


def test_a_run_holds_every_frame_precomputed_and_is_cached(runs, data):
    run = runs.train_now(he())
    assert run.iterations == list(range(0, ITERATIONS, 100)) + [ITERATIONS]
    assert run.boundaries.shape == (len(run.iterations), *runs.grid_shape) and run.boundaries.dtype == np.uint8
    assert run.train_accuracy.shape == run.test_accuracy.shape == run.costs.shape == (len(run.iterations),)
    assert runs.train_now(he()) is run and runs.get(he()) is run
    assert runs.get(he(0.02)) is None


def test_custom_scale_draws_with_its_own_factor(runs):
    small = runs.train_now(Config(CUSTOM, 0.1, 0.01, 1000)).history.snapshots[0]["W1"]
    large = runs.train_now(Config(CUSTOM, 1.0, 0.01, 1000)).history.snapshots[0]["W1"]
    np.testing.assert_allclose(small, large * 0.1)


def test_background_request_trains_then_calls_done(runs):
    done, seen = threading.Event(), []
    runs.request([he(), Config("LeCun", None, 0.01, ITERATIONS)], done.set, pytest.fail,
                 progress=lambda config, share: seen.append((config.label, share)))
    assert done.wait(600) and runs.wait(600)
    assert runs.get(he()) is not None and runs.get(Config("LeCun", None, 0.01, ITERATIONS)) is not None
    assert {label for label, _ in seen} == {"He (yours)", "LeCun"}  # the two train at once, each reporting
    assert max(share for _, share in seen) == 1.0 and all(0 <= share <= 1 for _, share in seen)


class Gate:
    """A progress callback that holds a training at its first report until the test opens it."""

    def __init__(self):
        self.reached, self.open = threading.Event(), threading.Event()

    def __call__(self, *args):
        self.reached.set()
        assert self.open.wait(600), "the test never opened the gate"


def test_newer_request_cancels_a_stale_training_and_only_it_completes(runs):
    calls, gate = [], Gate()
    slow = Config("He (yours)", None, 0.01, 30000)
    runs.request([slow], lambda: calls.append("stale"), pytest.fail, progress=gate)
    assert gate.reached.wait(600)  # the stale training is under way
    runs.request([he(0.05)], lambda: calls.append("fresh"), pytest.fail)
    gate.open.set()
    assert runs.wait(600)
    assert calls == ["fresh"]
    assert runs.get(slow) is None  # cancelled half way, never cached
    assert runs.get(he(0.05)) is not None


def test_a_waiting_request_replaced_by_a_newer_one_never_trains(runs):
    calls = []
    for lr in (0.011, 0.012, 0.013):  # a drag: each value waits out its debounce (10 minutes here) ...
        runs.request([he(lr)], lambda lr=lr: calls.append(lr), pytest.fail, delay=600)
    runs.request([he(0.014)], lambda: calls.append(0.014), pytest.fail)  # ... and the last value replaces them
    assert runs.wait(600)
    assert calls == [0.014] and [runs.get(he(lr)) is None for lr in (0.011, 0.012, 0.013)] == [True] * 3


def test_failing_initializer_is_reported_not_raised(data):
    def initialize_parameters_he(layers_dims):
        raise NotImplementedError("replace this line with your code")

    runs = Runs({"he": initialize_parameters_he}, data, [2, 10, 5, 1])
    failures = []
    runs.request([he()], pytest.fail, lambda config, error: failures.append((config.label, type(error))))
    assert runs.wait(600)
    assert failures == [("He (yours)", NotImplementedError)]


def test_runs_and_training_load_without_widgets_or_matplotlib():
    code = "import sys, init_utils.runs; print(sorted({'ipywidgets', 'matplotlib', 'ipympl'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_cancel_stops_a_running_training_and_drops_a_waiting_one(runs):
    calls, gate = [], Gate()
    slow = Config("He (yours)", None, 0.01, 30000)
    runs.request([slow], lambda: calls.append("done"), pytest.fail, progress=gate)
    assert gate.reached.wait(600)
    runs.request([he(0.05)], lambda: calls.append("waiting"), pytest.fail, delay=600)  # would wait 10 minutes
    runs.cancel()
    gate.open.set()
    assert runs.wait(600) and calls == [] and runs.get(slow) is None and runs.get(he(0.05)) is None
