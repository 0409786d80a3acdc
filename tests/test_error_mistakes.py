"""Exceptions: each common one is explained; the learner's own traceback is kept."""
import numpy as np
import pytest

from learners import (mistake_tests, CHECKS, HW, RW, ZW, cell, fresh,
                      he_scaled, layers, loop, numpy_restored, raising_on_second_call)
from public_tests import initialize_parameters_he_test, initialize_parameters_zeros_test
from reference import REFERENCE

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, used on purpose

# (exercise, learner: a function or a cell's source, words the report must contain)
ERROR_MISTAKES = [
    # learners written as functions
    # learners written as notebook cells
    ("random", loop(RW, seed="np.random.seed = 3"), "assigned to np.random.seed (like `np.random.seed = 3`)"),  # 10
    ("random", loop(RW, seed="np.random.seed = 3"), "restart the kernel"),
    ("he", loop(HW, seed="np.random.seed(3); np.random.randn = np.random.standard_normal"),
     "assigned to np.random.randn"),
    ("he", loop("rng.standard_normal((layers_dims[l], layers_dims[l-1]))", seed="np.random = "
                "np.random.default_rng(3); rng = np.random"), "assigned to np.random (like `np.random = "),
    ("zeros", loop(ZW, seed="np.zeros = np.zeros((2, 2))"), "assigned to np.zeros"),
    ("random", "def f():\n    np.random.seed(3)\n    return {}\n", "must take exactly one parameter, layers_dims"),  # 65
    ("he", "def f(layers_dims, seed):\n    np.random.seed(seed)\n    return {}\n",  # 66
     "must take exactly one parameter, layers_dims, as in `def initialize_parameters_he(layers_dims):`"),
    ("zeros", "def f(*, layers_dims):\n    return {}\n", "must take exactly one parameter, layers_dims"),  # 127
    ("zeros", "f = lambda: {}\n", "must take exactly one parameter"),
    ("he", "def f(layers_dims, learning_rate, num_iterations):\n    return {}\n", "must take exactly one parameter"),
    ("random", "class F:\n    def __call__(self):\n        return {}\nf = F()\n", "must take exactly one parameter"),
    ("random", loop("np.random.randn([layers_dims[l], layers_dims[l-1]]) * 10"), "without brackets"),  # 55
    ("he", loop("np.random.randn(layers_dims) * np.sqrt(2 / layers_dims[l-1])"), "not the whole list"),
    ("random", loop(RW, b="np.zeros(layers_dims[l], 1)"), "np.zeros((layers_dims[l], 1)) for a bias"),  # 57
    ("zeros", loop("np.zeros(layers_dims[l], layers_dims[l-1])"), "for a weight matrix"),
    ("random", loop(RW, seed="np.random.seed(3.0)"), "np.random.seed takes a whole number"),  # 12
    ("he", loop(HW, seed="np.random.seed(-3)"), "np.random.seed takes a whole number"),
    ("zeros", loop(ZW).replace('parameters["W" + str(l)] = ', 'parameters["W" + str(l)] == '), "compares with =="),
    ("zeros", loop(ZW).replace('parameters["W" + str(l)] = ', "parameters.W = "), "parameters is a dict"),
    ("random", loop("numpy.random.randn(layers_dims[l], layers_dims[l-1]) * 10"), "numpy is imported as np"),
    ("he", he_scaled("math.sqrt(2 / layers_dims[l-1])"), "math is not imported here"),
    ("zeros", loop("np.zero((layers_dims[l], layers_dims[l-1]))"), "has no attribute 'zero' (at: "),
    ("zeros", loop("np.zero((layers_dims[l], layers_dims[l-1]))"), "Did you mean np.zeros?"),
    ("he", loop("np.random.radn(layers_dims[l], layers_dims[l-1])"), "Did you mean np.random.randn?"),
    ("he", loop(HW, before="import numpy as np"), "An import of np inside the function (such as import numpy as np) "
     "makes np local to it"),
    ("random", loop(RW, seed='np.random.seed("3")'), "np.random.seed takes a whole number"),
]


test_mistake_is_named, test_portable_data_gives_the_same_verdict = mistake_tests(ERROR_MISTAKES)


