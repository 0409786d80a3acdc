"""Self-checks for the three initializers: find the mistake and say how to fix it.

A check calls the learner's function on several ``layers_dims``, prints
``All tests passed.`` or a report naming each problem, and raises AssertionError
when something is wrong so the cell turns red. It never changes the learner's
arguments and leaves numpy's global random state as it found it.
"""
from dataclasses import dataclass

import numpy as np

from .draws import MISTAKEN_DRAWS, expected_weights, name_scale, preserved_random_state, scale_for, seeded_draw, shapes

TOLERANCE = dict(rtol=1e-9, atol=1e-12)


@dataclass(frozen=True)
class Exercise:
    kind: str
    name: str
    rule: str
    cases: tuple


EXERCISES = {
    "zeros": Exercise("zeros", "initialize_parameters_zeros",
                      "every W<l> and b<l> filled with zeros: np.zeros((layers_dims[l], layers_dims[l-1])) "
                      "and np.zeros((layers_dims[l], 1))",
                      ([3, 2, 1], [2, 10, 5, 1], [5, 4, 3, 2, 1], [4, 1])),
    "random": Exercise("random", "initialize_parameters_random",
                       "np.random.seed(3) once, then W<l> = np.random.randn(layers_dims[l], layers_dims[l-1]) * 10 "
                       "and b<l> = np.zeros((layers_dims[l], 1))",
                       ([3, 2, 1], [2, 10, 5, 1], [6, 5, 4, 3, 1], [4, 1])),
    "he": Exercise("he", "initialize_parameters_he",
                   "np.random.seed(3) once, then W<l> = np.random.randn(layers_dims[l], layers_dims[l-1]) "
                   "* np.sqrt(2 / layers_dims[l-1]) and b<l> = np.zeros((layers_dims[l], 1))",
                   ([2, 4, 1], [2, 10, 5, 1], [7, 6, 5, 4, 3, 1], [4, 1])),
}


class CheckFailed(Exception):
    """Carries the list of problems found for one call."""

    def __init__(self, problems):
        super().__init__(problems[0])
        self.problems = problems


def call_learner(target, layers_dims, name, seed_before=None):
    """Call target on a copy of layers_dims; restore the random state; return the result."""
    __tracebackhide__ = True
    argument = list(layers_dims)
    with preserved_random_state():
        if seed_before is not None:
            np.random.seed(seed_before)
        try:
            result = target(argument)
        except NotImplementedError:
            raise CheckFailed([f"{name} is not implemented yet. Write your code between "
                               "'# YOUR CODE STARTS HERE' and '# YOUR CODE ENDS HERE', run that cell, "
                               "then run this check again."]) from None
        except Exception as error:
            print(f"{name}({layers_dims}) raised {type(error).__name__}: {error}\n"
                  f"The error comes from your code: the traceback below ends at the line in {name} that failed.")
            raise
    if argument != list(layers_dims):
        raise CheckFailed([f"{name} changed the layers_dims list it was given (now {argument}). "
                           "Read layers_dims, never modify it."])
    return result


def expected_keys(layers_dims):
    return [f"{p}{l}" for l, _, _ in shapes(layers_dims) for p in "Wb"]


def key_problems(parameters, layers_dims):
    """Return messages about missing, extra or misspelled keys."""
    expected = expected_keys(layers_dims)
    keys = list(parameters)
    missing = [k for k in expected if k not in parameters]
    extra = [k for k in keys if k not in expected]
    if not missing and not extra:
        return []
    L = len(layers_dims) - 1
    shown = sorted(map(repr, keys))
    if missing and all(isinstance(k, str) and k.upper() in missing for k in extra) and extra:
        return [f"keys are case-sensitive: use {missing[0]!r}, not {extra[0]!r} (capital W, lower-case b)."]
    if missing == [f"W{L}", f"b{L}"] and not extra:
        return [f"the last layer is missing: there is no 'W{L}' or 'b{L}'. With L = len(layers_dims), "
                "loop over range(1, L) so that l reaches L - 1."]
    if "W0" in extra or "b0" in extra:
        return ["layers are numbered from 1: found key 'W0' or 'b0'. Loop over range(1, L) and read "
                "layers_dims[l] and layers_dims[l-1]."]
    if extra and all(k in (f"W{L + 1}", f"b{L + 1}") for k in extra):
        return [f"one layer too many: found {extra}. layers_dims {layers_dims} has {L} weight layers."]
    message = f"the keys must be exactly {expected}; got {shown}."
    if missing:
        message += f" Missing: {missing}."
    if extra:
        message += f" Not expected: {sorted(map(repr, extra))}."
    return [message]


def shape_problem(key, actual, n_l, n_prev):
    """Return a message if ``actual`` is not the shape key (W<l> or b<l>) must have, else None."""
    l = key[1:]
    want = (n_l, n_prev) if key[0] == "W" else (n_l, 1)
    if actual == want:
        return None
    head = f"{key} has shape {actual}; it must be {want}"
    if key[0] == "W":
        if actual == (n_prev, n_l):
            return (f"{head}: it is transposed. Rows are the units of layer {l} (layers_dims[l]), "
                    "columns the units of layer l-1 (layers_dims[l-1]).")
        if actual == (n_l, n_l):
            return f"{head}: layers_dims[l] is used for both sizes; the second must be layers_dims[l-1]."
        if actual == (n_prev, n_prev):
            return f"{head}: layers_dims[l-1] is used for both sizes; the first must be layers_dims[l]."
    else:
        if actual == (n_l,):
            return f"{head}: it is 1-D. Write np.zeros((layers_dims[l], 1)) with the trailing 1."
        if actual == (1, n_l):
            return f"{head}: it is transposed. Use np.zeros((layers_dims[l], 1))."
        if actual == (n_prev, 1):
            return f"{head}: it uses the previous layer's size; biases have one entry per unit of layer {l}."
    return head + "."


def array_problems(parameters, layers_dims):
    """Return messages about types, dtypes, shapes, NaNs and biases, layer by layer."""
    problems = []
    for l, n_l, n_prev in shapes(layers_dims):
        for key in (f"W{l}", f"b{l}"):
            value = parameters[key]
            if not isinstance(value, np.ndarray):
                kind = type(value).__name__
                problems.append(f"{key} is a {kind}, not a numpy array. Build it with np.zeros or np.random.randn.")
                continue
            if value.dtype != np.float64:
                if np.issubdtype(value.dtype, np.integer) or value.dtype == bool:
                    problems.append(f"{key} has dtype {value.dtype}: weights must be floats (float64). "
                                    "Drop dtype=int; np.zeros(shape) already gives float64.")
                else:
                    problems.append(f"{key} has dtype {value.dtype}; use float64, numpy's default "
                                    "(no dtype argument, or .astype(np.float64)).")
                continue
            problem = shape_problem(key, value.shape, n_l, n_prev)
            if problem:
                problems.append(problem)
                continue
            if np.isnan(value).any() or np.isinf(value).any():
                problems.append(f"{key} contains NaN or inf values; every entry must be a finite number.")
                continue
            if key[0] == "b" and np.any(value != 0):
                problems.append(f"{key} must be all zeros, but has non-zero entries (e.g. {value.flat[np.flatnonzero(value)[0]]!r}). "
                                "Biases can start at zero: random weights already break the symmetry.")
    return problems


def diagnose_weights(kind, actual, layers_dims):
    """Return one message explaining why weights ``actual`` differ from the reference draw."""
    for options, message in MISTAKEN_DRAWS:
        draw = seeded_draw(layers_dims, lambda n_l, n_prev: scale_for(kind, n_l, n_prev), **options)
        if all(np.allclose(a, d, **TOLERANCE) for a, d in zip(actual, draw)):
            return f"the weights look like a draw that {message}."
    base = seeded_draw(layers_dims, lambda n_l, n_prev: 1.0)
    ratios = [a / b for a, b in zip(actual, base)]
    factors = [float(np.median(r)) for r in ratios]
    uniform = all(np.allclose(r, f, rtol=1e-7) for r, f in zip(ratios, factors))
    for (l, n_l, n_prev), a, b, factor in zip(shapes(layers_dims), actual, base, factors):
        right = scale_for(kind, n_l, n_prev)
        if np.allclose(a, b * right, **TOLERANCE):
            continue
        if uniform:
            what = name_scale(factors, layers_dims) or f"a factor of {factor:.6g}"
            return (f"W{l} has the right random numbers but the wrong scale: it uses {what}. "
                    f"Layer {l} needs a factor of {right:.6g}.")
        i, j = np.unravel_index(np.argmax(np.abs(a - b * right)), a.shape)
        return (f"W{l} does not match the reference draw: at [{i}, {j}] expected {b[i, j] * right!r}, "
                f"got {a[i, j]!r}. Seed once with np.random.seed(3) before the loop and draw each layer "
                "in order with np.random.randn(layers_dims[l], layers_dims[l-1]).")
    return "the weights do not match the reference draw."


