"""Inside the network: each layer's activations and the gradient size per layer at one snapshot. Reads Runs."""
import numpy as np

from .figure_parts import widget_figure
from .inputs import count
from .inspection import layer_statistics
from .training import all_finite

GRADIENT_LIMITS = (1e-6, 1e4)


def units_text(distinct, units):
    """Say how many units of a layer compute different functions: "1 distinct unit of 10"."""
    return f"{count(distinct, 'distinct unit')} of {units}"


def layer_caption(layer, output_layer):
    """Return the text drawn on a layer's histogram."""
    if output_layer:
        what = f"{layer.saturated:.0%} of outputs at exactly 0 or 1"
    else:
        what = units_text(layer.distinct_units, layer.activations.shape[0])
    return f"std {layer.std:.3g}\n{what}"


class InsideView:
    """One histogram per layer, then a bar per layer for the size of its weight gradient."""

    def __init__(self, layers_dims, data, lock, width=9.0, height=3.4):
        self.data = data
        L = len(layers_dims) - 1
        self.figure = widget_figure(width, height, lock, "explorer-inside")
        axes = self.figure.subplots(1, L + 1)
        self.activation_axes, self.gradient_ax = list(axes[:L]), axes[L]
        self.title = self.figure.suptitle(" ", fontsize=10)
        self.note = self.figure.text(0.5, 0.5, "", ha="center", va="center", fontsize=11)
        self.shown = None  # (run, k) on screen

    def show(self, run, k):
        """Draw the histograms and gradient bars of ``run`` at snapshot ``k``, or say why there is nothing to draw."""
        train_X, train_Y, _, _ = self.data
        snapshot, stats = run.history.snapshots[k], None
        if all_finite(snapshot):
            with np.errstate(over="ignore", invalid="ignore"):  # overflowing activations are said in words
                stats = layer_statistics(snapshot, train_X, train_Y)
        self.note.set_text(nothing_to_draw(run, stats))
        if self.note.get_text():
            for ax in self.figure.axes:
                ax.clear()
                ax.set_axis_off()  # until the next ax.clear()
        else:
            self._draw(stats)
        self.title.set_text(f"{run.label}, iteration {run.iterations[k]}")
        self.figure.tight_layout(rect=(0, 0, 1, 0.92))
        self.shown = (run, k)
        self.figure.canvas.draw_idle()

    def _draw(self, stats):
        for ax, layer in zip(self.activation_axes, stats):
            output_layer = layer.layer == len(stats)
            ax.clear()
            ax.hist(layer.activations.ravel(), bins=30, color="C3" if output_layer else "C2")
            ax.set_title(f"layer {layer.layer} ({'sigmoid' if output_layer else 'ReLU'})", fontsize=9)
            ax.set_xlabel("activation value", fontsize=8)
            ax.text(0.97, 0.95, layer_caption(layer, output_layer), transform=ax.transAxes, ha="right", va="top",
                    fontsize=8, bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
            ax.tick_params(labelsize=7)
        self._gradients(stats)

    def _gradients(self, stats):
        ax = self.gradient_ax
        ax.clear()
        ax.set_title("weight gradient size per layer", fontsize=9)
        ax.tick_params(labelsize=7)
        if all(s.grad_norm == 0.0 for s in stats):
            ax.set(xticks=[], yticks=[])
            ax.text(0.5, 0.5, "every weight gradient\nis exactly 0:\nnothing can change", transform=ax.transAxes,
                    ha="center", va="center", fontsize=9)
            return
        names = [f"dW{s.layer}" for s in stats]
        ax.bar(names, [max(s.grad_norm, GRADIENT_LIMITS[0]) for s in stats], color="C1")
        ax.set(yscale="log", ylim=GRADIENT_LIMITS)
        ax.set_ylabel("norm of dW (log scale)", fontsize=8)
        for x, s in enumerate(stats):
            if s.grad_norm == 0.0:
                ax.text(x, GRADIENT_LIMITS[0] * 2, "exactly 0", ha="center", fontsize=7, rotation=90)


def nothing_to_draw(run, stats):
    """Return why a snapshot cannot be drawn (``stats`` is None if its weights are not finite), or ""."""
    diverged = run.history.diverged_at
    since = f" (training diverged at iteration {diverged})" if diverged is not None else ""
    if stats is None:
        return f"the weights hold inf or NaN{since}: nothing to draw"
    if not all(np.isfinite(s.activations).all() and np.isfinite(s.grad_norm) for s in stats):
        return f"the activations or gradients overflow to inf or NaN{since}: nothing to draw"
    return ""
