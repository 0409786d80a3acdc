"""Checks of what a learner passes to train and the tables: data, parameters, settings. Imports only numpy."""
import numbers

import numpy as np

REAL_KINDS = "biuf"  # numpy dtype kinds of bool, signed and unsigned int, float


class MessageOnly:
    """Make IPython show only the exception's message: its frames are the kit's code, not the learner's."""

    def _render_traceback_(self):
        return [f"{type(self).__name__}: {self}"]


class TrainingInputError(MessageOnly, ValueError):
    """Raised when ``train`` is called with data or parameters it cannot use."""


def check_data(X, Y):
    """Raise TrainingInputError naming the first problem with the data X (n_0, m) and labels Y (1, m)."""
    __tracebackhide__ = True
    for name, arr in (("X", X), ("Y", Y)):
        if not _is_array(arr) or arr.ndim != 2:
            raise TrainingInputError(f"{name} must be a 2-D numpy array with one column per example; "
                                     f"got {_describe(arr)}.")
    if Y.shape != (1, X.shape[1]):
        raise TrainingInputError(
            f"Y must have shape (1, {X.shape[1]}) to match X {X.shape}; got {Y.shape}. "
            "Examples are columns: reshape with Y.reshape(1, -1)."
        )
    if X.size == 0:
        raise TrainingInputError(f"X has shape {X.shape}: it needs at least one feature (row) and one example (column).")
    if X.dtype.kind not in REAL_KINDS:
        raise TrainingInputError(f"X must hold real numbers; its dtype is {X.dtype}. Convert it with X.astype(float).")
    finite = np.isfinite(X).all(axis=0)
    if not finite.all():
        raise TrainingInputError(f"X holds NaN or inf in column {int(np.argmin(finite))} (one example per column); "
                                 "fix or drop that example.")
    if Y.dtype.kind not in REAL_KINDS or not ((Y == 0) | (Y == 1)).all():
        others = dict.fromkeys(repr(v) for v in Y.ravel().tolist() if not (v == 0 or v == 1))  # repr: NaN != NaN
        if not others:
            raise TrainingInputError(f"Y must hold the numbers 0 and 1; its dtype is {Y.dtype}. "
                                     "Convert it with Y.astype(int).")
        raise TrainingInputError(f"Y must hold only the labels 0 and 1 (bool is fine); it also holds "
                                 f"{', '.join(list(others)[:5])}{', ...' if len(others) > 5 else ''} (dtype {Y.dtype}).")


def _is_array(value):
    """Return True if value is a numpy array, and not an np.matrix (whose * and ravel act differently)."""
    return isinstance(value, np.ndarray) and not isinstance(value, np.matrix)


