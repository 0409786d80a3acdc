"""Wrong and right initializers as a learner writes them, and the assertions the self-check tests share.

A learner is a function (built from the pieces below) or a notebook cell's source (``loop``,
run by ``cell``, which makes its lines known to linecache so the report can quote them).
"""
import itertools
import linecache
from contextlib import contextmanager

import numpy as np
import pytest

from public_tests import (initialize_parameters_he_test, initialize_parameters_random_test,
                          initialize_parameters_zeros_test)
from reference import REFERENCE

CHECKS = {"zeros": initialize_parameters_zeros_test, "random": initialize_parameters_random_test,
          "he": initialize_parameters_he_test}


def layers(layers_dims, make_W, make_b=lambda n_l, n_prev: np.zeros((n_l, 1)), start=1, stop=0, seed=3):
    """Build parameters the way a learner's loop would, with the pieces swapped out."""
    if seed is not None:
        np.random.seed(seed)
    parameters = {}
    for l in range(start, len(layers_dims) + stop):
        parameters["W" + str(l)] = make_W(layers_dims[l], layers_dims[l - 1])
        parameters["b" + str(l)] = make_b(layers_dims[l], layers_dims[l - 1])
    return parameters


def reseeding_he(d):
    parameters = {}
    for l in range(1, len(d)):
        np.random.seed(3)
        parameters["W" + str(l)] = np.random.randn(d[l], d[l - 1]) * np.sqrt(2 / d[l - 1])
        parameters["b" + str(l)] = np.zeros((d[l], 1))
    return parameters


def mutating_zeros(d):
    d.append(1)
    return REFERENCE["zeros"](d[:-1])


def random_with_default_rng(d):
    rng = np.random.default_rng(3)
    return layers(d, lambda n, p: rng.standard_normal((n, p)) * 10, seed=None)


def fresh(learner):
    """A learner that keeps state between calls carries a factory for a new copy; each test uses its own."""
    return learner.fresh() if hasattr(learner, "fresh") else learner


class Subclass(np.ndarray):
    """An ndarray subclass a learner might return by accident (e.g. from a library)."""


def first_call_only(kind):
    """A function that seeds (or is right) only the first time it runs: state kept between calls."""
    calls = []

    def initializer(d):
        if not calls:
            np.random.seed(3)
        calls.append(1)
        return (REFERENCE["zeros"](d) if kind == "zeros" and len(calls) == 1 else
                layers(d, lambda n, p: np.ones((n, p))) if kind == "zeros" else
                layers(d, lambda n, p: np.random.randn(n, p) * SCALE[kind](n, p), seed=None))
    initializer.fresh = lambda: first_call_only(kind)
    return initializer


SCALE = {"random": lambda n, p: 10.0, "he": lambda n, p: np.sqrt(2 / p)}


def seeded_after_loop(kind):
    def initializer(d):
        parameters = layers(d, lambda n, p: np.random.randn(n, p) * SCALE[kind](n, p), seed=None)
        np.random.seed(3)
        return parameters
    return initializer


def python_random_seed(kind):
    import random

    def initializer(d):
        random.seed(3)
        return layers(d, lambda n, p: np.random.randn(n, p) * SCALE[kind](n, p), seed=None)
    return initializer


def biases_from_stream(kind, factor=0.0):
    def initializer(d):
        np.random.seed(3)
        parameters = {}
        for l in range(1, len(d)):
            parameters["W" + str(l)] = np.random.randn(d[l], d[l - 1]) * SCALE[kind](d[l], d[l - 1])
            parameters["b" + str(l)] = np.random.randn(d[l], 1) * factor
        return parameters
    return initializer


def warm_up(kind, draw):
    def initializer(d):
        np.random.seed(3)
        draw()
        return layers(d, lambda n, p: np.random.randn(n, p) * SCALE[kind](n, p), seed=None)
    return initializer


def reversed_layers(kind):
    def initializer(d):
        np.random.seed(3)
        parameters = {}
        for l in reversed(range(1, len(d))):
            parameters["W" + str(l)] = np.random.randn(d[l], d[l - 1]) * SCALE[kind](d[l], d[l - 1])
            parameters["b" + str(l)] = np.zeros((d[l], 1))
        return parameters
    return initializer


def scaled(kind, make):
    """Seeded draws of the right shape, each turned into an array by ``make(draw, n, p)``."""
    return lambda d: layers(d, lambda n, p: make(np.random.randn(n, p), n, p))


def renamed(kind, rename):
    return lambda d: {rename(k): v for k, v in REFERENCE[kind](d).items()}


def retyped(kind, convert, which="W"):
    return lambda d: {k: convert(v) if k[0] == which else v for k, v in REFERENCE[kind](d).items()}


def early_return(d):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(d)):
        parameters["W" + str(l)] = np.random.randn(d[l], d[l - 1]) * 10
        parameters["b" + str(l)] = np.zeros((d[l], 1))
        return parameters


def refills_one_dict():
    """Unseeded, and returns the same dict every time, refilled: the first call's arrays must be kept."""
    shared = {}

    def initializer(d):
        for l in range(1, len(d)):
            shared["W" + str(l)] = np.random.randn(d[l], d[l - 1]) * np.sqrt(2 / d[l - 1])
            shared["b" + str(l)] = np.zeros((d[l], 1))
        return shared
    initializer.fresh = refills_one_dict
    return initializer


