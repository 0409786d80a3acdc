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
import os
import re
import traceback
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .placeholder import placeholder
from .draws import (MISTAKEN_DRAWS, REAL, RandomState, expected_weights, name_candidates, real_numpy,
                    replaced_functions, scale_candidates, scale_for, seeded_draw, shapes, stream_offsets)

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
# Extra layers_dims the notebook's check also observes, never to decide the verdict, only to confirm a
# diagnosis on other sizes (a first layer of size 1 tells int(np.sqrt(2 / n)) from np.sqrt(2 // n)).
CONFIRM_CASES = ([7, 6, 5, 4, 3, 1], [1, 3, 2, 1], [6, 5, 4, 3, 1])


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


_OWN_FOLDER = os.path.dirname(os.path.abspath(__file__))
REPLACED = "ReplacedNumpyFunction"  # Raised.type_name for "the learner replaced a numpy function"


def _learner_line(error, target):
    """Return the source of the deepest traceback line inside ``target``'s file (or outside numpy and these checks).

    None when no frame is the learner's: the call itself failed (wrong parameters).
    """
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not os.path.abspath(f.filename).startswith(_OWN_FOLDER + os.sep)]
    filename = getattr(getattr(target, "__code__", None), "co_filename", None)
    mine = [f for f in frames if f.filename == filename] or [f for f in frames if "numpy" not in f.filename]
    return (mine[-1].line or None) if mine else None


def _replaced_call(seed, argument, names, during):
    """A Call recording that numpy functions were replaced (before the call, or by it)."""
    return Call(seed, None, Raised(REPLACED, ", ".join(names), "during" if during else None), list(argument))


def observe(exercise, target, layers_dims):
    """Call ``target`` as the protocol says; return an Observation. The learner's exceptions are recorded."""
    __tracebackhide__ = True
    calls = []
    with real_numpy():
        state = REAL["get_state"]()
    try:
        for seed in PRE_SEEDS:
            argument = list(layers_dims)
            broken = replaced_functions()
            if broken:  # an earlier cell (or an earlier run) replaced numpy's function: calling cannot help
                calls.append(_replaced_call(seed, argument, broken, False))
                break
            REAL["seed"](seed)
            try:
                result = target(argument)
            except Exception as error:  # the learner's code may raise anything; it is reported, not hidden
                broken = replaced_functions()
                if broken:
                    calls.append(_replaced_call(seed, argument, broken, True))
                    break
                try:
                    message = str(error)
                except Exception:
                    message = "(unprintable)"
                raised = Raised(type(error).__name__, message, _learner_line(error, target))
                calls.append(Call(seed, None, raised, list(argument), error))
                break
            broken = replaced_functions()
            if broken:
                calls.append(_replaced_call(seed, argument, broken, True))
                break
            with real_numpy():
                calls.append(Call(seed, _snapshot(result), None, list(argument)))
    finally:
        with real_numpy():
            REAL["set_state"](state)
    return Observation(tuple(layers_dims), tuple(calls))


def _snapshot(result):
    """Copy the arrays of a returned dict, so that a later call that reuses and refills them cannot change them."""
    if not isinstance(result, dict):
        return result
    return {k: (np.array(dict.__getitem__(result, k), copy=True) if type(dict.__getitem__(result, k)) is np.ndarray
                else dict.__getitem__(result, k)) for k in dict.keys(result)}


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


SIGNATURE_ERROR = re.compile(r"^[\w.<>]+\(\) (takes \d+ positional argument|takes from \d+ to \d+ positional|"
                             r"missing \d+ required (positional|keyword-only) argument|"
                             r"got an unexpected keyword argument|got multiple values for argument|"
                             r"takes no arguments|takes exactly)")


def is_signature_error(raised):
    """True when calling the function with one argument failed before any of its lines ran."""
    return raised.type_name == "TypeError" and not raised.line and bool(SIGNATURE_ERROR.match(raised.message))


def _zeros_shape_hint(message, line):
    """The np.zeros((rows, columns)) the learner's line meant: a bias's shape when the second argument is 1."""
    compact = line.replace(" ", "")
    bias = ("'1'" in message or re.search(r"""\[['"]b|['"]b['"]\+|f['"]b\{""", compact) is not None)
    weight = re.search(r"""\[['"]W|['"]W['"]\+|f['"]W\{""", compact) is not None
    if bias and not weight:
        return "np.zeros((layers_dims[l], 1)) for a bias"
    if weight and not bias:
        return "np.zeros((layers_dims[l], layers_dims[l-1])) for a weight matrix"
    return "np.zeros((rows, columns)), e.g. np.zeros((layers_dims[l], 1)) for a bias"


