"""Self-checks for the three initializers: find the mistake and say how to fix it.

The work is split in two halves so that a grader can run them in different processes:

- ``observe`` runs the learner's function (twice per ``layers_dims``, after two different
  seeds of numpy's global generator, neither of them 3) and records what came back;
- ``judge`` reads those records (plain data and numpy arrays) and returns the problems.
  It runs no learner code.

``run_check`` does both for the notebook: it prints ``All tests passed.`` or a report
naming each problem, and raises AssertionError so that the cell turns red. It never
changes the learner's arguments and leaves numpy's global random state as it found it.
"""
import traceback
from dataclasses import dataclass, replace

import numpy as np

from .answer_regions import placeholder
from .draws import (MISTAKEN_DRAWS, expected_weights, name_scale, preserved_random_state, scale_for, seeded_draw,
                    shapes, stream_offsets)

TOLERANCE = dict(rtol=1e-9, atol=1e-12)
# Seeds numpy's global generator gets before each call. Neither is 3, so a function that does
# not seed, or seeds after drawing, gets different numbers; the second call catches functions
# that are right only once.
PRE_SEEDS = (101, 7919)
PROTOCOL = "numpy's global generator seeded with {0} before the first call and with {1} before the second"


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

GRADER_CASES = ([5, 4, 3, 1], [12, 20, 15, 9, 4, 1], [3, 64, 1], [1, 1, 1, 1, 1, 1, 1], [30, 2, 30, 1])


# ---- records ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Opaque:
    """Stands in for a value the judge only needs to name: its type, and whether it subclasses ndarray."""

    type_name: str
    module: str = "builtins"
    ndarray_subclass: bool = False

    @classmethod
    def of(cls, value):
        kind = type(value)
        return cls(kind.__name__, kind.__module__, isinstance(value, np.ndarray))


@dataclass(frozen=True)
class Raised:
    """An exception the learner's function raised: its type, message and the learner's line."""

    type_name: str
    message: str
    line: str = None


@dataclass(frozen=True)
class Call:
    """One call of the learner's function: the seed set before it, what it returned or raised."""

    pre_seed: int
    result: object
    error: Raised = None
    argument_after: list = None
    exception: BaseException = None  # the live exception, in-process only; judge never reads it


@dataclass(frozen=True)
class Observation:
    layers_dims: tuple
    calls: tuple


def _learner_line(error, target):
    """Return the source of the deepest traceback line inside ``target``'s file (or outside numpy)."""
    frames = traceback.extract_tb(error.__traceback__)
    filename = getattr(getattr(target, "__code__", None), "co_filename", None)
    mine = [f for f in frames if f.filename == filename] or [f for f in frames if "numpy" not in f.filename]
    return (mine[-1].line or None) if mine else None


def observe(exercise, target, layers_dims):
    """Call ``target`` as the protocol says; return an Observation. The learner's exceptions are recorded."""
    __tracebackhide__ = True
    calls = []
    with preserved_random_state():
        for seed in PRE_SEEDS:
            argument = list(layers_dims)
            np.random.seed(seed)
            try:
                result = target(argument)
            except Exception as error:  # the learner's code may raise anything; it is reported, not hidden
                raised = Raised(type(error).__name__, str(error), _learner_line(error, target))
                calls.append(Call(seed, None, raised, list(argument), error))
                break
            calls.append(Call(seed, _snapshot(result), None, list(argument)))
    return Observation(tuple(layers_dims), tuple(calls))


def _snapshot(result):
    """Copy the arrays of a returned dict, so that a later call that reuses and refills them cannot change them."""
    if type(result) is not dict:
        return result
    return {k: (np.array(v, copy=True) if type(v) is np.ndarray else v) for k, v in result.items()}


def _portable_value(value):
    if value is None or type(value) is np.ndarray:
        return None if value is None else np.array(value, copy=True)
    return Opaque.of(value)


def _portable_key(key):
    if isinstance(key, str):
        return str(key)
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return int(key)
    return Opaque.of(key)


