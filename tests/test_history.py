import numpy as np
import pytest

from init_utils import History, train
from reference import initialize_parameters_he


def test_snapshot_index_finds_the_snapshot_at_or_before_an_iteration():
    X = np.random.default_rng(0).standard_normal((2, 20))
    Y = (X[:1] > 0).astype(float)
    history = train(X, Y, initialize_parameters_he([2, 3, 1]), num_iterations=250, print_cost=False, record_every=100)
    assert history.snapshot_iterations == [0, 100, 200, 250]
    assert history.snapshot_index(0) == 0
    assert history.snapshot_index(199) == 1
    assert history.snapshot_index(250) == 3
    assert history.snapshot_index(10_000) == 3
    assert "250 iterations" in repr(history) and "array" not in repr(history)


def test_repr_names_the_iteration_where_training_diverged():
    history = History([0.7], [0], [{}], [0], [0.7], {}, 0.01, 10, diverged_at=4)
    assert repr(history).endswith(", diverged at iteration 4)")
    assert History([], [], [], [], [], {}, 0.01, 0).diverged_at is None


def test_check_history_refuses_a_parameters_dict_and_says_what_to_pass():
    from init_utils.history import check_history

    with pytest.raises(TypeError, match=r"must be a History, what train\(...\) returns; got a dict \(a parameters dict\?\)"):
        check_history({"W1": np.zeros((1, 2))})
    with pytest.raises(TypeError, match="got an int"):
        check_history(1)
    check_history(History([], [], [], [], [], {}, 0.01, 0))