def error_hint(raised):
    """Return a sentence explaining a common exception, or ''."""
    message, line = raised.message, raised.line or ""
    compact = line.replace(" ", "")
    if "seed(" in compact and raised.type_name in ("TypeError", "ValueError") and "not callable" not in message:
        return ("np.random.seed takes a whole number from 0 to 2**32 - 1, as an int: np.random.seed(3) (not 3.0, "
                "'3' or a negative number).")
    if raised.type_name == "TypeError":
        if "object is not callable" in message and re.search(r"np\.random\.\w+\(", compact):
            return ("a name in numpy's random module no longer holds numpy's function: an assignment such as "
                    "np.random.seed = 3 replaced it for the whole notebook. Call it, np.random.seed(3), and "
                    "restart the kernel to get numpy's function back.")
        if "cannot be interpreted as an integer" in message and message.startswith("'tuple'"):
            return ("np.random.randn takes each size as its own argument: np.random.randn(layers_dims[l], "
                    "layers_dims[l-1]), without the inner parentheses. (np.zeros is the one that takes a tuple.)")
        if "cannot be interpreted as an integer" in message and message.startswith("'list'") and (
                re.search(r"randn\(\[", compact)):
            return ("np.random.randn takes each size as its own argument, without brackets: "
                    "np.random.randn(layers_dims[l], layers_dims[l-1]). (np.zeros is the one that takes the shape "
                    "as one tuple.)")
        if "as a data type" in message or "data type" in message and "not understood" in message:
            return ("np.zeros takes the whole shape as one tuple, with two pairs of parentheses: "
                    f"{_zeros_shape_hint(message, line)}. A second argument is read as the dtype.")
        if message.startswith("'float' object cannot be interpreted as an integer"):
            return ("a size must be a whole number. The entries of layers_dims are ints; a / or np.sqrt inside a "
                    "shape makes a float.")
        if message.startswith("'list' object cannot be interpreted as an integer"):
            if re.search(r"randn\(layers_dims\)|zeros\(layers_dims\)", compact):
                return "pass two sizes, layers_dims[l] and layers_dims[l-1], not the whole list."
            return ("a list was given where a size belongs: give each size as its own argument, "
                    "np.random.randn(layers_dims[l], layers_dims[l-1]), not the whole layers_dims and not the two "
                    "sizes inside brackets.")
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
        name = re.search(r"name '(\w+)' is not defined", message)
        name = name.group(1) if name else ""
        numpy_names = {"numpy": "numpy is imported as np: write np.random.randn, np.zeros, np.sqrt.",
                       "math": "math is not imported here: use np.sqrt, which numpy (np) already gives.",
                       "sqrt": "sqrt lives in numpy: np.sqrt.", "zeros": "zeros lives in numpy: np.zeros.",
                       "randn": "randn lives in numpy's random module: np.random.randn.",
                       "random": "use numpy's random module, np.random: np.random.seed(3), np.random.randn."}
        if name in numpy_names:
            return numpy_names[name]
        return ("inside a graded function use only its parameter layers_dims and names the function itself "
                "defines (such as L); a name from elsewhere in the notebook is not there when it is graded.")
    if raised.type_name == "KeyError":
        key = message.strip("'\"")
        if re.fullmatch(r"[Wb]\d+", key):
            if "==" in line:
                return (f"this line compares with ==, which reads parameters[{key!r}] before anything stored it. "
                        "Store with a single =: parameters['W' + str(l)] = ...")
            return (f"parameters has no {key!r} yet: a key exists only once a line such as "
                    f"parameters[{key!r}] = ... has stored it.")
    if raised.type_name == "AttributeError":
        if "has no attribute 'randn'" in message or "has no attribute 'seed'" in message:
            return "randn and seed live in numpy's random module: np.random.randn, np.random.seed."
        if "numpy.random' has no attribute 'zeros'" in message:
            return "zeros lives in numpy itself: np.zeros."
        if message.startswith("'dict' object has no attribute"):
            return "parameters is a dict: store and read with brackets, parameters['W' + str(l)] = ..."
    return ""


