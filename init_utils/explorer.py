"""Initialization explorer: switch the initializer, replay training, compare, look inside.

Training runs once per configuration (scheme, custom scale, learning rate, iterations)
and is cached with everything a frame needs: decision-boundary grids, accuracies and
costs at every snapshot. Moving through frames only indexes into those arrays. The
replay figure is blitted: its axes are drawn once, and each frame redraws only the
animated artists (boundary image, dots, cost curve, marker, title).

    explorer = Explorer({"zeros": initialize_parameters_zeros, "random": ..., "he": ...},
                        train_X, train_Y, test_X, test_Y)
    explorer          # display it in JupyterLab
"""
import functools
import os
import re
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from ipympl.backend_nbagg import Canvas, FigureManager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from .inspection import layer_statistics
from .plotting import CMAP, LIMITS, mark_classes, scatter_classes
from .engine import predict_snapshots
from .schemes import SCALES, builtin_initializer, custom_initializer
from .training import train

LEARNER_LABELS = {"zeros": "zeros (yours)", "random": "random x10 (yours)", "he": "He (yours)"}
CUSTOM = "custom scale"
COST_LIMITS = (1e-2, 10.0)


@dataclass
class Run:
    """One trained configuration, with every per-frame quantity precomputed."""

    label: str
    history: object
    boundaries: np.ndarray  # (frames, ny, nx) uint8 predictions on the grid
    train_accuracy: np.ndarray  # (frames,)
    test_accuracy: np.ndarray  # (frames,)
    costs: np.ndarray  # (frames,) cost at each snapshot; inf where saturated

    @property
    def iterations(self):
        return self.history.snapshot_iterations


def boundary_grid(step):
    """Return the grid points (2, k) covering the [-1.5, 1.5] view and the grid's shape."""
    ticks = np.arange(LIMITS[0] + step / 2, LIMITS[1], step)
    xx, yy = np.meshgrid(ticks, ticks)
    return np.vstack([xx.ravel(), yy.ravel()]), xx.shape


# Plain characters that common fonts (DejaVu, Liberation, system UI fonts) all have.
ICONS = {"fa-minus": "&minus;", "fa-fast-backward": "&#x21E4;", "fa-step-backward": "&#x2039;",
         "fa-play fa-flip-horizontal": "&#x25C0;", "fa-pause": "&#x275A;&#x275A;", "fa-play": "&#x25B6;",
         "fa-step-forward": "&#x203A;", "fa-fast-forward": "&#x21E5;", "fa-plus": "+"}


def self_contained(html):
    """Drop matplotlib's link to an icon font on a CDN and use plain characters for its buttons."""
    html = re.sub(r'<link rel="stylesheet"\s+href="https://[^"]+font-awesome[^"]+">', "", html)
    for icon, text in ICONS.items():
        html = html.replace(f'<i class="fa {icon}"></i>', text)
    return html


PLAIN_LOG_TICKS = FuncFormatter(lambda value, _: f"{value:g}")


def log_axis(ax, limits):
    """Use a log y axis with plain-text tick labels: "0.01" rather than mathtext's 10^-2.

    Mathtext goes through a parser that is not safe to use from two threads at once,
    and it is slow; plain labels avoid both.
    """
    ax.set_yscale("log")
    ax.set_ylim(limits)
    ax.yaxis.set_major_formatter(PLAIN_LOG_TICKS)
    ax.yaxis.set_minor_formatter(NullFormatter())


def make_canvas(width, height, dpi=72):
    """Return an ipympl figure that does not depend on the pyplot backend."""
    figure = Figure(figsize=(width, height), dpi=dpi)
    canvas = Canvas(figure)
    FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    return figure, canvas


