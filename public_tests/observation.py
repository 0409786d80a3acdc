"""Call a learner's initializer and record what it did: the one observation the self-check and the grader share.

It imports only numpy and the standard library: the grading child loads it by its path inside the sandbox.
"""
import os
import traceback
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace

import numpy as np
from numpy.random import mtrand

# Seeds of numpy's global generator before each call. Neither is 3, so a function that does not seed, or
# seeds after drawing, gets other numbers; the second call catches functions that are right only once.
PRE_SEEDS = (101, 7919)
REPLACED = "ReplacedNumpyFunction"  # Raised.type_name for "the learner replaced a numpy function"
MAX_COPIED = 10 ** 7  # entries of a returned array copied at most
MAX_MESSAGE = 2000  # characters of an exception's message that are kept and judged (the grader sends as many)

# numpy's own functions, kept at import (before any learner code runs): a learner's cell may replace
# np.random.seed (np.random.seed = 3), and the observation must still seed, save and restore the generator.
REAL = {name: getattr(mtrand, name) for name in (
    "seed", "get_state", "set_state", "randn", "rand", "random", "random_sample", "standard_normal", "normal",
    "uniform", "randint", "shuffle", "permutation")}
REAL_NUMPY = {name: getattr(np, name) for name in ("zeros", "sqrt", "array", "ones", "multiply", "divide")}
REAL_RANDOM_MODULE = np.random
_MISSING = object()
_OWN_FOLDER = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Opaque:
    """Stands in for a value the judge only needs to name: its type, and whether it subclasses ndarray."""

    type_name: str
    module: str = "builtins"
    ndarray_subclass: bool = False

    @classmethod
    def of(cls, value):
        return cls(type(value).__name__, type(value).__module__, isinstance(value, np.ndarray))


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
    argument_after: list = None  # plain_argument of layers_dims after the call
    exception: BaseException = None  # the live exception, in-process only; judge never reads it


class Shown(str):
    """Stands in for an item of layers_dims that is not a plain number: the item's repr, shown as it is."""

    def __repr__(self):
        return str.__str__(self)


def plain_number(value):
    """Return an int, float or numpy number (bool too) as the plain int or float it equals (below 2**53), else None."""
    if isinstance(value, (float, np.floating)):
        return float.__float__(value) if isinstance(value, float) else float(value)  # a subclass's methods never run
    if isinstance(value, (int, np.integer, np.bool_)):
        number = int.__index__(value) if isinstance(value, int) else int(value)
        return number if abs(number) < 2 ** 53 else None
    return None


def shown(item):
    """Return the start of an item's repr, or its type's name when repr fails."""
    try:
        return repr(item)[:100]
    except Exception:
        return f"<{type(item).__name__}>"


def plain_argument(argument):
    """Return layers_dims as the call left it, as the grader receives it: plain numbers, anything else as Shown."""
    return [Shown(shown(item)) if (number := plain_number(item)) is None else number for item in argument]


@dataclass(frozen=True)
class Observation:
    layers_dims: tuple
    calls: tuple


def replaced_functions():
    """Return the names (like 'np.random.seed') of numpy functions that something has replaced."""
    if np.random is not REAL_RANDOM_MODULE:
        return ["np.random"]
    names = [f"np.random.{n}" for n, f in REAL.items() if getattr(np.random, n, None) is not f]
    return names + [f"np.{n}" for n, f in REAL_NUMPY.items() if getattr(np, n, None) is not f]


@contextmanager
def real_numpy():
    """Run a block with numpy's own functions in place (numpy itself calls some), then put back the learner's."""
    saved_module = np.__dict__.get("random", REAL_RANDOM_MODULE)
    saved = [(owner, name, owner.__dict__.get(name, _MISSING), function)
             for owner, functions in ((REAL_RANDOM_MODULE, REAL), (np, REAL_NUMPY)) for name, function in functions.items()]
    try:
        np.random = REAL_RANDOM_MODULE
        for owner, name, _, function in saved:
            setattr(owner, name, function)
        yield
    finally:
        interrupted = False
        while True:  # an interrupt (Kernel > Interrupt) meanwhile waits until every learner's function is back
            try:
                for owner, name, before, _ in saved:
                    if before is _MISSING:
                        owner.__dict__.pop(name, None)
                    else:
                        setattr(owner, name, before)
                np.random = saved_module
                break
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt


def source_file(function):
    """Return the file (or notebook cell) that defines ``function``, or None."""
    return getattr(getattr(function, "__code__", None), "co_filename", None)


def learner_line(error, learner_file, only_learner=False):
    """Return the deepest traceback line in ``learner_file`` (else, unless ``only_learner``, outside numpy and this
    folder), or None."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<")
              or not os.path.abspath(f.filename).startswith(_OWN_FOLDER + os.sep)]
    mine = [f for f in frames if f.filename == learner_file] or [
        f for f in frames if "numpy" not in f.filename and not only_learner]
    return (mine[-1].line or None) if mine else None


def copy_result(result):
    """Copy the arrays of a returned dict, so that a later call that reuses and refills them cannot change them."""
    if not isinstance(result, dict):
        return result
    # dict's own items(), so that a subclass's methods never run; a str key as the plain str the grader sees
    # (a str subclass's hash or == may lie)
    # An array larger than any right answer is kept as it is: its shape is wrong anyway, and a broadcast view
    # may stand for more memory than there is.
    return {str.__str__(k) if isinstance(k, str) else k:
            np.array(v, copy=True) if type(v) is np.ndarray and v.size <= MAX_COPIED else v for k, v in dict.items(result)}


def _one_call(target, argument, seed, keep, watch_numpy, learner_file):
    """Seed, call ``target(argument)`` once and return the Call."""
    __tracebackhide__ = True
    replaced = replaced_functions if watch_numpy else list
    before = replaced()  # an earlier cell (or an earlier run) replaced numpy's function: calling cannot help
    if not before:
        REAL["seed"](seed)
        try:
            result, error = target(argument), None
        except Exception as caught:  # the learner's code may raise anything; it is reported, not hidden
            result, error = None, caught
    broken = before or replaced()
    if broken:
        return Call(seed, None, Raised(REPLACED, ", ".join(broken), None if before else "during"), plain_argument(argument))
    if error is not None:
        try:
            message = str(error)[:MAX_MESSAGE]
        except Exception:
            message = "(unprintable)"
        return Call(seed, None, Raised(type(error).__name__, message, learner_line(error, learner_file)),
                    plain_argument(argument), error)
    with real_numpy() if watch_numpy else nullcontext():
        return Call(seed, keep(result), None, plain_argument(argument))


def observe(target, layers_dims, seeds=PRE_SEEDS, keep=copy_result, watch_numpy=False, learner_file=None):
    """Call ``target`` once per seed on a fresh copy of ``layers_dims``, up to an exception; return an Observation."""
    # watch_numpy: a numpy function replaced before or during a call is recorded as a Raised of type REPLACED
    __tracebackhide__ = True
    guard = real_numpy if watch_numpy else nullcontext
    learner_file = learner_file or source_file(target)
    calls = []
    with guard():
        state = REAL["get_state"]()
    try:
        for seed in seeds:
            calls.append(_one_call(target, list(layers_dims), seed, keep, watch_numpy, learner_file))
            if calls[-1].error is not None:
                break
    finally:
        with guard():
            REAL["set_state"](state)
    return Observation(tuple(layers_dims), tuple(calls))


def _portable(key):
    """A str or int key as its plain type, anything else as an Opaque."""
    if isinstance(key, str):
        return str.__str__(key)
    return int(key) if isinstance(key, (int, np.integer)) and not isinstance(key, bool) else Opaque.of(key)


def portable(observation):
    """Return a copy holding only None, dict, plain ndarrays and Opaque stand-ins: what ``judge`` reads."""
    def value(v):
        return None if v is None else np.array(v, copy=True) if type(v) is np.ndarray else Opaque.of(v)

    calls = []
    for call in observation.calls:
        result = call.result
        if isinstance(result, dict):
            result = {_portable(k): value(v) for k, v in dict.items(result)}
        elif result is not None:
            result = Opaque.of(result)
        calls.append(replace(call, result=result, exception=None))
    return replace(observation, calls=tuple(calls))
