"""Runs: what is trained, cached and cancelled, without any widget."""
import subprocess
import sys
import threading

import numpy as np
import pytest

from init_utils import runs as runs_module
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


def test_failing_initializer_is_reported_not_raised_and_the_rest_of_the_request_trains(data):
    def initialize_parameters_he(layers_dims):
        raise NotImplementedError("replace this line with your code")

    runs = Runs({"zeros": REFERENCE["zeros"], "he": initialize_parameters_he}, data, [2, 10, 5, 1])
    failures, calls = [], []
    others = [Config(label, None, 0.01, ITERATIONS) for label in ("zeros (yours)", "LeCun", "x0.01")]
    runs.request([he()] + others, lambda: calls.append("done"),
                 lambda config, error: failures.append((config.label, type(error))))
    assert runs.wait(600)
    assert failures == [("He (yours)", NotImplementedError)] and calls == ["done"]
    assert all(runs.get(config) is not None for config in others)
    assert isinstance(runs.failures["He (yours)"], NotImplementedError)


@pytest.mark.parametrize("stop", [SystemExit("stop here"), KeyboardInterrupt()])
def test_an_exit_raised_by_an_initializer_is_reported_and_the_workers_live_on(data, stop):
    def initialize_parameters_he(layers_dims):
        raise stop  # a sys.exit() left in while debugging

    runs = Runs({"he": initialize_parameters_he}, data, [2, 10, 5, 1])
    failures = []
    runs.request([he()], lambda: None, lambda config, error: failures.append(error))
    assert runs.wait(600), "a training thread died"
    assert len(failures) == 1 and repr(stop) in str(failures[0]) and "exit()" in str(failures[0])
    assert all(worker.is_alive() for worker in runs._workers)
    runs.request([Config("LeCun", None, 0.01, ITERATIONS)], lambda: None, pytest.fail)
    assert runs.wait(600) and runs.get(Config("LeCun", None, 0.01, ITERATIONS)) is not None


class WatchedLock:
    """Stands in for INITIALIZER_LOCK and sets ``contended`` when a caller has to wait for it."""

    def __init__(self, contended):
        self.lock, self.contended = threading.Lock(), contended

    def __enter__(self):
        if not self.lock.acquire(blocking=False):
            self.contended.set()
            self.lock.acquire()

    def __exit__(self, *exc_info):
        self.lock.release()


def test_initializers_are_called_one_at_a_time(data, monkeypatch):
    """Two trainings start at once; the first call holds on until the second has begun or waits for the lock."""
    second, book, started, running = threading.Event(), threading.Lock(), [], set()
    monkeypatch.setattr(runs_module, "INITIALIZER_LOCK", WatchedLock(second))
    monkeypatch.setattr(runs_module, "WORKERS", 2)

    def initializer(layers_dims):  # seeds and draws from numpy's global generator, as the course's do
        with book:
            started.append(len(running))  # how many calls were in progress when this one began
            running.add(threading.get_ident())
            first = len(started) == 1
        if first:
            assert second.wait(600), "the second call never came"
        else:
            second.set()
        with book:
            running.discard(threading.get_ident())
        return REFERENCE["he"](layers_dims)

    runs = Runs({"random": initializer, "he": initializer}, data, [2, 10, 5, 1])
    runs.request([he(), Config("random x10 (yours)", None, 0.01, ITERATIONS)], lambda: None, pytest.fail)
    assert runs.wait(600)
    assert started == [0, 0]


@pytest.mark.parametrize("initializers", [{"LeCun": REFERENCE["he"]}, {"x0.01": REFERENCE["he"]},
                                          {"custom scale": REFERENCE["he"]},
                                          {"zeros": REFERENCE["zeros"], "zeros (yours)": REFERENCE["he"]}])
def test_a_learner_key_that_takes_a_label_already_shown_is_refused(data, initializers):
    with pytest.raises(ValueError, match="would be shown as .*: give it another name"):
        Runs(initializers, data, [2, 10, 5, 1])


def test_a_called_function_instead_of_the_function_is_explained(data):
    with pytest.raises(TypeError, match=r"initializers\['he'\] is a dict, not a function: pass the function itself, "
                                        "without calling it"):
        Runs({"he": REFERENCE["he"]([2, 10, 5, 1])}, data, [2, 10, 5, 1])
    with pytest.raises(TypeError, match=r"initializers\['he'\] is an int, not a function"):
        Runs({"he": 3}, data, [2, 10, 5, 1])


@pytest.mark.parametrize("initializers", [[REFERENCE["he"]], None, "he"])
def test_initializers_that_are_not_a_dict_are_explained(data, initializers):
    with pytest.raises(TypeError, match="initializers must be a dict from a name to your function"):
        Runs(initializers, data, [2, 10, 5, 1])


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
