"""The checks of what a learner passes: data X, Y of any real dtype with labels 0 and 1. Refusals: test_training.py."""
import numpy as np

from init_utils.inputs import check_data


def test_check_data_accepts_bool_int_and_float_labels(data):
    train_X, train_Y, _, _ = data
    for Y in (train_Y.astype(bool), train_Y.astype(np.int64), train_Y.astype(np.float32)):
        assert check_data(train_X, Y) is None
