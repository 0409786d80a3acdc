"""How large should random weights be? Train the course network from randn * scale for many scales.

Not pure math: it trains through ``train``. Every run draws the same standard normals (seed 3, the
exercises' numbers) and multiplies them by the scale, so runs differ only in size.
"""
from dataclasses import dataclass

from .inspection import output_shares
from .loss import compute_loss_from_logits
from .prediction import accuracy, predict_dec
from .propagation import forward_propagation, output_logits
from .schemes import scale_factors, scaled_normal
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
    start_saturated: float  # share of outputs within 0.001 of 0 or 1 before training


def train_scheme(label, scale, train_X, train_Y, test_X, test_Y, layers_dims=(2, 10, 5, 1), learning_rate=0.01,
                 num_iterations=15000):
    """Train from randn * scale(n_l, n_prev) (seed 3, zero biases); return its SweepPoint."""
    start = scaled_normal(layers_dims, scale)
    trained = train(train_X, train_Y, start, learning_rate, num_iterations, print_cost=False,
                    record_every=max(num_iterations, 1)).parameters
    _, cache = forward_propagation(train_X, trained)
    layer_scales = [float(scale(n_l, n_prev)) for n_prev, n_l in zip(layers_dims, layers_dims[1:])]
    return SweepPoint(label, layer_scales, float(compute_loss_from_logits(output_logits(cache), train_Y)),
                      accuracy(predict_dec(trained, train_X), train_Y), accuracy(predict_dec(trained, test_X), test_Y),
                      output_shares(start, train_X, train_Y)[0])


def scale_sweep(train_X, train_Y, test_X, test_Y, scales=SWEEP_SCALES, **training):
    """Return one SweepPoint per scale: the same factor in every layer."""
    return [train_scheme(f"{s:g}", lambda n_l, n_prev, s=s: s, train_X, train_Y, test_X, test_Y, **training)
            for s in scales]


def named_points(train_X, train_Y, test_X, test_Y, schemes=("He", "LeCun", "Xavier/Glorot"), **training):
    """Return a SweepPoint for each scheme named in schemes.SCALES (a scale per layer), in the order given."""
    return [train_scheme(name, factor, train_X, train_Y, test_X, test_Y, **training)
            for name, factor in zip(schemes, scale_factors(schemes))]


def valley_floor(points, factor=2.0):
    """Return the points whose final cost is at most ``factor`` times the lowest final cost, in their order."""
    lowest = min(p.final_cost for p in points)
    return [p for p in points if p.final_cost <= factor * lowest]