def portable(observation):
    """Return a copy holding only None, dict, plain ndarrays and Opaque stand-ins: what ``judge`` reads."""
    calls = []
    for call in observation.calls:
        result = call.result
        if isinstance(result, dict):
            result = {_portable_key(k): _portable_value(dict.__getitem__(result, k)) for k in dict.keys(result)}
        elif result is not None:
            result = Opaque.of(result)
        calls.append(replace(call, result=result, exception=None))
    return replace(observation, calls=tuple(calls))


# ---- judging ------------------------------------------------------------------------------------

TEMPLATE_MESSAGES = ("replace this line with your code", "")


def error_hint(raised):
    """Return a sentence explaining a common exception, or ''."""
    message, line = raised.message, raised.line or ""
    if raised.type_name == "TypeError":
        if "cannot be interpreted as an integer" in message and message.startswith("'tuple'"):
            return ("np.random.randn takes each size as its own argument: np.random.randn(layers_dims[l], "
                    "layers_dims[l-1]), without the inner parentheses. (np.zeros is the one that takes a tuple.)")
        if "as a data type" in message or "data type" in message and "not understood" in message:
            return ("np.zeros takes the whole shape as one tuple: np.zeros((layers_dims[l], layers_dims[l-1])), "
                    "with two pairs of parentheses. A second argument is read as the dtype.")
        if message.startswith("'float' object cannot be interpreted as an integer"):
            return ("a size must be a whole number. The entries of layers_dims are ints; a / or np.sqrt inside a "
                    "shape makes a float.")
        if message.startswith("'list' object cannot be interpreted as an integer"):
            return ("pass two sizes, layers_dims[l] and layers_dims[l-1], not the whole list.")
        if "unexpected keyword argument" in message and "randn" in message:
            return ("np.random.randn takes the sizes as plain arguments: np.random.randn(layers_dims[l], "
                    "layers_dims[l-1]).")
        if "can only concatenate str" in message:
            return "build each key from a string and the layer number: 'W' + str(l)."
        if "unsupported operand" in message and "'list'" in message:
            return "layers_dims is a list: use one of its entries, e.g. layers_dims[l-1], not the whole list."
    if raised.type_name == "IndexError" and "list index out of range" in message:
        return ("an index into layers_dims went past its end. With L = len(layers_dims), l runs over "
                "range(1, L), and layer l uses layers_dims[l] and layers_dims[l-1].")
    if raised.type_name == "ValueError" and "negative dimensions" in message:
        return "a shape has a negative size: each size must be an entry of layers_dims, not a difference."
    if raised.type_name == "NameError":
        return ("inside a graded function use only its parameter layers_dims and names the function itself "
                "defines (such as L); a name from elsewhere in the notebook is not there when it is graded.")
    if raised.type_name == "AttributeError":
        if "has no attribute 'randn'" in message or "has no attribute 'seed'" in message:
            return "randn and seed live in numpy's random module: np.random.randn, np.random.seed."
        if "numpy.random' has no attribute 'zeros'" in message:
            return "zeros lives in numpy itself: np.zeros."
    return ""


def error_problem(exercise, call, first):
    raised = call.error
    when = "" if first else " on its second call (the first worked)"
    if raised.type_name == "NotImplementedError":
        own = raised.message.strip()
        template = placeholder(exercise.name).split('"')[1]
        if own in TEMPLATE_MESSAGES or own == template:
            return (f"{exercise.name} is not implemented yet. Write your code between '# YOUR CODE STARTS HERE' "
                    "and '# YOUR CODE ENDS HERE', run that cell, then run this check again.")
        return (f"{exercise.name} raised NotImplementedError{when} with your message: {own!r}. When the function "
                "is ready, remove that raise.")
    text = f"{exercise.name} raised {raised.type_name}{when}: {raised.message}"
    if raised.line:
        text += f" (at: {raised.line})"
    hint = error_hint(raised)
    return text + (f". {hint}" if hint else ".")


def describe(value):
    """Return the array, or an Opaque naming what else it is."""
    if type(value) is np.ndarray or isinstance(value, Opaque):
        return value
    return Opaque.of(value)


def _show_key(key):
    return repr(key) if not isinstance(key, Opaque) else f"<{key.type_name}>"


