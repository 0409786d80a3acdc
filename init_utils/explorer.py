"""Initialization explorer: switch the initializer, replay training, compare, look inside.

    explorer = Explorer({"zeros": initialize_parameters_zeros, "random": ..., "he": ...},
                        train_X, train_Y, test_X, test_Y)
    explorer          # display it in JupyterLab

Explorer only wires parts together: Runs (runs.py) trains and caches in the background,
the views (replay_view, compare_view, inside_view) draw a Run, replay_export makes the
kernel-free animation. Widget callbacks arrive on two kernel threads, so each one runs
under one lock and ends by rendering what the controls name now ("latest state wins").
"""
import base64
import functools
import threading
import traceback

import ipywidgets as widgets

from .boundary import same_iteration
from .compare_view import CompareView
from .explorer_controls import Controls
from .inside_view import InsideView
from .replay_export import ReplayImage, animated_png, replay_frames
from .replay_view import ReplayView, render_png, status_text
from .runs import CUSTOM, LEARNER_LABELS, Config, Runs

DEBOUNCE = 0.15  # seconds a retraining slider must rest before its run starts training
REPLAY, COMPARE, INSIDE = range(3)


class Explorer:
    """Widgets to compare initializations on the two-circles data and replay their training."""

    def __init__(self, initializers, train_X, train_Y, test_X, test_Y, layers_dims=(2, 10, 5, 1),
                 learning_rate=0.01, num_iterations=15000, record_every=100, grid_step=0.025):
        self.lock = threading.RLock()
        self.data = (train_X, train_Y, test_X, test_Y)
        self.runs = Runs(initializers, self.data, layers_dims, record_every, grid_step)
        labels = self.runs.labels
        default = LEARNER_LABELS["he"] if LEARNER_LABELS["he"] in labels else labels[0]
        self.controls = Controls(labels + [CUSTOM], default, learning_rate, num_iterations)
        self.replay = ReplayView(self.data, self.runs.grid_shape, self.lock)
        self.compare = CompareView(labels, self.data, self.runs.grid_shape, self.lock)
        self.inside = InsideView(layers_dims, self.data, self.lock)
        self.tabs = widgets.Tab(children=[v.figure.canvas for v in (self.replay, self.compare, self.inside)],
                                titles=("Replay", "Compare all", "Inside the network"))
        self.tabs.add_class("explorer-tabs")
        self.widget = self.controls.layout(self.tabs)
        self.current, self._moving = None, False
        with self.lock:
            self._start()
        self._wire()

    def __getattr__(self, name):  # explorer.scheme, explorer.frame, ...: the controls by name
        if name != "controls" and "controls" in self.__dict__ and hasattr(self.controls, name):
            return getattr(self.controls, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _start(self):
        """Train and show the default scheme, or the first one that trains if the learner's is not ready."""
        for label in [self.scheme.value] + [o for o in self.runs.labels if o != self.scheme.value]:
            try:
                self.runs.train_now(self.config(label))
            except Exception as error:
                self.errors.append_stdout(f"{label} cannot be trained yet: {type(error).__name__}: {error}\n")
                continue
            self.scheme.value = label  # not observed yet
            self.scale.layout.display = "" if label == CUSTOM else "none"
            self._render()
            return

    def _wire(self):
        self.scheme.observe(self._guarded(lambda _: self._want(0.0)), "value")
        for widget in self.controls.settings():
            widget.observe(self._guarded(lambda _: self._want(DEBOUNCE)), "value")
        self.frame.observe(self._guarded(lambda _: self._render()), "value")
        self.tabs.observe(self._guarded(lambda _: self._want(0.0)), "selected_index")
        self.to_start.on_click(self._guarded(lambda _: self._move_to(0)))
        self.step_back.on_click(self._guarded(lambda _: self._move_to(self.frame.value - 1)))
        self.step_forward.on_click(self._guarded(lambda _: self._move_to(self.frame.value + 1)))

    def _guarded(self, callback):
        """Run a widget callback under the lock; show any error in the errors area, never lose it."""

        @functools.wraps(callback)
        def wrapper(*args):
            with self.lock:
                try:
                    callback(*args)
                except Exception as error:
                    self._report(error)

        return wrapper

    def _report(self, error, what="Error"):
        text = f"{type(error).__name__}: {error}"
        self.errors.append_stdout(f"{what}: {text}\n" + "".join(traceback.format_exception(error, limit=-3)))
        self.readout.value = f"<b style='color:#b00'>{what}: {text}</b>"

    # ---- what the controls name -------------------------------------------------------

    def config(self, label=None):
        """Return the Config of a scheme (default: the selected one) under the current settings."""
        label = self.runs.label(label) if label else self.scheme.value
        scale = round(self.scale.value, 6) if label == CUSTOM else None
        return Config(label, scale, round(self.learning_rate.value, 8), int(self.iterations.value))

    def run_for(self, label=None):
        """Return the Run of a scheme under the current settings, training it now if needed."""
        return self.runs.train_now(self.config(label))

    def _wanted(self):
        wanted = [self.config()]
        if self.tabs.selected_index == COMPARE:
            wanted += [self.config(label) for label in self.runs.labels if label != self.scheme.value]
        return wanted

    def _want(self, delay):
        """Train whatever the controls name and is not cached (in the background), then render."""
        self.scale.layout.display = "" if self.scheme.value == CUSTOM else "none"
        missing = [c for c in self._wanted() if self.runs.get(c) is None]
        if missing:
            self.progress.description = f"training {missing[0].label}"
            self.progress.value, self.progress.layout.visibility = 0, "visible"
            self.runs.request(missing, self._trained, self._failed, self._progress, delay)
        else:
            self.runs.cancel()  # a newer choice that is cached makes any running training stale
            self.progress.layout.visibility = "hidden"
        self._render()

    def _trained(self):
        with self.lock:
            if not self.runs.busy() or all(self.runs.get(c) for c in self._wanted()):
                self.progress.layout.visibility = "hidden"
            self._render()

    def _failed(self, config, error):
        with self.lock:
            self.progress.layout.visibility = "hidden"
            self._report(error, f"{config.label} cannot be trained")
            if config.label == self.scheme.value and self.current is not None:
                self.scheme.value = self.current.label  # back to the last scheme that trained
                self.readout.value += (f" &nbsp; <b style='color:#b00'>{config.label} cannot be trained: "
                                       f"{type(error).__name__}</b> (details below)")

    def _progress(self, config, finished, i, total):
        with self.lock:
            self.progress.description = f"training {config.label}"
            self.progress.value = (finished + i / max(total, 1)) / max(len(self._wanted()), 1)

    def _move_to(self, k):
        self.frame.value = max(0, min(int(k), self.frame.max))

    # ---- drawing -------------------------------------------------------------------------

    def _render(self):
        """Show the selected run at the selected snapshot in the open tab (kept if still training)."""
        if self._moving:
            return
        run = self.runs.get(self.config())
        if run is None:
            if self.replay.shown is not None:
                self.readout.value = (f"training <b>{self.scheme.value}</b>… still showing "
                                      + status_text(*self.replay.shown))
            return
        k = self.frame.value
        if run is not self.current:
            iteration = self.current.iterations[min(k, len(self.current.iterations) - 1)] if self.current else 0
            k = same_iteration(run.iterations, iteration)
            self._moving = True
            try:
                self.play.max = self.frame.max = len(run.iterations) - 1
                self.frame.value = self.play.value = k
            finally:
                self._moving = False
            self.current = run
        k = min(k, len(run.iterations) - 1)
        self.readout.value = self.replay.show(run, k) if self.replay.shown != (run, k) else status_text(run, k)
        if self.tabs.selected_index == COMPARE:
            runs = {label: self.runs.get(self.config(label)) for label in self.runs.labels}
            if self.compare.shown != (runs, run.iterations[k]):
                self.compare.show(runs, run.iterations[k], run.iterations[-1])
        elif self.tabs.selected_index == INSIDE and self.inside.shown != (run, k):
            self.inside.show(run, k)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget, and for static renderings a picture of the replay and a sentence."""
        bundle = self.widget._repr_mimebundle_()
        with self.lock:
            run, k = self.replay.shown if self.replay.shown else (None, 0)
            if run is not None:
                bundle["image/png"] = base64.b64encode(self._render_png(run, k)).decode("ascii")
        where = f"{run.label} at iteration {run.iterations[k]}" if run else "nothing trained yet"
        bundle["text/plain"] = f"Initialization explorer ({where}). Run the notebook to use its controls."
        return bundle

    def snapshot_png(self, label=None, k=None, learning_rate=None, num_iterations=None):
        """Render a cached run's snapshot ``k`` into a fresh figure the replay's size; return PNG bytes.

        Defaults name what the controls show. A browser test compares this with the live canvas.
        """
        with self.lock:
            config = self.config(label)
            config = Config(config.label, config.scale, round(learning_rate, 8) if learning_rate else
                            config.learning_rate, int(num_iterations or config.num_iterations))
            run = self.runs.get(config)
            if run is None:
                raise ValueError(f"{config} has not been trained; pick it in the explorer first")
            return self._render_png(run, self.frame.value if k is None else int(k))

    def _render_png(self, run, k):
        return render_png(run, k, self.data, self.runs.grid_shape, self.replay.figure)

    # ---- kernel-free replay ------------------------------------------------------------------

    def replay_image(self, schemes=("zeros", "random", "he"), every=3, **options):
        """Return an animated PNG (ReplayImage) of ``schemes`` side by side under the current settings."""
        runs = [self.run_for(name) for name in schemes]
        png = animated_png(replay_frames(runs, self.data, self.runs.grid_shape, every=every), **options)
        names = ", ".join(run.label for run in runs)
        return ReplayImage(png, f"Animated replay of {names}: boundary and cost every {every * self.runs.record_every}"
                                f" iterations, up to iteration {runs[0].iterations[-1]}.")

    def export_html(self, label=None, path=None, every=3):
        """Return (and write to ``path``) an HTML image tag holding the animated replay; it needs no script."""
        return self.replay_image((label,) if label else ("zeros", "random", "he"), every=every).html(path)
