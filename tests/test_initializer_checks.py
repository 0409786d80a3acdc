"""Scenarios for the self-checks: wrong initializers are named, right ones pass."""
import numpy as np
import pytest

from public_tests import (initialize_parameters_he_test, initialize_parameters_random_test,
                          initialize_parameters_zeros_test)
from reference import REFERENCE

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, used on purpose

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


WRONG += [
    # keys
    ("zeros", renamed("zeros", lambda k: k.replace("b", "B")), "case-sensitive: use 'b1', not 'B1'"),
    ("he", renamed("he", lambda k: k.replace("b", "B")), "case-sensitive"),
    ("random", renamed("random", lambda k: k.lower()), "case-sensitive: use 'W1', not 'w1'"),
    ("zeros", renamed("zeros", lambda k: k[0] + "_" + k[1:]), "where 'W1' belongs"),
    ("he", renamed("he", lambda k: k[0] + "l"), "letter of the loop variable"),
    ("zeros", renamed("zeros", lambda k: (k[0], int(k[1:]))), "keys must be strings"),
    ("random", renamed("random", lambda k: k[0] + str(int(k[1:]) - 1)), "numbered from 1"),
    # returned value
    ("he", lambda d: tuple(REFERENCE["he"](d).values()), "returned a tuple"),
    ("random", lambda d: list(REFERENCE["random"](d).items()), "returned a list"),
    # array types
    ("zeros", retyped("zeros", np.ma.masked_array), "masked array"),
    ("random", retyped("random", lambda v: np.ma.masked_array(v, mask=np.zeros(v.shape, bool))), "masked array"),
    ("he", retyped("he", lambda v: np.ma.masked_array(v * 0 + 99, mask=True)), "masked array"),
    ("he", retyped("he", np.asmatrix), "np.matrix"),
    ("zeros", retyped("zeros", lambda v: v.view(Subclass), "b"), "subclass of numpy's ndarray"),
    ("he", retyped("he", lambda v: v.view(Subclass)), "subclass of numpy's ndarray"),
    ("random", retyped("random", lambda v: v.tolist()), "is a list, not a numpy array"),
    ("he", retyped("he", lambda v: float(v[0, 0]) if v.size == 1 else v, "b"), "b2 is a float, not a numpy array"),
    ("zeros", retyped("zeros", lambda v: v.astype(bool)), "dtype bool"),
    ("random", retyped("random", lambda v: v.astype(complex)), "dtype complex128; weights must be float64"),
    ("he", retyped("he", lambda v: v.astype(np.float16)), "dtype float16"),
    ("zeros", retyped("zeros", lambda v: v.astype(object)), "dtype object"),
    # shapes
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.zeros((n, p))), "weights' shape"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.zeros((p, 1))), "previous layer's size"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n * p) * np.sqrt(2 / p)), "it is 1-D"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(p, p) * 10), "layers_dims[l-1] is used for both"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, n) * 10), "layers_dims[l] is used for both"),
    ("zeros", lambda d: layers(d, lambda n, p: np.full((n, p), np.inf)), "NaN or inf"),
    # biases
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.ones((n, 1))), "biases included"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.random.randn(n, 1)), "biases included"),
    ("he", biases_from_stream("he", 1.0), "Only the weights need to be random"),
    ("he", biases_from_stream("he", 1.0), "exactly as many as b1 has entries"),
    ("random", biases_from_stream("random", 0.0), "extra random number"),
    ("he", biases_from_stream("he", 0.0), "exactly as many as b1 has entries"),
    ("random", biases_from_stream("random", 0.01), "exactly as many as b1 has entries"),
    # extra draws, order
    ("he", warm_up("he", np.random.randn), "between np.random.seed(3) and W1 your function draws 1 extra"),
    ("random", warm_up("random", lambda: np.random.randn(5)), "draws 5 extra random numbers"),
    ("he", warm_up("he", np.random.rand), "the equivalent of 1 uniform draw;"),
    ("random", warm_up("random", lambda: np.random.random(2)), "the equivalent of 2 uniform draws;"),
    ("he", reversed_layers("he"), "another order"),
    ("random", reversed_layers("random"), "another order"),
    # seeding
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p), seed=None), "seed is missing"),
    ("random", seeded_after_loop("random"), "seed is missing"),
    ("he", seeded_after_loop("he"), "comes after a draw"),
    ("he", python_random_seed("he"), "numpy's seed, not the random module's"),
    ("random", first_call_only("random"), "right on its first call only"),
    ("he", first_call_only("he"), "right on its first call only"),
    ("zeros", first_call_only("zeros"), "right on its first call only"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, seed=42), "np.random.seed(42)"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p), seed=0), "np.random.seed(0)"),
    ("random", lambda d: reseeding_he(d) and layers(d, lambda n, p: (np.random.seed(3), np.random.randn(n, p) * 10)[1]),
     "re-seeds in every layer"),
    ("he", lambda d: layers(d, lambda n, p: np.random.rand(n, p) * np.sqrt(2 / p)), "np.random.rand"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(p, n).T * np.sqrt(2 / p)), "transposes"),
    ("he", lambda d: layers(d, lambda n, p: np.random.default_rng(3).standard_normal((n, p)) * np.sqrt(2 / p),
                            seed=None), "seed"),
    # precision
    ("random", scaled("random", lambda w, n, p: w.astype(np.float32).astype(np.float64) * 10), "float32"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(np.float32(2) / p)), "precision of float32"),
    ("he", scaled("he", lambda w, n, p: np.round(w * np.sqrt(2 / p), 8)), "rounded to 8 decimals"),
    ("random", scaled("random", lambda w, n, p: np.round(w * 10, 3)), "rounded to 3 decimals"),
    ("he", scaled("he", lambda w, n, p: (w * np.sqrt(2 / p)).astype(np.float16).astype(np.float64)), "float16"),
    # scales
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
    ("random", scaled("random", lambda w, n, p: w * 0), "all zeros"),
    ("he", lambda d: REFERENCE["zeros"](d), "all zeros"),
    ("zeros", lambda d: REFERENCE["he"](d), "non-zero entries"),
    ("random", lambda d: {**REFERENCE["random"](d), "W1": REFERENCE["random"](d)["W1"] / 10}, "W1 has the right random numbers"),
]

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


