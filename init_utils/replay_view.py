"""The replay: one run's decision boundary and cost at one snapshot. Reads Runs; never trains."""
from .boundary import drawable_costs, marker_cost
from .figure_parts import boundary_axes, cost_axes, figure_png

SNAPSHOT = "decision boundary at this snapshot"
DIVERGED = "<b style='color:#b00'>training diverged at iteration {}</b> (its weights hold inf or NaN from then on)"


class ReplayView:
    """Boundary (left) and cost curve with a marker at the current snapshot (right), on a LayeredFigure."""

    def __init__(self, data, grid_shape, figure):
        train_X, train_Y, _, _ = data
        self.figure = figure
        ax, cost_ax = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.35]})
        self.image, markers = boundary_axes(ax, grid_shape, train_X, train_Y)
        self.title = ax.set_title(SNAPSHOT, fontsize=10)
        self.cost_ax = cost_axes(cost_ax, "cost at every snapshot")
        (self.cost_line,) = cost_ax.plot([], [], color="C0", label="cost")
        (self.marker,) = cost_ax.plot([], [], "o", color="crimson", markersize=7, label="this snapshot")
        cost_ax.legend(loc="upper right", fontsize=8)
        figure.tight_layout()
        # The class markers must stay above the boundary image, so they move with it. The readout above
        # the figure names the snapshot: a title that changed with it would cost a third of each frame.
        figure.set_moving([self.image, *markers, self.cost_line, self.marker])
        self.shown = None  # (run, k) on screen

    def show(self, run, k):
        """Show snapshot ``k`` of ``run``; return the status text naming it."""
        iteration = run.iterations[k]
        self.image.set_data(run.boundaries[k])
        self.marker.set_data([iteration], [marker_cost(run.costs[k])])
        if self.shown is None or self.shown[0] is not run:
            self.cost_line.set_data(run.iterations, drawable_costs(run.costs))
        right = max(run.iterations[-1], 1)
        if self.cost_ax.get_xlim()[1] != right:
            self.cost_ax.set_xlim(0, right)
            self.figure.redraw_all()  # the x axis is in the background
        self.shown = (run, k)
        self.figure.canvas.draw_idle()
        return status_text(run, k)

    def picture(self):
        """Return PNG bytes of the snapshot on screen, named in the boundary's title (no readout beside a picture)."""
        run, k = self.shown
        self.title.set_text(f"{run.label}: iteration {run.iterations[k]}, train {run.train_accuracy[k]:.1%}")
        self.figure.redraw_all()  # the title is in the background
        try:
            return figure_png(self.figure)
        finally:
            self.title.set_text(SNAPSHOT)
            self.figure.redraw_all()


def status_text(run, k):
    """Return the status line (HTML) naming a run's snapshot k and its numbers, and where it diverged."""
    text = (f"<b>{run.label}</b> &nbsp; iteration <b>{run.iterations[k]}</b> of {run.iterations[-1]} "
            f"&nbsp; cost <b>{run.costs[k]:.4g}</b> &nbsp; train accuracy <b>{run.train_accuracy[k]:.1%}</b>"
            f" &nbsp; test accuracy <b>{run.test_accuracy[k]:.1%}</b>")
    if run.history.diverged_at is not None:
        text += " &nbsp; " + DIVERGED.format(run.history.diverged_at)
    return text
