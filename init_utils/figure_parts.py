"""The pieces every explorer figure shares: a figure that redraws only what moves, on an
ipympl canvas drawn under the explorer's lock; the boundary image, the log-scale cost axis
and the class markers.

The views follow ipympl's examples: change artists with set_data, then ``draw_idle``; the
browser asks for a frame and ipympl draws it. Two things are added, both with public API:
- Widget callbacks and the browser's draw requests reach the kernel on two threads (the
  main shell and the comm subshell), so LockedCanvas (a subclass of ipympl's Canvas) draws
  and sends each frame while holding the lock the callbacks hold.
- LayeredFigure keeps the static part of a draw as a background and, while that part is
  unchanged, draws only its ``moving`` artists over it: a replay frame is about 6 times
  cheaper than a full draw (benchmarks/bench_explorer.py).
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
PLAIN_LOG_TICKS = FuncFormatter(lambda value, _: f"{value:g}")
# Not quite opaque: matplotlib's web backend sends a figure with any transparent pixel as a whole
# image, never as a diff from the last one. JupyterLab replaces an image that is still loading by
# the next, so a lost diff would leave stale pixels for good; a lost whole frame is simply replaced.
FACE = (1, 1, 1, 0.99)


class LayeredFigure(Figure):
    """A Figure whose draws reuse a saved background and draw only ``moving`` artists over it.

    A view puts the artists it changes per frame in ``moving`` and calls ``redraw_all()``
    when anything else changes (a new axis range, say). Any other renderer (a PNG of
    another size, say) gets a full draw.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, facecolor=FACE, **kwargs)
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
        if self._background is not None and self._background[0] is renderer:
            renderer.restore_region(self._background[1])
        else:
            super().draw(renderer)
            self._background = (renderer, renderer.copy_from_bbox(self.bbox)) if self.moving else None
        for artist in self.moving:
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
    """Return a LayeredFigure (width x height inches) on an ipympl canvas drawn under ``lock``."""
    figure = LayeredFigure(figsize=(width, height), dpi=DPI)
    canvas = LockedCanvas(figure, lock)
    FigureManager(canvas, id(figure))
    canvas.header_visible = canvas.footer_visible = canvas.resizable = False
    canvas.toolbar_visible = False
    canvas.add_class(css_class)
    return figure


def agg_figure(like):
    """Return a LayeredFigure on a plain Agg canvas, the size of the figure ``like``."""
    figure = LayeredFigure(figsize=like.get_size_inches(), dpi=like.dpi)
    FigureCanvasAgg(figure)
    return figure


def figure_png(figure):
    """Return PNG bytes of ``figure`` drawn now, without sending anything to a browser."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi)
    return buffer.getvalue()


def boundary_axes(ax, grid_shape, X, Y, legend=True, ticks=True):
    """Set up ``ax`` as the square view with a boundary image under the class markers.

    Return (image, markers). The markers are plotting.mark_classes' two marker lines, which
    draw several times faster than a scatter: they are redrawn over every new boundary.
    With ``legend``, the classes' colours, shapes and shading are named beside the axes.
    """
    image = ax.imshow(np.zeros(grid_shape, dtype=np.uint8), extent=(*VIEW, *VIEW), origin="lower", cmap=CMAP,
                      vmin=0, vmax=1, interpolation="nearest")
    markers = mark_classes(ax, X, Y, markersize=4)
    ax.set_xlim(VIEW)
    ax.set_ylim(VIEW)
    ax.set_aspect("equal")
    if ticks:
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    if legend:
        class_legend(ax, regions=True)
    return image, markers


def figure_class_legend(figure, ax, **kwargs):
    """Name the classes' colours, shapes and shading once for the whole figure; return the legend."""
    handles = class_legend(ax, regions=True).legend_handles
    ax.get_legend().remove()
    return figure.legend(handles=handles, fontsize=8, ncol=4, frameon=False, **kwargs)


def cost_axes(ax, title=None):
    """Use a log cost axis with plain tick labels ("0.01", not mathtext's 10^-2, which is slow)."""
    ax.set_yscale("log")
    ax.set_ylim(COST_LIMITS)
    ax.yaxis.set_major_formatter(PLAIN_LOG_TICKS)
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost (log scale)")
    ax.grid(True, which="major", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
