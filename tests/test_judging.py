"""Judging one observation: returned values, changed arguments, seeding across calls."""
import warnings

import numpy as np
import pytest

from learners import (mistake_tests, HW, cell, first_call_only,
                      he_scaled, layers, loop, mutating_zeros, python_random_seed, refills_one_dict,
                      seeded_after_loop)
from public_tests import initialize_parameters_he_test
from reference import REFERENCE

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, used on purpose

# (exercise, learner: a function or a cell's source, words the report must contain)
JUDGED = [
    # learners written as functions
    ("zeros", lambda d: None, "returned None"),
    ("zeros", lambda d: [np.zeros((2, 3))], "returned a list"),
    ("zeros", lambda d: {}, "empty dict"),
    ("zeros", mutating_zeros, "changed the layers_dims list"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, seed=None), "seed is missing"),
    ("he", lambda d: tuple(REFERENCE["he"](d).values()), "returned a tuple"),
    ("random", lambda d: list(REFERENCE["random"](d).items()), "returned a list"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p), seed=None), "seed is missing"),
    ("random", seeded_after_loop("random"), "seed is missing"),
    ("he", seeded_after_loop("he"), "comes after a draw"),
    ("he", python_random_seed("he"), "numpy's seed, not the random module's"),
    ("random", first_call_only("random"), "right on its first call only"),
    ("he", first_call_only("he"), "right on its first call only"),
    ("zeros", first_call_only("zeros"), "right on its first call only"),
    ("he", refills_one_dict(), "seed is missing"),
    # learners written as notebook cells
    ("he", "class P(dict):\n    pass\nshared = P()\n" + loop(HW, seed="pass").replace("parameters = {}",  # 96
                                                                                    "parameters = shared"),
     "seed is missing"),
    ("zeros", "f = np.zeros\n", "returned an ndarray; it must return a dict"),
]


test_mistake_is_named, test_portable_data_gives_the_same_verdict = mistake_tests(JUDGED)


def test_judge_with_other_observations_confirms_the_rule():
    from public_tests.initializer_checks import EXERCISES, judge, observe

    exercise, learner = EXERCISES["he"], cell(he_scaled("np.sqrt(2 / layers_dims[0])"))
    observations = [observe(learner, d) for d in exercise.cases]
    assert "np.sqrt(2 / layers_dims[0])" not in judge(exercise, observations[0])[0]
    assert "np.sqrt(2 / layers_dims[0])" in judge(exercise, observations[0], observations)[0]


def test_unseeded_function_fails_even_when_the_notebook_seeded_just_before(capsys):
    def initialize_parameters_he(layers_dims):
        return layers(layers_dims, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p), seed=None)

    np.random.seed(3)
    with pytest.raises(AssertionError):
        initialize_parameters_he_test(initialize_parameters_he)
    assert "seed is missing" in capsys.readouterr().out


@pytest.mark.parametrize("factor", [1e300, 1e308, -1e-320])
def test_weights_near_the_float_limits_are_judged_without_numpy_warnings(factor):
    from public_tests.initializer_checks import EXERCISES, judge, observe

    with np.errstate(all="ignore"):
        returned = {k: v * factor if k[0] == "W" else v for k, v in REFERENCE["he"]([2, 4, 1]).items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning from the tables would be printed into the learner's output
        problems = judge(EXERCISES["he"], observe(lambda d: returned, [2, 4, 1]))
    assert problems and "W1" in problems[0]
