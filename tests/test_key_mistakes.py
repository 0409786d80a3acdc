"""Wrong keys: missing, extra, misspelled or misnumbered 'W<l>' / 'b<l>' are named."""
import numpy as np
import pytest

from learners import HW, RW, ZW, early_return, fixed_three_layers, layers, loop, mistake_tests, renamed
from reference import REFERENCE

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, used on purpose

# (exercise, learner: a function or a cell's source, words the report must contain)
KEY_MISTAKES = [
    # learners written as functions
    ("zeros", lambda d: layers(d, lambda n, p: np.zeros((n, p)), stop=-1), "last layer is missing"),
    ("zeros", lambda d: {k.lower(): v for k, v in REFERENCE["zeros"](d).items()}, "case-sensitive"),
    ("random", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * 10, start=0), "'W0'"),
    ("he", lambda d: layers(d, lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p), stop=-1), "last layer is missing"),
    ("he", lambda d: layers(d + [1], lambda n, p: np.random.randn(n, p) * np.sqrt(2 / p)), "one layer too many"),
    ("zeros", renamed("zeros", lambda k: k.replace("b", "B")), "case-sensitive: use 'b1', not 'B1'"),
    ("he", renamed("he", lambda k: k.replace("b", "B")), "case-sensitive"),
    ("random", renamed("random", lambda k: k.lower()), "case-sensitive: use 'W1', not 'w1'"),
    ("zeros", renamed("zeros", lambda k: k[0] + "_" + k[1:]), "where 'W1' belongs"),
    ("he", renamed("he", lambda k: k[0] + "l"), "letter of the loop variable"),
    ("zeros", renamed("zeros", lambda k: (k[0], int(k[1:]))), "keys must be strings"),
    ("random", renamed("random", lambda k: k[0] + str(int(k[1:]) - 1)), "numbered from 1"),
    ("random", early_return, "move it after the loop"),
    ("random", fixed_three_layers, "never from a fixed count"),
    # learners written as notebook cells
    ("he", loop(HW, key_b='"b" + str(l + 1)'), "numbered one too high: ['b1'] missing and ['b3'] extra"),  # 75
    ("random", loop(RW, key_w='"W" + str(l + 1)'), "numbered one too high: ['W1'] missing and ['W3'] extra"),  # 124
    ("zeros", loop(ZW, key_w='"W" + str(l + 1)', key_b='"b" + str(l + 1)'), "with the loop's own l (not l + 1)"),
    ("zeros", loop(ZW, rng="range(2, L)"), "layer 1 is missing: there is no 'W1' or 'b1'. The loop must start at 1"),  # 60
    ("he", loop(HW, key_w='"W" + str(l) + " "'), "found the key 'W1 ' where 'W1' belongs"),  # 72
    ("he", loop(HW, key_w='"W[" + str(l) + "]"', key_b='"b[" + str(l) + "]"'), "no spaces, brackets"),  # 80
    ("he", loop(HW, rng="range(1, L - 1)"), "so that l reaches L - 1"),
    # each key quoted once, as Python prints a list of them
    ("zeros", lambda d: {f"W{l}": np.zeros((d[l], d[l - 1])) for l in range(1, len(d))},
     "got ['W1', 'W2']. Missing: ['b1', 'b2']."),
    ("he", renamed("he", lambda k: k[0] + "l"), "(found ['Wl', 'bl'])"),
]


# Keys that are not strings: in the notebook the report quotes them, ('W', 1); the grader shows them as <tuple>.
test_mistake_is_named, test_portable_data_gives_the_same_verdict = mistake_tests(KEY_MISTAKES, {"keys must be strings"})
