"""Compare all: every scheme's boundary at the same iteration, and all cost curves. Reads Runs; never trains."""
import numpy as np

from .boundary import drawable_costs
from .figure_parts import boundary_axes, cost_axes, figure_class_legend, show_boundary, widget_figure

COLUMNS = 3


class CompareView:
    """A grid of small boundaries, one per scheme, above one cost axis with every curve."""

    def __init__(self, labels, data, grid_shape, lock, width=9.0):
        train_X, train_Y, _, _ = data
        rows = -(-len(labels) // COLUMNS)
        self.figure = widget_figure(width, 2.6 * rows + 2.8, lock, "explorer-compare")
        grid = self.figure.add_gridspec(rows + 1, COLUMNS, height_ratios=[1] * rows + [1.1])
        self.images, self.titles = {}, {}
        for index, label in enumerate(labels):
            ax = self.figure.add_subplot(grid[index // COLUMNS, index % COLUMNS])
            self.images[label], _ = boundary_axes(ax, grid_shape, train_X, train_Y, legend=False, ticks=False)
            self.titles[label] = ax.set_title(label, fontsize=9)
        self.cost_ax = cost_axes(self.figure.add_subplot(grid[rows, :]))
        self.lines = {label: self.cost_ax.plot([], [], label=label)[0] for label in labels}
        self.now = self.cost_ax.axvline(0, color="k", linestyle=":")
        self.cost_ax.legend(fontsize=8, ncol=3, loc="lower left")
        figure_class_legend(self.figure, self.figure.axes[0], loc="upper center")
        self.figure.tight_layout(rect=(0, 0, 1, 0.95))
        self.shown = None  # (runs, iteration) on screen

    def show(self, runs, iteration, last_iteration):
        """Show every label's run in ``runs`` at ``iteration`` (None: it trains; an exception: it cannot be trained)."""
        for label, image in self.images.items():
            run = runs.get(label)
            if run is None or isinstance(run, BaseException):
                image.set_data(np.zeros_like(image.get_array()))
                why = "training…" if run is None else f"cannot be trained: {type(run).__name__}"
                self.titles[label].set_text(f"{label}\n{why}")
                self.lines[label].set_data([], [])
            else:
                show_boundary(run, iteration, image, self.titles[label])
                self.lines[label].set_data(run.iterations, drawable_costs(run.costs))
        self.cost_ax.set_xlim(0, max(last_iteration, 1))
        self.now.set_xdata([iteration, iteration])
        self.shown = (dict(runs), iteration)
        self.figure.canvas.draw_idle()
