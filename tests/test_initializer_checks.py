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
    ("random", early_return, "move it after the loop"),
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
    assert_portable_data_gives_the_same_verdict(kind, fresh(learner))


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


# ---- learner cells written as source, as a notebook runs them (the learner's line can be quoted) --------------

import itertools  # noqa: E402
import linecache  # noqa: E402

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


@pytest.fixture
def numpy_restored():
    """Put numpy's functions back after a test whose learner replaces them (np.random.seed = 3)."""
    from public_tests.draws import REAL, REAL_NUMPY, REAL_RANDOM_MODULE

    yield
    np.random = REAL_RANDOM_MODULE
    for name, function in REAL.items():
        setattr(np.random, name, function)
    for name, function in REAL_NUMPY.items():
        setattr(np, name, function)


# (exercise, learner cell, the fragment the report must contain). From the red-team pass (#id) and more of each class.
CELLS_WRONG = [
    # A. numpy's functions replaced; the function's parameters changed: always an AssertionError, never a crash
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
    # B. scales: a rule is named only when it alone fits, on the first failing case and the others
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
    # C. keys and the number of layers
    ("he", loop(HW, key_b='"b" + str(l + 1)'), "numbered one too high: ['b1'] missing and ['b3'] extra"),  # 75
    ("random", loop(RW, key_w='"W" + str(l + 1)'), "numbered one too high: ['W1'] missing and ['W3'] extra"),  # 124
    ("zeros", loop(ZW, key_w='"W" + str(l + 1)', key_b='"b" + str(l + 1)'), "with the loop's own l (not l + 1)"),
    ("zeros", "dims = [3, 2, 1]\n" + loop(ZW.replace("layers_dims", "dims"), b="np.zeros((dims[l], 1))",  # 62
                                         rng="range(1, len(dims))"), "The function ignores its parameter"),
    ("random", "def f(layers_dims):\n    np.random.seed(3)\n    return {'W1': np.random.randn(layers_dims[1], "  # 125
     "layers_dims[0]) * 10, 'b1': np.zeros((layers_dims[1], 1)),\n            'W2': np.random.randn(layers_dims[2], "
     "layers_dims[1]) * 10, 'b2': np.zeros((layers_dims[2], 1))}\n", "builds 2 layers whatever it is given"),
    ("he", "L_global = 3\n" + loop(HW, rng="range(1, L_global)"), "not from a fixed number, a name defined elsewhere"),
    ("zeros", loop(ZW, rng="range(1, 3)"), "builds 2 layers whatever it is given"),
    ("zeros", loop(ZW, rng="range(2, L)"), "layer 1 is missing: there is no 'W1' or 'b1'. The loop must start at 1"),  # 60
    ("zeros", loop(ZW, before="layers_dims = layers_dims[::-1]"), "which is that list reversed"),  # 61
    ("zeros", loop(ZW, before="layers_dims = sorted(layers_dims)"), "do not reverse or sort it"),
    ("random", loop("np.random.randn([layers_dims[l], layers_dims[l-1]]) * 10"), "without brackets"),  # 55
    ("he", loop("np.random.randn(layers_dims) * np.sqrt(2 / layers_dims[l-1])"), "not the whole list"),
    ("he", loop(HW, key_w='"W" + str(l) + " "'), "found the key 'W1 ' where 'W1' belongs"),  # 72
    ("he", loop(HW, key_w='"W[" + str(l) + "]"', key_b='"b[" + str(l) + "]"'), "no spaces, brackets"),  # 80
    # D. the hint aims at the line that is wrong
    ("random", loop("np.random.randn(layers_dims[l], layers_dims[l-1]).astype(int) * 10"), ".astype(int)"),  # 42
    ("random", loop("(" + RW + ").astype(int)"), "the weights were cut to whole numbers"),  # 43
    ("random", loop(RW, b="np.zeros((layers_dims[l], 1), dtype=int)"), "b1 has dtype int64: biases must be floats"),  # 97
    ("zeros", loop(ZW, b="np.zeros((layers_dims[l], 1), dtype=np.float32)"), "biases must be float64"),
    ("random", loop(RW, b="np.zeros(layers_dims[l], 1)"), "np.zeros((layers_dims[l], 1)) for a bias"),  # 57
    ("zeros", loop("np.zeros(layers_dims[l], layers_dims[l-1])"), "for a weight matrix"),
    ("random", loop(RW, seed="np.random.seed(3.0)"), "np.random.seed takes a whole number"),  # 12
    ("he", loop(HW, seed="np.random.seed(-3)"), "np.random.seed takes a whole number"),
    ("he", loop("np.random.default_rng(3).standard_normal((layers_dims[l], layers_dims[l-1])) * "  # 14
                "np.sqrt(2 / layers_dims[l-1])", seed="pass"), "creates np.random.default_rng(3) anew in every layer"),
    ("he", "class P(dict):\n    pass\nshared = P()\n" + loop(HW, seed="pass").replace("parameters = {}",  # 96
                                                                                    "parameters = shared"),
     "seed is missing"),
    ("zeros", loop("0", b="0"), "W1 is an int, not a numpy array"),  # 90
    ("he", loop(HW, seed="np.random.seed(3); np.random.randn()"), "but 1 place later in the seeded stream"),  # 107
    ("he", loop(HW, seed="np.random.seed(3); np.random.randn()"), "draws 1 extra random number."),
    ("zeros", loop("np.full((layers_dims[l], layers_dims[l-1]), 5e-310)"), "leftover memory, which is what np.empty"),
    ("he", loop(HW, seed="np.random.seed(33)"), "seeds with np.random.seed(33)"),  # 6
    ("random", loop(RW, inside="np.random.seed(l + 2)"), "freshly seeded stream (W1 np.random.seed(3), W2 "),  # 130
    ("random", loop(RW, seed="np.random.seed(3); np.random.shuffle(list(range(5)))"),  # 108
     "throws away other random numbers after np.random.seed(3)"),
    ("he", loop(HW, seed="np.random.seed(3); np.random.randint(10)"), "np.random.randint"),  # 111
    # more of each class, beyond the red-team pass
    ("random", loop("np.random.randn(layers_dims[l], layers_dims[l-1]) + 10"), "added instead of multiplied"),
    ("random", loop(RW.replace("* 10", "* 10.0001")), "every layer uses a factor of 10.0001"),
    ("he", loop("np.random.randn(layers_dims[l], layers_dims[l-1]) * np.sqrt(np.float16(2) / layers_dims[l-1])"),
     "float16"),
    ("he", loop("np.random.randn(layers_dims[l], layers_dims[l-1]) * np.float32(np.sqrt(2 / layers_dims[l-1]))"),
     "precision of float32"),
    ("random", loop(RW.replace("* 10", "* (10 if l == 1 else 1)")), "W2 has the right random numbers but the wrong "
     "scale: it uses a factor of 1, where every layer needs a factor of 10"),
    ("zeros", loop(ZW).replace('parameters["W" + str(l)] = ', 'parameters["W" + str(l)] == '), "compares with =="),
    ("zeros", loop(ZW).replace('parameters["W" + str(l)] = ', "parameters.W = "), "parameters is a dict"),
    ("random", loop("numpy.random.randn(layers_dims[l], layers_dims[l-1]) * 10"), "numpy is imported as np"),
    ("he", he_scaled("math.sqrt(2 / layers_dims[l-1])"), "math is not imported here"),
    ("random", loop(RW, seed='np.random.seed("3")'), "np.random.seed takes a whole number"),
    ("he", loop(HW, rng="range(1, L - 1)"), "so that l reaches L - 1"),
    ("zeros", "f = np.zeros\n", "returned an ndarray; it must return a dict"),
    ("he", he_scaled("np.sqrt(2 / layers_dims[l-1]) * 0.01"), "W1 uses a factor of 0.01, W2 uses a factor of "
     "0.00707107, where W1 needs 1, W2 needs 0.707107"),
]

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


