"""What the explorer trains: one Run per configuration, cached, trained in the background.

Not pure math: it runs training (and its engine) in a thread. Imports no widget or figure code: callers pass callbacks.
"""
import functools
import os
import threading
import time
from dataclasses import dataclass

import numpy as np

from .boundary import boundary_grid
from .engine import predict_snapshots
from .inputs import article
from .schemes import builtin_initializer, custom_initializer
from .training import train

LEARNER_LABELS = {"zeros": "zeros (yours)", "random": "random x10 (yours)", "he": "He (yours)"}
BUILTIN = ("Xavier/Glorot", "LeCun", "x0.01")  # named scales (schemes.SCALES) offered beside the learner's
CUSTOM = "custom scale"
WORKERS = min(2, os.cpu_count() or 1)  # trainings at once: the engine releases the GIL
# Held around every call of a learner's initializer: the course's seed and draw from numpy's global generator,
# so two calls at once (two training threads, or one and the depth tab) would interleave their draws.
INITIALIZER_LOCK = threading.Lock()


def call_initializer(initializer, layers_dims):
    """Call ``initializer`` on a copy of ``layers_dims``, one call at a time; an exit it raises becomes a RuntimeError.

    A stray ``sys.exit()`` must not end a training thread or a widget callback: it is reported like any error.
    """
    with INITIALIZER_LOCK:
        try:
            return initializer(list(layers_dims))
        except (SystemExit, KeyboardInterrupt) as error:
            raise RuntimeError(f"the function raised {error!r} instead of returning, reported here as an error "
                               "(a leftover exit() or sys.exit()? remove it)") from error


def learner_initializers(initializers):
    """Return ``{label: function}`` of the learner's initializers; refuse what is not a dict of functions, or a label twice."""
    if not isinstance(initializers, dict):
        raise TypeError("initializers must be a dict from a name to your function, like "
                        f"{{'he': initialize_parameters_he}}; got {type(initializers).__name__}")
    labelled = {}
    for key, function in initializers.items():
        if not isinstance(key, str):
            raise TypeError(f"the names in initializers must be strings like 'he'; got {key!r}")
        if not callable(function):
            raise TypeError(f"initializers[{key!r}] is {article(type(function).__name__)}, not a function: pass the function "
                            "itself, without calling it ({'he': initialize_parameters_he}, not "
                            "initialize_parameters_he([2, 10, 5, 1]))")
        label = LEARNER_LABELS.get(key, key)
        if label in labelled or label in BUILTIN or label == CUSTOM:
            taken = "another of your functions" if label in labelled else "a built-in scheme"
            raise ValueError(f"initializers[{key!r}] would be shown as {label!r}, the name of {taken}: "
                             f"give it another name, like 'my {key}'")
        labelled[label] = function
    return labelled


@dataclass(frozen=True)
class Config:
    label: str
    scale: float  # the custom scale; None for every other scheme
    learning_rate: float
    num_iterations: int


@dataclass
class Run:
    """One trained configuration, with every per-frame quantity precomputed."""

    config: Config
    history: object
    boundaries: np.ndarray  # (frames, ny, nx) uint8 predictions on the grid
    train_accuracy: np.ndarray  # (frames,)
    test_accuracy: np.ndarray  # (frames,)
    costs: np.ndarray  # (frames,) cost of each snapshot; inf where the output saturated

    @property
    def label(self):
        return self.config.label

    @property
    def iterations(self):
        return self.history.snapshot_iterations


class Cancelled(Exception):
    """Raised inside a training that the latest request no longer wants."""


class Runs:
    """The cache of trained configurations, and WORKERS threads that train what the latest request wants."""

    def __init__(self, initializers, data, layers_dims, record_every=100, grid_step=0.025):
        self._initializers = learner_initializers(initializers)
        self.learner_labels = list(self._initializers)
        self.labels = self.learner_labels + list(BUILTIN)
        self._initializers.update({name: builtin_initializer(name) for name in BUILTIN})
        self.data, self.layers_dims, self.record_every = data, list(layers_dims), record_every
        self.grid, self.grid_shape = boundary_grid(grid_step)
        self._cache, self._workers, self._training = {}, [], set()
        self.failures = {}  # learner's label -> the error that stops its scheme training (its function is fixed)
        # The latest request: its configs still to train (-> share trained), how many it named, its callbacks.
        self._wanted, self._requested, self._callbacks, self._due = {}, 0, None, 0.0
        self._condition = threading.Condition()

    def label(self, name):
        """Return the label of a scheme given by label or by "zeros", "random", "he"."""
        label = LEARNER_LABELS.get(name, name)
        if label not in self._initializers and label != CUSTOM:
            raise ValueError(f"unknown scheme {name!r}; choose one of {self.labels + [CUSTOM]}")
        return label

    def get(self, config):
        """Return the cached Run of ``config``, or None."""
        return self._cache.get(config)

    def initializer(self, label, scale=None):
        """Return the initializer ``layers_dims -> parameters`` of a scheme label (``scale`` for the custom one)."""
        return custom_initializer(scale) if label == CUSTOM else self._initializers[self.label(label)]

    def train_now(self, config, progress=None):
        """Train ``config`` in this thread (unless cached), cache and return its Run; ``progress(i, total)`` may raise.

        An error of a learner's scheme (other than Cancelled) is also kept in ``failures`` under its label: its
        function stays as it is, while another scheme's error may belong to one setting only.
        """
        if config not in self._cache:
            try:
                self._cache[config] = self._train(config, progress)
            except Cancelled:
                raise
            except Exception as error:
                if config.label in self.learner_labels:
                    self.failures[config.label] = error
                raise
        return self._cache[config]

    def _train(self, config, progress):
        parameters = call_initializer(self.initializer(config.label, config.scale), self.layers_dims)
        train_X, train_Y, test_X, test_Y = self.data
        history = train(train_X, train_Y, parameters, config.learning_rate, config.num_iterations,
                        print_cost=False, record_every=self.record_every, progress=progress)
        boundaries = predict_snapshots(history.snapshots, self.grid).astype(np.uint8)
        return Run(config, history, boundaries.reshape(-1, *self.grid_shape),
                   np.mean(predict_snapshots(history.snapshots, train_X) == train_Y, axis=1),
                   np.mean(predict_snapshots(history.snapshots, test_X) == test_Y, axis=1),
                   np.asarray(history.snapshot_costs, dtype=float))

    # ---- background requests -----------------------------------------------------------

    def request(self, configs, done, failed, progress=None, delay=0.0):
        """Train ``configs`` in the background after ``delay`` seconds, then call ``done()``; replace any earlier request.

        A training the new request does not want stops. ``failed(config, error)`` reports an error; the
        other configs still train. ``progress(config, share)`` reports the share of the request done so far.
        """
        with self._condition:
            self._wanted = dict.fromkeys(configs, 0.0)
            self._requested, self._callbacks, self._due = len(self._wanted), (done, failed, progress), time.monotonic() + delay
            while len(self._workers) < WORKERS:
                self._workers.append(threading.Thread(target=self._work, name="explorer-training", daemon=True))
                self._workers[-1].start()
            self._condition.notify_all()

    def cancel(self):
        """Drop the latest request: its running trainings stop, its waiting ones never start."""
        self.request([], None, None)

    def busy(self):
        """Return True while a request waits or trains."""
        with self._condition:
            return bool(self._wanted or self._training)

    def wait(self, timeout=120):
        """Block until no request waits or trains (for tests and scripts); return True if idle."""
        with self._condition:
            return self._condition.wait_for(lambda: not (self._wanted or self._training), timeout)

    def _work(self):
        while True:
            with self._condition:
                while (config := self._next()) is None:
                    remaining = self._due - time.monotonic()
                    self._condition.wait(remaining if remaining > 0 else None)
                self._training.add(config)
            error = None
            try:
                self.train_now(config, functools.partial(self._report, config))
            except Cancelled:
                pass
            except Exception as raised:  # a learner's initializer may raise anything (an exit becomes an Exception)
                error = raised
            self._finish(config, error)

    def _next(self):
        """Return a wanted config that no worker trains yet, once the request is due; else None."""
        if time.monotonic() >= self._due:
            return next((config for config in self._wanted if config not in self._training), None)

    def _report(self, config, i, total):
        with self._condition:
            if config not in self._wanted:
                raise Cancelled(config)
            self._wanted[config] = i / max(total, 1)
            share = (self._requested - len(self._wanted) + sum(self._wanted.values())) / self._requested
            progress = self._callbacks[2]
        if progress is not None:
            progress(config, share)

    def _finish(self, config, error):
        with self._condition:
            self._training.discard(config)
            wanted = self._wanted.pop(config, None) is not None
            ended, (done, failed, _) = wanted and not self._wanted, self._callbacks
            self._condition.notify_all()
        if wanted and error is not None:
            failed(config, error)
        if ended:
            done()
