"""Named weight scales, and the built-in initializations drawn with them. Imports only numpy.

SCALES is the one table of named scales (strict names: LeCun = sqrt(1/n_in),
Xavier/Glorot = sqrt(2/(n_in+n_out)), He = sqrt(2/n_in); some courses call sqrt(1/n_in)
"Xavier", and the notebook says so once). Every built-in scheme draws standard-normal
weights from its own generator seeded with 3 (the same numbers as ``np.random.seed(3)``
then ``np.random.randn``), scales layer l by ``scale(n_l, n_prev)`` and sets biases to
zero. numpy's global random state is untouched.
"""
from typing import Callable, NamedTuple

import numpy as np

SEED = 3


class Scale(NamedTuple):
    factor: Callable  # (n_l, n_prev) -> what layer l's standard normals are multiplied by
    formula: str


SCALES = {
    "x0.01": Scale(lambda n_l, n_prev: 0.01, "0.01"),
    "LeCun": Scale(lambda n_l, n_prev: np.sqrt(1.0 / n_prev), "sqrt(1 / n_prev)"),
    "Xavier/Glorot": Scale(lambda n_l, n_prev: np.sqrt(2.0 / (n_prev + n_l)), "sqrt(2 / (n_prev + n_l))"),
    "He": Scale(lambda n_l, n_prev: np.sqrt(2.0 / n_prev), "sqrt(2 / n_prev)"),
    "x1": Scale(lambda n_l, n_prev: 1.0, "1"),
}


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
    if name not in SCALES:
        raise ValueError(f"unknown scale {name!r}; choose one of {list(SCALES)}")
    return lambda layers_dims: scaled_normal(layers_dims, SCALES[name].factor)


def custom_initializer(factor):
    """Return an initializer drawing randn * factor in every layer."""
    return lambda layers_dims: scaled_normal(layers_dims, lambda n_l, n_prev: factor)