def key_problems(keys, layers_dims):
    """Return messages about missing, extra or misspelled keys."""
    expected = [f"{p}{l}" for l, _, _ in shapes(layers_dims) for p in "Wb"]
    missing = [k for k in expected if k not in keys]
    extra = [k for k in keys if k not in expected]
    if not missing and not extra:
        return []
    L = len(layers_dims) - 1
    strings = [k for k in extra if isinstance(k, str)]
    by_lower = {k.lower(): k for k in missing}
    wrong_case = [(k, by_lower[k.lower()]) for k in strings if k.lower() in by_lower]
    if wrong_case:
        given, wanted = wrong_case[0]
        return [f"keys are case-sensitive: use {wanted!r}, not {given!r} (capital W for weights, lower-case b "
                f"for biases: 'W' + str(l) and 'b' + str(l))."]
    if any(k in ("Wl", "bl", "W_l", "b_l", "Wi", "bi") for k in strings):
        return ["a key holds the letter of the loop variable instead of its value (found "
                f"{sorted(map(repr, strings))}): write 'W' + str(l), which gives 'W1', 'W2', ..."]
    squeezed = {k: "".join(c for c in k if c.isalnum()) for k in strings}
    near = [(k, s) for k, s in squeezed.items() if s in missing and s != k]
    if near:
        return [f"keys are written without separators: use {near[0][1]!r}, not {near[0][0]!r} ('W' + str(l))."]
    if any(not isinstance(k, str) for k in extra):
        return [f"keys must be strings like 'W1' and 'b1'; found {sorted(map(_show_key, extra))}. "
                "Write parameters['W' + str(l)] = ..."]
    present = sorted({int(k[1:]) for k in keys if isinstance(k, str) and k[1:].isdigit()})
    if present == [1] and L == 2 and not extra:
        return ["the last layer is missing: there is no 'W2' or 'b2'. With L = len(layers_dims), loop over "
                "range(1, L) so that l reaches L - 1, and put 'return parameters' after the loop, not inside it."]
    if present == [1] and L > 2 and not extra:
        gone = ", ".join(f"'W{k}'" for k in range(2, L + 1))
        return [f"only layer 1 is there ({gone} missing). Is 'return parameters' indented inside "
                "the loop, so that the function returns after the first layer? It belongs after the loop, and the "
                "loop runs over range(1, L) with L = len(layers_dims)."]
    if missing == [f"W{L}", f"b{L}"] and not extra:
        return [f"the last layer is missing: there is no 'W{L}' or 'b{L}'. With L = len(layers_dims), "
                "loop over range(1, L) so that l reaches L - 1."]
    if "W0" in extra or "b0" in extra:
        return ["layers are numbered from 1: found key 'W0' or 'b0'. Loop over range(1, L) and read "
                "layers_dims[l] and layers_dims[l-1]."]
    if extra and all(k in (f"W{L + 1}", f"b{L + 1}") for k in extra):
        return [f"one layer too many: found {extra}. layers_dims {list(layers_dims)} has {L} weight layers: "
                "build them from layers_dims, for l in range(1, len(layers_dims)), never from a fixed count."]
    message = f"the keys must be exactly {expected}; got {sorted(map(_show_key, keys))}."
    if missing:
        message += f" Missing: {missing}."
    if extra:
        message += f" Not expected: {sorted(map(_show_key, extra))}."
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
        if actual == (n_l,) or actual == (n_prev,):
            return f"{head}: it is 1-D. Give both sizes: (layers_dims[l], layers_dims[l-1])."
    else:
        if actual == (n_l,):
            return f"{head}: it is 1-D. Write np.zeros((layers_dims[l], 1)) with the trailing 1."
        if actual == (1, n_l):
            return f"{head}: it is transposed. Use np.zeros((layers_dims[l], 1))."
        if actual == (n_prev, 1):
            return f"{head}: it uses the previous layer's size; biases have one entry per unit of layer {l}."
        if actual == (n_l, n_prev):
            return f"{head}: it has the weights' shape. A bias has one entry per unit: np.zeros((layers_dims[l], 1))."
    return head + "."