def value_problems(exercise, parameters, layers_dims, target):
    """Return messages about weight values (zeros, or the seeded draw)."""
    L = len(layers_dims) - 1
    actual = [parameters[f"W{l}"] for l in range(1, L + 1)]
    if exercise.kind == "zeros":
        return [f"W{l} has non-zero entries; every weight must start at exactly 0."
                for l, W in enumerate(actual, start=1) if np.any(W != 0)]
    expected = expected_weights(exercise.kind, layers_dims)
    if all(np.allclose(a, e, **TOLERANCE) for a, e in zip(actual, expected)):
        return []
    again = call_learner(target, layers_dims, exercise.name, seed_before=12345)
    first = again.get("W1") if isinstance(again, dict) else None
    if isinstance(first, np.ndarray) and first.shape == actual[0].shape and not np.array_equal(first, actual[0]):
        return ["your function returns different weights each time it runs: the seed is missing. "
                "Call np.random.seed(3) once at the top of the function, before the loop."]
    return [diagnose_weights(exercise.kind, actual, layers_dims)]


def problems_for(exercise, result, layers_dims, target):
    """Return every problem with ``result`` for one layers_dims, checked in order."""
    if result is None:
        return [f"{exercise.name} returned None: end it with 'return parameters'."]
    if not isinstance(result, dict):
        return [f"{exercise.name} returned a {type(result).__name__}; it must return a dict "
                "mapping 'W1', 'b1', ... to numpy arrays."]
    if not result:
        return [f"{exercise.name} returned an empty dict: nothing was stored. Inside the loop, set "
                "parameters['W' + str(l)] and parameters['b' + str(l)]."]
    return (key_problems(result, layers_dims) or array_problems(result, layers_dims)
            or value_problems(exercise, result, layers_dims, target))


GRADER_CASES = ([5, 4, 3, 1], [12, 20, 15, 9, 4, 1], [3, 64, 1], [1, 1, 1, 1, 1, 1, 1], [30, 2, 30, 1])


def find_problems(exercise, target, cases):
    """Return (layers_dims, problems) for the first case that goes wrong, or (None, [])."""
    __tracebackhide__ = True
    for layers_dims in cases:
        try:
            result = call_learner(target, layers_dims, exercise.name)
            problems = problems_for(exercise, result, layers_dims, target)
        except CheckFailed as failed:
            problems = failed.problems
        if problems:
            return layers_dims, problems
    return None, []


def run_check(kind, target):
    """Check the learner's initializer for exercise ``kind``; print the verdict."""
    __tracebackhide__ = True
    exercise = EXERCISES[kind]
    if not callable(target):
        _fail(exercise, None, [f"pass the function itself, e.g. {exercise.name}_test({exercise.name}); "
                               f"got a {type(target).__name__}."])
    layers_dims, problems = find_problems(exercise, target, exercise.cases)
    if problems:
        _fail(exercise, layers_dims, problems)
    print("All tests passed.")


def _fail(exercise, layers_dims, problems):
    __tracebackhide__ = True
    where = f"{exercise.name}({layers_dims})" if layers_dims is not None else exercise.name
    lines = [f"{where} is not right yet:"] + [f"  - {p}" for p in problems]
    lines.append(f"Expected: {exercise.rule}.")
    print("\n".join(lines))
    raise AssertionError(f"{exercise.name}: {problems[0]}")

