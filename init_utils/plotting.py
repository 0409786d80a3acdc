"""Figures for the notebook. Reads arrays and Histories; never trains anything.

Every function takes an optional ``ax``. Given one, it draws there and returns the
artists; without one it draws on the current axes, like the course's helpers.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.markers import MarkerStyle

from .boundary import VIEW
from .inspection import healthy_snapshots
from .prediction import predict_dec

# Saturated red and blue for the points; pale pink and pale blue for the regions, so a point
# always stands out from the shade under it, whichever region it falls in.
CLASS_COLORS = {0: "#d62728", 1: "#1f4fbf"}
CMAP = ListedColormap(["#f7c6c0", "#c4d7f5"])  # region shades: value 0 (predicts 0), value 1 (predicts 1)
CLASS_LEVELS = (-0.5, 0.5, 1.5)


def decision_grid(X, h=0.01, pad=1.0):
    """Return xx, yy: a grid with step h covering X's range padded by ``pad``."""
    x_min, x_max = X[0, :].min() - pad, X[0, :].max() + pad
    y_min, y_max = X[1, :].min() - pad, X[1, :].max() + pad
    return np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))


# Each class has a colour AND a marker shape, so the figures read without colour vision too.
CLASS_STYLE = {0: dict(marker="o", name="class 0 (red circles): outer ring"),
               1: dict(marker="^", name="class 1 (blue triangles): inner ring")}


def marker_path(marker):
    """Return the path matplotlib draws for ``marker`` ("o", "^", ...), at unit size."""
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def scatter_classes(ax, X, y, **kwargs):
    """Scatter X (2, m) on ``ax``: class 0 red circles, class 1 blue triangles; return the PathCollection.

    One collection holds every point (get_offsets() gives all m); each point's marker
    follows its class. class_legend(ax) names colours and shapes.
    """
    labels = np.ravel(y)
    kwargs = {"s": 40, "edgecolors": "k", "linewidths": 0.3, **kwargs}
    points = ax.scatter(X[0, :], X[1, :], c=[CLASS_COLORS[int(label == 1)] for label in labels], **kwargs)
    points.set_paths([marker_path(CLASS_STYLE[int(label == 1)]["marker"]) for label in labels])
    return points


def mark_classes(ax, X, y, markersize=4, **kwargs):
    """Draw X (2, m) as two marker lines, one per class, in the scatter's colours and shapes; return both.

    Markers on a Line2D render several times faster than a scatter, which matters when
    a figure is redrawn for every animation frame.
    """
    labels = np.ravel(y)
    return [ax.plot(X[0, labels == c], X[1, labels == c], linestyle="none", marker=CLASS_STYLE[c]["marker"],
                    markersize=markersize, markerfacecolor=CLASS_COLORS[c], markeredgecolor="k",
                    markeredgewidth=0.3, label=CLASS_STYLE[c]["name"], **kwargs)[0]
            for c in (0, 1)]


