"""Initialization explorer: switch the initializer, replay training, compare, look inside, go deep.

    explorer = Explorer({"zeros": initialize_parameters_zeros, "random": ..., "he": ...},
                        train_X, train_Y, test_X, test_Y)
    explorer          # display it in JupyterLab

Explorer only wires parts together: Runs trains in the background, the views draw. Widget callbacks
arrive on two kernel threads, so each runs under one lock and ends by rendering what the controls
name now ("latest state wins").
"""
import base64
import functools
import html
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .compare_view import CompareView
from .depth_view import DepthView
from .explorer_controls import Controls
from .figure_parts import figure_png, widget_figure
from .inside_view import InsideView
from .replay_export import ReplayImage, animated_png, replay_frames
from .replay_view import ReplayView, status_text
from .runs import CUSTOM, LEARNER_LABELS, Config, Runs, call_initializer
from .schemes import SCALES
from .inputs import TrainingInputError, check_data, count

DEBOUNCE = 0.15  # seconds a retraining slider must rest before its run starts training (Explorer.debounce)
REPLAY, COMPARE, INSIDE, DEPTH = range(4)
REBUILD = "(The explorer keeps the functions it was given: after fixing one, re-run the cell that builds the explorer.)\n"


def check_explorer_data(train_X, train_Y, test_X, test_Y):
    """Raise TrainingInputError naming the first problem with the explorer's data, in train's words."""
    for which, X, Y in (("training", train_X, train_Y), ("test", test_X, test_Y)):
        try:
            check_data(X, Y)
        except TrainingInputError as error:
            raise TrainingInputError(f"the {which} data: {error} The explorer takes train_X, train_Y, test_X, "
                                     "test_Y, in that order.") from None
    if train_X.shape[0] != 2 or test_X.shape[0] != 2:
        raise TrainingInputError(f"the explorer draws boundaries in the plane: train_X and test_X need 2 rows (one "
                                 f"per feature); they have {train_X.shape[0]} and {test_X.shape[0]}.")