def count(n, noun):
    """Say how many: "1 layer", "50 layers"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def article(word):
    """Put "a" or "an" before a word: "a list", "an int", "an ndarray"."""
    vowel_sound = word[:1].lower() in "aeiou" or word.lower().startswith("nd")
    return ("an " if vowel_sound else "a ") + word


def _describe(value):
    """Return a short description of a value: an array's shape, or the type's name."""
    if isinstance(value, np.matrix):
        return "an np.matrix"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return article(type(value).__name__)


def check_training_inputs(X, Y, parameters, learning_rate, num_iterations, record_every, progress=None):
    """Raise TrainingInputError naming the first problem with train's arguments."""
    __tracebackhide__ = True
    L = _check_keys(parameters)
    check_data(X, Y)
    _check_layers(parameters, L, X.shape[0])
    if (isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real)
            or not 0 < learning_rate < float("inf")):
        raise TrainingInputError(
            f"learning_rate must be a positive number (finite, not True or False), got {learning_rate!r}.")
    for name, value, low in (("num_iterations", num_iterations, 0), ("record_every", record_every, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise TrainingInputError(f"{name} must be a whole number, {low} or more; got {value!r}.")
    if progress is not None and not callable(progress):
        raise TrainingInputError(f"progress must be a function progress(done, total) or None; got {progress!r}.")


def _check_keys(parameters):
    """Raise TrainingInputError unless parameters is a dict with keys W1, b1, ..., WL, bL; return L."""
    __tracebackhide__ = True
    if not isinstance(parameters, dict) or not parameters:
        got = ("an empty dict: your initializer's loop stored nothing (run its self-check)." if isinstance(parameters, dict)
               else f"{type(parameters).__name__}. Pass the dict your initializer returned.")
        raise TrainingInputError(f"parameters must be a non-empty dict like {{'W1': ..., 'b1': ...}}, got {got}")
    for key in parameters:
        if not isinstance(key, str):
            raise TrainingInputError(f"parameters' keys must be strings like 'W1' and 'b1'; got the key {key!r} "
                                     f"({type(key).__name__}).")
    numbered = [k for k in parameters if _numbered(k)]
    L = max((int(k[1:]) for k in numbered), default=0)
    missing = [f"{p}{l}" for p in "Wb" for l in range(1, L + 1) if f"{p}{l}" not in parameters]
    extra = [k for k in parameters if k not in numbered]
    if extra:
        cased = next((k for k in extra if _numbered(k[:1].swapcase() + k[1:])), None)  # 'w1' for 'W1', 'B1' for 'b1'
        raise TrainingInputError(f"parameters' keys must be 'W1', 'b1', 'W2', 'b2', ...: one weight matrix and one bias per "
                                 f"layer, numbered from 1; {_listed(list(map(repr, extra)))} "
                                 f"{'does' if len(extra) == 1 else 'do'} not fit"
                                 + (f" (keys are case-sensitive: {cased[:1].swapcase() + cased[1:]!r}, not {cased!r})"
                                    if cased else "") + "."
                                 + (f" Also, {_listed(missing)} {_is_are(missing)} missing." if missing else ""))
    if missing:
        needs = ("a bias, np.zeros((layers_dims[l], 1))" if all(k[0] == "b" for k in missing) else
                 "weights, np.random.randn(layers_dims[l], layers_dims[l-1]) times a scale" if all(k[0] == "W" for k in missing)
                 else "weights W<l> and a bias b<l>")
        raise TrainingInputError(f"{_listed(missing)} {_is_are(missing)} missing: every layer needs {needs}. Run your "
                                 "initializer's self-check to find the mistake.")
    return L


def _numbered(key):
    """Return True for the keys W1 .. W999 and b1 .. b999."""
    return key[:1] in ("W", "b") and key[1:].isascii() and key[1:].isdigit() and key[1] != "0" and len(key) <= 4


def _listed(names, most=6):
    """Join names with commas, the first ``most`` only."""
    return ", ".join(names[:most]) + (", ..." if len(names) > most else "")


def _is_are(names):
    return "is" if len(names) == 1 else "are"


def _check_layers(parameters, L, n_0):
    """Raise TrainingInputError unless every W<l>, b<l> is a finite real array of a shape that chains from n_0 to 1."""
    __tracebackhide__ = True
    n_prev = n_0
    for l in range(1, L + 1):
        for name in (f"W{l}", f"b{l}"):
            arr = parameters[name]
            if not _is_array(arr):
                raise TrainingInputError(f"{name} must be a numpy array; got {_describe(arr)}. "
                                         f"Convert it with np.array({name}, dtype=float).")
            if arr.dtype.kind not in REAL_KINDS:
                raise TrainingInputError(f"{name} must hold real numbers; its dtype is {arr.dtype}.")
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        if W.ndim != 2 or W.shape[1] != n_prev:
            raise TrainingInputError(
                f"W{l} has shape {W.shape} but must have {n_prev} columns (the size of layer {l - 1})."
            )
        if W.shape[0] == 0:
            raise TrainingInputError(f"W{l} has shape {W.shape}: layer {l} needs at least one unit (row).")
        if b.shape != (W.shape[0], 1):
            raise TrainingInputError(f"b{l} has shape {b.shape}; it must be ({W.shape[0]}, 1).")
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise TrainingInputError(f"W{l} or b{l} holds inf or NaN; initialize with finite numbers.")
        n_prev = W.shape[0]
    if n_prev != 1:
        raise TrainingInputError(f"the last layer W{L} must have 1 row (one output); it has {n_prev}.")