@pytest.mark.parametrize("kind, source, words", CELLS_WRONG, ids=[f"{k}-{w[:40]}" for k, _, w in CELLS_WRONG])
def test_learner_cell_gets_its_mistake_named(kind, source, words, capsys, numpy_restored):
    learner = cell(source)
    with pytest.raises(Exception) as raised:
        CHECKS[kind](learner)
    report = capsys.readouterr().out
    assert words in report, report
    assert "All tests passed." not in report
    last = raised.traceback[-1]
    # never a traceback that ends inside public_tests: either our AssertionError or the learner's own line
    assert raised.type is AssertionError or "public_tests" not in str(last.path), (raised.type, last.path)
    if raised.type is not AssertionError:  # the learner's own exception: its traceback runs through their line
        assert any(str(entry.path).startswith("<learner-cell-") for entry in raised.traceback)


@pytest.mark.parametrize("kind, source", CELLS_RIGHT, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CELLS_RIGHT)])
def test_learner_cell_written_differently_passes(kind, source, capsys):
    CHECKS[kind](cell(source))
    assert capsys.readouterr().out.strip() == "All tests passed."


def test_numpy_seed_replaced_before_the_check_is_named_not_a_crash(capsys, numpy_restored):
    np.random.seed = 3  # an earlier cell did this
    with pytest.raises(AssertionError):
        initialize_parameters_he_test(REFERENCE["he"])
    out = capsys.readouterr().out
    assert "np.random.seed is no longer numpy's own, already before initialize_parameters_he ran" in out
    assert "restart the kernel" in out


