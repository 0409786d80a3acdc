"""Wrong scales: the formula the learner wrote is named when only it fits."""
import numpy as np
import pytest

from learners import (mistake_tests, RW, cell, he_scaled, layers, loop, scaled)
from reference import REFERENCE

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, used on purpose

# (exercise, learner: a function or a cell's source, words the report must contain)
SCALE_MISTAKES = [
    # learners written as functions
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 0.01), "factor of 0.01"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p)), "no scaling"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(1 / p)), "Xavier"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / n)), "current layer's size"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * (2 / p)), "without the square root"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10), "factor of 10"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 3.7), "factor of 3.7"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(2 // p)), "integer division"),
    ("he", scaled("he", lambda w, n, p: w * (2 // p)), "integer division"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(1 // p)), "integer division"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(1 / p)), "LeCun"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(2 / (n + p))), "Xavier/Glorot"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(2) / p), "cover the whole fraction"),
    ("he", scaled("he", lambda w, n, p: w * 2 / np.sqrt(p)), "cover the whole fraction"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(p / 2)), "upside down"),
    ("he", scaled("he", lambda w, n, p: w / p), "no square root, and 1 instead of 2"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(1 / n)), "current layer's size, and 1 instead of 2"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(2)), "sqrt(2) without dividing"),
    ("he", scaled("he", lambda w, n, p: w * 0.01), "factor of 0.01"),
    ("random", scaled("random", lambda w, n, p: w * np.sqrt(2 / p)), "He's scale"),
    ("random", scaled("random", lambda w, n, p: w * -10), "factor of -10"),
    ("random", scaled("random", lambda w, n, p: w * 100), "factor of 100"),
    ("random", lambda d: {**REFERENCE["random"](d), "W1": REFERENCE["random"](d)["W1"] / 10}, "W1 has the right random numbers"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(2 / p) * 10), "He's scale times 10"),
    # learners written as notebook cells
    ("he", he_scaled("np.sqrt(2 / layers_dims[l-2])"), "np.sqrt(2 / layers_dims[l-2]): index l-2"),  # 32
    ("he", he_scaled("np.sqrt(2 / n_prev)").replace("    L = len", "    n_prev = layers_dims[0]\n    L = len"),  # 34
     "np.sqrt(2 / layers_dims[0]): the size is read once"),
    ("he", he_scaled("np.sqrt(2 / layers_dims[0])"), "Read it inside the loop, layers_dims[l-1]"),  # 122
    ("he", he_scaled("int(np.sqrt(2 / layers_dims[l-1]))"), "rounded down to a whole number (int(...) or np.floor"),  # 28
    ("he", he_scaled("np.floor(np.sqrt(2 / layers_dims[l-1]))"), "unrounded"),  # 123
    ("he", he_scaled("np.sqrt(2 // layers_dims[l-1])"), "// is integer division"),
    ("he", he_scaled("np.round(np.sqrt(2 / layers_dims[l-1]), 2)"), "rounded to 2 decimals"),  # 29
    ("he", he_scaled("round(np.sqrt(2 / layers_dims[l-1]), 3)"), "rounded to 3 decimals"),
    ("he", he_scaled("np.round(np.sqrt(2 / layers_dims[l-1]))"), "rounded to a whole number (round"),
    ("he", he_scaled("np.sqrt(2 / L)"), "np.sqrt(2 / L) with L = len(layers_dims)"),  # 33
    ("he", he_scaled("np.sqrt(2 / (L - 1))"), "np.sqrt(2 / (L - 1))"),
    ("he", he_scaled("0.1"), "every layer uses a factor of 0.1, where W1 needs 1, W2 needs 0.707107"),  # 30
    ("random", loop("np.random.randn(layers_dims[l], layers_dims[l-1]) * 0.1"),
     "every layer uses a factor of 0.1, where every layer needs a factor of 10"),  # 31
    ("random", loop("np.random.normal(0, np.sqrt(10), (layers_dims[l], layers_dims[l-1]))"), "factor of 3.16228"),
    ("random", loop(RW + " * np.sqrt(2 / layers_dims[l-1])"), "this exercise multiplies by 10 alone"),  # 39
    ("he", he_scaled("np.sqrt(2 / layers_dims[l-1]) * 100"), "W1 uses a factor of 100, W2 uses a factor of 70.7107"),
    ("he", he_scaled("2 / np.sqrt(layers_dims[l-1])"), "cover the whole fraction"),
    ("random", loop(RW.replace("* 10", "* 10.0001")), "every layer uses a factor of 10.0001"),
    ("random", loop(RW.replace("* 10", "* (10 if l == 1 else 1)")), "W2 has the right random numbers but the wrong "
     "scale: it uses a factor of 1, where every layer needs a factor of 10"),
    ("he", he_scaled("np.sqrt(2 / layers_dims[l-1]) * 0.01"), "W1 uses a factor of 0.01, W2 uses a factor of "
     "0.00707107, where W1 needs 1, W2 needs 0.707107"),
]


test_mistake_is_named, test_portable_data_gives_the_same_verdict = mistake_tests(SCALE_MISTAKES)


@pytest.mark.parametrize("source, named, unnamed", [
    (he_scaled("np.sqrt(2 / layers_dims[l-2])"), "W1 uses a factor of 1.41421", "cover the whole fraction"),
    (he_scaled("np.sqrt(2 / layers_dims[0])"), "every layer uses a factor of 1", "no scaling at all"),
    (he_scaled("int(np.sqrt(2 / layers_dims[l-1]))"), "cut down to a whole number", "// is integer division"),
])
def test_one_layers_dims_alone_names_no_rule_it_cannot_tell_apart(source, named, unnamed):
    """The grader judges one case at a time: on [2, 4, 1] alone these formulas coincide with others."""
    from public_tests.initializer_checks import EXERCISES, judge, observe

    problems = judge(EXERCISES["he"], observe(cell(source), [2, 4, 1], watch_numpy=True))
    assert named in problems[0] and unnamed not in problems[0], problems