def type_problem(key, value):
    """Return a message if ``value`` (an ndarray or an Opaque) is not a plain float64 ndarray, else None."""
    if isinstance(value, Opaque):
        if value.type_name == "MaskedArray":
            return (f"{key} is a masked array (np.ma.MaskedArray), which can hide entries from a comparison. "
                    "Return a plain numpy array, built with np.zeros or np.random.randn.")
        if value.type_name == "matrix":
            return f"{key} is an np.matrix. Return a plain numpy array (np.zeros, np.random.randn), not np.matrix."
        if value.ndarray_subclass:
            return (f"{key} is a {value.type_name}, a subclass of numpy's ndarray. Return a plain np.ndarray, "
                    "exactly what np.zeros or np.random.randn give.")
        return f"{key} is a {value.type_name}, not a numpy array. Build it with np.zeros or np.random.randn."
    dtype = value.dtype
    if dtype.kind == "f" and dtype.itemsize == 8:
        return None
    if dtype.kind in "iub":
        return (f"{key} has dtype {dtype}: weights must be floats (float64). "
                "Drop dtype=int; np.zeros(shape) already gives float64.")
    return f"{key} has dtype {dtype}; use float64, numpy's default (no dtype argument, or .astype(np.float64))."


def array_problems(exercise, parameters, layers_dims):
    """Return messages about types, dtypes, shapes and NaNs, layer by layer."""
    problems = []
    for l, n_l, n_prev in shapes(layers_dims):
        for key in (f"W{l}", f"b{l}"):
            value = parameters[key]
            problem = type_problem(key, value) or shape_problem(key, value.shape, n_l, n_prev)
            if not problem and not np.all(np.isfinite(value)):
                problem = f"{key} contains NaN or inf values; every entry must be a finite number."
            if problem:
                problems.append(problem)
    return problems


def bias_problems(exercise, parameters, layers_dims):
    """Return one message per bias with non-zero entries (only the first is usually enough to read)."""
    problems = []
    for l, _, _ in shapes(layers_dims):
        value = parameters[f"b{l}"]
        if not np.any(value != 0):
            continue
        example = value.flat[np.flatnonzero(value)[0]]
        head = f"b{l} must be all zeros but has non-zero entries (e.g. {example!r})."
        if exercise.kind == "zeros":
            problems.append(head + " In this exercise every parameter starts at 0, biases included: "
                            "np.zeros((layers_dims[l], 1)).")
        else:
            problems.append(head + " Only the weights need to be random; they already make the units differ, "
                            "so biases start at np.zeros((layers_dims[l], 1)).")
        break
    return problems


def rounding_problem(key, actual, expected):
    """Return a message if ``actual`` is ``expected`` rounded (to decimals, float32 or float16), else None."""
    for decimals in range(1, 13):
        if np.allclose(actual, np.round(expected, decimals), rtol=1e-12, atol=1e-15):
            return (f"{key} is the right draw rounded to {decimals} decimals. Do not round: the printout rounds "
                    "for display only, the check compares every digit.")
    if np.allclose(actual, expected, rtol=4e-7, atol=1e-30):
        return (f"{key} matches the right draw only to about 7 significant digits, the precision of float32: "
                "somewhere the numbers or the scale went through float32 (dtype=np.float32, .astype(np.float32), "
                "np.float32(...)). Keep every step in float64, numpy's default.")
    if np.allclose(actual, expected, rtol=1e-3, atol=1e-30):
        return (f"{key} matches the right draw only to about 3 significant digits, as if rounded through float16 "
                "or a similar low precision. Keep every step in float64, numpy's default.")
    return None