class Explorer:
    """Widgets to compare initializations on the two-circles data and replay their training."""

    def __init__(self, initializers, train_X, train_Y, test_X, test_Y, layers_dims=(2, 10, 5, 1),
                 learning_rate=0.01, num_iterations=15000, record_every=100, grid_step=0.025):
        check_explorer_data(train_X, train_Y, test_X, test_Y)
        self.lock = threading.RLock()
        self.data = (train_X, train_Y, test_X, test_Y)
        self.runs = Runs(initializers, self.data, layers_dims, record_every, grid_step)
        labels = self.runs.labels
        default = LEARNER_LABELS["he"] if LEARNER_LABELS["he"] in labels else labels[0]
        self.controls = Controls(labels + [CUSTOM], default, learning_rate, num_iterations)
        for line in self.controls.adjusted(learning_rate, num_iterations):
            self.controls.errors.append_stdout(line + "\n")
        self._reported = set()  # the errors written below the explorer, each once
        # The first run trains while the figures are built: the engine releases the GIL.
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(self._first_run, [default] + [label for label in labels if label != default])
            self.replay = ReplayView(self.data, self.runs.grid_shape, widget_figure(9.0, 3.6, self.lock, "explorer-replay"))
            self.compare = CompareView(labels, self.data, self.runs.grid_shape, self.lock)
            self.inside = InsideView(layers_dims, self.data, self.lock)
            self.depth_view = DepthView(self.lock)
        self.widget, self.tabs = self.controls.layout(*(view.figure.canvas for view in
                                                        (self.replay, self.compare, self.inside, self.depth_view)))
        self.debounce = DEBOUNCE  # seconds a retraining slider must rest before its run trains
        self.shown_run = None  # the Run whose snapshots the frame slider counts
        self._measured_scales = {}  # (label, width) -> std of the weights a learner's initializer draws
        with self.lock:
            self.controls.scheme.value = first.result()  # not observed yet
            self._render()
        self._wire()

    def _first_run(self, labels):
        """Train the first of ``labels`` that trains and return it; say why each learner's one before it cannot."""
        failures = ""
        for label in labels:
            try:
                self.runs.train_now(self.config(label))
            except Exception as error:
                if label not in self.runs.learner_labels:  # the data or layers_dims, not a learner's function
                    raise ValueError(f"the explorer cannot train its built-in scheme {label} with layers_dims="
                                     f"{self.runs.layers_dims}: {type(error).__name__}: {error}") from error
                failures += f"{label} cannot be trained yet: {type(error).__name__}: {error}\n"
            else:
                if failures:
                    self.controls.errors.append_stdout(failures + REBUILD)
                return label

    def _wire(self):
        c = self.controls
        c.scheme.observe(self._guarded(lambda _: self._follow_controls(0.0)), "value")
        self.tabs.observe(self._guarded(lambda _: self._follow_controls(0.0)), "selected_index")
        for widget in c.settings():
            widget.observe(self._guarded(lambda _: self._follow_controls(self.debounce)), "value")
        for widget in (c.frame, c.layers, c.width):
            widget.observe(self._guarded(lambda _: self._render()), "value")
        c.start.on_click(self._guarded(lambda _: self._move_to(0)))
        c.back.on_click(self._guarded(lambda _: self._move_to(c.frame.value - 1)))
        c.forward.on_click(self._guarded(lambda _: self._move_to(c.frame.value + 1)))

    def _move_to(self, k):
        self.controls.frame.value = k  # the slider keeps it within its range

    def _guarded(self, callback):
        """Wrap a callback to run under the lock and show any error in the errors area, never lose it."""

        @functools.wraps(callback)
        def wrapper(*args):
            with self.lock:
                try:
                    callback(*args)
                except Exception as error:
                    self._report(error)

        return wrapper

    def _report(self, error, what="Error", hint=False):
        """Say in the readout that ``what`` failed, and below with the traceback's end once (``hint``: and REBUILD)."""
        text = f"{what}: {type(error).__name__}: {error}"
        if text not in self._reported:
            self._reported.add(text)
            self.controls.errors.append_stdout(text + "\n" + "".join(traceback.format_exception(error, limit=-3))
                                               + (REBUILD if hint else ""))
        self.controls.readout.value = f"<b style='color:#b00'>{html.escape(text)}</b>"

    # ---- what the controls name -------------------------------------------------------

    def config(self, label=None):
        """Return the Config of a scheme (default: the selected one) under the current settings."""
        c = self.controls
        label = self.runs.label(label) if label else c.scheme.value
        scale = round(c.scale.value, 6) if label == CUSTOM else None
        return Config(label, scale, round(c.learning_rate.value, 8), int(c.iterations.value))

    def _configs_on_screen(self):
        """Return the configs the open tab shows (the depth view trains nothing)."""
        tab = self.tabs.selected_index
        if tab == DEPTH:
            return []
        others = [self.config(label) for label in self.runs.labels if label != self.controls.scheme.value]
        return [self.config()] + (others if tab == COMPARE else [])

    def _follow_controls(self, delay):
        """Train what the open tab shows and is not cached (in the background, after ``delay``), then render."""
        c = self.controls
        c.scale.layout.display = "" if c.scheme.value == CUSTOM else "none"
        if self.tabs.selected_index != DEPTH and c.scheme.value in self.runs.failures:
            return self._failed(self.config(), self.runs.failures[c.scheme.value])
        missing = [config for config in self._configs_on_screen()
                   if self.runs.get(config) is None and config.label not in self.runs.failures]
        if missing:
            c.progress.description = f"training {missing[0].label}"
            c.progress.value, c.progress.layout.visibility = 0, "visible"
            self.runs.request(missing, self._guarded(self._trained), self._guarded(self._failed),
                              self._guarded(self._progress), delay)
        else:
            self.runs.cancel()  # a newer choice that is cached makes any running training stale
            c.progress.layout.visibility = "hidden"
        self._render()

    def _trained(self):
        if not self.runs.busy() or all(self.runs.get(c) for c in self._configs_on_screen()):
            self.controls.progress.layout.visibility = "hidden"
        self._render()

    def _failed(self, config, error):
        """Say (once, below) that ``config``'s scheme cannot be trained; leave it if selected; show what the controls name."""
        c = self.controls
        self._report(error, f"{config.label} cannot be trained", hint=config.label in self.runs.learner_labels)
        if config.label == c.scheme.value and self.shown_run is not None and self.shown_run.label != config.label:
            c.scheme.value = self.shown_run.label  # back to the last scheme that trained: its observer renders
            c.readout.value += (f" &nbsp; <b style='color:#b00'>{config.label} cannot be trained: "
                                f"{type(error).__name__}</b> (details below)")
        else:
            self._render()

    def _progress(self, config, done):
        self.controls.progress.description = f"training {config.label}"
        self.controls.progress.value = done

    def wait_until_idle(self, timeout=300):
        """Block until no training waits or runs and no callback is drawing; return False if still busy (for tests)."""
        deadline = time.monotonic() + timeout
        while self.runs.wait(max(deadline - time.monotonic(), 0)):
            with self.lock:  # a callback that began before the last training ended has finished too
                if not self.runs.busy():  # unless it asked for a new training: then wait for that one
                    return True
        return False

    # ---- drawing -------------------------------------------------------------------------

    def _render(self):
        """Show what the controls name in the open tab (the last run stays on screen while one trains)."""
        c = self.controls
        if self.tabs.selected_index == DEPTH:
            c.readout.value = "Depth: stacks at initialization; nothing trains here (the other tabs train the scheme)."
            label, layers, width = c.scheme.value, c.layers.value, c.width.value
            try:
                scale = self.depth_scale(label, width)
            except ValueError as error:  # a learner's initializer, named in the message
                return self._report(error, "Depth tab", hint=True)
            if self.depth_view.shown != (layers, width, scale, label):
                c.depth_caption.value = self.depth_view.show(layers, width, scale, label)
            return
        run = self.runs.get(self.config())
        if run is None:
            if self.replay.shown is not None:
                label = html.escape(c.scheme.value)
                doing = (f"<b style='color:#b00'>{label} cannot be trained</b> (details below);"
                         if c.scheme.value in self.runs.failures else f"training <b>{label}</b>…")
                c.readout.value = f"{doing} still showing " + status_text(*self.replay.shown)
            return
        if run is not self.shown_run:  # the slider counts the new run's snapshots, at the same iteration
            iteration = self.shown_run.iterations[c.frame.value] if self.shown_run else 0
            self.shown_run = run
            with c.frame.hold_trait_notifications():  # one change of the frame, once its range is right
                c.play.max = c.frame.max = len(run.iterations) - 1
                c.frame.value = c.play.value = run.history.snapshot_index(iteration)
        k = c.frame.value
        c.readout.value = self.replay.show(run, k) if self.replay.shown != (run, k) else status_text(run, k)
        if self.tabs.selected_index == COMPARE:
            runs = {label: self.runs.get(self.config(label)) or self.runs.failures.get(label) for label in self.runs.labels}
            if self.compare.shown != (runs, run.iterations[k]):
                self.compare.show(runs, run.iterations[k], run.iterations[-1])
        elif self.tabs.selected_index == INSIDE and self.inside.shown != (run, k):
            self.inside.show(run, k)

    def depth_scale(self, label, width):
        """Return the weight scale of a scheme in a width x width layer: named, custom, or the std of the W1 it draws."""
        if label in SCALES:
            return SCALES[label].factor
        if label == CUSTOM:
            return round(self.controls.scale.value, 6)
        if (label, width) not in self._measured_scales:
            self._measured_scales[label, width] = self._measure(label, width)
        return self._measured_scales[label, width]

    def _measure(self, label, width):
        """Return the std of the W1 a learner's initializer draws for ``[width, width]``; else raise ValueError naming it."""
        call = (f"{label}: your initializer, called with layers_dims=[{width}, {width}] (the depth tab measures the "
                "scale of the weights it draws for a layer of that width),")
        try:
            weights = np.asarray(call_initializer(self.runs.initializer(label), [width, width])["W1"], dtype=float)
            with np.errstate(over="ignore", invalid="ignore"):  # weights too large to measure are said in words
                scale = float(np.std(weights))
        except Exception as error:
            raise ValueError(f"{call} failed: {type(error).__name__}: {error}") from error
        if not np.isfinite(scale):
            raise ValueError(f"{call} drew weights whose standard deviation is {scale}: they hold inf or NaN, "
                             "or are too large to measure")
        return scale

    def open_depth(self, layers=None, width=None):
        """Open the depth tab (optionally at ``layers`` and ``width``) and return the explorer, to display it there."""
        with self.lock:
            if layers is not None:
                self.controls.layers.value = layers
            if width is not None:
                self.controls.width.value = width
            self.tabs.selected_index = DEPTH
        return self

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Return the live widget, and for static renderings a picture of the open view and a sentence."""
        bundle = self.widget._repr_mimebundle_()
        with self.lock:
            if self.tabs.selected_index == DEPTH and self.depth_view.shown:
                depth, width, _, label = self.depth_view.shown
                png, where = figure_png(self.depth_view.figure), f"depth view: {label}, {count(depth, 'layer')} of {width} units"
            elif self.replay.shown:
                run, k = self.replay.shown
                png, where = self.replay.picture(), f"{run.label} at iteration {run.iterations[k]}"
            else:
                png, where = None, "nothing trained yet"
            if png is not None:
                bundle["image/png"] = base64.b64encode(png).decode("ascii")
        bundle["text/plain"] = f"Initialization explorer ({where}). Run the notebook to use its controls."
        return bundle

    def replay_image(self, schemes=("zeros", "random", "he"), every=3, **options):
        """Return an animated PNG (ReplayImage) of ``schemes`` (names or one name) side by side under the current settings."""
        runs = [self.runs.train_now(self.config(name)) for name in ((schemes,) if isinstance(schemes, str) else schemes)]
        png = animated_png(replay_frames(runs, self.data, self.runs.grid_shape, every=every), **options)
        names = ", ".join(run.label for run in runs)
        return ReplayImage(png, f"Animated replay of {names}: boundary and cost every {every * self.runs.record_every}"
                                f" iterations, up to iteration {runs[0].iterations[-1]}.")