def replaced_problem(exercise, raised):
    """Say which numpy functions were replaced, by the function or before it ran, and how to recover."""
    names = raised.message.split(", ")
    shown = " and ".join(names[:3]) + (" (and more)" if len(names) > 3 else "")
    first = names[0]
    example = ("np.random = np.random.default_rng(3)" if first == "np.random" else
               f"{first} = 3" if first == "np.random.seed" else f"{first} = ...")
    who = (f"{exercise.name} assigned to {shown}" if raised.line == "during" else
           f"{shown} {'is' if len(names) == 1 else 'are'} no longer numpy's own, already before "
           f"{exercise.name} ran: an assignment")
    fix = ("Call it instead, np.random.seed(3); never assign to it" if first == "np.random.seed" else
           "Use numpy's functions by calling them; never assign to them")
    return (f"{who} (like `{example}`), which replaces numpy's function for the whole notebook, so nothing can "
            f"call it any more. {fix}. Then restart the kernel (Kernel > Restart), which brings numpy's function "
            "back, and run the notebook's cells again.")


def signature_problem(exercise, raised):
    return (f"{exercise.name} must take exactly one parameter, layers_dims, as in `def {exercise.name}(layers_dims):`. "
            f"Calling it with one list failed before its first line ran ({raised.message}). Keep the "
            "function's parameters as given: the self-check and the grader call it with layers_dims only.")


def error_problem(exercise, call, first):
    raised = call.error
    if raised.type_name == REPLACED:
        return replaced_problem(exercise, raised)
    if is_signature_error(raised):
        return signature_problem(exercise, raised)
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
        return [f"found the key {near[0][0]!r} where {near[0][1]!r} belongs: a key is the letter and the layer "
                "number only, with no spaces, brackets or other marks: 'W' + str(l) gives 'W1'."]
    prefixes = {k[0] for k in missing}
    shifted_up = ([f"{p}1" for p in sorted(prefixes)] == sorted(missing) and
                  sorted(extra) == sorted(f"{p}{L + 1}" for p in prefixes))
    if shifted_up:
        names = " and ".join(repr(p) for p in sorted(prefixes, reverse=True))
        return [f"the keys are numbered one too high: {sorted(missing, reverse=True)} missing and "
                f"{sorted(extra, reverse=True)} extra. Layer l's keys are {names} + str(l) with the loop's own l "
                "(not l + 1), for l in range(1, L)."]
    if not extra and sorted(missing) == sorted(["W1", "b1"]) and L > 1:
        return ["layer 1 is missing: there is no 'W1' or 'b1'. The loop must start at 1: for l in range(1, L), "
                "with L = len(layers_dims)."]
    if any(not isinstance(k, str) for k in extra):
        return [f"keys must be strings like 'W1' and 'b1'; found {sorted(map(_show_key, extra))}. "
                "Write parameters['W' + str(l)] = ..."]
    present = sorted({int(k[1:]) for k in keys if isinstance(k, str) and k[1:].isdigit()})
    if present == [1] and L == 2 and not extra:
        return ["the last layer is missing: there is no 'W2' or 'b2'. With L = len(layers_dims), loop over "
                "range(1, L) so that l reaches L - 1 (and if 'return parameters' is indented inside the loop, move "
                "it after the loop)."]
    if present == [1] and L > 2 and not extra:
        gone = ", ".join(f"'W{k}'" for k in range(2, L + 1))
        return [f"only layer 1 is there ({gone} missing). Is 'return parameters' indented inside "
                "the loop, so that the function returns after the first layer? It belongs after the loop, and the "
                "loop runs over range(1, L) with L = len(layers_dims)."]
    if missing == [f"W{L}", f"b{L}"] and not extra:
        return [f"the last layer is missing: there is no 'W{L}' or 'b{L}' ({L - 1} of the {L} layers of "
                f"{list(layers_dims)} are there). Build the layers in a loop over range(1, L), L = len(layers_dims), "
                "so that l reaches L - 1 and the number of layers follows layers_dims: a loop that stops early, or "
                "a fixed set of layers written out one by one, misses the last one."]
    built = sorted(int(k[1:]) for k in keys if isinstance(k, str) and k[:1] == "W" and k[1:].isdigit())
    if not extra and built and built == list(range(1, len(built) + 1)) and len(built) < L:
        return [f"only {_count(len(built), 'layer')} of {L} {'is' if len(built) == 1 else 'are'} there: "
                f"{missing} missing for layers_dims {list(layers_dims)}. Build them in a loop, for l in "
                "range(1, len(layers_dims)), so that the number of layers follows layers_dims: a loop that stops "
                "early or a fixed set of layers written out one by one misses the last ones."]
    if "W0" in extra or "b0" in extra:
        return ["layers are numbered from 1: found key 'W0' or 'b0'. Loop over range(1, L) and read "
                "layers_dims[l] and layers_dims[l-1]."]
    if extra and not missing and all(k in (f"W{L + 1}", f"b{L + 1}") for k in extra):
        return [f"one layer too many: found {extra}. layers_dims {list(layers_dims)} has {L} weight layers: "
                "build them from layers_dims, for l in range(1, len(layers_dims)), never from a fixed count."]
    message = f"the keys must be exactly {expected}; got {sorted(map(_show_key, keys))}."
    if missing:
        message += f" Missing: {missing}."
    if extra:
        message += f" Not expected: {sorted(map(_show_key, extra))}."
    return [message]


