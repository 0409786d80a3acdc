"""The pieces every explorer figure shares: an ipympl canvas whose draws are serialized,
the boundary image, the log-scale cost axis and the class markers.

Widget callbacks reach the kernel on two threads (the main shell and the comm subshell),
and ipympl renders a frame when the browser asks for one, on whichever thread got that
message. Every draw therefore holds the explorer's lock, and every frame is sent whole:
the browser drops a diff image that arrives before the previous one has loaded.
"""
import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from .boundary import COST_LIMITS, VIEW
from .plotting import CMAP, class_legend, mark_classes

DPI = 80
PLAIN_LOG_TICKS = FuncFormatter(lambda value, _: f"{value:g}")


def widget_figure(width, height, lock, css_class):
    """Return a Figure (width x height inches) whose canvas is an ipympl widget drawn under ``lock``."""
    from ipympl.backend_nbagg import new_figure_manager_given_figure  # the backend's public factory

    figure = Figure(figsize=(width, height), dpi=DPI)
    with plt.ioff():  # the explorer places the canvas in its layout; nothing is shown on its own
        new_figure_manager_given_figure(id(figure), figure)
    canvas = figure.canvas
    canvas.header_visible = canvas.footer_visible = canvas.resizable = False
    canvas.toolbar_visible = False
    canvas.add_class(css_class)
    canvas.draw = whole_frames(canvas.draw, canvas, lock)
    canvas.blit = whole_frames(canvas.blit, canvas, lock)
    return figure


def whole_frames(send, canvas, lock):
    """Wrap a canvas method that sends a frame: hold ``lock``, and send the whole image, not a diff."""

    def locked(*args):
        with lock:
            canvas._force_full = True  # ipympl's full image mode: a dropped frame is replaced by the next one
            send(*args)

    return locked


def agg_png(figure):
    """Return PNG bytes of what an Agg figure's canvas holds now (after draws and blits)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).save(buffer, format="png")
    return buffer.getvalue()


def boundary_axes(ax, grid_shape, X, Y, legend=True, ticks=True):
    """Set up ``ax`` as the square view with a boundary image under the class markers.

    Return (image, markers). The markers are plotting.mark_classes' two marker lines, which
    draw several times faster than a scatter: they are redrawn over every new boundary.
    With ``legend``, the classes' colours, shapes and shading are named beside the axes.
    """
    image = ax.imshow(np.zeros(grid_shape, dtype=np.uint8), extent=(*VIEW, *VIEW), origin="lower", cmap=CMAP,
                      vmin=0, vmax=1, alpha=0.6, interpolation="nearest")
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
