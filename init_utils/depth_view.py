"""The depth view: activation and gradient RMS per layer of a deep ReLU stack at initialization (variance.ReluStack).

One stack per width is drawn and propagated once; a new scale rescales it and a new depth extends it.
"""
import functools

import numpy as np
from matplotlib.ticker import LogLocator, NullFormatter, NullLocator

from .figure_parts import PLAIN_LOG_TICKS, widget_figure
from .inputs import count
from .schemes import SCALES
from .variance import ReluStack, layer_factor, scale_at

# Half of variance.SAMPLES, for speed: at depth 50, width 256 it moves He's RMS by about 3 % forward and 15 %
# backward, less than a new draw of the weights does (layer 50's activation RMS: 0.72, 0.55, 0.34 for seeds 0-2).
SAMPLES = 128
KEPT_WIDTHS = 2  # stacks kept for quick returns to a width; each is depth x width^2 float32 weights
LOG_FLOOR = 1e-300  # below this a float64 RMS has underflowed; the axis stops here
# The axes hold the curves of AXIS_SCALES (and of the shown scale) and zoom out in steps, so switching
# between those schemes, and most other changes, keep them and redraw only the lines over the background.
AXIS_SCALES = ("LeCun", "Xavier/Glorot", "He")
LAYER_STEPS = (10, 30, 60, 100)  # layers shown
DECADE_STEPS = (2, 5, 10, 20, 50, 100, 200)  # decades of RMS shown each side of 1; beyond, the caption says it


class DepthView:
    """Two lines on a log axis (activation RMS and gradient RMS per layer) and a sentence saying what they show."""

    def __init__(self, lock, width=9.0, height=3.4, samples=SAMPLES):
        self.samples = samples
        self.stack = functools.lru_cache(maxsize=KEPT_WIDTHS)(lambda width: ReluStack(width, samples))
        self.figure = widget_figure(width, height, lock, "explorer-depth")
        self.ax = self.figure.subplots()
        self.ax.set(yscale="log", xlabel="layer", ylabel="RMS (log scale)")
        self.ax.yaxis.set_major_locator(LogLocator(numticks=8))  # at most 8 plain labels over any range
        self.ax.yaxis.set_major_formatter(PLAIN_LOG_TICKS)
        self.ax.yaxis.set_minor_locator(NullLocator())
        self.ax.yaxis.set_minor_formatter(NullFormatter())
        self.ax.axhline(1.0, color="0.6", linestyle=":", linewidth=1)
        (self.forward,) = self.ax.plot([], [], "o-", color="C0", markersize=3, label="activation RMS (forward)")
        (self.backward,) = self.ax.plot([], [], "s-", color="C1", markersize=3,
                                        label="gradient RMS reaching the layer (backward)")
        self.ax.legend(loc="upper left", fontsize=8)
        self.title = self.ax.set_title(" ", fontsize=10)
        self.note = self.ax.text(0.5, 0.5, "", transform=self.ax.transAxes, ha="center", va="center", fontsize=11)
        self.ax.set(xlim=(0, LAYER_STEPS[-1] + 0.5), ylim=(10.0 ** -DECADE_STEPS[-1], 10.0 ** DECADE_STEPS[-1]))
        self.figure.tight_layout()
        self.figure.set_moving([self.forward, self.backward, self.title, self.note])
        self.shown = None  # (depth, width, scale, label) on screen

    def show(self, depth, width, scale, label):
        """Draw the stack of ``depth`` layers of ``width`` units with weights randn * ``scale``; return a caption."""
        stack = self.stack(width)
        activation, gradient = stack.rms(depth, scale)
        factor = layer_factor(scale, width)
        self.title.set_text(f"{label}: {count(depth, 'ReLU layer')} of {width} units at initialization")
        if factor == 0:
            self.forward.set_data([], [])
            self.backward.set_data([], [])
            self.note.set_text("every weight is 0: every activation and every gradient is exactly 0")
        else:
            layers = np.arange(1, depth + 1)
            self.forward.set_data(layers, np.clip(activation, LOG_FLOOR, None))
            self.backward.set_data(layers, np.clip(gradient, LOG_FLOOR, None))
            self.note.set_text("")
        every_scale = [activation, gradient] + [curve for name in AXIS_SCALES
                                                for curve in stack.rms(depth, SCALES[name].factor)]
        limits = ((0, axis_layers(depth) + 0.5), log_limits(np.concatenate(every_scale)))
        if limits != (self.ax.get_xlim(), self.ax.get_ylim()):
            self.ax.set(xlim=limits[0], ylim=limits[1])
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
    return (f"<b>{label}</b>, {count(depth, 'layer')} of {width} units: weight scale s = {scale_at(scale, width):.3g}; "
            f"each layer multiplies the mean square by width &middot; s&sup2; / 2 = <b>{factor:.3g}</b> (closed form). "
            f"Measured: activation RMS <b>{activation[-1]:.3g}</b> after layer {depth}, gradient RMS "
            f"<b>{gradient[0]:.3g}</b> at layer 1.")
