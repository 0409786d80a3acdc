"""The checks of what a learner passes: data X, Y of any real dtype with labels 0 and 1. Refusals: test_training.py."""
import numpy as np
import pytest

from init_utils.inputs import TrainingInputError, article, count, check_data


def test_check_data_accepts_bool_int_and_float_labels(data):
    train_X, train_Y, _, _ = data
    for Y in (train_Y.astype(bool), train_Y.astype(np.int64), train_Y.astype(np.float32)):
        assert check_data(train_X, Y) is None


def test_counts_and_articles_read_as_english():
    assert (count(1, "layer"), count(3, "layer")) == ("1 layer", "3 layers")
    assert (article("list"), article("int"), article("ndarray")) == ("a list", "an int", "an ndarray")


def test_a_number_passed_as_data_is_called_an_int(data):
    with pytest.raises(TrainingInputError, match="got an int"):
        check_data(5, data[1])
