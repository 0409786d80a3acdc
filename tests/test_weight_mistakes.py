"""Wrong weight values (seeds, draws, order, precision, shifts) are named."""
import numpy as np
import pytest

from learners import (mistake_tests, HW, RW, biases_from_stream,
                      layers, loop, random_with_default_rng, reseeding_he,
                      reversed_layers, scaled, warm_up)
from reference import REFERENCE

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, used on purpose

# (exercise, learner: a function or a cell's source, words the report must contain)
WEIGHT_MISTAKES = [
    # learners written as functions
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, seed=1), "np.random.seed(1)"),
    ("random", lambda d: layers(d, lambda n, p: np.random.rand(n, p) * 10), "np.random.rand"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(p, n).T * 10), "transposes"),
    ("random", random_with_default_rng, "default_rng"),
    ("he", reseeding_he, "re-seeds in every layer"),
    ("he", biases_from_stream("he", 1.0), "exactly as many as b1 has entries"),
    ("random", biases_from_stream("random", 0.0), "extra random number"),
    ("he", biases_from_stream("he", 0.0), "exactly as many as b1 has entries"),
    ("random", biases_from_stream("random", 0.01), "exactly as many as b1 has entries"),
    ("he", warm_up("he", np.random.randn), "between np.random.seed(3) and W1 your function draws 1 extra"),
    ("random", warm_up("random", lambda: np.random.randn(5)), "draws 5 extra random numbers"),
    ("he", warm_up("he", np.random.rand), "the equivalent of 1 uniform draw;"),
    ("random", warm_up("random", lambda: np.random.random(2)), "the equivalent of 2 uniform draws;"),
    ("he", reversed_layers("he"), "another order"),
    ("random", reversed_layers("random"), "another order"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, seed=42), "np.random.seed(42)"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p), seed=0), "np.random.seed(0)"),
    ("random", lambda d: reseeding_he(d) and layers(d, lambda n, p: (np.random.seed(3), np.random.randn(n, p) * 10)[1]),
     "re-seeds in every layer"),
    ("he", lambda d: layers(d, lambda n, p: np.random.rand(n, p) * np.sqrt(2 / p)), "np.random.rand"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(p, n).T * np.sqrt(2 / p)), "transposes"),
    ("he", lambda d: layers(d, lambda n, p: np.random.default_rng(3).standard_normal((n, p)) * np.sqrt(2 / p),
                            seed=None), "seed"),
    ("random", scaled("random", lambda w, n, p: w.astype(np.float32).astype(np.float64) * 10), "float32"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(np.float32(2) / p)), "precision of float32"),
    ("he", scaled("he", lambda w, n, p: np.round(w * np.sqrt(2 / p), 8)), "rounded to 8 decimals"),
    ("random", scaled("random", lambda w, n, p: np.round(w * 10, 3)), "rounded to 3 decimals"),
    ("he", scaled("he", lambda w, n, p: (w * np.sqrt(2 / p)).astype(np.float16).astype(np.float64)), "float16"),
    ("random", scaled("random", lambda w, n, p: w * 0), "all zeros"),
    ("he", lambda d: REFERENCE["zeros"](d), "all zeros"),
    ("random", lambda d: layers(d, lambda n, p: np.random.normal(10, 1, (n, p))), "shifted by 10"),
    ("he", lambda d: layers(d, lambda n, p: np.random.rand(n, p) * 2 - 1), "rand(...) - 1"),
    ("random", scaled("random", lambda w, n, p: np.abs(w) * 10), "signs differ"),
    ("he", scaled("he", lambda w, n, p: np.clip(w, -1, 1) * np.sqrt(2 / p)), "does not match the reference draw"),
    ("he", scaled("he", lambda w, n, p: np.clip(w, -1, 1) * np.sqrt(2 / p)), "expected -1.86349"),  # a plain number
    ("he", scaled("he", lambda w, n, p: np.full((n, p), 0.5)), "W1 holds the same number, 0.5, in every entry"),
    ("random", scaled("random", lambda w, n, p: np.full((n, p), 0.5)), "W1 holds the same number, 0.5, in every entry"),
    ("he", scaled("he", lambda w, n, p: w * np.sqrt(2 / p) + 1e-10), "differs from the right draw by the same tiny constant, "
     "1e-10, in every entry"),
    ("random", lambda d: layers(d, lambda n, p: np.random.rand(n, p) * 10), "the weights match code that draws with "
     "np.random.rand"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p),
                            lambda n, p: np.random.randn(n, 1) * 0.01), "exactly as many as b1 has entries"),
    ("random", lambda d: layers(d, lambda n, p: (np.random.randn(n, p), np.random.randn(n, p) * 10)[1]),
     "extra random numbers"),
    # learners written as notebook cells
    ("he", loop("np.random.default_rng(3).standard_normal((layers_dims[l], layers_dims[l-1])) * "  # 14
                "np.sqrt(2 / layers_dims[l-1])", seed="pass"), "creates np.random.default_rng(3) anew in every layer"),
    ("he", loop(HW, seed="np.random.seed(3); np.random.randn()"), "but 1 place later in the seeded stream"),  # 107
    ("he", loop(HW, seed="np.random.seed(3); np.random.randn()"), "draws 1 extra random number."),
    ("he", loop(HW, seed="np.random.seed(33)"), "seeds with np.random.seed(33)"),  # 6
    ("random", loop(RW, inside="np.random.seed(l + 2)"), "freshly seeded stream (W1 np.random.seed(3), W2 "),  # 130
    ("random", loop(RW, seed="np.random.seed(3); np.random.shuffle(list(range(5)))"),  # 108
     "throws away other random numbers after np.random.seed(3)"),
    ("he", loop(HW, seed="np.random.seed(3); np.random.randint(10)"), "np.random.randint"),  # 111
    ("random", loop("np.random.randn(layers_dims[l], layers_dims[l-1]) + 10"), "added instead of multiplied"),
    ("he", loop("np.random.randn(layers_dims[l], layers_dims[l-1]) * np.sqrt(np.float16(2) / layers_dims[l-1])"),
     "float16"),
    ("he", loop("np.random.randn(layers_dims[l], layers_dims[l-1]) * np.float32(np.sqrt(2 / layers_dims[l-1]))"),
     "precision of float32"),
]


test_mistake_is_named, test_portable_data_gives_the_same_verdict = mistake_tests(WEIGHT_MISTAKES)
