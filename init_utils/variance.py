"""How the size of the signal changes through a deep ReLU stack at initialization. Imports only numpy.

Layer l of ``width`` units computes A[l] = relu(W[l] A[l-1]), W[l] standard normal times the scale, from
``samples`` standard-normal inputs A[0]; a standard-normal dA[L] (a stand-in for the loss's gradient) is
backpropagated. Closed form: each layer multiplies the mean square by width * s^2 / 2, forward and backward
(ReLU keeps half of a symmetric signal's second moment), so He keeps it at 1 and LeCun halves it. ReLU is
positively homogeneous: scaling every W by c scales A[l] by c ** l and dA[l-1] by c ** (L - l + 1), so one
stack propagated at He's scale gives every other scale without propagating again.
"""
import numbers

import numpy as np

SAMPLES = 256  # random inputs; the RMS over samples x width entries is plenty for a figure
SEED = 0
INPUTS, TOP_GRADIENT, WEIGHTS = range(3)  # the random streams of a stack


def scale_at(scale, width):
    """Return the factor ``scale`` gives a width x width layer: a number >= 0, or a callable (n_l, n_prev) -> it."""
    s = scale(width, width) if callable(scale) else scale
    if not isinstance(s, numbers.Real) or not np.isfinite(s) or s < 0:
        raise ValueError(f"the scale of a {width}x{width} layer must be a number >= 0, or a callable "
                         f"(n_l, n_prev) -> factor giving one; got {s!r}")
    return float(s)


def layer_factor(scale, width):
    """Return the factor the closed form gives per layer to the mean square: width * s^2 / 2."""
    s = scale_at(scale, width)
    return width * s * s / 2


def _check_size(name, value):
    if not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a whole number at least 1; got {value!r}")
    return int(value)


class ReluStack:
    """One random ReLU stack of a given width, grown layer by layer as deeper views ask for it.

    Layer l's weights come from their own seeded stream, so a stack of depth 30 is the first 30
    layers of the stack of depth 100, whatever order the depths were asked for in.
    """

    def __init__(self, width, samples=SAMPLES, seed=SEED):
        self.width = _check_size("width", width)
        self.samples = _check_size("samples", samples)
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
        """Return (activation_rms, gradient_rms) per layer, layer 1 first, for weights of ``scale`` (see scale_at)."""
        depth = _check_size("depth", depth)
        self._grow(depth)
        ratio = scale_at(scale, self.width) / np.sqrt(2.0 / self.width)
        forward = np.sqrt(self._activation_ms[:depth])
        backward = np.sqrt(self._backward(depth))
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            layers = np.arange(1, depth + 1)
            return forward * ratio ** layers, backward * ratio ** (depth - layers + 1)