def class_legend(ax, regions=False, **kwargs):
    """Add a legend naming each class's colour and shape (and the shading, if ``regions``); return it."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], linestyle="none", marker=CLASS_STYLE[c]["marker"], markersize=6,
                      markerfacecolor=CLASS_COLORS[c], markeredgecolor="k", markeredgewidth=0.3,
                      label=CLASS_STYLE[c]["name"]) for c in (0, 1)]
    if regions:
        handles += [Patch(facecolor=CMAP(c), edgecolor="0.5", label=f"{shade} shade: predicts {c}")
                    for c, shade in ((0, "pink"), (1, "pale blue"))]
    kwargs.setdefault("fontsize", 7)
    kwargs.setdefault("loc", "upper left")
    kwargs.setdefault("bbox_to_anchor", (1.02, 1.0))  # outside the axes, so it hides no point
    kwargs.setdefault("borderaxespad", 0.0)
    return ax.legend(handles=handles, **kwargs)


def plot_dataset(X, Y, ax=None, title="Training set"):
    """Scatter the dataset; return the PathCollection."""
    ax = ax or plt.gca()
    points = scatter_classes(ax, X, Y)
    ax.set_title(title)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    class_legend(ax)
    return points


def plot_decision_boundary(model, X, y, ax=None, legend=True):
    """Fill the regions where ``model`` predicts 0 and 1, then scatter X over them.

    ``model`` maps an (k, 2) array of points to k predictions. Without ``ax`` it
    draws on the current axes and calls plt.show(), as the course's helper does.
    Returns (filled contour set, scatter).
    """
    show = ax is None
    ax = ax or plt.gca()
    xx, yy = decision_grid(X)
    Z = np.asarray(model(np.c_[xx.ravel(), yy.ravel()]), dtype=float).reshape(xx.shape)
    regions = ax.contourf(xx, yy, Z, levels=CLASS_LEVELS, cmap=CMAP, vmin=0, vmax=1)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    points = scatter_classes(ax, X, y)
    if legend:
        class_legend(ax, regions=True)
    if show:
        plt.show()
    return regions, points


def plot_boundary(parameters, X, Y, ax=None, title=None, legend=True):
    """Draw the network's decision boundary at the course's [-1.5, 1.5] view; return the artists."""
    ax = ax or plt.subplots(figsize=(6.6, 4))[1]
    ax.set_xlim(VIEW)
    ax.set_ylim(VIEW)
    ax.set_aspect("equal", adjustable="box")  # rings look round
    artists = plot_decision_boundary(lambda points: predict_dec(parameters, points.T), X, Y, ax=ax, legend=legend)
    if title:
        ax.set_title(title)
    return artists


def plot_costs(history, ax=None, title=None, **line_kwargs):
    """Plot the recorded costs against their true iteration numbers; return the Line2D.

    A cost of ``inf`` cannot be drawn: it leaves a gap, and the axis says so.
    """
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    line_kwargs = {"marker": "o", "markersize": 3, **line_kwargs}
    (line,) = ax.plot(history.cost_iterations, history.costs, **line_kwargs)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
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
    fig, axes = plt.subplots(1, n + 1, figsize=(3.4 * n + 7.5, 3.8), width_ratios=[1.6] + [1] * n)
    cost_ax = axes[0]
    styles = ["-", "--", ":", "-."]
    for k, (name, history) in enumerate(histories.items()):
        plot_costs(history, ax=cost_ax, label=name, linestyle=styles[k % len(styles)],
                   marker="osD^v"[k % 5], color=f"C{k}")
    cost_ax.set_yscale("log")
    cost_ax.xaxis.set_major_locator(plt.MaxNLocator(4))
    cost_ax.set_title("cost (log scale)")
    cost_ax.legend(fontsize=8)
    for ax, (name, history) in zip(axes[1:], histories.items()):
        plot_boundary(history.parameters, X, Y, ax=ax, title=name, legend=False)
    class_legend(axes[-1], regions=True)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_sweep(points, named=(), title="How large should the starting weights be?"):
    """Plot final cost and test accuracy against the weight scale (log axis); mark named schemes.

    ``points`` are SweepPoints with one scale for every layer; ``named`` SweepPoints with per-layer
    scales are drawn at their first layer's scale, with a bar spanning their smallest to largest scale.
    """
    fig, (cost_ax, acc_ax) = plt.subplots(1, 2, figsize=(11, 4))
    scales = [p.layer_scales[0] for p in points]
    cost_ax.plot(scales, [p.final_cost for p in points], marker="o", color="C0", label="randn * scale, every layer")
    acc_ax.plot(scales, [p.test_accuracy for p in points], marker="o", color="C0", label="test, randn * scale")
    acc_ax.plot(scales, [p.train_accuracy for p in points], marker=".", linestyle="--", color="C7",
                label="train, randn * scale")
    markers = "sD^vP*"
    for k, p in enumerate(named):
        low, high = min(p.layer_scales), max(p.layer_scales)
        x = p.layer_scales[0]
        style = dict(marker=markers[k % len(markers)], markersize=9, linestyle="none", color=f"C{k + 1}",
                     markeredgecolor="k", label=f"{p.label} (layer scales {low:.2g} to {high:.2g})")
        bar = [[x - low], [high - x]]
        cost_ax.errorbar([x], [p.final_cost], xerr=bar, capsize=3, **style)
        acc_ax.errorbar([x], [p.test_accuracy], xerr=bar, capsize=3, **(style | {"label": f"{p.label}, test"}))
    for s, text in ((10.0, "x10"), (0.01, "x0.01")):
        match = [p for p in points if np.isclose(p.layer_scales[0], s)]
        for ax, value in ((cost_ax, match[0].final_cost), (acc_ax, match[0].test_accuracy)) if match else ():
            ax.annotate(text, (s, value), xytext=(0, 12), textcoords="offset points", ha="center", fontsize=9,
                        arrowprops=dict(arrowstyle="-", color="0.4"))
    for ax in (cost_ax, acc_ax):
        ax.set_xscale("log")
        ax.set_xlabel("weight scale (factor on randn)")
        ax.grid(True, which="major", alpha=0.3)
    cost_ax.set_ylabel("cost after 15,000 steps (stable, from z3)")
    acc_ax.set_ylabel("accuracy")
    acc_ax.axhline(0.5, color="0.5", linewidth=0.8, linestyle=":")
    cost_ax.legend(fontsize=7)
    acc_ax.legend(fontsize=7, loc="upper left")
    cost_ax.set_title("cost after training")
    acc_ax.set_title("accuracy after training")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


SCHEME_STYLES = {"x0.01": ("C7", "-"), "LeCun": ("C0", "-"), "Xavier/Glorot": ("C2", "--"), "He": ("C3", "-"),
                 "x1": ("C1", "-")}  # Glorot dashed: in a square stack it coincides with LeCun


def plot_layer_rms(rms_by_scheme, title="Signal size through the stack at initialization"):
    """Plot activation RMS (forward) and gradient RMS (backward) per layer on log axes; return the figure.

    ``rms_by_scheme`` maps a scheme name to (activation_rms, gradient_rms), one value per layer.
    """
    fig, (forward_ax, backward_ax) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for name, (activations, gradients) in rms_by_scheme.items():
        color, linestyle = SCHEME_STYLES.get(name, (None, "-"))
        layers = np.arange(1, len(activations) + 1)
        forward_ax.plot(layers, activations, color=color, linestyle=linestyle, label=name)
        backward_ax.plot(layers, gradients, color=color, linestyle=linestyle, label=name)
    forward_ax.set_title("forward: activation RMS of layer l")
    backward_ax.set_title("backward: RMS of the gradient reaching layer l")
    forward_ax.set_ylabel("RMS (log scale)")
    for ax in (forward_ax, backward_ax):
        ax.set_yscale("log")
        ax.set_xlabel("layer l")
        ax.grid(True, which="major", alpha=0.3)
    backward_ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_deep_costs(runs, ax=None, title="Deep network: cost during training"):
    """Plot every DeepRun's cost curve on one log axis: colour by scheme, line style by seed; return the axes.

    Costs after a run diverged (non-finite weights) and infinite costs are not drawn.
    """
    from matplotlib.lines import Line2D

    ax = ax or plt.subplots(figsize=(8, 4.5))[1]
    seeds = sorted({run.seed for run in runs})
    seed_styles = dict(zip(seeds, ["-", "--", ":", "-."] * len(seeds)))
    for run in runs:
        history = run.history
        costs = np.array(history.snapshot_costs, dtype=float)
        costs[healthy_snapshots(history):] = np.nan
        costs[~np.isfinite(costs)] = np.nan
        ax.plot(history.snapshot_iterations, costs, color=SCHEME_STYLES.get(run.scheme, (None,))[0],
                linestyle=seed_styles[run.seed], linewidth=1.4)
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost (log scale)")
    ax.grid(True, which="major", alpha=0.3)
    handles = [Line2D([], [], color=SCHEME_STYLES.get(name, (None,))[0], label=name)
               for name in dict.fromkeys(run.scheme for run in runs)]
    handles += [Line2D([], [], color="k", linestyle=seed_styles[s], label=f"seed {s}") for s in seeds]
    ax.legend(handles=handles, fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    ax.set_title(title)
    return ax
