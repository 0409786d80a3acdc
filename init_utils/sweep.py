"""How small should random weights be? Train the course network from randn * scale for many scales.

Not pure math: it trains through ``train`` (the compiled engine when ready). Every run draws the same standard normals (seed 3,
the exercises' numbers) and multiplies them by the scale, so runs differ only in size.
"""
from dataclasses import dataclass

from .inspection import output_shares
from .loss import compute_loss_from_logits
from .prediction import accuracy, predict_dec
from .propagation import forward_propagation, output_logits
from .schemes import SCALES, scaled_normal
from .training import train

# 10 ** (k / 5) for k = -15 .. 10: 26 scales from 0.001 to 100, five per decade, with 0.01, 1 and 10 exact.
SWEEP_SCALES = tuple(float(10.0 ** (k / 5)) if k % 5 else float(10 ** (k // 5)) for k in range(-15, 11))


@dataclass
class SweepPoint:
    label: str
    layer_scales: list  # the factor of each layer
    final_cost: float  # stable cross-entropy (from z3) after the last step
    train_accuracy: float
    test_accuracy: float
    start_saturated: float = float("nan")  # share of outputs within 0.001 of 0 or 1 before training


def final_point(label, layer_scales, parameters, train_X, train_Y, test_X, test_Y):
    """Measure trained ``parameters``: stable final cost and both accuracies."""
    _, cache = forward_propagation(train_X, parameters)
    cost = float(compute_loss_from_logits(output_logits(cache), train_Y))
    return SweepPoint(label, list(layer_scales), cost, accuracy(predict_dec(parameters, train_X), train_Y),
                      accuracy(predict_dec(parameters, test_X), test_Y))


def train_scheme(label, scale, train_X, train_Y, test_X, test_Y, layers_dims=(2, 10, 5, 1), learning_rate=0.01,
                 num_iterations=15000):
    """Train from randn * scale(n_l, n_prev) (seed 3, zero biases); return its SweepPoint."""
    dims = list(layers_dims)
    parameters = scaled_normal(dims, scale)
    history = train(train_X, train_Y, parameters, learning_rate, num_iterations, print_cost=False,
                    record_every=max(num_iterations, 1))
    scales = [float(scale(dims[l], dims[l - 1])) for l in range(1, len(dims))]
    point = final_point(label, scales, history.parameters, train_X, train_Y, test_X, test_Y)
    point.start_saturated = output_shares(parameters, train_X, train_Y)[0]
    return point


def scale_sweep(train_X, train_Y, test_X, test_Y, scales=SWEEP_SCALES, **training):
    """Return one SweepPoint per scale: the same factor in every layer."""
    return [train_scheme(f"{s:g}", lambda n_l, n_prev, s=s: s, train_X, train_Y, test_X, test_Y, **training)
            for s in scales]


NAMED_SCHEMES = ("He", "LeCun", "Xavier/Glorot")  # names of schemes.SCALES with a scale per layer


def named_points(train_X, train_Y, test_X, test_Y, schemes=NAMED_SCHEMES, **training):
    """Return a SweepPoint for each scheme named in schemes.SCALES (per-layer scales), in the order given."""
    unknown = [name for name in schemes if name not in SCALES]
    if unknown:
        raise ValueError(f"unknown schemes {unknown}; choose among {list(SCALES)}")
    return [train_scheme(name, SCALES[name].factor, train_X, train_Y, test_X, test_Y, **training) for name in schemes]


def valley_floor(points, factor=2.0):
    """Return the points whose final cost is at most ``factor`` times the lowest final cost, in their order."""
    lowest = min(p.final_cost for p in points)
    return [p for p in points if p.final_cost <= factor * lowest]
