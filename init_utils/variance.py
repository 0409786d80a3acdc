"""How the size of the signal changes through a deep ReLU stack at initialization. Imports only numpy.

The stack: ``depth`` layers, each ``width`` units wide, fed ``width`` input features.
Layer l computes Z[l] = W[l] A[l-1] and A[l] = relu(Z[l]); W[l] is standard normal times
the layer's scale, biases are zero. A[0] is ``samples`` standard-normal inputs (columns).

- Activation RMS of layer l: sqrt(mean(A[l] ** 2)), the size of what layer l passes up.
- Gradient RMS of layer l: sqrt(mean(dA[l-1] ** 2)), the size of the gradient that
  reaches layer l's input, when a standard-normal dA[L] (RMS 1, a stand-in for the loss's
  gradient) is backpropagated from the top: dZ[l] = dA[l] * (Z[l] > 0),
  dA[l-1] = W[l].T dZ[l]. The gradient of W[l] is dZ[l] A[l-1].T, so its size is the
  product of the two.

Closed form (the variance argument): with n inputs per unit and weights of scale s, each
layer multiplies the mean square by n s^2 / 2, forward and backward alike (ReLU keeps
half of a symmetric signal's second moment). So after crossing k layers the mean square
is (n s^2 / 2) ** k: He (s^2 = 2/n) keeps it at 1, LeCun (s^2 = 1/n) halves it per layer.

ReLU is positively homogeneous (relu(c z) = c relu(z) for c > 0), so scaling every W by c
scales A[l] by c ** l and dA[l-1] by c ** (L - l + 1), with the same masks. ReluStack
therefore draws and propagates one stack (at He's scale) and gets every other scale by
that factor: a scheme switch costs no propagation at all.
"""
import numbers

import numpy as np

SAMPLES = 256  # random inputs; the RMS over samples x width entries is plenty for a figure
SEED = 0
INPUTS, TOP_GRADIENT, WEIGHTS = range(3)  # the random streams of a stack


def scale_function(scale):
    """Return ``scale`` as a callable (n_l, n_prev) -> factor; a number means the same factor in every layer."""
    if callable(scale):
        return scale
    if isinstance(scale, numbers.Real) and np.isfinite(scale) and scale >= 0:
        return lambda n_l, n_prev: float(scale)
    raise ValueError(f"scale must be a number >= 0 or a callable (n_l, n_prev) -> factor; got {scale!r}")


def layer_factor(scale, width):
    """Return the factor the closed form gives per layer to the mean square: width * s^2 / 2."""
    s = float(scale_function(scale)(width, width))
    return width * s * s / 2


def _check_size(name, value, low, high=None):
    if not isinstance(value, numbers.Integral) or value < low or (high is not None and value > high):
        limit = f" and at most {high}" if high is not None else ""
        raise ValueError(f"{name} must be a whole number at least {low}{limit}; got {value!r}")
    return int(value)


class ReluStack:
    """One random ReLU stack of a given width, grown layer by layer as deeper views ask for it.

    Layer l's weights come from their own seeded stream, so a stack of depth 30 is the
    first 30 layers of the stack of depth 100, and the numbers never depend on the order
    in which depths were asked for.
    """

    def __init__(self, width, samples=SAMPLES, seed=SEED):
        self.width = _check_size("width", width, 1)
        self.samples = _check_size("samples", samples, 1)
        self.seed = int(seed)
        self._weights, self._masks = [], []  # at He's scale, float32
        self._activations = self._stream(INPUTS).standard_normal((self.width, self.samples), dtype=np.float32)
        self._activation_ms = []  # mean square of A[l] at He's scale, l = 1, 2, ...
        self._gradient_ms = {}  # depth -> mean square of dA[l-1] at He's scale, l = 1..depth

    def _stream(self, *key):
        return np.random.default_rng((self.seed, self.width, *key))

    def _grow(self, depth):
        he = np.float32(np.sqrt(2.0 / self.width))
        while len(self._weights) < depth:
            W = self._stream(WEIGHTS, len(self._weights) + 1).standard_normal((self.width, self.width),
                                                                              dtype=np.float32)
            W *= he
            Z = W @ self._activations
            mask = Z > 0
            self._activations = np.maximum(Z, 0, out=Z)
            self._weights.append(W)
            self._masks.append(mask)
            self._activation_ms.append(float(np.mean(np.square(self._activations, dtype=np.float64))))

    def _backward(self, depth):
        if depth not in self._gradient_ms:
            dA = self._stream(TOP_GRADIENT).standard_normal((self.width, self.samples), dtype=np.float32)
            mean_squares = np.empty(depth)
            for l in range(depth, 0, -1):
                dA = self._weights[l - 1].T @ (dA * self._masks[l - 1])
                mean_squares[l - 1] = np.mean(np.square(dA, dtype=np.float64))
            self._gradient_ms[depth] = mean_squares
        return self._gradient_ms[depth]

    def rms(self, depth, scale):
        """Return (activation_rms, gradient_rms), two float arrays of length ``depth`` (layer 1 first).

        ``scale`` is a number or a callable (n_l, n_prev) -> factor, as in schemes.SCALES.
        A zero scale gives exact zeros.
        """
        depth = _check_size("depth", depth, 1)
        self._grow(depth)
        s = float(scale_function(scale)(self.width, self.width))
        if not np.isfinite(s) or s < 0:
            raise ValueError(f"the scale of a {self.width}x{self.width} layer must be a number >= 0; got {s!r}")
        ratio = s / np.sqrt(2.0 / self.width)
        forward = np.sqrt(self._activation_ms[:depth])
        backward = np.sqrt(self._backward(depth))
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            layers = np.arange(1, depth + 1)
            return forward * ratio ** layers, backward * ratio ** (depth - layers + 1)


def layer_rms(depth, width, scale, samples=SAMPLES, seed=SEED):
    """Return (activation_rms, gradient_rms) per layer of a fresh ReLU stack (see the module's docstring)."""
    return ReluStack(width, samples, seed).rms(depth, scale)
