"""What the explorer trains: one Run per configuration, cached, trained in the background.

A Config names a scheme and the settings it trains under. ``train_run`` trains it and
precomputes everything a frame needs. ``Runs`` keeps the cache and one worker thread:
``request`` asks for some configs, and a newer request replaces an older one, cancelling
a training that is no longer wanted. Not pure math: it runs training (and its engine)
in a thread. Imports no widget or figure code: callers pass callbacks.
"""
import threading
import time
from dataclasses import dataclass

import numpy as np

from .boundary import boundary_grid
from .engine import predict_snapshots
from .schemes import builtin_initializer, custom_initializer
from .training import train

LEARNER_LABELS = {"zeros": "zeros (yours)", "random": "random x10 (yours)", "he": "He (yours)"}
BUILTIN = ("Xavier/Glorot", "LeCun", "x0.01")  # named scales (schemes.SCALES) offered beside the learner's
CUSTOM = "custom scale"


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

    @property
    def diverged_at(self):
        """The first iteration whose parameters hold inf or NaN, or None."""
        return self.history.diverged_at


class Cancelled(Exception):
    """Raised inside a training that a newer request made useless."""


class Runs:
    """The cache of trained configurations and the worker that fills it."""

    def __init__(self, initializers, data, layers_dims, record_every=100, grid_step=0.025):
        self.labels = [LEARNER_LABELS.get(k, k) for k in initializers] + list(BUILTIN)
        self._initializers = {LEARNER_LABELS.get(k, k): f for k, f in initializers.items()}
        self._initializers.update({name: builtin_initializer(name) for name in BUILTIN})
        self.data, self.layers_dims, self.record_every = data, list(layers_dims), record_every
        self.grid, self.grid_shape = boundary_grid(grid_step)
        self._cache, self._pending, self._running = {}, None, None
        self._condition = threading.Condition()
        self._worker = None

    def label(self, name):
        """Return the label of a scheme given by label or by "zeros", "random", "he"."""
        label = LEARNER_LABELS.get(name, name)
        if label not in self._initializers and label != CUSTOM:
            raise ValueError(f"unknown scheme {name!r}; choose one of {self.labels + [CUSTOM]}")
        return label

    def get(self, config):
        """Return the cached Run of ``config``, or None."""
        return self._cache.get(config)

    def train_now(self, config, progress=None, cancelled=None):
        """Train ``config`` in this thread (unless cached), cache and return its Run."""
        if config not in self._cache:
            self._cache[config] = self._train(config, progress, cancelled)
        return self._cache[config]

    def initializer(self, label, scale=None):
        """Return the initializer ``layers_dims -> parameters`` of a scheme label (``scale`` for the custom one)."""
        return custom_initializer(scale) if label == CUSTOM else self._initializers[self.label(label)]

    def _train(self, config, progress=None, cancelled=None):
        parameters = self.initializer(config.label, config.scale)(list(self.layers_dims))
        train_X, train_Y, test_X, test_Y = self.data

        def report(i, total):
            if cancelled is not None and cancelled():
                raise Cancelled(config)
            if progress is not None:
                progress(i, total)

        history = train(train_X, train_Y, parameters, config.learning_rate, config.num_iterations,
                        print_cost=False, record_every=self.record_every, progress=report)
        boundaries = predict_snapshots(history.snapshots, self.grid).astype(np.uint8)
        return Run(config, history, boundaries.reshape(-1, *self.grid_shape),
                   np.mean(predict_snapshots(history.snapshots, train_X) == train_Y, axis=1),
                   np.mean(predict_snapshots(history.snapshots, test_X) == test_Y, axis=1),
                   np.asarray(history.snapshot_costs, dtype=float))

    # ---- background requests -----------------------------------------------------------

    def request(self, configs, done, failed, progress=None, delay=0.0):
        """Train ``configs`` in the background, after ``delay`` seconds, then call ``done()``.

        Replaces any earlier request (its ``done`` is never called) and cancels a training
        whose config the new request does not need. ``failed(config, error)`` reports an
        error; ``progress(config, finished, i, total)`` reports each training's progress.
        """
        job = _Job(list(configs), done, failed, progress, time.monotonic() + delay)
        with self._condition:
            if self._pending is not None:
                self._pending.superseded = True
            if self._running is not None:
                self._running.superseded = True
            self._pending = job
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="explorer-training", daemon=True)
                self._worker.start()
            self._condition.notify_all()

    def cancel(self):
        """Drop any waiting request and stop a running training: nothing is wanted any more."""
        with self._condition:
            for job in (self._pending, self._running):
                if job is not None:
                    job.superseded = True
            self._pending = None
            self._condition.notify_all()

    def busy(self):
        """Return True while a request waits or trains."""
        with self._condition:
            return self._pending is not None or self._running is not None

    def wait(self, timeout=120):
        """Block until no request is waiting or running (for tests and scripts); return True if idle."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._pending is not None or self._running is not None:
                if not self._condition.wait(max(deadline - time.monotonic(), 0)) and time.monotonic() >= deadline:
                    return False
        return True

    def _still_needed(self, job, config):
        """A training goes on while its own job stands, or while the newest job needs it too."""
        with self._condition:
            newest = self._pending
        return not job.superseded or (newest is not None and config in newest.configs)

    def _work(self):
        while True:
            with self._condition:
                while self._pending is None or time.monotonic() < self._pending.due:
                    wait = None if self._pending is None else self._pending.due - time.monotonic()
                    self._condition.wait(wait)
                job, self._pending = self._pending, None
                self._running = job
            try:
                self._run_job(job)
            finally:
                with self._condition:
                    self._running = None
                    self._condition.notify_all()

    def _run_job(self, job):
        missing = [config for config in job.configs if config not in self._cache]
        for finished, config in enumerate(missing):
            if job.superseded:
                return
            progress = None if job.progress is None else (
                lambda i, total, c=config, f=finished: job.progress(c, f, i, total))
            try:
                self.train_now(config, progress, cancelled=lambda c=config: not self._still_needed(job, c))
            except Cancelled:
                return
            except Exception as error:  # a learner's initializer may raise anything: report, don't die
                if not job.superseded:
                    job.failed(config, error)
                return
        if not job.superseded:
            job.done()


@dataclass
class _Job:
    configs: list
    done: object
    failed: object
    progress: object
    due: float
    superseded: bool = False
