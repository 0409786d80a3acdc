"""The depth view: the signal's size, layer by layer, through a deep ReLU stack at initialization.

For the chosen depth, width and weight scale it draws the activation RMS (forward) and the
gradient RMS (backward) of every layer on a log axis, as variance.ReluStack defines them,
next to the closed form (width * s^2 / 2 per layer). One stack per width is drawn and
propagated once; a new scale is a rescaling of it and a new depth extends it, so a change
costs at most one backward pass and a redraw (benchmarks/bench_explorer.py).

The axes hold the curves of AXIS_SCALES (and of the shown scale), zooming out in steps:
switching between those keeps them, so slopes compare at a glance and only the lines are
redrawn; x0.01 and x1 leave that range within a few layers and zoom the axes out.
The live view uses SAMPLES inputs, half of variance.SAMPLES, for speed: at depth 50 and
width 256 that moves He's RMS by about 3 % forward and 15 % backward, less than a new draw
of the weights does (layer 50's activation RMS is 0.72, 0.55 and 0.34 for seeds 0, 1, 2).
"""
import numpy as np

from matplotlib.ticker import LogLocator, NullFormatter, NullLocator

from .figure_parts import PLAIN_LOG_TICKS, widget_figure
from .schemes import SCALES
from .variance import ReluStack, layer_factor

SAMPLES = 128
AXIS_SCALES = ("LeCun", "Xavier/Glorot", "He")

KEPT_WIDTHS = 2  # stacks kept for quick returns to a width; each is depth x width^2 float32 weights
LOG_FLOOR = 1e-300  # below this a float64 RMS has underflowed; the axis stops here
# The axes zoom out in steps, so most changes keep them and redraw only the lines over a saved
# background: layers shown, and decades of RMS shown each side of 1.
LAYER_STEPS = (10, 30, 60, 100)
DECADE_STEPS = (2, 5, 10, 20, 50, 100, 200)  # beyond 1e200 a line leaves the axes; the caption gives the number


class DepthView:
    """Two lines on a log axis (activation RMS and gradient RMS per layer) and a sentence saying what they show."""

    def __init__(self, lock, width=9.0, height=3.4, samples=SAMPLES):
        self.samples = samples
        self.figure = widget_figure(width, height, lock, "explorer-depth")
        self.ax = self.figure.subplots()
        self.ax.set_yscale("log")
        # Plain labels ("1e-08", not mathtext's, which is slow) and at most 8 of them over any range.
        self.ax.yaxis.set_major_locator(LogLocator(numticks=8))
        self.ax.yaxis.set_major_formatter(PLAIN_LOG_TICKS)
        self.ax.yaxis.set_minor_locator(NullLocator())
        self.ax.yaxis.set_minor_formatter(NullFormatter())
        self.ax.set_xlabel("layer")
        self.ax.set_ylabel("RMS (log scale)")
        self.ax.axhline(1.0, color="0.6", linestyle=":", linewidth=1)
        (self.forward,) = self.ax.plot([], [], "o-", color="C0", markersize=3, label="activation RMS (forward)")
        (self.backward,) = self.ax.plot([], [], "s-", color="C1", markersize=3,
                                        label="gradient RMS reaching the layer (backward)")
        self.ax.legend(loc="upper left", fontsize=8)
        self.title = self.ax.set_title(" ", fontsize=10)
        self.note = self.ax.text(0.5, 0.5, "", transform=self.ax.transAxes, ha="center", va="center", fontsize=11)
        self.ax.set_xlim(0, LAYER_STEPS[-1] + 0.5)
        self.ax.set_ylim(10.0 ** -DECADE_STEPS[-1], 10.0 ** DECADE_STEPS[-1])
        self.figure.tight_layout()
        self.figure.set_moving([self.forward, self.backward, self.title, self.note])
        self._stacks = {}  # width -> ReluStack, most recent last
        self.shown = None  # (depth, width, scale, label) on screen

    def stack(self, width):
        """Return the ReluStack of ``width``, drawing it if it is not among the last KEPT_WIDTHS."""
        stack = self._stacks.pop(width, None)
        if stack is None:
            stack = ReluStack(width, self.samples)
        self._stacks[width] = stack
        while len(self._stacks) > KEPT_WIDTHS:
            del self._stacks[next(iter(self._stacks))]
        return stack

    def show(self, depth, width, scale, label):
        """Draw the stack of ``depth`` layers of ``width`` units with weights randn * ``scale``; return a caption."""
        stack = self.stack(width)
        activation, gradient = stack.rms(depth, scale)
        layers = np.arange(1, depth + 1)
        factor = layer_factor(scale, width)
        self.title.set_text(f"{label}: {depth} ReLU layers of {width} units at initialization")
        if factor == 0:
            self.forward.set_data([], [])
            self.backward.set_data([], [])
            self.note.set_text("every weight is 0: every activation and every gradient is exactly 0")
        else:
            self.forward.set_data(layers, np.clip(activation, LOG_FLOOR, None))
            self.backward.set_data(layers, np.clip(gradient, LOG_FLOOR, None))
            self.note.set_text("")
        every_scale = [activation, gradient] + [curve for name in AXIS_SCALES
                                                for curve in stack.rms(depth, SCALES[name].factor)]
        limits = ((0, axis_layers(depth) + 0.5), log_limits(np.concatenate(every_scale)))
        if limits != (self.ax.get_xlim(), self.ax.get_ylim()):
            self.ax.set_xlim(limits[0])
            self.ax.set_ylim(limits[1])
            self.figure.redraw_all()  # the axes are in the background
        self.shown = (depth, width, scale, label)
        self.figure.canvas.draw_idle()
        return caption(label, width, depth, scale, factor, activation, gradient)


def axis_layers(depth):
    """Return how many layers the axis shows for ``depth``: the first of LAYER_STEPS that holds it."""
    return next(step for step in LAYER_STEPS if step >= depth)


def log_limits(values):
    """Return y limits 10^-d, 10^d of the log axis: the first d of DECADE_STEPS that holds every positive value."""
    finite = values[np.isfinite(values) & (values > 0)]
    widest = float(np.max(np.abs(np.log10(finite)))) if finite.size else 0.0
    d = next((step for step in DECADE_STEPS if step >= widest), DECADE_STEPS[-1])
    return 10.0 ** -d, 10.0 ** d


def caption(label, width, depth, scale, factor, activation, gradient):
    """Say in one line what the figure shows, against the closed form."""
    s = float(scale(width, width)) if callable(scale) else float(scale)
    return (f"<b>{label}</b>, {depth} layers of {width} units: weight scale s = {s:.3g}; each layer multiplies "
            f"the mean square by width &middot; s&sup2; / 2 = <b>{factor:.3g}</b> (closed form). Measured: activation RMS "
            f"<b>{activation[-1]:.3g}</b> after layer {depth}, gradient RMS <b>{gradient[0]:.3g}</b> at layer 1.")