# Exceptions from the learner's own code: they propagate with their traceback; the report explains them.
RAISING = [
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros(n, p)), TypeError, "whole shape as one tuple"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn((n, p)) * 10), TypeError,
     "each size as its own argument"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n / 1, p) * np.sqrt(2 / p)), TypeError, "whole number"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(d, p)), TypeError, "not the whole list"),
    ("zeros", lambda d: {"W" + l: 0 for l in range(1, len(d))}, TypeError,
     "). Build each key from a string"),  # capital B; words on their own line: the report quotes the line above
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / d)), TypeError, "not the whole list"),
    ("zeros", lambda d: {f"W{l}": np.zeros((d[l], d[l + 1])) for l in range(1, len(d))}, IndexError,
     "went past its end"),
    ("random", lambda d: layers(d, lambda n, p: np.randn(n, p) * 10), AttributeError, "np.random.randn"),
    ("he", lambda d: layers(d, lambda n, p: undefined_scale * np.random.randn(n, p)), NameError,  # noqa: F821
     "use only its parameter layers_dims"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n - p - 9, p))), ValueError, "negative size"),
]

RAISING.append(("he", raising_on_second_call(), RuntimeError, "on its second call (the first worked)"))


@pytest.mark.parametrize("kind, learner, error, words", RAISING, ids=[f"{k}-{w}" for k, _, _, w in RAISING])
def test_learners_exception_propagates_and_is_explained(kind, learner, error, words, capsys):
    learner = fresh(learner)
    with pytest.raises(error):
        CHECKS[kind](learner)
    report = capsys.readouterr().out
    assert words in report, report
    assert "comes from your code" in report


def test_learners_own_not_implemented_message_is_kept(capsys):
    def initialize_parameters_he(layers_dims):
        raise NotImplementedError("deeper nets next week")

    with pytest.raises(AssertionError):
        initialize_parameters_he_test(initialize_parameters_he)
    out = capsys.readouterr().out
    assert "'deeper nets next week'" in out and "not implemented yet" not in out


def test_unwritten_function_says_not_implemented_in_words_that_also_fit_the_graders_report(capsys):
    def initialize_parameters_he(layers_dims):
        raise NotImplementedError("initialize_parameters_he: replace this line with your code")

    with pytest.raises(AssertionError):
        initialize_parameters_he_test(initialize_parameters_he)
    out = capsys.readouterr().out
    assert "not implemented yet" in out and "this check" not in out
    assert "'# YOUR CODE ENDS HERE', run that cell, then run the self-check below it." in out


def test_learners_own_exception_propagates_with_its_traceback(capsys):
    def initialize_parameters_zeros(layers_dims):
        return layers_dims[99]

    with pytest.raises(IndexError) as raised:
        initialize_parameters_zeros_test(initialize_parameters_zeros)
    assert raised.traceback[-1].name == "initialize_parameters_zeros"
    assert "comes from your code" in capsys.readouterr().out


def test_numpy_seed_replaced_before_the_check_is_named_not_a_crash(capsys):
    with numpy_restored(), pytest.raises(AssertionError):
        np.random.seed = 3  # an earlier cell did this
        initialize_parameters_he_test(REFERENCE["he"])
    out = capsys.readouterr().out
    assert "np.random.seed is no longer numpy's own, already before initialize_parameters_he ran" in out
    assert "restart the kernel" in out


def test_signature_error_says_so_without_a_learner_line():
    from public_tests.initializer_checks import EXERCISES, judge, observe

    observation = observe(cell("def f():\n    return {}\n"), [3, 2, 1], watch_numpy=True)
    assert observation.calls[0].error.line is None
    assert "must take exactly one parameter, layers_dims" in judge(EXERCISES["zeros"], observation)[0]


def test_a_type_error_inside_the_function_is_not_called_a_signature_error(capsys):
    learner = cell("def f(layers_dims):\n    return len()\n")
    with pytest.raises(TypeError):
        initialize_parameters_zeros_test(learner)
    out = capsys.readouterr().out
    assert "must take exactly one parameter" not in out and "(at: return len())" in out



def test_a_huge_exception_message_is_judged_by_its_first_part_as_the_grader_does(capsys):
    from public_tests.observation import MAX_MESSAGE

    learner = cell("def f(layers_dims):\n    raise TypeError('data type ' * 200_000 + 'not understood')\n")
    with pytest.raises(TypeError) as raised:
        initialize_parameters_he_test(learner)
    assert len(str(raised.value)) == 2_000_014  # the learner's own exception, whole
    out = capsys.readouterr().out
    assert ("data type " * 200)[:MAX_MESSAGE] in out and "data type " * 201 not in out  # the explanation reads 2000
