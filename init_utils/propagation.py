"""Forward pass, backward pass and the gradient-descent step. Imports only numpy.

LINEAR -> RELU for layers 1..L-1, LINEAR -> SIGMOID for layer L; ``parameters`` maps "W<l>" to
(n_l, n_{l-1}) and "b<l>" to (n_l, 1); examples are columns: X is (n_0, m).
"""
import numpy as np

from .activations import relu, sigmoid


def num_layers(parameters):
    """Return L, the number of weight layers in ``parameters``."""
    return len(parameters) // 2


def forward_propagation(X, parameters):
    """Run the network on X (n_0, m); return aL (1, m) and the course's cache (z1, a1, W1, b1, ..., zL, aL, WL, bL)."""
    L = num_layers(parameters)
    a, cache = X, []
    for l in range(1, L + 1):
        W = parameters["W" + str(l)]
        b = parameters["b" + str(l)]
        try:
            z = np.dot(W, a) + b
        except ValueError:
            raise ValueError(f"layer {l}: W{l} {np.shape(W)} and b{l} {np.shape(b)} do not fit its input "
                             f"{'X' if l == 1 else f'a{l - 1}'} {np.shape(a)}. W{l} needs as many columns as the "
                             "input has rows, one column per example: if X is transposed, pass X.T.") from None
        a = relu(z) if l < L else sigmoid(z)
        cache.extend((z, a, W, b))
    return a, tuple(cache)


def output_logits(cache):
    """Return zL, the output layer's pre-activation, from a forward cache."""
    return cache[-4]


def backward_propagation(X, Y, cache):
    """Return ``grads`` with "dz<l>", "dW<l>", "db<l>" and "da<l>" of the mean cross-entropy for the cached pass."""
    m = X.shape[1]
    L = len(cache) // 4
    grads = {}
    error = cache[4 * L - 3] - Y  # aL - Y
    dz = 1.0 / m * error
    for l in range(L, 0, -1):
        a_prev = X if l == 1 else cache[4 * (l - 2) + 1]
        W = cache[4 * (l - 1) + 2]
        grads["dz" + str(l)] = dz
        grads["dW" + str(l)] = np.dot(dz, a_prev.T)
        # The output bias sums the errors before scaling by 1/m: when the math makes that sum
        # exactly 0 (zero weights: every error is +-0.5, the labels are balanced), so does the
        # computer, in any summation order. Summing the scaled dz would leave ~1e-16 behind.
        grads["db" + str(l)] = (np.sum(error, axis=1, keepdims=True) / m if l == L
                                else np.sum(dz, axis=1, keepdims=True))
        if l > 1:
            da_prev = np.dot(W.T, dz)
            grads["da" + str(l - 1)] = da_prev
            dz = np.multiply(da_prev, np.int64(a_prev > 0))
    return grads


def update_parameters(parameters, grads, learning_rate):
    """Take one gradient-descent step on ``parameters`` in place and return it."""
    for l in range(1, num_layers(parameters) + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters
