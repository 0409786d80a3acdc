"""Wrong array types, dtypes, NaNs, non-zero biases and non-zero zeros are named."""
import numpy as np
import pytest

from learners import (mistake_tests, RW, Subclass, ZW, biases_from_stream, layers, loop, retyped)
from reference import REFERENCE

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, used on purpose

# (exercise, learner: a function or a cell's source, words the report must contain)
VALUE_MISTAKES = [
    # learners written as functions
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p), dtype=int)), "dtype int64"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p), dtype=np.float32)), "float32"),
    ("zeros", lambda d: layers(d, lambda n, p: np.ones((n, p))), "non-zero entries"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)).tolist()), "is a list, not a numpy array"),
    ("zeros", lambda d: layers(d, lambda n, p: np.full((n, p), np.nan)), "NaN"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, lambda n, p: np.ones((n, 1))),
     "must be all zeros"),
    ("he", lambda d: layers(d, lambda n, p: (np.random.randn(n, p) * np.sqrt(2 / p)).astype(np.float32)), "float32"),
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
    ("zeros", lambda d: layers(d, lambda n, p: np.full((n, p), np.inf)), "NaN or inf"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.ones((n, 1))), "biases included"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.random.randn(n, 1)), "biases included"),
    ("he", biases_from_stream("he", 1.0), "Only the weights need to be random"),
    ("zeros", lambda d: REFERENCE["he"](d), "non-zero entries"),
    # plain numbers, not numpy 2's np.float64(1.0)
    ("zeros", lambda d: layers(d, lambda n, p: np.ones((n, p))), "W1 has non-zero entries (e.g. 1.0); every weight"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, lambda n, p: np.ones((n, 1))),
     "b1 must be all zeros but has non-zero entries (e.g. 1.0). Only the weights"),
    # learners written as notebook cells
    ("random", loop("np.random.randn(layers_dims[l], layers_dims[l-1]).astype(int) * 10"), ".astype(int)"),  # 42
    ("random", loop("(" + RW + ").astype(int)"), "the weights were cut to whole numbers"),  # 43
    ("random", loop(RW, b="np.zeros((layers_dims[l], 1), dtype=int)"), "b1 has dtype int64: biases must be floats"),  # 97
    ("zeros", loop(ZW, b="np.zeros((layers_dims[l], 1), dtype=np.float32)"), "biases must be float64"),
    ("zeros", loop("0", b="0"), "W1 is an int, not a numpy array"),  # 90
    ("zeros", loop("np.full((layers_dims[l], layers_dims[l-1]), 5e-310)"), "leftover memory, which is what np.empty"),
]


test_mistake_is_named, test_portable_data_gives_the_same_verdict = mistake_tests(VALUE_MISTAKES)