WRONG += [
    ("random", lambda d: layers(d, lambda n, p: np.random.normal(10, 1, (n, p))), "shifted by 10"),
    ("he", lambda d: layers(d, lambda n, p: np.random.rand(n, p) * 2 - 1), "rand(...) - 1"),
    ("random", early_return, "not inside it"),
    ("he", refills_one_dict(), "seed is missing"),
    ("random", fixed_three_layers, "never from a fixed count"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(2 / p) * 10), "He's scale times 10"),
    ("random", scaled("random", lambda w, n, p: np.abs(w) * 10), "signs differ"),
    ("he", scaled("he", lambda w, n, p: np.clip(w, -1, 1) * np.sqrt(2 / p)), "does not match the reference draw"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p),
                            lambda n, p: np.random.randn(n, 1) * 0.01), "exactly as many as b1 has entries"),
    ("random", lambda d: layers(d, lambda n, p: (np.random.randn(n, p), np.random.randn(n, p) * 10)[1]),
     "extra random numbers"),
]

# Exceptions from the learner's own code: they propagate with their traceback; the report explains them.
RAISING = [
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros(n, p)), TypeError, "whole shape as one tuple"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn((n, p)) * 10), TypeError,
     "each size as its own argument"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n / 1, p) * np.sqrt(2 / p)), TypeError, "whole number"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(d, p)), TypeError, "not the whole list"),
    ("zeros", lambda d: {"W" + l: 0 for l in range(1, len(d))}, TypeError, "'W' + str(l)"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / d)), TypeError, "not the whole list"),
    ("zeros", lambda d: {f"W{l}": np.zeros((d[l], d[l + 1])) for l in range(1, len(d))}, IndexError,
     "went past its end"),
    ("random", lambda d: layers(d, lambda n, p: np.randn(n, p) * 10), AttributeError, "np.random.randn"),
    ("he", lambda d: layers(d, lambda n, p: undefined_scale * np.random.randn(n, p)), NameError,  # noqa: F821
     "use only its parameter layers_dims"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n - p - 9, p))), ValueError, "negative size"),
]


