"""The notebook's self-checks: right initializers pass and say what was tried; the checks' own behaviour.

Wrong initializers, one table per family of mistakes, are in tests/test_*_mistakes.py and tests/test_judging.py.
"""
import numpy as np
import pytest

from learners import CHECKS, HW, RW, ZW, assert_passed, cell, he_scaled, layers, loop
from public_tests import initialize_parameters_he_test, initialize_parameters_zeros_test, print_parameters
from reference import REFERENCE
from test_inputs import ipython_shows


def all_weights_in_one_draw(d):
    np.random.seed(3)
    sizes = [d[l] * d[l - 1] for l in range(1, len(d))]
    flat, parameters, start = np.random.randn(sum(sizes)), {}, 0
    for l, size in enumerate(sizes, start=1):
        parameters["W" + str(l)] = flat[start:start + size].reshape(d[l], d[l - 1]) * np.sqrt(2 / d[l - 1])
        parameters["b" + str(l)] = np.zeros((d[l], 1))
        start += size
    return parameters


def local_state_he(d):
    rng = np.random.RandomState(3)
    return layers(d, lambda n, p: rng.randn(n, p) * np.sqrt(2 / p), seed=None)


def local_state_random(d):
    rng = np.random.RandomState(3)
    return layers(d, lambda n, p: rng.standard_normal((n, p)) * 10, seed=None)


def seeded_in_first_iteration(d):
    parameters = {}
    for l in range(1, len(d)):
        if l == 1:
            np.random.seed(3)
        parameters["W" + str(l)] = np.random.randn(d[l], d[l - 1]) * np.sqrt(2 / d[l - 1])
        parameters["b" + str(l)] = np.zeros((d[l], 1))
    return parameters


def readonly(value):
    value.setflags(write=False)
    return value


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
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) / np.sqrt(p / 2))),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n * p).reshape(n, p) * np.sqrt(2 / p))),
    ("he", lambda d: layers(d, lambda n, p: np.asfortranarray(np.random.randn(n, p)) * np.sqrt(2 / p))),
    ("he", lambda d: {k: v.astype(">f8") for k, v in REFERENCE["he"](d).items()}),
    ("he", lambda d: {k: v for k, v in sorted(REFERENCE["he"](d).items())}),
    ("he", lambda d: __import__("collections").OrderedDict(REFERENCE["he"](d))),
    ("he", lambda d: layers(d, lambda n, p: np.random.RandomState(3).randn(n, p) * np.sqrt(2 / p), seed=None)
     if len(d) == 2 else local_state_he(d)),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2.0 / p), seed=np.int64(3))),
    ("he", seeded_in_first_iteration),
    ("he", lambda d: {k: readonly(v) for k, v in REFERENCE["he"](d).items()}),
    ("random", lambda d: layers(d, lambda n, p: np.multiply(np.random.randn(n, p), 10))),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, lambda n, p: np.zeros((n, 1)) * -1)),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, lambda n, p: np.full((n, 1), 0.0))),
    ("random", local_state_random),
    ("zeros", lambda d: layers(d, lambda n, p: 0.0 * np.ones((n, p)), lambda n, p: np.zeros_like(np.ones((n, 1))))),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p), dtype=np.float64), seed=None)),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros([n, p]), lambda n, p: np.zeros(shape=(n, 1)))),
    ("he", lambda d: {np.str_(k): v for k, v in REFERENCE["he"](d).items()}),
    ("he", all_weights_in_one_draw),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(p, n).reshape(n, p) * 10)),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p),
                            lambda n, p: np.zeros_like(np.random.randn(n, 1)) if False else np.zeros((n, 1)))),
]


@pytest.mark.parametrize("kind, learner", RIGHT, ids=[f"{k}-{i}" for i, (k, _) in enumerate(RIGHT)])
def test_correct_initializer_written_differently_passes(kind, learner, capsys):
    CHECKS[kind](learner)
    assert_passed(capsys.readouterr().out, kind)

