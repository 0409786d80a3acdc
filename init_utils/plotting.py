"""Figures for the notebook. Reads arrays and Histories; never trains anything.

Every function takes an optional ``ax``. Given one, it draws there and returns the
artists; without one it draws on the current axes, like the course's helpers.
"""
import matplotlib.pyplot as plt
import numpy as np

from .prediction import predict_dec

CMAP = plt.cm.Spectral
LIMITS = (-1.5, 1.5)
CLASS_LEVELS = (-0.5, 0.5, 1.5)


def decision_grid(X, h=0.01, pad=1.0):
    """Return xx, yy: a grid with step h covering X's range padded by ``pad``."""
    x_min, x_max = X[0, :].min() - pad, X[0, :].max() + pad
    y_min, y_max = X[1, :].min() - pad, X[1, :].max() + pad
    return np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))


def scatter_classes(ax, X, y, **kwargs):
    """Scatter X (2, m) on ``ax`` coloured by labels y (1, m): class 0 red, class 1 blue."""
    return ax.scatter(X[0, :], X[1, :], c=np.ravel(y), cmap=CMAP, vmin=0, vmax=1, s=40,
                      edgecolors="k", linewidths=0.3, **kwargs)


def mark_classes(ax, X, y, markersize=4, **kwargs):
    """Draw X (2, m) as two marker lines, one per class, in the scatter's colours; return both.

    Markers on a Line2D render several times faster than a scatter, which matters when
    a figure is redrawn for every animation frame.
    """
    labels = np.ravel(y)
    return [ax.plot(X[0, labels == c], X[1, labels == c], linestyle="none", marker="o", markersize=markersize,
                    markerfacecolor=CMAP(float(c)), markeredgecolor="k", markeredgewidth=0.3, **kwargs)[0]
            for c in (0, 1)]


def plot_dataset(X, Y, ax=None, title="Training set"):
    """Scatter the dataset; return the PathCollection."""
    ax = ax or plt.gca()
    points = scatter_classes(ax, X, Y)
    ax.set_title(title)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return points


def plot_decision_boundary(model, X, y, ax=None):
    """Fill the regions where ``model`` predicts 0 and 1, then scatter X over them.

    ``model`` maps an (k, 2) array of points to k predictions. Without ``ax`` it
    draws on the current axes and calls plt.show(), as the course's helper does.
    Returns (filled contour set, scatter).
    """
    show = ax is None
    ax = ax or plt.gca()
    xx, yy = decision_grid(X)
    Z = np.asarray(model(np.c_[xx.ravel(), yy.ravel()]), dtype=float).reshape(xx.shape)
    regions = ax.contourf(xx, yy, Z, levels=CLASS_LEVELS, cmap=CMAP, vmin=0, vmax=1, alpha=0.6)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    points = scatter_classes(ax, X, y)
    if show:
        plt.show()
    return regions, points


def plot_boundary(parameters, X, Y, ax=None, title=None):
    """Draw the network's decision boundary at the course's [-1.5, 1.5] view; return the artists."""
    ax = ax or plt.subplots(figsize=(5, 4))[1]
    ax.set_xlim(LIMITS)
    ax.set_ylim(LIMITS)
    artists = plot_decision_boundary(lambda points: predict_dec(parameters, points.T), X, Y, ax=ax)
    if title:
        ax.set_title(title)
    return artists


def plot_costs(history, ax=None, title=None, **line_kwargs):
    """Plot the recorded costs against their true iteration numbers; return the Line2D.

    A cost of ``inf`` cannot be drawn: it leaves a gap, and the axis says so.
    """
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    (line,) = ax.plot(history.cost_iterations, history.costs, marker="o", markersize=3, **line_kwargs)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    if title:
        ax.set_title(title)
    infinite = [i for i, c in zip(history.cost_iterations, history.costs) if not np.isfinite(c)]
    if infinite:
        where = ", ".join(str(i) for i in infinite[:3]) + (", ..." if len(infinite) > 3 else "")
        ax.annotate(f"cost is inf at iteration {where}: not drawn", xy=(0.02, 0.95), xycoords="axes fraction",
                    va="top", fontsize=8, color="crimson")
    return line
