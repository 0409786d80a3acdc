"""Figures for the notebook: they read arrays and Histories and never train anything."""
from itertools import cycle

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Patch

from .boundary import VIEW
from .history import History, check_history
from .inputs import article
from .inspection import healthy_costs
from .prediction import predict_dec

# Each class has a colour AND a marker shape, so the figures read without colour vision too. Saturated red and
# blue for the points, pale pink and pale blue for the regions: a point stands out from the shade under it.
CLASSES = {0: dict(color="#d62728", marker="o", name="class 0 (red circles): outer ring"),
           1: dict(color="#1f4fbf", marker="^", name="class 1 (blue triangles): inner ring")}
CMAP = ListedColormap(["#f7c6c0", "#c4d7f5"])  # region shades: value 0 (predicts 0), value 1 (predicts 1)
SCHEME_STYLES = {"x0.01": ("C7", "-"), "LeCun": ("C0", "-"), "Xavier/Glorot": ("C2", "--"), "He": ("C3", "-"),
                 "x1": ("C1", "-")}  # Glorot dashed: in a square stack it coincides with LeCun


def class_markers(c, markersize):
    """Return the Line2D keywords that draw class ``c`` as markers without a line, named for a legend."""
    return dict(linestyle="none", marker=CLASSES[c]["marker"], markersize=markersize, markerfacecolor=CLASSES[c]["color"],
                markeredgecolor="k", markeredgewidth=0.3, label=CLASSES[c]["name"])


def scatter_classes(ax, X, y):
    """Scatter X (2, m) on ``ax`` as one PathCollection, each point in its class's colour and marker; return it."""
    classes = [CLASSES[int(label == 1)] for label in np.ravel(y)]
    points = ax.scatter(X[0, :], X[1, :], s=40, c=[c["color"] for c in classes], edgecolors="k", linewidths=0.3)
    markers = [MarkerStyle(c["marker"]) for c in classes]
    points.set_paths([marker.get_path().transformed(marker.get_transform()) for marker in markers])
    return points


def mark_classes(ax, X, y, markersize=4):
    """Draw X (2, m) as two marker lines, one per class; return both (they redraw several times faster than a scatter)."""
    labels = np.ravel(y)
    return [ax.plot(X[0, labels == c], X[1, labels == c], **class_markers(c, markersize))[0] for c in (0, 1)]


def class_legend(ax, regions=False):
    """Add a legend beside ``ax`` naming each class's colour and shape (and the shading, if ``regions``); return it."""
    handles = [Line2D([], [], **class_markers(c, 6)) for c in (0, 1)]
    if regions:
        handles += [Patch(facecolor=CMAP(c), edgecolor="0.5", label=f"{shade} shade: predicts {c}")
                    for c, shade in ((0, "pink"), (1, "pale blue"))]
    return ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)


def plot_dataset(X, Y, ax=None, title="Training set"):
    """Scatter the dataset; return the PathCollection."""
    ax = ax or plt.gca()
    ax.set_title(title)
    return _scatter_named(ax, X, Y, legend=True, regions=False)


