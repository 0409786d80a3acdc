"""What happens inside the network for given parameters: per layer, over the examples, over training. Imports only numpy."""
from dataclasses import dataclass

import numpy as np

from .boundary import drawable_costs
from .propagation import backward_propagation, forward_propagation

SATURATION_MARGIN = 1e-3


@dataclass
class LayerStats:
    layer: int
    activations: np.ndarray  # (n_l, m): the layer's output on every example
    distinct_units: int  # how many units compute different functions on the data
    saturated: float  # share of outputs at exactly 0 or 1 (sigmoid layer) or of dead ReLUs
    std: float  # standard deviation of the activations
    grad_norm: float  # Frobenius norm of dW<l>
    weight_norm: float  # Frobenius norm of W<l>


def layer_statistics(parameters, X, Y):
    """Return one LayerStats per layer for ``parameters`` on X (n_0, m), Y (1, m)."""
    _, cache = forward_propagation(X, parameters)
    grads = backward_propagation(X, Y, cache)
    L = len(cache) // 4
    stats = []
    for l in range(1, L + 1):
        _, a, W, _ = cache[4 * (l - 1):4 * l]
        if l == L:
            saturated = float(np.mean((a == 0.0) | (a == 1.0)))
        else:
            saturated = float(np.mean(np.all(a == 0.0, axis=1)))
        stats.append(LayerStats(l, a, len(np.unique(np.round(a, 12), axis=0)), saturated, float(np.std(a)),
                                float(np.linalg.norm(grads["dW" + str(l)])), float(np.linalg.norm(W))))
    return stats


def output_shares(parameters, X, Y, margin=SATURATION_MARGIN):
    """Return the shares of outputs within ``margin`` of 0 or 1, and of those at the wrong extreme (|a - y| > 1 - margin)."""
    a, _ = forward_propagation(X, parameters)
    return float(np.mean((a < margin) | (a > 1 - margin))), float(np.mean(np.abs(a - Y) > 1 - margin))


@dataclass
class TracePoint:
    iteration: int
    saturated: float  # share of outputs within SATURATION_MARGIN of 0 or 1
    confidently_wrong: float  # share of outputs at the wrong extreme
    relative_steps: list  # learning_rate * ||dW<l>|| / ||W<l>||: how far one step moves layer l's weights
    weight_norms: list  # ||W<l>||, per layer


def training_trace(history, X, Y, iterations):
    """Return one TracePoint per iteration, read from the last snapshot taken at or before it."""
    points = []
    for iteration in iterations:
        k = history.snapshot_index(iteration)
        stats = layer_statistics(history.snapshots[k], X, Y)
        steps = [history.learning_rate * s.grad_norm / s.weight_norm if s.weight_norm else float("inf") for s in stats]
        points.append(TracePoint(history.snapshot_iterations[k], *output_shares(history.snapshots[k], X, Y), steps,
                                 [s.weight_norm for s in stats]))
    return points


def blocked_share(parameters, X):
    """Return the share of examples for which every unit of the last hidden layer outputs 0.

    Such an example's output is the output bias alone, and no gradient flows back from it to the weights.
    """
    _, cache = forward_propagation(X, parameters)
    last_hidden = cache[-7]  # a<L-1>: the cache holds (z, a, W, b) per layer
    return float(np.mean(np.all(last_hidden == 0.0, axis=0)))


def healthy_costs(history):
    """Return the snapshot costs as floats, nan where infinite and from the first snapshot after divergence."""
    costs = drawable_costs(history.snapshot_costs)
    if history.diverged_at is not None:
        costs[np.searchsorted(history.snapshot_iterations, history.diverged_at):] = np.nan
    return costs