def stream_problem(kind, actual, parameters, layers_dims):
    """Return a message if the weights are the right numbers taken from later in the seeded stream, else None."""
    offsets = stream_offsets(actual, layers_dims, lambda n_l, n_prev: scale_for(kind, n_l, n_prev))
    if any(o is None for o in offsets):
        return None
    expected, start, shifts = [], 0, []
    for W, o in zip(actual, offsets):
        expected.append(start)
        start += W.size
    shifts = [o - e for o, e in zip(offsets, expected)]
    if not any(shifts):
        return None
    if sorted(offsets) != offsets:
        return ("the layers are drawn in another order: every W<l> holds the right numbers for some place in "
                "the seeded stream, but not in order. Draw W1 first, then W2, and so on: "
                "for l in range(1, L).")
    if any(s < 0 for s in shifts):
        return None
    l = next(i for i, s in enumerate(shifts) if s) + 1
    earlier = shifts[l - 2] if l > 1 else 0
    extra = shifts[l - 1] - earlier
    bias_sizes = [n_l for _, n_l, _ in shapes(layers_dims)]
    where = ("between np.random.seed(3) and W1" if l == 1 else f"between W{l - 1} and W{l}")
    text = (f"W{l} holds the right kind of numbers, but {extra} places later in the seeded stream than the "
            f"reference: {where} your function draws {extra} extra random number{'s' if extra != 1 else ''}")
    if l > 1 and extra == bias_sizes[l - 2]:
        text += (f", exactly as many as b{l - 1} has entries. Biases must be np.zeros((layers_dims[l], 1)): "
                 "drawing them, even to multiply by 0, uses up random numbers and shifts every later layer.")
    elif l == 1 and extra == bias_sizes[0]:
        text += (": as many as b1 has entries, as if b1 were drawn before W1. Biases must be np.zeros, and "
                 "nothing may draw between np.random.seed(3) and the first weights.")
    else:
        text += (". Remove any draw that is not a weight (a warm-up draw, random biases): after np.random.seed(3) "
                 "the only draws are the weights, layer by layer.")
    return text