class Explorer:
    """Widgets to compare initializations on the two-circles data and replay their training."""

    def __init__(self, initializers, train_X, train_Y, test_X, test_Y, layers_dims=(2, 10, 5, 1),
                 learning_rate=0.01, num_iterations=15000, record_every=100, grid_step=0.025):
        self.data = (train_X, train_Y, test_X, test_Y)
        self.layers_dims = list(layers_dims)
        self.record_every = record_every
        self.grid, self.grid_shape = boundary_grid(grid_step)
        self.initializers = {LEARNER_LABELS.get(k, k): f for k, f in initializers.items()}
        self.initializers.update({name: builtin_initializer(name) for name in SCALES})
        self.runs = {}
        self.current = None
        self._build_widgets(learning_rate, num_iterations)
        # Every figure exists from the start: an ipympl canvas created after the view is shown
        # can miss its first draw in the browser.
        self._build_replay_figure()
        self._build_compare_figure()
        self._build_inside_figure()
        self.tabs = widgets.Tab(children=[self.replay_canvas, self.compare_canvas, self.inside_canvas])
        self.tabs.titles = ("Replay", "Compare all", "Inside the network")
        self.tabs.add_class("explorer-tabs")
        self.tabs.observe(self._guarded(lambda change: self._on_tab(change["new"])), "selected_index")
        self._start()

    def _start(self):
        """Show the default scheme, or the first one that trains if the learner's is not ready."""
        for label in [self.scheme.value] + [o for o in self.scheme.options if o != self.scheme.value]:
            try:
                self._select(label)
            except Exception as error:
                self.errors.append_stdout(f"{label} cannot be trained yet: {type(error).__name__}: {error}\n")
                continue
            if self.scheme.value != label:
                self.scheme.unobserve_all("value")
                self.scheme.value = label
                self.scheme.observe(self._guarded(self._on_scheme), "value")
            return

    # ---- configuration and cache ---------------------------------------------------------

    def config(self, label=None):
        """Return the cache key of a scheme under the current settings."""
        label = label or self.scheme.value
        scale = round(self.scale.value, 6) if label == CUSTOM else None
        return (label, scale, round(self.learning_rate.value, 8), int(self.iterations.value))

    def label(self, name):
        """Return the button label of a scheme given by label or by "zeros", "random", "he"."""
        label = LEARNER_LABELS.get(name, name)
        if label not in self.initializers and label != CUSTOM:
            raise ValueError(f"unknown scheme {name!r}; choose one of {list(self.scheme.options)}")
        return label

    def run_for(self, label=None):
        """Return the Run of a scheme under the current settings, training it if needed."""
        key = self.config(self.label(label) if label else None)
        if key not in self.runs:
            self.runs[key] = self._train(*key)
        return self.runs[key]

    def _train(self, label, scale, learning_rate, num_iterations, report=True):
        initializer = custom_initializer(scale) if label == CUSTOM else self.initializers[label]
        parameters = initializer(list(self.layers_dims))
        train_X, train_Y, test_X, test_Y = self.data
        if report:
            self.progress.description = f"training {label}"
            self.progress.max = max(num_iterations, 1)
            self.progress.value = 0
            self.progress.layout.visibility = "visible"

        def progress(i, total):
            self.progress.value = i

        try:
            history = train(train_X, train_Y, parameters, learning_rate, num_iterations, print_cost=False,
                            record_every=self.record_every, progress=progress if report else None)
        finally:
            if report:
                self.progress.layout.visibility = "hidden"
        boundaries = predict_snapshots(history.snapshots, self.grid).astype(np.uint8).reshape(-1, *self.grid_shape)
        train_acc = np.mean(predict_snapshots(history.snapshots, train_X) == train_Y, axis=1)
        test_acc = np.mean(predict_snapshots(history.snapshots, test_X) == test_Y, axis=1)
        return Run(label, history, boundaries, train_acc, test_acc, np.asarray(history.snapshot_costs))

    # ---- widgets -----------------------------------------------------------------------

    def _build_widgets(self, learning_rate, num_iterations):
        labels = list(self.initializers) + [CUSTOM]
        default = LEARNER_LABELS["he"] if LEARNER_LABELS["he"] in labels else labels[0]
        self.scheme = widgets.ToggleButtons(options=labels, value=default, description="weights",
                                            style={"button_width": "auto"})
        self.scale = widgets.FloatLogSlider(value=1.0, base=10, min=-3, max=1.5, step=0.05, description="custom scale",
                                            readout_format=".3g", continuous_update=False)
        self.learning_rate = widgets.FloatLogSlider(value=learning_rate, base=10, min=-4, max=0, step=0.1,
                                                    description="learning rate", readout_format=".3g",
                                                    continuous_update=False)
        self.iterations = widgets.IntSlider(value=num_iterations, min=1000, max=30000, step=1000,
                                            description="iterations", continuous_update=False)
        self.play = widgets.Play(value=0, min=0, max=1, step=1, interval=60, description="play")
        self.frame = widgets.IntSlider(value=0, min=0, max=1, description="snapshot", continuous_update=True,
                                       readout=False, layout=widgets.Layout(width="360px"))
        widgets.jslink((self.play, "value"), (self.frame, "value"))
        self.to_start = widgets.Button(description="⇤", tooltip="back to the start", layout=widgets.Layout(width="40px"))
        self.step_back = widgets.Button(description="‹", tooltip="one snapshot back", layout=widgets.Layout(width="40px"))
        self.step_forward = widgets.Button(description="›", tooltip="one snapshot forward",
                                           layout=widgets.Layout(width="40px"))
        self.readout = widgets.HTML()
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="training",
                                            layout=widgets.Layout(visibility="hidden"))
        self.errors = widgets.Output(layout=widgets.Layout(max_height="220px", overflow="auto"))
        for widget, css in [(self.scheme, "explorer-scheme"), (self.scale, "explorer-scale"),
                            (self.learning_rate, "explorer-learning-rate"), (self.iterations, "explorer-iterations"),
                            (self.play, "explorer-play"), (self.frame, "explorer-frame"),
                            (self.to_start, "explorer-start"), (self.step_back, "explorer-back"),
                            (self.step_forward, "explorer-forward"), (self.readout, "explorer-readout"),
                            (self.progress, "explorer-progress"), (self.errors, "explorer-errors")]:
            widget.add_class(css)
        self.scheme.observe(self._guarded(self._on_scheme), "value")
        for widget in (self.scale, self.learning_rate, self.iterations):
            widget.observe(self._guarded(lambda change: self._select(self.scheme.value)), "value")
        self.frame.observe(self._guarded(lambda change: self.show_frame(change["new"])), "value")
        self.to_start.on_click(self._guarded(lambda _: self._move_to(0)))
        self.step_back.on_click(self._guarded(lambda _: self._move_to(self.frame.value - 1)))
        self.step_forward.on_click(self._guarded(lambda _: self._move_to(self.frame.value + 1)))

    def _guarded(self, callback):
        """Wrap a widget callback so that any error is shown in the errors area, never lost."""

        @functools.wraps(callback)
        def wrapper(*args):
            try:
                return callback(*args)
            except Exception as error:
                self.errors.append_stdout(f"{type(error).__name__}: {error}\n" + traceback.format_exc(limit=-3))
                self.readout.value = f"<b style='color:#b00'>Error: {type(error).__name__}: {error}</b>"

        return wrapper

    def _move_to(self, k):
        self.frame.value = int(np.clip(k, 0, self.frame.max))

    # ---- replay figure (blitted) ---------------------------------------------------------

    def _build_replay_figure(self):
        self.replay_figure, self.replay_canvas = make_canvas(8.4, 3.6)
        self.replay_canvas.add_class("explorer-replay")
        ax, cost_ax = self.replay_figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        train_X, train_Y, _, _ = self.data
        self.image = ax.imshow(np.zeros(self.grid_shape), extent=(*LIMITS, *LIMITS), origin="lower", cmap=CMAP,
                               vmin=0, vmax=1, alpha=0.6, interpolation="nearest", animated=True)
        self.dots = mark_classes(ax, train_X, train_Y, markersize=3.8, animated=True)
        ax.set_xlim(LIMITS)
        ax.set_ylim(LIMITS)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_title("decision boundary", fontsize=10)
        log_axis(cost_ax, COST_LIMITS)
        cost_ax.set_xlabel("iteration")
        cost_ax.set_ylabel("cost (log scale)")
        cost_ax.grid(True, which="major", alpha=0.3)
        (self.cost_line,) = cost_ax.plot([], [], color="C0", animated=True)
        (self.marker,) = cost_ax.plot([], [], "o", color="crimson", animated=True)
        cost_ax.set_title("cost at every snapshot", fontsize=10)
        self.cost_ax = cost_ax
        self.replay_figure.tight_layout()
        # Text is slow to render (about 10 ms each), so the per-frame numbers live in the readout widget.
        self.animated = [self.image, *self.dots, self.cost_line, self.marker]
        self.background = None
        self.replay_canvas.mpl_connect("draw_event", self._on_full_draw)

    def _on_full_draw(self, event):
        """After a full draw (first show, resize), keep the static background and draw the frame on it."""
        self.background = self.replay_canvas.copy_from_bbox(self.replay_figure.bbox)
        self._draw_animated()

    def _draw_animated(self):
        for artist in self.animated:
            artist.axes.draw_artist(artist)

    def _select(self, label):
        """Show a scheme under the current settings, keeping the same iteration if possible."""
        self.scale.layout.display = "" if label == CUSTOM else "none"
        iteration = self.current.iterations[self.frame.value] if self.current else 0
        run = self.run_for(label)
        self.current = run
        right = max(run.iterations[-1], 1)
        full_draw = self.background is None or self.cost_ax.get_xlim()[1] != right
        self.cost_ax.set_xlim(0, right)
        self.cost_line.set_data(run.iterations, np.where(np.isfinite(run.costs), run.costs, np.nan))
        k = min(run.history.snapshot_index(iteration), len(run.iterations) - 1)
        self.play.max = self.frame.max = len(run.iterations) - 1
        if self.frame.value != k:
            self.frame.value = k  # the observer shows the frame
        else:
            self.show_frame(k)
        if full_draw:
            self.replay_canvas.draw_idle()

    def _on_scheme(self, change):
        try:
            self._select(change["new"])
        except Exception:
            if self.current is not None and self.scheme.value != self.current.label:
                self.scheme.value = self.current.label  # back to the last scheme that trained
            raise

    def show_frame(self, k):
        """Show snapshot ``k`` of the current run: boundary, cost marker, cost and accuracies."""
        run = self.current
        k = int(np.clip(k, 0, len(run.iterations) - 1))
        iteration, cost = run.iterations[k], run.costs[k]
        self.image.set_data(run.boundaries[k])
        self.marker.set_data([iteration], [np.clip(cost, *COST_LIMITS)])
        self.readout.value = (f"<b>{run.label}</b> &nbsp; iteration <b>{iteration}</b> of {run.iterations[-1]} "
                              f"&nbsp; cost <b>{cost:.4g}</b> &nbsp; train accuracy <b>{run.train_accuracy[k]:.1%}</b>"
                              f" &nbsp; test accuracy <b>{run.test_accuracy[k]:.1%}</b>")
        self._blit()
        if self.tabs.selected_index == 1:
            self.update_compare()
        elif self.tabs.selected_index == 2:
            self.update_inside()

    def _blit(self):
        if self.background is None:
            self.replay_canvas.draw_idle()
            return
        self.replay_canvas.restore_region(self.background)
        self._draw_animated()
        self.replay_canvas.blit(self.replay_figure.bbox)

    # ---- compare view ------------------------------------------------------------------

    def _build_compare_figure(self):
        labels = list(self.initializers)
        columns = 4
        rows = -(-len(labels) // columns)
        self.compare_figure, self.compare_canvas = make_canvas(9.6, 2.4 * rows + 2.6)
        self.compare_canvas.add_class("explorer-compare")
        grid = self.compare_figure.add_gridspec(rows + 1, columns, height_ratios=[1] * rows + [1.2])
        self.compare_images = {}
        train_X, train_Y, _, _ = self.data
        for index, label in enumerate(labels):
            ax = self.compare_figure.add_subplot(grid[index // columns, index % columns])
            image = ax.imshow(np.zeros(self.grid_shape), extent=(*LIMITS, *LIMITS), origin="lower", cmap=CMAP,
                              vmin=0, vmax=1, alpha=0.6, interpolation="nearest")
            points = scatter_classes(ax, train_X, train_Y)
            points.set_sizes([5])
            ax.set_xlim(LIMITS)
            ax.set_ylim(LIMITS)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(label, fontsize=9)
            self.compare_images[label] = image
        self.compare_cost_ax = self.compare_figure.add_subplot(grid[rows, :])
        log_axis(self.compare_cost_ax, COST_LIMITS)
        self.compare_cost_ax.set_xlabel("iteration")
        self.compare_cost_ax.set_ylabel("cost (log scale)")
        self.compare_lines = {label: self.compare_cost_ax.plot([], [], label=label)[0] for label in labels}
        self.compare_now = self.compare_cost_ax.axvline(0, color="k", linestyle=":")
        self.compare_cost_ax.legend(fontsize=7, ncol=4, loc="lower left")
        self.compare_figure.tight_layout()

    def train_all(self):
        """Train every scheme not cached yet under the current settings, two at a time."""
        missing = [label for label in self.initializers if self.config(label) not in self.runs]
        if not missing:
            return
        self.progress.description = "training all"
        self.progress.max, self.progress.value = len(missing), 0
        self.progress.layout.visibility = "visible"
        try:
            with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:  # the engine releases the GIL
                futures = {pool.submit(self._train, *self.config(label), report=False): label for label in missing}
                for future in as_completed(futures):
                    self.runs[self.config(futures[future])] = future.result()
                    self.progress.value += 1
        finally:
            self.progress.layout.visibility = "hidden"

    def update_compare(self):
        """Draw every scheme at the current iteration (training those not cached yet)."""
        self.train_all()
        iteration = self.current.iterations[self.frame.value]
        for label, image in self.compare_images.items():
            run = self.run_for(label)
            k = run.history.snapshot_index(iteration)
            image.set_data(run.boundaries[k])
            image.axes.set_title(f"{label}\ntrain {run.train_accuracy[k]:.0%}", fontsize=8)
            self.compare_lines[label].set_data(run.iterations, np.where(np.isfinite(run.costs), run.costs, np.nan))
        self.compare_cost_ax.set_xlim(0, max(self.current.iterations[-1], 1))
        self.compare_now.set_xdata([iteration, iteration])
        self.compare_canvas.draw_idle()

    # ---- inside the network -------------------------------------------------------------

    def _build_inside_figure(self):
        L = len(self.layers_dims) - 1
        self.inside_figure, self.inside_canvas = make_canvas(9.6, 3.4)
        self.inside_canvas.add_class("explorer-inside")
        axes = self.inside_figure.subplots(1, L + 1)
        self.activation_axes, self.gradient_ax = axes[:L], axes[L]
        self.inside_title = self.inside_figure.suptitle(" ", fontsize=10)
        self.inside_figure.tight_layout(rect=(0, 0, 1, 0.9))

    def update_inside(self):
        """Draw activation histograms and gradient sizes per layer at the current snapshot."""
        run, k = self.current, self.frame.value
        train_X, train_Y, _, _ = self.data
        stats = layer_statistics(run.history.snapshots[k], train_X, train_Y)
        for ax, layer in zip(self.activation_axes, stats):
            ax.clear()
            values = layer.activations.ravel()
            ax.hist(values, bins=30, color="C2" if layer.layer < len(stats) else "C3")
            kind = "sigmoid" if layer.layer == len(stats) else "ReLU"
            ax.set_title(f"layer {layer.layer} ({kind})", fontsize=9)
            ax.set_xlabel("activation value", fontsize=8)
            units = layer.activations.shape[0]
            what = (f"{layer.saturated:.0%} at exactly 0 or 1" if kind == "sigmoid"
                    else f"{layer.distinct_units} of {units} units differ")
            ax.text(0.97, 0.95, f"std {layer.std:.3g}\n{what}", transform=ax.transAxes, ha="right", va="top",
                    fontsize=8, bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
            ax.tick_params(labelsize=7)
        self.gradient_ax.clear()
        norms = [max(s.grad_norm, 1e-12) for s in stats]
        self.gradient_ax.bar([f"dW{s.layer}" for s in stats], norms, color="C1")
        log_axis(self.gradient_ax, (1e-6, 1e4))
        self.gradient_ax.set_title("gradient size per layer", fontsize=9)
        self.gradient_ax.tick_params(labelsize=7)
        self.inside_title.set_text(f"{run.label}, iteration {run.iterations[k]}")
        self.inside_canvas.draw_idle()

    # ---- layout and export ---------------------------------------------------------------

    @functools.cached_property
    def widget(self):
        """Return the explorer's root widget."""
        controls = widgets.VBox([self.scheme, widgets.HBox([self.learning_rate, self.iterations]), self.scale])
        player = widgets.HBox([self.to_start, self.step_back, self.play, self.step_forward, self.frame])
        box = widgets.VBox([controls, self.progress, player, self.readout, self.tabs, self.errors])
        box.add_class("initialization-explorer")
        return box

    def _on_tab(self, index):
        if index == 1:
            self.update_compare()
        elif index == 2:
            self.update_inside()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def export_html(self, label=None, path=None, every=1, dpi=50):
        """Return (and write to ``path``) a self-contained HTML animation of a run's replay.

        Every ``every``-th snapshot becomes a frame; the page needs no kernel.
        """
        from matplotlib import animation

        run = self.run_for(label or self.scheme.value)
        frames = list(range(0, len(run.iterations), every))
        if frames[-1] != len(run.iterations) - 1:
            frames.append(len(run.iterations) - 1)
        figure = Figure(figsize=(7.2, 3.2), dpi=dpi)
        ax, cost_ax = figure.subplots(1, 2)
        train_X, train_Y, _, _ = self.data
        image = ax.imshow(run.boundaries[0], extent=(*LIMITS, *LIMITS), origin="lower", cmap=CMAP, vmin=0, vmax=1,
                          alpha=0.6, interpolation="nearest")
        scatter_classes(ax, train_X, train_Y).set_sizes([10])
        title = ax.set_title("", fontsize=9)
        cost_ax.plot(run.iterations, np.where(np.isfinite(run.costs), run.costs, np.nan))
        log_axis(cost_ax, COST_LIMITS)
        cost_ax.set_xlabel("iteration")
        cost_ax.set_ylabel("cost (log scale)")
        (marker,) = cost_ax.plot([], [], "o", color="crimson")
        figure.tight_layout()

        def draw(k):
            image.set_data(run.boundaries[k])
            marker.set_data([run.iterations[k]], [np.clip(run.costs[k], *COST_LIMITS)])
            title.set_text(f"{run.label}: iteration {run.iterations[k]}, train {run.train_accuracy[k]:.0%}")
            return image, marker, title

        movie = animation.FuncAnimation(figure, draw, frames=frames, interval=80, blit=False)
        html = self_contained(movie.to_jshtml(default_mode="once"))
        if path is not None:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(html)
        return html