def _count(n, noun):
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _article(word):
    vowel_sound = word[:1].lower() in "aeiou" or word.lower().startswith("nd")  # "an ndarray"
    return ("an " if vowel_sound else "a ") + word


def implied_dims(parameters):
    """Return the layers_dims the weights' shapes describe (W1, W2, ... chained), or None if they do not chain."""
    dims = None
    for l in range(1, len(parameters) + 1):
        W = parameters.get(f"W{l}")
        if W is None:
            break
        if type(W) is not np.ndarray or W.ndim != 2:
            return None
        if dims is None:
            dims = [W.shape[1], W.shape[0]]
        elif W.shape[1] != dims[-1]:
            return None
        else:
            dims.append(W.shape[0])
    return dims


def dims_problem(parameters, layers_dims, others=()):
    """Return a message when the weights' shapes describe another network than ``layers_dims``, else None."""
    implied = implied_dims(parameters)
    given = list(layers_dims)
    if implied is None or implied == given or len(implied) < 3 or len(given) < 3:
        return None
    if implied == given[:len(implied)]:
        fixed = [list(o) for o, seen in others if seen is not None and len(seen) == len(implied)
                 and len(o) != len(given)]
        if fixed:
            return (f"the function builds {_count(len(implied) - 1, 'layer')} whatever it is given: "
                    f"{len(implied) - 1} for {fixed[0]} and {len(implied) - 1} for {given}, which has "
                    f"{len(given) - 1}. The number of layers must come from the parameter, L = len(layers_dims), "
                    "with a loop over range(1, L): not from a fixed number, a name defined elsewhere in the "
                    "notebook (such as a global L), or layers written out one by one.")
        return None  # the first layers are right: key_problems names the missing ones
    if given == implied[:len(given)]:
        return None  # key_problems names the extra ones
    head = (f"the weights' shapes describe a network with layers_dims {implied}, but the function was given "
            f"{given}")
    if implied == given[::-1]:
        return (f"{head}, which is that list reversed. Read layers_dims as given: W<l> is "
                "(layers_dims[l], layers_dims[l-1]); do not reverse or sort it.")
    if implied == sorted(given) or implied == sorted(given, reverse=True):
        return f"{head}, which is that list sorted. Read layers_dims as given, without sorting it."
    same = [list(o) for o, seen in others if seen == implied and list(o) != given]
    if same:
        return (f"{head}; given {same[0]}, it built exactly the same shapes. The function ignores its parameter: "
                "build every shape from layers_dims, the list it is given, not from a list defined elsewhere in the "
                "notebook or from fixed numbers.")
    return (f"{head}. Build every shape from the function's own parameter: W<l> is (layers_dims[l], "
            "layers_dims[l-1]) for l in range(1, len(layers_dims)). A list defined elsewhere in the notebook, or "
            "fixed numbers, give the same shapes whatever the function is given.")


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