def fixed_three_layers(d):
    np.random.seed(3)
    return {"W1": np.random.randn(d[1], d[0]) * 10, "b1": np.zeros((d[1], 1)), "W2": np.random.randn(1, d[1]) * 10,
            "b2": np.zeros((1, 1)), "W3": np.random.randn(1, 1) * 10, "b3": np.zeros((1, 1))}


def raising_on_second_call():
    calls = []

    def initializer(d):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("only once")
        return REFERENCE["he"](d)
    initializer.fresh = raising_on_second_call
    return initializer


_CELLS = itertools.count()


def cell(source, name="f"):
    """Run ``source`` as a notebook cell would (its lines known to linecache) and return the function ``name``."""
    filename = f"<learner-cell-{next(_CELLS)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"np": np, "__name__": "__main__"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


def loop(W, b="np.zeros((layers_dims[l], 1))", seed="np.random.seed(3)", rng="range(1, L)", key_w='"W" + str(l)',
         key_b='"b" + str(l)', before="", inside=""):
    """A learner's function with one piece swapped out."""
    return f"""
def f(layers_dims):
    {seed}
    parameters = {{}}
    L = len(layers_dims)
    {before}
    for l in {rng}:
        {inside}
        parameters[{key_w}] = {W}
        parameters[{key_b}] = {b}
    return parameters
"""


RW = "np.random.randn(layers_dims[l], layers_dims[l-1]) * 10"
HW = "np.random.randn(layers_dims[l], layers_dims[l-1]) * np.sqrt(2 / layers_dims[l-1])"
ZW = "np.zeros((layers_dims[l], layers_dims[l-1]))"


def he_scaled(scale):
    return loop(f"np.random.randn(layers_dims[l], layers_dims[l-1]) * {scale}")


@contextmanager
def numpy_restored():
    """Put numpy's functions back after a block whose learner replaces them (np.random.seed = 3)."""
    from public_tests.observation import REAL, REAL_NUMPY, REAL_RANDOM_MODULE

    try:
        yield
    finally:
        np.random = REAL_RANDOM_MODULE
        for name, function in REAL.items():
            setattr(np.random, name, function)
        for name, function in REAL_NUMPY.items():
            setattr(np, name, function)


def assert_mistake_named(kind, learner, words, capsys):
    """The check fails, its report contains ``words``, and its traceback never ends inside public_tests.

    A learner written as a function must fail with the check's AssertionError; a cell may also end
    in its own exception, whose traceback then runs through the cell's line.
    """
    from_cell = isinstance(learner, str)
    learner = cell(learner) if from_cell else fresh(learner)
    with pytest.raises(Exception) as raised, numpy_restored():
        CHECKS[kind](learner)
    report = capsys.readouterr().out
    assert words in report, report
    assert "checks passed" not in report
    assert from_cell or raised.type is AssertionError, raised.type
    last = raised.traceback[-1]
    assert raised.type is AssertionError or "public_tests" not in str(last.path), (raised.type, last.path)
    if raised.type is not AssertionError:
        assert any(str(entry.path).startswith("<learner-cell-") for entry in raised.traceback)


def assert_portable_data_gives_the_same_verdict(kind, learner):
    """Judge the first failing case from the observation and from its portable form; both must agree."""
    from public_tests.initializer_checks import EXERCISES, judge, observe, portable

    exercise = EXERCISES[kind]
    learner = cell(learner) if isinstance(learner, str) else fresh(learner)
    for layers_dims in exercise.cases:
        with numpy_restored():
            observation = observe(learner, layers_dims, watch_numpy=True)
        direct = judge(exercise, observation)
        if direct:
            assert judge(exercise, portable(observation)) == direct
            return
    raise AssertionError("no case failed")


def assert_passed(out, kind, grader_cases=False):
    """The check printed only its pass line, with the counts of what it tried."""
    from public_tests.initializer_checks import EXERCISES, GRADER_CASES, PRE_SEEDS

    exercise = EXERCISES[kind]
    shapes = len(exercise.cases) + (len(GRADER_CASES) if grader_cases else 0)
    tried = f"({shapes} layer shapes, {len(PRE_SEEDS)} seeds each)"
    lines = out.strip().splitlines()
    if grader_cases:
        assert lines == [f"All public checks and the grader's extra cases passed {tried}."], out
    else:
        assert lines == [f"All public checks passed {tried}; the grader also tries deeper and wider networks.",
                         f"To try them too: {exercise.name}_test({exercise.name}, grader_cases=True)"], out


def ids(table):
    return [f"{kind}-{words[:40]}" for kind, _, words in table]


def mistake_tests(table, in_process_only=()):
    """Return the two tests of a table of mistakes: the self-check names each, and the grader's path agrees.

    Entries whose words are in ``in_process_only`` are named only in process: the grader's path must differ (xfail).
    """
    @pytest.mark.parametrize("kind, learner, words", table, ids=ids(table))
    def test_mistake_is_named(kind, learner, words, capsys):
        assert_mistake_named(kind, learner, words, capsys)

    differs = pytest.mark.xfail(strict=True, reason="the grader knows such a value only by its type")
    portable_table = [pytest.param(*entry, marks=differs) if entry[2] in in_process_only else entry for entry in table]

    @pytest.mark.parametrize("kind, learner, words", portable_table, ids=ids(table))
    def test_portable_data_gives_the_same_verdict(kind, learner, words):
        """The grader's path: run in one place, keep only plain data, judge elsewhere."""
        assert_portable_data_gives_the_same_verdict(kind, learner)

    return test_mistake_is_named, test_portable_data_gives_the_same_verdict
