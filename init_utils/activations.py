"""Activation functions used by the network. Imports only numpy."""
import numpy as np


def sigmoid(x):
    """Return 1 / (1 + exp(-x)) elementwise; large |x| saturates to exactly 0 or 1."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def relu(x):
    """Return max(0, x) elementwise."""
    return np.maximum(0, x)
