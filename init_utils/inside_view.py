"""Inside the network: each layer's activations and the gradient size per layer at one snapshot. Reads Runs."""
from .figure_parts import widget_figure
from .inspection import layer_statistics

GRADIENT_LIMITS = (1e-6, 1e4)


def units_text(distinct, units):
    """Say how many units of a layer compute different functions: "1 distinct unit of 10"."""
    return f"{distinct} distinct unit{'' if distinct == 1 else 's'} of {units}"


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
        self.shown = None  # (run, k) on screen

    def show(self, run, k):
        """Draw the histograms and gradient bars of ``run`` at snapshot ``k``."""
        train_X, train_Y, _, _ = self.data
        stats = layer_statistics(run.history.snapshots[k], train_X, train_Y)
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
        self.title.set_text(f"{run.label}, iteration {run.iterations[k]}")
        self.figure.tight_layout(rect=(0, 0, 1, 0.92))
        self.shown = (run, k)
        self.figure.canvas.draw_idle()

    def _gradients(self, stats):
        ax = self.gradient_ax
        ax.clear()
        ax.set_title("weight gradient size per layer", fontsize=9)
        ax.tick_params(labelsize=7)
        if all(s.grad_norm == 0.0 for s in stats):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.text(0.5, 0.5, "every weight gradient\nis exactly 0:\nnothing can change", transform=ax.transAxes,
                    ha="center", va="center", fontsize=9)
            return
        names = [f"dW{s.layer}" for s in stats]
        ax.bar(names, [max(s.grad_norm, GRADIENT_LIMITS[0]) for s in stats], color="C1")
        ax.set_yscale("log")
        ax.set_ylim(GRADIENT_LIMITS)
        ax.set_ylabel("norm of dW (log scale)", fontsize=8)
        for x, s in enumerate(stats):
            if s.grad_norm == 0.0:
                ax.text(x, GRADIENT_LIMITS[0] * 2, "exactly 0", ha="center", fontsize=7, rotation=90)