def type_problem(key, value, kind="zeros", truncated=False):
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
        return f"{key} is {_article(value.type_name)}, not a numpy array. Build it with np.zeros or np.random.randn."
    dtype = value.dtype
    if dtype.kind == "f" and dtype.itemsize == 8:
        return None
    what = "weights" if key[0] == "W" else "biases"
    if dtype.kind in "iub" and kind != "zeros" and key[0] == "W" and truncated:
        return (f"{key} has dtype {dtype}: the weights were cut to whole numbers, as .astype(int) (or int(...), "
                "dtype=int) does. Remove the .astype(int): np.random.randn already gives float64.")
    if dtype.kind in "iub":
        made = "np.zeros(shape)" if key[0] == "b" or kind == "zeros" else "np.random.randn(...)"
        return (f"{key} has dtype {dtype}: {what} must be floats (float64). Drop dtype=int or .astype(int); "
                f"{made} already gives float64.")
    return (f"{key} has dtype {dtype}; {what} must be float64, numpy's default (no dtype argument, or "
            ".astype(np.float64)).")


def array_problems(exercise, parameters, layers_dims):
    """Return messages about types, dtypes, shapes and NaNs, layer by layer."""
    problems = []
    expected = None if exercise.kind == "zeros" else expected_weights(exercise.kind, layers_dims)
    for l, n_l, n_prev in shapes(layers_dims):
        for key in (f"W{l}", f"b{l}"):
            value = parameters[key]
            truncated = False
            if expected is not None and key[0] == "W" and type(value) is np.ndarray and value.dtype.kind in "iu":
                e = expected[l - 1]
                base = e / scale_for(exercise.kind, n_l, n_prev)
                truncated = value.shape == e.shape and (np.array_equal(value, np.trunc(e)) or np.array_equal(
                    value, np.trunc(base) * scale_for(exercise.kind, n_l, n_prev)))
            problem = (type_problem(key, value, exercise.kind, truncated)
                       or shape_problem(key, value.shape, n_l, n_prev))
            if not problem and not np.all(np.isfinite(value)):
                problem = f"{key} contains NaN or inf values; every entry must be a finite number."
            if problem:
                problems.append(problem)
    return problems


def _leftover_hint(value):
    """A hint when non-zero values look like leftover memory (what np.empty returns), else ''."""
    values = np.abs(value[value != 0])
    if values.size and (np.any(values < 1e-300) or np.any(values > 1e300)):
        return (" Values like these are leftover memory, which is what np.empty gives: np.empty does not fill "
                "the array; np.zeros does.")
    return ""


def bias_problems(exercise, parameters, layers_dims):
    """Return one message per bias with non-zero entries (only the first is usually enough to read)."""
    problems = []
    for l, _, _ in shapes(layers_dims):
        value = parameters[f"b{l}"]
        if not np.any(value != 0):
            continue
        example = value.flat[np.flatnonzero(value)[0]]
        head = f"b{l} must be all zeros but has non-zero entries (e.g. {example!r})." + _leftover_hint(value)
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
    text = (f"W{l} holds the right kind of numbers, but {_count(extra, 'place')} later in the seeded stream than the "
            f"reference: {where} your function draws {_count(extra, 'extra random number')}")
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


def uniform_factors(actual, layers_dims):
    """Return each layer's factor if every W<l> is the seeded standard-normal draw times one number, else None."""
    base = seeded_draw(layers_dims, lambda n_l, n_prev: 1.0)
    if any(a.shape != b.shape for a, b in zip(actual, base)):
        return None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratios = [a / b for a, b in zip(actual, base)]
    factors = [float(np.median(r)) for r in ratios]
    if all(np.allclose(r, f, rtol=1e-7, atol=1e-12) for r, f in zip(ratios, factors)):
        return factors
    return None


@lru_cache(maxsize=1)
def _first_normals(count=1001):
    """The first standard normal after np.random.seed(s), for s = 0 .. count - 1."""
    return np.array([RandomState(s).randn() for s in range(count)])


def other_seed(kind, actual, layers_dims, allow_three=False):
    """Return the seed s (0 to 1000) if the weights are exactly the draw after np.random.seed(s), else None.

    Seed 3 is skipped unless ``allow_three``: with the exercise's seed the draw would already match.
    """
    if not actual or not actual[0].size:
        return None
    n_l, n_prev = actual[0].shape
    first = actual[0].flat[0] / scale_for(kind, n_l, n_prev)
    for s in np.flatnonzero(np.isclose(_first_normals(), first, rtol=1e-9, atol=1e-12)):
        s = int(s)
        if s == 3 and not allow_three:
            continue
        draw = seeded_draw(layers_dims, lambda n_l, n_prev: scale_for(kind, n_l, n_prev), seed=s)
        if all(np.allclose(a, d, **TOLERANCE) for a, d in zip(actual, draw)):
            return s
    return None


