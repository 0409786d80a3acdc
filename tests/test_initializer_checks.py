"""Scenarios for the self-checks: wrong initializers are named, right ones pass."""
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


def he_scale(n_l, n_prev):
    return np.sqrt(2 / n_prev)


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


# (exercise, learner's function, words the message must contain)
WRONG = [
    ("zeros", lambda d: None, "returned None"),
    ("zeros", lambda d: [np.zeros((2, 3))], "returned a list"),
    ("zeros", lambda d: {}, "empty dict"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((p, n))), "transposed"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, n))), "layers_dims[l] is used for both"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.zeros(n)), "1-D"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.zeros((1, n))), "transposed"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p), dtype=int)), "dtype int64"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p), dtype=np.float32)), "float32"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), stop=-1), "last layer is missing"),
    ("zeros", lambda d: {k.lower(): v for k, v in REFERENCE["zeros"](d).items()}, "case-sensitive"),
    ("zeros", lambda d: layers(d, lambda n, p: np.ones((n, p))), "non-zero entries"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)).tolist()), "is a list, not a numpy array"),
    ("zeros", lambda d: layers(d, lambda n, p: np.full((n, p), np.nan)), "NaN"),
    ("zeros", mutating_zeros, "changed the layers_dims list"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, seed=None), "seed is missing"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, seed=1), "np.random.seed(1)"),
    ("random", lambda d: layers(d, lambda n, p: np.random.rand(n, p) * 10), "np.random.rand"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 0.01), "factor of 0.01"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p)), "no scaling"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, lambda n, p: np.ones((n, 1))),
     "must be all zeros"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(p, n).T * 10), "transposes"),
    ("random", random_with_default_rng, "default_rng"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, start=0), "'W0'"),
    ("he", reseeding_he, "re-seeds in every layer"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(1 / p)), "Xavier"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / n)), "current layer's size"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * (2 / p)), "without the square root"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10), "factor of 10"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 3.7), "factor of 3.7"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(p, p) * np.sqrt(2 / p)), "layers_dims[l-1] is used for both"),
    ("he", lambda d: layers(d, lambda n, p: (np.random.randn(n, p) * np.sqrt(2 / p)).astype(np.float32)), "float32"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p), stop=-1), "last layer is missing"),
    ("he", lambda d: layers(d + [1], lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p)), "one layer too many"),
]


@pytest.mark.parametrize("kind, learner, words", WRONG, ids=[f"{k}-{w}" for k, _, w in WRONG])
def test_wrong_initializer_is_flagged_with_its_mistake_named(kind, learner, words, capsys):
    with pytest.raises(AssertionError):
        CHECKS[kind](learner)
    report = capsys.readouterr().out
    assert words in report, report
    assert "All tests passed." not in report


def test_table_has_at_least_25_wrong_initializers():
    assert len(WRONG) >= 25


RIGHT = [
    ("zeros", REFERENCE["zeros"]),
    ("zeros", lambda d: {key: np.zeros((d[int(key[1:])], d[int(key[1:]) - 1] if key[0] == "W" else 1))
                         for l in range(1, len(d)) for key in (f"W{l}", f"b{l}")}),
    ("random", REFERENCE["random"]),
    ("random", lambda d: layers(d, lambda n, p: np.random.standard_normal((n, p)) * 10.0)),
    ("random", lambda d: layers(d, lambda n, p: 10 * np.random.normal(size=(n, p)))),
    ("he", REFERENCE["he"]),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * (2 / p) ** 0.5)),
    ("he", lambda d: layers(d, lambda n, p: np.random.standard_normal((n, p)) * np.sqrt(2.0) / np.sqrt(p))),
    ("he", lambda d: layers(d, lambda n, p: np.random.normal(0.0, np.sqrt(2 / p), (n, p)))),
]


@pytest.mark.parametrize("kind, learner", RIGHT, ids=[f"{k}-{i}" for i, (k, _) in enumerate(RIGHT)])
def test_correct_initializer_written_differently_passes(kind, learner, capsys):
    CHECKS[kind](learner)
    assert capsys.readouterr().out.strip() == "All tests passed."


def test_check_restores_global_random_state_and_leaves_arguments_alone():
    np.random.seed(99)
    before = np.random.get_state()[1].copy()
    initialize_parameters_he_test(REFERENCE["he"])
    assert np.array_equal(np.random.get_state()[1], before)
    assert np.random.randn() == np.random.RandomState(99).randn()


def test_unwritten_function_says_not_implemented(capsys):
    def initialize_parameters_he(layers_dims):
        raise NotImplementedError("replace this line with your code")

    with pytest.raises(AssertionError):
        initialize_parameters_he_test(initialize_parameters_he)
    assert "not implemented yet" in capsys.readouterr().out


def test_learners_own_exception_propagates_with_its_traceback(capsys):
    def initialize_parameters_zeros(layers_dims):
        return layers_dims[99]

    with pytest.raises(IndexError) as raised:
        initialize_parameters_zeros_test(initialize_parameters_zeros)
    assert raised.traceback[-1].name == "initialize_parameters_zeros"
    assert "comes from your code" in capsys.readouterr().out


def test_passing_something_not_callable_is_explained(capsys):
    with pytest.raises(AssertionError):
        initialize_parameters_zeros_test({"W1": 0})
    assert "pass the function itself" in capsys.readouterr().out


def test_report_names_key_expected_and_actual_shape(capsys):
    with pytest.raises(AssertionError):
        initialize_parameters_zeros_test(lambda d: layers(d, lambda n, p: np.zeros((p, n))))
    out = capsys.readouterr().out
    assert "W1 has shape (3, 2); it must be (2, 3)" in out


def test_checks_cover_a_deeper_net():
    from public_tests.initializer_checks import EXERCISES

    for exercise in EXERCISES.values():
        assert max(len(d) for d in exercise.cases) >= 5