def test_signature_error_says_so_without_a_learner_line():
    from public_tests.initializer_checks import EXERCISES, judge, observe

    observation = observe(EXERCISES["zeros"], cell("def f():\n    return {}\n"), [3, 2, 1])
    assert observation.calls[0].error.line is None
    assert "must take exactly one parameter, layers_dims" in judge(EXERCISES["zeros"], observation)[0]


def test_a_type_error_inside_the_function_is_not_called_a_signature_error(capsys):
    learner = cell("def f(layers_dims):\n    return len()\n")
    with pytest.raises(TypeError):
        initialize_parameters_zeros_test(learner)
    out = capsys.readouterr().out
    assert "must take exactly one parameter" not in out and "(at: return len())" in out


@pytest.mark.parametrize("source, named, unnamed", [
    (he_scaled("np.sqrt(2 / layers_dims[l-2])"), "W1 uses a factor of 1.41421", "cover the whole fraction"),
    (he_scaled("np.sqrt(2 / layers_dims[0])"), "every layer uses a factor of 1", "no scaling at all"),
    (he_scaled("int(np.sqrt(2 / layers_dims[l-1]))"), "cut down to a whole number", "// is integer division"),
])
def test_one_layers_dims_alone_names_no_rule_it_cannot_tell_apart(source, named, unnamed):
    """The grader judges one case at a time: on [2, 4, 1] alone these formulas coincide with others."""
    from public_tests.initializer_checks import EXERCISES, judge, observe

    problems = judge(EXERCISES["he"], observe(EXERCISES["he"], cell(source), [2, 4, 1]))
    assert named in problems[0] and unnamed not in problems[0], problems


def test_judge_with_other_observations_confirms_the_rule():
    from public_tests.initializer_checks import EXERCISES, judge_all, observe

    exercise, learner = EXERCISES["he"], cell(he_scaled("np.sqrt(2 / layers_dims[0])"))
    layers_dims, problems = judge_all(exercise, [observe(exercise, learner, d) for d in exercise.cases])
    assert layers_dims == [2, 4, 1] and "np.sqrt(2 / layers_dims[0])" in problems[0]


@pytest.mark.parametrize("kind, source, words", CELLS_WRONG[:40:3], ids=lambda v: v[:30] if isinstance(v, str) else v)
def test_judge_gives_the_same_verdict_from_portable_data_for_cells(kind, source, words, numpy_restored):
    assert_portable_data_gives_the_same_verdict(kind, cell(source))


def assert_portable_data_gives_the_same_verdict(kind, learner):
    """Judge the first failing case from the observation and from its portable form; both must agree."""
    from public_tests.initializer_checks import EXERCISES, judge, observe, portable

    exercise = EXERCISES[kind]
    for layers_dims in exercise.cases:
        observation = observe(exercise, learner, layers_dims)
        direct = judge(exercise, observation)
        if direct:
            assert judge(exercise, portable(observation)) == direct
            return
    raise AssertionError("no case failed")