def plot_decision_boundary(model, X, y, ax=None, legend=True):
    """Fill the regions where ``model`` predicts 0 and 1, then scatter X over them; return (contour set, scatter).

    ``model`` maps an (k, 2) array of points to k predictions. Without ``ax`` it draws on the
    current axes and calls plt.show(), as the course's helper does.
    """
    show = ax is None
    ax = ax or plt.gca()
    (x_min, y_min), (x_max, y_max) = X.min(axis=1) - 1.0, X.max(axis=1) + 1.0  # the course's grid: X's range + 1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, 0.01), np.arange(y_min, y_max, 0.01))
    Z = _predict_grid(model, np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    regions = ax.contourf(xx, yy, Z, levels=(-0.5, 0.5, 1.5), cmap=CMAP, vmin=0, vmax=1)
    points = _scatter_named(ax, X, y, legend=legend, regions=True)
    if show:
        plt.show()
    return regions, points


def _predict_grid(model, points):
    """Return model(points) as a float array of one prediction per point, or raise saying what model must be."""
    usage = "model must be a function taking a (k, 2) array of points and returning k predictions"
    if not callable(model):
        raise TypeError(f"{usage}, e.g. lambda x: predict_dec(parameters, x.T); got {article(type(model).__name__)}.")
    Z = model(points)
    if Z is None or np.size(Z) != len(points):
        raise ValueError(f"{usage}; given {len(points)} points it returned {'None' if Z is None else np.shape(Z)}.")
    return np.asarray(Z, dtype=float)


def _scatter_named(ax, X, y, legend, regions):
    ax.set(xlabel="x1", ylabel="x2")
    points = scatter_classes(ax, X, y)
    if legend:
        class_legend(ax, regions=regions)
    return points


def plot_boundary(parameters, X, Y, ax=None, title=None, legend=True):
    """Draw the network's decision boundary at the course's [-1.5, 1.5] view; return the artists."""
    if not isinstance(parameters, dict):
        hint = ": pass history.parameters" if isinstance(parameters, History) else ""
        raise TypeError(f"plot_boundary needs the parameters dict; got {article(type(parameters).__name__)}{hint}.")
    ax = ax or plt.subplots(figsize=(6.6, 4))[1]
    ax.set(xlim=VIEW, ylim=VIEW)
    ax.set_aspect("equal", adjustable="box")  # rings look round
    artists = plot_decision_boundary(lambda points: predict_dec(parameters, points.T), X, Y, ax=ax, legend=legend)
    if title:
        ax.set_title(title)
    return artists


def plot_costs(history, ax=None, title=None, **line_kwargs):
    """Plot the recorded costs against their true iteration numbers (an inf leaves a gap, and says so); return the line."""
    check_history(history)
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    (line,) = ax.plot(history.cost_iterations, history.costs, **{"marker": "o", "markersize": 3, **line_kwargs})
    ax.set(xlabel="iteration", ylabel="cost")
    if title:
        ax.set_title(title)
    infinite = [i for i, c in zip(history.cost_iterations, history.costs) if not np.isfinite(c)]
    if infinite:
        where = ", ".join(str(i) for i in infinite[:3]) + (", ..." if len(infinite) > 3 else "")
        ax.annotate(f"cost is inf at iteration {where}: not drawn", xy=(0.02, 0.03), xycoords="axes fraction",
                    va="bottom", fontsize=8, color="crimson")
    return line


def plot_comparison(histories, X, Y, title="Three initializations, same network, same data"):
    """Draw every History's cost curve on one log axis, beside each run's decision boundary; return the figure."""
    n = len(histories)
    fig, (cost_ax, *boundary_axes) = plt.subplots(1, n + 1, figsize=(3.4 * n + 7.5, 3.8), width_ratios=[1.6] + [1] * n)
    for k, (ax, (name, history)) in enumerate(zip(boundary_axes, histories.items())):
        plot_costs(history, ax=cost_ax, label=name, linestyle=["-", "--", ":", "-."][k % 4], marker="osD^v"[k % 5],
                   color=f"C{k}")
        plot_boundary(history.parameters, X, Y, ax=ax, title=name, legend=False)
    cost_ax.set(yscale="log", title="cost (log scale)")
    cost_ax.xaxis.set_major_locator(plt.MaxNLocator(4))
    cost_ax.legend(fontsize=8)
    class_legend(boundary_axes[-1], regions=True)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_sweep(points, named=(), title="How large should the starting weights be?"):
    """Plot final cost and test accuracy against the weight scale (log axis); return the figure.

    ``named`` SweepPoints (a scale per layer) sit at their first layer's scale, with a bar spanning their scales.
    """
    fig, (cost_ax, acc_ax) = plt.subplots(1, 2, figsize=(11, 4))
    scales = [p.layer_scales[0] for p in points]
    cost_ax.plot(scales, [p.final_cost for p in points], marker="o", color="C0", label="randn * scale, every layer")
    acc_ax.plot(scales, [p.test_accuracy for p in points], marker="o", color="C0", label="test, randn * scale")
    acc_ax.plot(scales, [p.train_accuracy for p in points], marker=".", linestyle="--", color="C7",
                label="train, randn * scale")
    for k, p in enumerate(named):
        x, low, high = p.layer_scales[0], min(p.layer_scales), max(p.layer_scales)
        style = dict(xerr=[[x - low], [high - x]], capsize=3, marker="sD^vP*"[k % 6], markersize=9, linestyle="none",
                     color=f"C{k + 1}", markeredgecolor="k")
        cost_ax.errorbar([x], [p.final_cost], label=f"{p.label} (layer scales {low:.2g} to {high:.2g})", **style)
        acc_ax.errorbar([x], [p.test_accuracy], label=f"{p.label}, test", **style)
    for s, text in ((10.0, "x10"), (0.01, "x0.01")):
        for p in [p for p in points if np.isclose(p.layer_scales[0], s)][:1]:  # the first point at s, if any
            for ax, value in ((cost_ax, p.final_cost), (acc_ax, p.test_accuracy)):
                ax.annotate(text, (s, value), xytext=(0, 12), textcoords="offset points", ha="center", fontsize=9,
                            arrowprops=dict(arrowstyle="-", color="0.4"))
    for ax in (cost_ax, acc_ax):
        ax.set(xscale="log", xlabel="weight scale (factor on randn)")
        ax.grid(True, which="major", alpha=0.3)
    cost_ax.set(title="cost after training", ylabel="cost after 15,000 steps (stable, from z3)")
    acc_ax.set(title="accuracy after training", ylabel="accuracy")
    acc_ax.axhline(0.5, color="0.5", linewidth=0.8, linestyle=":")
    cost_ax.legend(fontsize=7)
    acc_ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_layer_rms(rms_by_scheme, title="Signal size through the stack at initialization"):
    """Plot each scheme's (activation_rms, gradient_rms) per layer, forward and backward, on log axes; return the figure."""
    fig, (forward_ax, backward_ax) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for name, (activations, gradients) in rms_by_scheme.items():
        color, linestyle = SCHEME_STYLES.get(name, (None, "-"))
        layers = np.arange(1, len(activations) + 1)
        forward_ax.plot(layers, activations, color=color, linestyle=linestyle, label=name)
        backward_ax.plot(layers, gradients, color=color, linestyle=linestyle, label=name)
    forward_ax.set(title="forward: activation RMS of layer l", ylabel="RMS (log scale)")
    backward_ax.set_title("backward: RMS of the gradient reaching layer l")
    for ax in (forward_ax, backward_ax):
        ax.set(yscale="log", xlabel="layer l")
        ax.grid(True, which="major", alpha=0.3)
    backward_ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_deep_costs(runs, ax=None, title="Deep network: cost during training"):
    """Plot every DeepRun's healthy costs on one log axis, colour by scheme and line style by seed; return the axes."""
    ax = ax or plt.subplots(figsize=(8, 4.5))[1]
    colors = {name: SCHEME_STYLES.get(name, (None,))[0] for name in dict.fromkeys(run.scheme for run in runs)}
    seed_styles = dict(zip(sorted({run.seed for run in runs}), cycle(["-", "--", ":", "-."])))
    for run in runs:
        ax.plot(run.history.snapshot_iterations, healthy_costs(run.history), color=colors[run.scheme],
                linestyle=seed_styles[run.seed], linewidth=1.4)
    ax.set(yscale="log", xlabel="iteration", ylabel="cost (log scale)", title=title)
    ax.grid(True, which="major", alpha=0.3)
    handles = [Line2D([], [], color=color, label=name) for name, color in colors.items()]
    handles += [Line2D([], [], color="k", linestyle=style, label=f"seed {s}") for s, style in seed_styles.items()]
    ax.legend(handles=handles, fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return ax