def diagnose_weights(kind, actual, layers_dims, parameters=None):
    """Return one message explaining why weights ``actual`` differ from the reference draw."""
    expected = expected_weights(kind, layers_dims)
    for (l, _, _), a, e in zip(shapes(layers_dims), actual, expected):
        if not np.allclose(a, e, **TOLERANCE):
            rounded = rounding_problem(f"W{l}", a, e)
            if rounded:
                return rounded
            break
    for options, message in MISTAKEN_DRAWS:
        draw = seeded_draw(layers_dims, lambda n_l, n_prev: scale_for(kind, n_l, n_prev), **options)
        if all(np.allclose(a, d, **TOLERANCE) for a, d in zip(actual, draw)):
            return f"the weights look like a draw that {message}."
    shifted = stream_problem(kind, actual, parameters, layers_dims)
    if shifted:
        return shifted
    if not any(np.any(W) for W in actual):
        return ("the weights are all zeros. In this exercise they are random: np.random.randn(layers_dims[l], "
                "layers_dims[l-1]) times the scale; only the biases are zeros. If the scale divides with //, "
                "that is integer division (1 // 4 is 0): use /.")
    base = seeded_draw(layers_dims, lambda n_l, n_prev: 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = [a / b for a, b in zip(actual, base)]
    factors = [float(np.median(r)) for r in ratios]
    uniform = all(np.allclose(r, f, rtol=1e-7, atol=1e-12) for r, f in zip(ratios, factors))
    if uniform:
        named = name_scale(factors, layers_dims, kind)
        if named:
            for (l, n_l, n_prev), f in zip(shapes(layers_dims), factors):
                if not np.isclose(f, scale_for(kind, n_l, n_prev), rtol=1e-9):
                    return (f"W{l} has the right random numbers but the wrong scale: it uses {named}. "
                            f"Layer {l} needs a factor of {scale_for(kind, n_l, n_prev):.6g}.")
    for (l, n_l, n_prev), a, b, factor in zip(shapes(layers_dims), actual, base, factors):
        right = scale_for(kind, n_l, n_prev)
        if np.allclose(a, b * right, **TOLERANCE):
            continue
        if not np.any(a):
            return (f"W{l} is all zeros. The weights are random: "
                    f"np.random.randn(layers_dims[l], layers_dims[l-1]) times the scale.")
        if uniform:
            return (f"W{l} has the right random numbers but the wrong scale: it uses a factor of {factor:.6g}. "
                    f"Layer {l} needs a factor of {right:.6g}.")
        shifted = affine_problem(l, a, layers_dims)
        if shifted:
            return shifted
        if np.allclose(np.abs(a), np.abs(b * right), **TOLERANCE):
            flipped = int(np.sum(np.sign(a) != np.sign(b * right)))
            return (f"W{l} has the right sizes, but {flipped} of its {a.size} signs differ from the reference: "
                    "keep randn's signs (no np.abs, no squaring); negative weights are part of the draw.")
        i, j = np.unravel_index(np.argmax(np.abs(a - b * right)), a.shape)
        return (f"W{l} does not match the reference draw: at [{i}, {j}] expected {b[i, j] * right!r}, "
                f"got {a[i, j]!r}. Seed once with np.random.seed(3) before the loop and draw each layer "
                "in order with np.random.randn(layers_dims[l], layers_dims[l-1]).")
    return "the weights do not match the reference draw."


def affine_problem(l, actual, layers_dims):
    """Return a message if W<l> is a seeded draw scaled AND shifted (e.g. np.random.normal(10, 1, ...)), else None."""
    for sampler, name in (("randn", "np.random.randn"), ("rand", "np.random.rand")):
        base = seeded_draw(layers_dims, lambda n_l, n_prev: 1.0, sampler=sampler)[l - 1].ravel()
        if base.size < 3:
            continue
        design = np.column_stack([base, np.ones_like(base)])
        (scale, shift), *_ = np.linalg.lstsq(design, actual.ravel(), rcond=None)
        if abs(shift) > 1e-9 and np.allclose(design @ [scale, shift], actual.ravel(), rtol=1e-9, atol=1e-12):
            sign = "+" if shift > 0 else "-"
            what = (f"W{l} looks like {scale:.6g} * {name}(...) {sign} {abs(shift):.6g}: the numbers are shifted by "
                    f"{shift:.6g}, so they do not average to 0.")
            if sampler == "rand":
                return what + " Draw from the standard normal, np.random.randn, and only multiply it."
            return what + (" np.random.normal takes the mean first, np.random.normal(0, scale, size); "
                           "or write np.random.randn(...) * scale.")
    return None


def _weights(parameters, layers_dims):
    return [parameters[f"W{l}"] for l, _, _ in shapes(layers_dims)]


def _matches(kind, weights, layers_dims):
    if kind == "zeros":
        return all(not np.any(W) for W in weights)
    return all(np.allclose(a, e, **TOLERANCE) for a, e in zip(weights, expected_weights(kind, layers_dims)))


def result_problems(exercise, result, layers_dims):
    """Return problems with one returned value up to (not including) the weights' values; also the dict."""
    name = exercise.name
    if result is None:
        return [f"{name} returned None: end it with 'return parameters'."], None
    if isinstance(result, Opaque) or not isinstance(result, dict):
        kind = result.type_name if isinstance(result, Opaque) else type(result).__name__
        return [f"{name} returned a {kind}; it must return a dict mapping 'W1', 'b1', ... to numpy arrays."], None
    if not result:
        return [f"{name} returned an empty dict: nothing was stored. Inside the loop, set "
                "parameters['W' + str(l)] and parameters['b' + str(l)]."], None
    parameters = {k: describe(dict.__getitem__(result, k)) for k in dict.keys(result)}
    problems = key_problems(list(parameters), layers_dims) or array_problems(exercise, parameters, layers_dims)
    return problems, parameters


def judge(exercise, observation):
    """Return every problem the observation shows for one layers_dims (empty if it passes). Pure."""
    layers_dims = list(observation.layers_dims)
    first = observation.calls[0]
    if first.error is not None:
        return [error_problem(exercise, first, True)]
    if first.argument_after is not None and list(first.argument_after) != layers_dims:
        return [f"{exercise.name} changed the layers_dims list it was given (now {list(first.argument_after)}). "
                "Read layers_dims, never modify it."]
    problems, parameters = result_problems(exercise, first.result, layers_dims)
    if problems:
        return problems
    biases = bias_problems(exercise, parameters, layers_dims)
    return biases + weight_problems(exercise, observation, parameters, bool(biases))


def weight_problems(exercise, observation, parameters, biases_wrong):
    """Return problems with the weights' values, over both calls."""
    layers_dims = list(observation.layers_dims)
    weights = _weights(parameters, layers_dims)
    if _matches(exercise.kind, weights, layers_dims):
        return [] if biases_wrong else _second_call_problems(exercise, observation, weights)
    if exercise.kind == "zeros":
        return [f"W{l} has non-zero entries (e.g. {W.flat[np.flatnonzero(W)[0]]!r}); every weight must start "
                "at exactly 0: np.zeros((layers_dims[l], layers_dims[l-1]))."
                for (l, _, _), W in zip(shapes(layers_dims), weights) if np.any(W)][:1]
    second = observation.calls[1] if len(observation.calls) > 1 else None
    if second is not None and second.error is None:
        again, other = result_problems(exercise, second.result, layers_dims)
        if not again and not all(np.array_equal(a, b) for a, b in zip(weights, _weights(other, layers_dims))):
            return ["your function returns different weights each time it runs: the seed is missing, or comes "
                    "after a draw, so the numbers depend on whatever numpy's generator did before the call. "
                    "Call np.random.seed(3) at the very top of the function (numpy's seed, not the random "
                    "module's), before the loop."]
    return [diagnose_weights(exercise.kind, weights, layers_dims, parameters)]


def _second_call_problems(exercise, observation, weights):
    """The first call was right: the second, after another seed, must give the same parameters."""
    if len(observation.calls) < 2:
        return []
    second = observation.calls[1]
    if second.error is not None:
        return [error_problem(exercise, second, False)]
    problems, parameters = result_problems(exercise, second.result, list(observation.layers_dims))
    same = not problems and all(np.array_equal(a, b) for a, b in zip(weights, _weights(parameters, observation.layers_dims)))
    if same:
        return []
    return [f"{exercise.name} is right on its first call only: called again, it returned different parameters"
            + (f" ({problems[0]})" if problems else "") + ". It must return the same parameters on every call: "
            "seed with np.random.seed(3) at the top of the function each time it runs, and keep nothing from "
            "one call to the next."]


def judge_all(exercise, observations):
    """Return (layers_dims, problems) for the first observation that fails, or (None, [])."""
    for observation in observations:
        problems = judge(exercise, observation)
        if problems:
            return list(observation.layers_dims), problems
    return None, []


def find_problems(exercise, target, cases):
    """Run ``target`` on each case and judge it; return (layers_dims, problems) of the first failure, or (None, [])."""
    __tracebackhide__ = True
    layers_dims, problems, _ = _first_failure(exercise, target, cases)
    return layers_dims, problems


def _first_failure(exercise, target, cases):
    __tracebackhide__ = True
    for layers_dims in cases:
        observation = observe(exercise, target, layers_dims)
        problems = judge(exercise, observation)
        if problems:
            return list(layers_dims), problems, observation
    return None, [], None


def run_check(kind, target):
    """Check the learner's initializer for exercise ``kind``; print the verdict."""
    __tracebackhide__ = True
    exercise = EXERCISES[kind]
    if not callable(target):
        _fail(exercise, None, [f"pass the function itself, e.g. {exercise.name}_test({exercise.name}); "
                               f"got a {type(target).__name__}."])
    layers_dims, problems, observation = _first_failure(exercise, target, exercise.cases)
    if problems:
        raised = [c for c in observation.calls if c.exception is not None]
        if raised and not isinstance(raised[0].exception, NotImplementedError):
            _report(exercise, layers_dims, problems)
            print("The error comes from your code: the traceback below ends at the line of "
                  f"{exercise.name} that failed.")
            raise raised[0].exception
        _fail(exercise, layers_dims, problems)
    print("All tests passed.")


def _report(exercise, layers_dims, problems):
    where = f"{exercise.name}({layers_dims})" if layers_dims is not None else exercise.name
    lines = [f"{where} is not right yet:"] + [f"  - {p}" for p in problems]
    lines.append(f"Expected: {exercise.rule}.")
    print("\n".join(lines))


def _fail(exercise, layers_dims, problems):
    __tracebackhide__ = True
    _report(exercise, layers_dims, problems)
    raise AssertionError(f"{exercise.name}: {problems[0]}")