def test_check_restores_global_random_state_and_leaves_arguments_alone():
    np.random.seed(99)
    before = np.random.get_state()[1].copy()
    initialize_parameters_he_test(REFERENCE["he"])
    assert np.array_equal(np.random.get_state()[1], before)
    assert np.random.randn() == np.random.RandomState(99).randn()


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


CELLS_RIGHT = [
    ("random", loop(RW, seed="np.random.seed(seed=3)")),
    ("he", loop(HW, seed="np.random.seed(np.uint32(3))")),
    ("random", loop(RW, seed="np.random.set_state(np.random.RandomState(3).get_state())")),
    ("random", loop("rng.normal(0, 10, (layers_dims[l], layers_dims[l-1]))", seed="rng = np.random.RandomState(3)")),
    ("random", loop("np.random.normal(0, 10, (layers_dims[l], layers_dims[l-1]))")),
    ("he", loop("np.random.normal(scale=np.sqrt(2 / layers_dims[l-1]), size=(layers_dims[l], layers_dims[l-1]))")),
    ("he", "import math\n" + he_scaled("math.sqrt(2 / layers_dims[l-1])")),
    ("he", he_scaled("np.power(2 / layers_dims[l-1], 0.5)")),
    ("he", he_scaled("np.emath.sqrt(2 / layers_dims[l-1])")),
    ("random", loop("np.random.randn(layers_dims[l], layers_dims[l-1]) * np.float32(10)")),
    ("random", loop("np.random.randn(layers_dims[l], layers_dims[l-1]) * 1e1")),
    ("he", "class Params(dict):\n    pass\n" + loop(HW).replace("parameters = {}", "parameters = Params()")),
    ("random", "from collections import defaultdict\n" + loop(RW).replace("parameters = {}",
                                                                         "parameters = defaultdict(lambda: None)")),
    ("he", loop(HW).replace("    return parameters", "    np.random.randn(5)\n    return parameters")),
    ("zeros", loop(ZW, seed="np.random.seed(1)", inside="np.random.randn(3)")),
    ("zeros", loop(ZW + " * -1.0")),
    ("he", he_scaled("np.sqrt(2 / layers_dims[l-1]) + 0")),
    ("he", loop(HW, seed="np.random.seed(3)", inside="np.random.seed(3) if l == 1 else None")),
    ("he", "f = lambda d: (np.random.seed(3), {k: v for l in range(1, len(d)) for k, v in ((f'W{l}', "
           "np.random.randn(d[l], d[l-1]) * np.sqrt(2 / d[l-1])), (f'b{l}', np.zeros((d[l], 1))))})[1]\n"),
    # Right on every case the check decides on, but raises on one it only observes to confirm a diagnosis:
    # that extra observation never changes the verdict.
    ("he", loop(HW, before="assert layers_dims[0] > 1, 'a first layer of one unit is not supported'")),
    ("random", loop(RW, before="assert len(layers_dims) != 4 or layers_dims[0] != 1")),
]


@pytest.mark.parametrize("kind, source", CELLS_RIGHT, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CELLS_RIGHT)])
def test_learner_cell_written_differently_passes(kind, source, capsys):
    CHECKS[kind](cell(source))
    assert_passed(capsys.readouterr().out, kind)


# A loop written for at most five layers: right on every public case, wrong on the grader's seven-entry list.
FIVE_LAYERS_AT_MOST = loop(HW, rng="range(1, min(L, 6))")


def test_a_pass_says_what_was_tried_and_that_the_grader_tries_more(capsys):
    initialize_parameters_he_test(cell(FIVE_LAYERS_AT_MOST))
    assert_passed(capsys.readouterr().out, "he")


def test_the_graders_extra_cases_find_what_the_public_ones_miss(capsys):
    with pytest.raises(AssertionError):
        initialize_parameters_he_test(cell(FIVE_LAYERS_AT_MOST), grader_cases=True)
    report = capsys.readouterr().out
    assert report.startswith("initialize_parameters_he([1, 1, 1, 1, 1, 1, 1]) is not right yet (one of the grader's "
                             "extra cases):\n"), report
    assert "the function builds 5 layers whatever it is given" in report