def raising_on_second_call():
    calls = []

    def initializer(d):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("only once")
        return REFERENCE["he"](d)
    initializer.fresh = raising_on_second_call
    return initializer


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


def test_unseeded_function_fails_even_when_the_notebook_seeded_just_before(capsys):
    def initialize_parameters_he(layers_dims):
        return layers(layers_dims, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p), seed=None)

    np.random.seed(3)
    with pytest.raises(AssertionError):
        initialize_parameters_he_test(initialize_parameters_he)
    assert "seed is missing" in capsys.readouterr().out


def test_every_case_calls_the_function_twice_after_foreign_seeds():
    from public_tests.initializer_checks import EXERCISES, Opaque, PRE_SEEDS, observe  # noqa: F401

    seen = []

    def spy(d):
        seen.append(np.random.get_state()[1][:4].copy())
        return REFERENCE["he"](d)

    observation = observe(EXERCISES["he"], spy, [2, 4, 1])
    assert len(observation.calls) == 2 and 3 not in PRE_SEEDS and len(set(PRE_SEEDS)) == 2
    for state, seed in zip(seen, PRE_SEEDS):
        assert np.array_equal(state, np.random.RandomState(seed).get_state()[1][:4])


@pytest.mark.parametrize("kind, learner, words", WRONG[:20] + WRONG[-40:], ids=lambda v: "" if callable(v) else str(v))
def test_judge_gives_the_same_verdict_from_portable_data(kind, learner, words):
    """The grader's path: run in one place, keep only plain data, judge elsewhere."""
    from public_tests.initializer_checks import EXERCISES, judge, observe, portable

    exercise, learner = EXERCISES[kind], fresh(learner)
    for layers_dims in exercise.cases:
        observation = observe(exercise, learner, layers_dims)
        direct = judge(exercise, observation)
        if direct:
            assert judge(exercise, portable(observation)) == direct
            return
    raise AssertionError("no case failed")


def test_portable_keys_stay_strings_when_they_subclass_str():
    from public_tests.initializer_checks import EXERCISES, judge, observe, portable

    learner = lambda d: {np.str_(k): v for k, v in REFERENCE["he"](d).items()}  # noqa: E731
    observation = portable(observe(EXERCISES["he"], learner, [2, 4, 1]))
    assert all(type(k) is str for k in observation.calls[0].result) and judge(EXERCISES["he"], observation) == []


def test_portable_observation_holds_only_plain_types():
    from public_tests.initializer_checks import EXERCISES, Opaque, observe, portable

    learner = retyped("he", np.ma.masked_array)
    data = portable(observe(EXERCISES["he"], learner, [2, 4, 1]))
    for call in data.calls:
        assert call.exception is None
        assert all(type(v) in (np.ndarray, Opaque) for v in call.result.values())
        assert (call.result["W1"].type_name, call.result["W1"].ndarray_subclass) == ("MaskedArray", True)


@pytest.mark.parametrize("kind, learner, words", WRONG, ids=[f"{k}-{w}" for k, _, w in WRONG])
def test_wrong_initializer_is_flagged_with_its_mistake_named(kind, learner, words, capsys):
    learner = fresh(learner)
    with pytest.raises(AssertionError):
        CHECKS[kind](learner)
    report = capsys.readouterr().out
    assert words in report, report
    assert "All tests passed." not in report


def test_table_has_at_least_100_wrong_initializers():
    assert len(WRONG) + len(RAISING) >= 100


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
    assert capsys.readouterr().out.strip() == "All tests passed."


def test_check_restores_global_random_state_and_leaves_arguments_alone():
    np.random.seed(99)
    before = np.random.get_state()[1].copy()
    initialize_parameters_he_test(REFERENCE["he"])
    assert np.array_equal(np.random.get_state()[1], before)
    assert np.random.randn() == np.random.RandomState(99).randn()


def test_unwritten_function_says_not_implemented(capsys):
    def initialize_parameters_he(layers_dims):
        raise NotImplementedError("initialize_parameters_he: replace this line with your code")

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
