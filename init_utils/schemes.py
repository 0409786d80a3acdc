"""Named weight scales and the seeded standard-normal draws they multiply. Imports only numpy.

Strict names: LeCun = sqrt(1/n_prev), Xavier/Glorot = sqrt(2/(n_prev+n_l)), He = sqrt(2/n_prev). Draws come
from their own generator seeded with 3 (the numbers of ``np.random.seed(3)`` then ``np.random.randn``).
"""
from typing import Callable, NamedTuple

import numpy as np

SEED = 3


class Scale(NamedTuple):
    factor: Callable  # (n_l, n_prev) -> what layer l's standard normals are multiplied by


SCALES = {
    "x0.01": Scale(lambda n_l, n_prev: 0.01),
    "LeCun": Scale(lambda n_l, n_prev: np.sqrt(1.0 / n_prev)),
    "Xavier/Glorot": Scale(lambda n_l, n_prev: np.sqrt(2.0 / (n_prev + n_l))),
    "He": Scale(lambda n_l, n_prev: np.sqrt(2.0 / n_prev)),
    "x1": Scale(lambda n_l, n_prev: 1.0),
}


def scale_factors(names):
    """Return the factor of each scale named in SCALES, refusing any unknown name before work starts."""
    unknown = [name for name in names if name not in SCALES]
    if unknown:
        raise ValueError(f"unknown schemes {unknown}; choose among {list(SCALES)}")
    return [SCALES[name].factor for name in names]


def scaled_normal(layers_dims, scale, seed=SEED):
    """Return parameters with W<l> = randn(n_l, n_prev) * scale(n_l, n_prev) and zero biases."""
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        n_l, n_prev = layers_dims[l], layers_dims[l - 1]
        parameters["W" + str(l)] = rng.randn(n_l, n_prev) * scale(n_l, n_prev)
        parameters["b" + str(l)] = np.zeros((n_l, 1))
    return parameters


def builtin_initializer(name):
    """Return the initializer ``layers_dims -> parameters`` of a scale named in SCALES."""
    (factor,) = scale_factors([name])
    return lambda layers_dims: scaled_normal(layers_dims, factor)


def custom_initializer(factor):
    """Return an initializer drawing randn * factor in every layer."""
    return lambda layers_dims: scaled_normal(layers_dims, lambda n_l, n_prev: factor)