def per_layer_seeds(kind, actual, layers_dims):
    """Return a message if each W<l> is a freshly seeded draw (seeds found per layer, not one stream), else None."""
    if len(actual) < 2:
        return None
    seeds = []
    for W, (_, n_l, n_prev) in zip(actual, shapes(layers_dims)):
        s = other_seed(kind, [W], [n_prev, n_l], allow_three=True)
        if s is None:
            return None
        seeds.append(s)
    listed = ", ".join(f"W{l} np.random.seed({s})" for l, s in enumerate(seeds, start=1))
    return (f"every layer starts a freshly seeded stream ({listed}): the function seeds inside the loop. "
            "Call np.random.seed(3) once, before the loop, and never inside it: then W2 continues the stream "
            "where W1 ended.")


def scale_message(kind, factors, layers_dims, others=()):
    """Explain weights that are the right draw times the wrong factor in some layer.

    A rule (what the learner wrote) is named only when it alone gives these factors, and, when other
    layers_dims were observed (``others``: (layers_dims, factors) pairs), when it gives theirs too.
    """
    layers = list(shapes(layers_dims))
    needed = [scale_for(kind, n_l, n_prev) for _, n_l, n_prev in layers]
    wrong = [l for (l, _, _), f, r in zip(layers, factors, needed) if not np.isclose(f, r, rtol=1e-9)]
    if not wrong:
        return None
    candidates = scale_candidates(factors, layers_dims, kind)
    confirming = [(d, f) for d, f in others if f is not None and list(d) != list(layers_dims) and not all(
        np.isclose(x, scale_for(kind, n_l, n_prev), rtol=1e-9) for x, (_, n_l, n_prev) in zip(f, shapes(d)))]
    for d, f in confirming:
        elsewhere = scale_candidates(f, d, kind)
        candidates = [c for c in candidates if c in elsewhere]
    named = name_candidates(candidates, kind)
    l = wrong[0]
    if named:
        return (f"W{l} has the right random numbers but the wrong scale: it uses {named}. "
                f"Layer {l} needs a factor of {needed[l - 1]:.6g}.")
    lead = (f"W{l} has the right random numbers but the wrong scale" if len(wrong) == 1 else
            "the weights have the right random numbers but the wrong scale")
    if len(set(np.round(factors, 12))) == 1 and len(factors) > 1:
        found = f"every layer uses a factor of {factors[0]:.6g}"
    elif len(wrong) == 1:
        found = f"it uses a factor of {factors[l - 1]:.6g}"
    else:
        found = ", ".join(f"W{k} uses a factor of {f:.6g}" for (k, _, _), f in zip(layers, factors))
    if kind == "random":
        return (f"{lead}: {found}, where every layer needs a factor of 10: np.random.randn(layers_dims[l], "
                "layers_dims[l-1]) * 10.")
    need = (f"layer {l} needs {needed[l - 1]:.6g}" if len(wrong) == 1 else
            ", ".join(f"W{k} needs {r:.6g}" for (k, _, _), r in zip(layers, needed)))
    text = (f"{lead}: {found}, where {need}. Layer l's factor is np.sqrt(2 / layers_dims[l-1]): the previous "
            "layer's size, index l-1, read inside the loop for each layer.")
    if len(set(np.round(factors, 12))) == 1 and len(set(np.round(needed, 12))) > 1:
        text += (" One factor for every layer is what a size read once before the loop (such as layers_dims[0]) "
                 "or a constant gives.")
    return text


