"""Wrong shapes, and weights that chain into another network than layers_dims, are named."""
import numpy as np
import pytest

from learners import (mistake_tests, HW, ZW, layers,
                      loop)

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, used on purpose

# (exercise, learner: a function or a cell's source, words the report must contain)
SHAPE_MISTAKES = [
    # learners written as functions
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((p, n))), "transposed"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, n))), "layers_dims[l] is used for both"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.zeros(n)), "1-D"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.zeros((1, n))), "transposed"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(p, p) * np.sqrt(2 / p)), "layers_dims[l-1] is used for both"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.zeros((n, p))), "weights' shape"),
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), lambda n, p: np.zeros((p, 1))), "previous layer's size"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n * p) * np.sqrt(2 / p)), "it is 1-D"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(p, p) * 10), "layers_dims[l-1] is used for both"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, n) * 10), "layers_dims[l] is used for both"),
    # learners written as notebook cells
    ("zeros", "dims = [3, 2, 1]\n" + loop(ZW.replace("layers_dims", "dims"), b="np.zeros((dims[l], 1))",  # 62
                                         rng="range(1, len(dims))"), "The function ignores its parameter"),
    ("random", "def f(layers_dims):\n    np.random.seed(3)\n    return {'W1': np.random.randn(layers_dims[1], "  # 125
     "layers_dims[0]) * 10, 'b1': np.zeros((layers_dims[1], 1)),\n            'W2': np.random.randn(layers_dims[2], "
     "layers_dims[1]) * 10, 'b2': np.zeros((layers_dims[2], 1))}\n", "builds 2 layers whatever it is given"),
    ("he", "L_global = 3\n" + loop(HW, rng="range(1, L_global)"), "not from a fixed number, a name defined elsewhere"),
    ("zeros", loop(ZW, rng="range(1, 3)"), "builds 2 layers whatever it is given"),
    ("zeros", loop(ZW, before="layers_dims = layers_dims[::-1]"), "which is that list reversed"),  # 61
    ("zeros", loop(ZW, before="layers_dims = sorted(layers_dims)"), "do not reverse or sort it"),
]


test_mistake_is_named, test_portable_data_gives_the_same_verdict = mistake_tests(SHAPE_MISTAKES)
