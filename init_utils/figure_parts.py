"""Parts every explorer figure shares: a figure that redraws only what moves, its canvas, boundary and cost axes.

As in ipympl's examples, views change artists with set_data and call ``draw_idle``; ipympl draws when
the browser asks, on another kernel thread than the widget callbacks, so under their lock (LockedCanvas).
"""
import io

import numpy as np
from ipympl.backend_nbagg import Canvas, FigureManager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from .boundary import COST_LIMITS, VIEW
from .plotting import CMAP, class_legend, mark_classes

DPI = 80
PLAIN_LOG_TICKS = FuncFormatter(lambda value, _: f"{value:g}")  # "0.01", not mathtext's 10^-2, which is slow
# Not quite opaque: matplotlib's web backend sends a figure with any transparent pixel as a whole
# image, never as a diff from the last one. JupyterLab replaces an image that is still loading by
# the next, so a lost diff would leave stale pixels for good; a lost whole frame is simply replaced.
FACE = (1, 1, 1, 0.99)


class LayeredFigure(Figure):
    """A Figure that saves its static part and then draws only its ``moving`` artists over it (a sixth of the cost)."""

    def __init__(self, *args, facecolor=FACE, **kwargs):
        super().__init__(*args, facecolor=facecolor, **kwargs)
        self.moving = []
        self._background = None  # (renderer, saved pixels)

    def set_moving(self, artists):
        """Draw ``artists`` on every frame, over the background."""
        self.moving = list(artists)
        for artist in self.moving:
            artist.set_animated(True)  # left out of the background
        self.redraw_all()

    def redraw_all(self):
        """Make the next draw a full one (the background changed)."""
        self._background = None

    def draw(self, renderer):
        # savefig draws whole and keeps no background (its layout pass draws with drawing disabled);
        # while it saves, axes draw their animated artists themselves.
        saving = self.canvas.is_saving()
        if not saving and self._background is not None and self._background[0] is renderer:
            renderer.restore_region(self._background[1])
        else:  # a first draw, a changed background, a picture, or another renderer
            super().draw(renderer)
            if not saving:
                self._background = (renderer, renderer.copy_from_bbox(self.bbox)) if self.moving else None
        for artist in self.moving:
            if not (saving and artist.axes):
                artist.draw(renderer)
        self.stale = False


class LockedCanvas(Canvas):
    """ipympl's canvas, drawing and sending each frame under ``lock``."""

    def __init__(self, figure, lock):
        super().__init__(figure)
        self.lock = lock

    def draw(self):
        with self.lock:
            super().draw()


def widget_figure(width, height, lock, css_class):
    """Return a LayeredFigure (width x height inches) on an ipympl canvas without chrome, drawn under ``lock``."""
    figure = LayeredFigure(figsize=(width, height), dpi=DPI)
    canvas = LockedCanvas(figure, lock)
    FigureManager(canvas, id(figure))
    canvas.header_visible = canvas.footer_visible = canvas.resizable = False
    canvas.toolbar_visible = False
    canvas.add_class(css_class)
    return figure


def agg_figure(figsize, dpi=DPI, **kwargs):
    """Return a LayeredFigure on a plain Agg canvas: pictures that go to no browser."""
    figure = LayeredFigure(figsize=figsize, dpi=dpi, **kwargs)
    FigureCanvasAgg(figure)
    return figure


def figure_png(figure):
    """Return PNG bytes of ``figure`` drawn now as its canvas draws a frame, without sending anything to a browser."""
    buffer = io.BytesIO()
    figure.canvas.print_png(buffer)
    return buffer.getvalue()


def boundary_axes(ax, grid_shape, X, Y, legend=True, ticks=True):
    """Make ``ax`` the square view: a boundary image under the class markers (fast to redraw); return both."""
    image = ax.imshow(np.zeros(grid_shape, dtype=np.uint8), extent=(*VIEW, *VIEW), origin="lower", cmap=CMAP,
                      vmin=0, vmax=1, interpolation="nearest")
    markers = mark_classes(ax, X, Y, markersize=4)
    ax.set(xlim=VIEW, ylim=VIEW, aspect="equal")
    ax.set(**({"xlabel": "x1", "ylabel": "x2"} if ticks else {"xticks": [], "yticks": []}))
    if legend:
        class_legend(ax, regions=True)
    return image, markers


def show_boundary(run, iteration, image, title):
    """Show ``run``'s boundary at ``iteration`` in ``image`` and its accuracy in ``title``; return the snapshot index."""
    k = run.history.snapshot_index(iteration)
    image.set_data(run.boundaries[k])
    title.set_text(f"{run.label}\ntrain accuracy {run.train_accuracy[k]:.0%}")
    return k


def figure_class_legend(figure, ax, **kwargs):
    """Name the classes' colours, shapes and shading once for the whole figure."""
    handles = class_legend(ax, regions=True).legend_handles
    ax.get_legend().remove()
    figure.legend(handles=handles, fontsize=8, ncol=4, frameon=False, **kwargs)


def cost_axes(ax, title=None):
    """Make ``ax`` a log cost axis with plain tick labels; return it."""
    ax.set(yscale="log", ylim=COST_LIMITS, xlabel="iteration", ylabel="cost (log scale)")  # the scale resets formatters
    ax.yaxis.set_major_formatter(PLAIN_LOG_TICKS)
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.grid(True, which="major", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