def diagnose_weights(kind, actual, layers_dims, parameters=None, others=()):
    """Return one message explaining why weights ``actual`` differ from the reference draw."""
    factors = uniform_factors(actual, layers_dims)
    if factors is not None and any(np.any(W) for W in actual):
        needed = [scale_for(kind, n_l, n_prev) for _, n_l, n_prev in shapes(layers_dims)]
        low_precision = all(np.isclose(f, r, rtol=1e-6, atol=0) or np.isclose(f, float(np.float16(r)), rtol=1e-9)
                            for f, r in zip(factors, needed))
        if not low_precision:  # a wrong factor (10.0001, a rounded scale) is not a precision problem
            named = scale_message(kind, factors, layers_dims, others)
            if named:
                return named
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
                "layers_dims[l-1]) times the scale; only the biases are zeros. A scale cut down to a whole number "
                "is 0 here: integer division (2 // 4 is 0), int(...) or np.floor(...). Use / and no rounding.")
    seed = other_seed(kind, actual, layers_dims)
    if seed is not None:
        return (f"the weights look like a draw that seeds with np.random.seed({seed}): the exercise uses "
                "np.random.seed(3).")
    reseeded = per_layer_seeds(kind, actual, layers_dims)
    if reseeded:
        return reseeded
    base = seeded_draw(layers_dims, lambda n_l, n_prev: 1.0)
    if factors is not None:
        message = scale_message(kind, factors, layers_dims, others)
        if message:
            return message
    for (l, n_l, n_prev), a, b in zip(shapes(layers_dims), actual, base):
        right = scale_for(kind, n_l, n_prev)
        if np.allclose(a, b * right, **TOLERANCE):
            continue
        if not np.any(a):
            return (f"W{l} is all zeros. The weights are random: "
                    f"np.random.randn(layers_dims[l], layers_dims[l-1]) times the scale.")
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
            if sampler == "randn" and np.isclose(scale, 1.0):
                return what + f" The scale is added instead of multiplied: write {name}(...) * scale, not + scale."
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


def result_problems(exercise, result, layers_dims, others=()):
    """Return problems with one returned value up to (not including) the weights' values; also the dict."""
    name = exercise.name
    if result is None:
        return [f"{name} returned None: end it with 'return parameters'."], None
    if isinstance(result, Opaque) or not isinstance(result, dict):
        kind = result.type_name if isinstance(result, Opaque) else type(result).__name__
        return [f"{name} returned {_article(kind)}; it must return a dict mapping 'W1', 'b1', ... to numpy arrays."], None
    if not result:
        return [f"{name} returned an empty dict: nothing was stored. Inside the loop, set "
                "parameters['W' + str(l)] and parameters['b' + str(l)]."], None
    parameters = {k: describe(dict.__getitem__(result, k)) for k in dict.keys(result)}
    wrong_dims = dims_problem(parameters, layers_dims, others)
    if wrong_dims:
        return [wrong_dims], parameters
    problems = key_problems(list(parameters), layers_dims) or array_problems(exercise, parameters, layers_dims)
    return problems, parameters


def _summaries(exercise, others):
    """For each other observation: (layers_dims, the shapes' implied layers_dims, the weights' factors or None)."""
    out = []
    for observation in others:
        first = observation.calls[0] if observation.calls else None
        result = first.result if first is not None and first.error is None else None
        if not isinstance(result, dict) or not result:
            continue
        parameters = {k: describe(dict.__getitem__(result, k)) for k in dict.keys(result)}
        d = list(observation.layers_dims)
        implied = implied_dims(parameters)
        factors = None
        if exercise.kind != "zeros" and not key_problems(list(parameters), d):
            weights = _weights(parameters, d)
            if all(type(W) is np.ndarray and W.dtype.kind == "f" and np.all(np.isfinite(W)) for W in weights):
                factors = uniform_factors(weights, d)
        out.append((d, implied, factors))
    return out


def judge(exercise, observation, others=()):
    """Return every problem the observation shows for one layers_dims (empty if it passes). Pure.

    ``others``: observations of the same function on other layers_dims, if any. They only sharpen the
    message (a scale rule is named only if it fits them too; the same shapes for another list are named);
    they never change the verdict.
    """
    layers_dims = list(observation.layers_dims)
    summaries = _summaries(exercise, [o for o in others if list(o.layers_dims) != layers_dims])
    seen_dims = [(d, implied) for d, implied, _ in summaries if implied is not None]
    seen_factors = [(d, f) for d, _, f in summaries]
    first = observation.calls[0]
    if first.error is not None:
        return [error_problem(exercise, first, True)]
    if first.argument_after is not None and list(first.argument_after) != layers_dims:
        return [f"{exercise.name} changed the layers_dims list it was given (now {list(first.argument_after)}). "
                "Read layers_dims, never modify it."]
    problems, parameters = result_problems(exercise, first.result, layers_dims, seen_dims)
    if problems:
        return problems
    biases = bias_problems(exercise, parameters, layers_dims)
    return biases + weight_problems(exercise, observation, parameters, bool(biases), seen_factors)


