"""The replay: one run's decision boundary and cost at one snapshot. Reads Runs; never trains.

Blitted because a full draw of this figure takes about 190 ms on a 2-core machine, longer
than the Play button's 100 ms tick, while redrawing only what moves takes about 20 ms.
Every blit is sent to the browser as a whole frame (see figure_parts), never as a diff.
"""
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .boundary import drawable_costs, marker_cost
from .figure_parts import agg_png, boundary_axes, cost_axes, widget_figure


class ReplayView:
    """Boundary (left) and cost curve with a marker at the current snapshot (right)."""

    def __init__(self, data, grid_shape, lock, width=9.0, height=3.6, figure=None):
        train_X, train_Y, _, _ = data
        self.figure = figure if figure is not None else widget_figure(width, height, lock, "explorer-replay")
        ax, cost_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.35]})
        self.image, markers = boundary_axes(ax, grid_shape, train_X, train_Y)
        self.title = ax.set_title(" ", fontsize=10)
        self.cost_ax = cost_axes(cost_ax, "cost at every snapshot")
        (self.cost_line,) = cost_ax.plot([], [], color="C0", label="cost")
        (self.marker,) = cost_ax.plot([], [], "o", color="crimson", markersize=7, label="this snapshot")
        cost_ax.legend(loc="upper right", fontsize=8)
        self.figure.tight_layout()
        # What moves is drawn over a saved background; the class markers must stay above the
        # boundary image, so they move too.
        self.moving = [self.image, *markers, self.title, self.cost_line, self.marker]
        for artist in self.moving:
            artist.set_animated(True)
        self.background = None
        self.figure.canvas.mpl_connect("draw_event", self._on_full_draw)
        self.shown = None  # (run, k) on screen

    def _on_full_draw(self, event):
        """After any full draw (first show, resize, new x range), keep the background and draw what moves."""
        self.background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        for artist in self.moving:
            self.figure.draw_artist(artist)

    def show(self, run, k):
        """Show snapshot ``k`` of ``run``; return the status text naming it."""
        iteration = run.iterations[k]
        self.image.set_data(run.boundaries[k])
        self.title.set_text(f"{run.label}: iteration {iteration}, train {run.train_accuracy[k]:.1%}")
        self.marker.set_data([iteration], [marker_cost(run.costs[k])])
        self.cost_line.set_data(run.iterations, drawable_costs(run.costs))
        right = max(run.iterations[-1], 1)
        full = self.background is None or self.cost_ax.get_xlim()[1] != right
        self.cost_ax.set_xlim(0, right)
        self.shown = (run, k)
        canvas = self.figure.canvas
        if getattr(canvas, "syncing_data_url", False):
            canvas.draw_idle()  # no browser view yet (ipympl's flag): it asks for a whole frame when it connects
        elif full:
            canvas.draw()  # the background changed (its x axis): draw it all, then what moves
        else:
            canvas.restore_region(self.background)
            for artist in self.moving:
                self.figure.draw_artist(artist)
            canvas.blit(self.figure.bbox)
        return status_text(run, k)


def status_text(run, k):
    """Return the status line (HTML) naming a run's snapshot k and its numbers."""
    iteration = run.iterations[k]
    return (f"<b>{run.label}</b> &nbsp; iteration <b>{iteration}</b> of {run.iterations[-1]} "
            f"&nbsp; cost <b>{run.costs[k]:.4g}</b> &nbsp; train accuracy <b>{run.train_accuracy[k]:.1%}</b>"
            f" &nbsp; test accuracy <b>{run.test_accuracy[k]:.1%}</b>")


def render_png(run, k, data, grid_shape, like):
    """Render snapshot ``k`` of ``run`` into a fresh replay figure the size of ``like``; return PNG bytes."""
    figure = Figure(figsize=like.get_size_inches(), dpi=like.dpi)
    FigureCanvasAgg(figure)
    ReplayView(data, grid_shape, None, figure=figure).show(run, k)
    return agg_png(figure)
