"""What happens inside the network for given parameters: per-layer activations and gradients.

Imports only numpy. Used by the explorer's "inside the network" view.
"""
from dataclasses import dataclass

import numpy as np

from .propagation import backward_propagation, forward_propagation


@dataclass
class LayerStats:
    layer: int
    activations: np.ndarray  # (n_l, m): the layer's output on every example
    distinct_units: int  # how many units compute different functions on the data
    saturated: float  # share of outputs at exactly 0 or 1 (sigmoid layer) or of dead ReLUs
    std: float  # standard deviation of the activations
    grad_norm: float  # Frobenius norm of dW<l>


def layer_statistics(parameters, X, Y):
    """Return one LayerStats per layer for ``parameters`` on X (n_0, m), Y (1, m)."""
    _, cache = forward_propagation(X, parameters)
    grads = backward_propagation(X, Y, cache)
    L = len(cache) // 4
    stats = []
    for l in range(1, L + 1):
        a = cache[4 * (l - 1) + 1]
        if l == L:
            saturated = float(np.mean((a == 0.0) | (a == 1.0)))
        else:
            saturated = float(np.mean(np.all(a == 0.0, axis=1)))
        distinct = len(np.unique(np.round(a, 12), axis=0))
        stats.append(LayerStats(l, a, distinct, saturated, float(np.std(a)),
                                float(np.linalg.norm(grads["dW" + str(l)]))))
    return stats


# ---- numbers the notebook prints about the large random run ------------------------------------

SATURATION_MARGIN = 1e-3


def gradient_norms(parameters, X, Y):
    """Return [||dW1||, ..., ||dWL||] (Frobenius norms) for ``parameters`` on X (n_0, m), Y (1, m)."""
    _, cache = forward_propagation(X, parameters)
    grads = backward_propagation(X, Y, cache)
    return [float(np.linalg.norm(grads["dW" + str(l)])) for l in range(1, len(cache) // 4 + 1)]


def weight_norms(parameters):
    """Return [||W1||, ..., ||WL||] (Frobenius norms)."""
    return [float(np.linalg.norm(parameters["W" + str(l)])) for l in range(1, len(parameters) // 2 + 1)]


def output_shares(parameters, X, Y, margin=SATURATION_MARGIN):
    """Return (saturated, confidently_wrong): shares of examples whose output a is within ``margin``
    of 0 or 1, and of those where that extreme is the wrong label (|a - y| > 1 - margin)."""
    a, _ = forward_propagation(X, parameters)
    saturated = float(np.mean((a < margin) | (a > 1 - margin)))
    wrong = float(np.mean(np.abs(a - Y) > 1 - margin))
    return saturated, wrong


def relative_steps(parameters, X, Y, learning_rate):
    """Return, per layer, learning_rate * ||dW<l>|| / ||W<l>||: how far one step moves the weights, relatively."""
    return [learning_rate * g / w if w else float("inf")
            for g, w in zip(gradient_norms(parameters, X, Y), weight_norms(parameters))]


@dataclass
class TracePoint:
    iteration: int
    saturated: float  # share of outputs within SATURATION_MARGIN of 0 or 1
    confidently_wrong: float  # share of outputs at the wrong extreme
    relative_steps: list  # learning_rate * ||dW<l>|| / ||W<l>||, per layer
    weight_norms: list  # ||W<l>||, per layer


def training_trace(history, X, Y, iterations):
    """Return one TracePoint per requested iteration, read from the History's snapshots (taken before that step)."""
    points = []
    for iteration in iterations:
        k = history.snapshot_index(iteration)
        parameters = history.snapshots[k]
        saturated, wrong = output_shares(parameters, X, Y)
        points.append(TracePoint(history.snapshot_iterations[k], saturated, wrong,
                                 relative_steps(parameters, X, Y, history.learning_rate), weight_norms(parameters)))
    return points


def blocked_share(parameters, X):
    """Return the share of examples for which every unit of the last hidden layer outputs 0.

    No path through the ReLUs carries such an example to the output: its output is the
    output layer's bias alone, and no gradient flows back from it to the weights.
    """
    _, cache = forward_propagation(X, parameters)
    last_hidden = cache[-7]  # a<L-1>: the cache holds (z, a, W, b) per layer
    return float(np.mean(np.all(last_hidden == 0.0, axis=0)))


def healthy_snapshots(history):
    """Return how many of the History's snapshots come before training diverged (all of them if it did not)."""
    if history.diverged_at is None:
        return len(history.snapshots)
    return int(np.searchsorted(history.snapshot_iterations, history.diverged_at, side="left"))
