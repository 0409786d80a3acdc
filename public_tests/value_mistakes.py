"""Wrong array types and values: not a plain float64 ndarray, NaN or inf, biases or zero weights that are not 0."""
from types import SimpleNamespace

import numpy as np

from .draws import expected_weights, scale_for
from .exercises import shapes
from init_utils.inputs import article

from .mistakes import first_message
from .observation import Opaque
from .shape_mistakes import shape_problem


# Arrays that are not plain ndarrays, by their type's name: what the message says after the key.
ARRAY_KINDS = {"MaskedArray": " is a masked array (np.ma.MaskedArray), which can hide entries from a comparison. Return a plain "
               "numpy array, built with np.zeros or np.random.randn.",
               "matrix": " is an np.matrix. Return a plain numpy array (np.zeros, np.random.randn), not np.matrix."}
TYPE_MISTAKES = (
    (lambda f: f.opaque and ARRAY_KINDS.get(f.value.type_name), lambda f, said: f.key + said),
    (lambda f: f.opaque and f.value.ndarray_subclass, lambda f, _: f"{f.key} is a {f.value.type_name}, a subclass of numpy's "
     "ndarray. Return a plain np.ndarray, exactly what np.zeros or np.random.randn give."),
    (lambda f: f.opaque, lambda f, _: f"{f.key} is {article(f.value.type_name)}, not a numpy array. Build it with np.zeros or "
     "np.random.randn."),
    (lambda f: f.whole and f.kind != "zeros" and f.key[0] == "W" and f.truncated,
     lambda f, _: f"{f.key} has dtype {f.value.dtype}: the weights were cut to whole numbers, as .astype(int) (or int(...), "
     "dtype=int) does. Remove the .astype(int): np.random.randn already gives float64."),
    (lambda f: f.whole, lambda f, _: f"{f.key} has dtype {f.value.dtype}: {f.what} must be floats (float64). Drop dtype=int or "
     f".astype(int); {'np.zeros(shape)' if f.key[0] == 'b' or f.kind == 'zeros' else 'np.random.randn(...)'} already gives "
     "float64."),
    (lambda f: not (f.value.dtype.kind == "f" and f.value.dtype.itemsize == 8),
     lambda f, _: f"{f.key} has dtype {f.value.dtype}; {f.what} must be float64, numpy's default (no dtype argument, or "
     ".astype(np.float64))."),
)


def _truncated(kind, value, expected, n_l, n_prev):
    """True when integer weights are the reference draw (or its unscaled normals) cut to whole numbers."""
    if expected is None or type(value) is not np.ndarray or value.dtype.kind not in "iu":
        return False
    scale = scale_for(kind, n_l, n_prev)
    return value.shape == expected.shape and (np.array_equal(value, np.trunc(expected)) or np.array_equal(
        value, np.trunc(expected / scale) * scale))


def array_problems(exercise, parameters, layers_dims):
    """Return messages about types, dtypes, shapes and NaNs, layer by layer."""
    problems = []
    expected = None if exercise.kind == "zeros" else expected_weights(exercise.kind, layers_dims)
    for l, n_l, n_prev in shapes(layers_dims):
        for key in (f"W{l}", f"b{l}"):
            value = parameters[key]
            reference = None if expected is None else expected[l - 1]
            truncated = key[0] == "W" and _truncated(exercise.kind, value, reference, n_l, n_prev)
            opaque = isinstance(value, Opaque)
            facts = SimpleNamespace(key=key, value=value, kind=exercise.kind, truncated=truncated, opaque=opaque,
                                    whole=not opaque and value.dtype.kind in "iub", what="weights" if key[0] == "W" else "biases")
            problem = first_message(TYPE_MISTAKES, facts) or shape_problem(key, value.shape, n_l, n_prev)
            if not problem and not np.all(np.isfinite(value)):
                problem = f"{key} contains NaN or inf values; every entry must be a finite number."
            if problem:
                problems.append(problem)
    return problems


def leftover_hint(value):
    """A hint when non-zero values look like leftover memory (what np.empty returns), else ''."""
    values = np.abs(value[value != 0])
    if values.size and (np.any(values < 1e-300) or np.any(values > 1e300)):
        return (" Values like these are leftover memory, which is what np.empty gives: np.empty does not fill the array; "
                "np.zeros does.")
    return ""


def bias_problems(exercise, parameters, layers_dims):
    """Return a message about the first bias with non-zero entries, if any."""
    for l, _, _ in shapes(layers_dims):
        value = parameters[f"b{l}"]
        if not np.any(value != 0):
            continue
        example = value.flat[np.flatnonzero(value)[0]]
        head = f"b{l} must be all zeros but has non-zero entries (e.g. {float(example)!r})." + leftover_hint(value)
        if exercise.kind == "zeros":
            return [head + " In this exercise every parameter starts at 0, biases included: np.zeros((layers_dims[l], 1))."]
        return [head + " Only the weights need to be random; they already make the units differ, so biases start at "
                "np.zeros((layers_dims[l], 1))."]
    return []


def nonzero_weights(weights, layers_dims):
    """For the zeros exercise: a message about the first W<l> with non-zero entries."""
    return [f"W{l} has non-zero entries (e.g. {float(W.flat[np.flatnonzero(W)[0]])!r}); every weight must start at exactly 0: "
            "np.zeros((layers_dims[l], layers_dims[l-1]))." + leftover_hint(W)
            for (l, _, _), W in zip(shapes(layers_dims), weights) if np.any(W)][:1]