def weight_problems(exercise, observation, parameters, biases_wrong, others=()):
    """Return problems with the weights' values, over both calls."""
    layers_dims = list(observation.layers_dims)
    weights = _weights(parameters, layers_dims)
    if _matches(exercise.kind, weights, layers_dims):
        return [] if biases_wrong else _second_call_problems(exercise, observation, weights)
    if exercise.kind == "zeros":
        return [f"W{l} has non-zero entries (e.g. {W.flat[np.flatnonzero(W)[0]]!r}); every weight must start "
                "at exactly 0: np.zeros((layers_dims[l], layers_dims[l-1]))." + _leftover_hint(W)
                for (l, _, _), W in zip(shapes(layers_dims), weights) if np.any(W)][:1]
    second = observation.calls[1] if len(observation.calls) > 1 else None
    if second is not None and second.error is None:
        again, other = result_problems(exercise, second.result, layers_dims)
        if not again and not all(np.array_equal(a, b) for a, b in zip(weights, _weights(other, layers_dims))):
            return ["your function returns different weights each time it runs: the seed is missing, or comes "
                    "after a draw, so the numbers depend on whatever numpy's generator did before the call. "
                    "Call np.random.seed(3) at the very top of the function (numpy's seed, not the random "
                    "module's), before the loop."]
    return [diagnose_weights(exercise.kind, weights, layers_dims, parameters, others)]


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
    """Return (layers_dims, problems) for the first observation that fails, or (None, []).

    The other observations sharpen the message (see ``judge``).
    """
    observations = list(observations)
    for observation in observations:
        problems = judge(exercise, observation, observations)
        if problems:
            return list(observation.layers_dims), problems
    return None, []


def find_problems(exercise, target, cases):
    """Run ``target`` on each case and judge it; return (layers_dims, problems) of the first failure, or (None, [])."""
    __tracebackhide__ = True
    layers_dims, problems, _ = _first_failure(exercise, target, cases)
    return layers_dims, problems


def _first_failure(exercise, target, cases, confirm=False):
    """The first failing case. With ``confirm``, every case is observed and the others sharpen its message."""
    __tracebackhide__ = True
    if confirm:
        observations = [observe(exercise, target, layers_dims) for layers_dims in cases]
        probes = [observe(exercise, target, d) for d in CONFIRM_CASES if list(d) not in map(list, cases)]
        for observation in observations:
            with real_numpy():
                problems = judge(exercise, observation, observations + probes)
            if problems:
                return list(observation.layers_dims), problems, observation
        return None, [], None
    for layers_dims in cases:
        observation = observe(exercise, target, layers_dims)
        with real_numpy():
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
    layers_dims, problems, observation = _first_failure(exercise, target, exercise.cases, confirm=True)
    if problems:
        raised = [c for c in observation.calls if c.exception is not None]
        # The learner's exception is re-raised only when its traceback ends in the learner's own code;
        # a failed call (wrong parameters) or a replaced numpy function ends in an AssertionError instead.
        if raised and not isinstance(raised[0].exception, NotImplementedError) and raised[0].error.line and (
                not is_signature_error(raised[0].error)):
            _report(exercise, layers_dims, problems)
            print("The error comes from your code: the traceback below ends at the line of "
                  f"{exercise.name} that failed.")
            raise raised[0].exception
        _fail(exercise, layers_dims, problems)
    print("All tests passed.")


def _report(exercise, layers_dims, problems):
    __tracebackhide__ = True
    where = f"{exercise.name}({layers_dims})" if layers_dims is not None else exercise.name
    lines = [f"{where} is not right yet:"] + [f"  - {p}" for p in problems]
    lines.append(f"Expected: {exercise.rule}.")
    print("\n".join(lines))


def _fail(exercise, layers_dims, problems):
    __tracebackhide__ = True
    _report(exercise, layers_dims, problems)
    raise AssertionError(f"{exercise.name}: {problems[0]}")
