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