@pytest.mark.parametrize("kind", CHECKS)
def test_a_right_function_passes_the_graders_extra_cases_too(kind, capsys):
    CHECKS[kind](REFERENCE[kind], grader_cases=True)
    assert_passed(capsys.readouterr().out, kind, grader_cases=True)


def test_a_public_case_failing_is_not_called_a_grader_case(capsys):
    with pytest.raises(AssertionError):
        initialize_parameters_he_test(cell(he_scaled("np.sqrt(1 / layers_dims[l-1])")), grader_cases=True)
    assert capsys.readouterr().out.startswith("initialize_parameters_he([2, 4, 1]) is not right yet:\n")


def test_the_grader_finds_the_first_failing_case_in_process():
    from public_tests.initializer_checks import EXERCISES, GRADER_CASES, first_failure, observe

    exercise, learner = EXERCISES["he"], cell(FIVE_LAYERS_AT_MOST)
    cases = tuple(exercise.cases) + tuple(GRADER_CASES)
    failed, problems = first_failure(exercise, cases, lambda d: observe(learner, d))
    assert list(failed.layers_dims) == [1, 1, 1, 1, 1, 1, 1] and "the last layer is missing" in problems[0]
    assert first_failure(exercise, cases, lambda d: observe(REFERENCE["he"], d)) == (None, [])


def test_print_parameters_prints_each_array(capsys):
    print_parameters(REFERENCE["zeros"], [3, 2, 1])
    assert capsys.readouterr().out.splitlines()[0] == "W1 = [[0. 0. 0.]"


def test_print_parameters_names_an_exception_and_leaves_it_to_the_check(capsys):
    def initialize_parameters_zeros(layers_dims):
        return layers_dims[9]

    print_parameters(initialize_parameters_zeros, [3, 2, 1])
    assert capsys.readouterr().out == ("initialize_parameters_zeros([3, 2, 1]) raised IndexError: list index out of "
                                       "range. The check below explains.\n")


def test_print_parameters_shows_what_else_came_back(capsys):
    print_parameters(lambda d: None, [3, 2, 1])
    assert capsys.readouterr().out == "returned None\n"


def test_the_tables_hold_at_least_200_wrong_initializers():
    from test_error_mistakes import ERROR_MISTAKES, RAISING
    from test_judging import JUDGED
    from test_key_mistakes import KEY_MISTAKES
    from test_scale_mistakes import SCALE_MISTAKES
    from test_shape_mistakes import SHAPE_MISTAKES
    from test_value_mistakes import VALUE_MISTAKES
    from test_weight_mistakes import WEIGHT_MISTAKES

    tables = (ERROR_MISTAKES, RAISING, JUDGED, KEY_MISTAKES, SCALE_MISTAKES, SHAPE_MISTAKES, VALUE_MISTAKES,
              WEIGHT_MISTAKES)
    assert sum(map(len, tables)) >= 200


def test_ipython_shows_a_failing_self_check_as_its_report_and_message_without_kit_frames():
    shown = ipython_shows("from public_tests import initialize_parameters_he_test",
                          "def f(layers_dims):\n    raise KeyboardInterrupt",
                          "initialize_parameters_he_test(lambda d: {})", "initialize_parameters_he_test(f)")
    lines = shown.splitlines()
    assert lines[0] == "initialize_parameters_he([2, 4, 1]) is not right yet:" and lines[3].startswith(
        "AssertionError: initialize_parameters_he: initialize_parameters_he returned an empty dict")
    assert lines[4].startswith("KeyboardInterrupt: initialize_parameters_he_test stopped: you interrupted it (it was "
                               "running: `raise KeyboardInterrupt`).") and len(lines) == 5, shown
    assert "public_tests" not in shown and ".py" not in shown, shown
