"""The deep-network experiment: every named scheme and seed, trained with the package's train."""
import numpy as np
import pytest

from init_utils import train
from init_utils.deep import DEEP_DIMS, deep_runs
from init_utils.inspection import blocked_share
from init_utils.prediction import predict_dec
from init_utils.report import deep_table
from init_utils.schemes import SCALES, scaled_normal


def test_deep_network_has_20_hidden_relu_layers_of_10_units():
    assert DEEP_DIMS == (2,) + (10,) * 20 + (1,)


def test_each_run_trains_its_scheme_from_its_own_seed(data):
    X, Y, _, _ = data
    runs = deep_runs(X, Y, schemes=("He", "LeCun"), seeds=(1, 2), layers_dims=(2, 6, 6, 1), num_iterations=200)
    assert [(r.scheme, r.seed) for r in runs] == [("He", 1), ("LeCun", 1), ("He", 2), ("LeCun", 2)]
    for run in runs:
        start = scaled_normal([2, 6, 6, 1], SCALES[run.scheme].factor, seed=run.seed)
        for key, value in start.items():
            np.testing.assert_array_equal(run.history.snapshots[0][key], value)
        alone = train(X, Y, start, num_iterations=200, print_cost=False, record_every=100)
        np.testing.assert_allclose(run.history.snapshot_costs, alone.snapshot_costs, rtol=1e-9)


def test_unknown_scheme_is_named_with_the_choices(data):
    X, Y, _, _ = data
    with pytest.raises(ValueError, match=r"unknown schemes \['xavier'\]; choose among \['x0.01'"):
        deep_runs(X, Y, schemes=("xavier",))


def test_a_run_that_blows_up_is_reported_as_diverged_without_a_warning(data, recwarn):
    X, Y, _, _ = data
    (run,) = deep_runs(X, Y, schemes=("x1",), seeds=(2,), num_iterations=10)  # overflows within a few steps
    assert run.history.costs[0] == np.inf
    assert run.history.diverged_at is not None and 1 <= run.history.diverged_at <= 10
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    row = deep_table([run], X, Y).splitlines()[1].split()
    assert row[:4] == ["2", "x1", "inf", "-"] and row[4:7] == ["diverged", "at", str(run.history.diverged_at)]


def test_deep_table_reports_costs_accuracy_and_blocked_points(data):
    X, Y, _, _ = data
    (run,) = deep_runs(X, Y, schemes=("He",), seeds=(1,), layers_dims=(2, 10, 5, 1), num_iterations=100)
    header, row = deep_table([run], X, Y).splitlines()
    assert "blocked at start" in header and "lowest cost" in header and "final cost" in header
    cells = row.split()
    costs = run.history.snapshot_costs
    assert cells[:5] == ["1", "He", f"{costs[0]:.3f}", f"{min(costs):.3f}", f"{costs[-1]:.3f}"]
    assert cells[5] == f"{np.mean(predict_dec(run.history.parameters, X) == Y):.1%}"
    assert cells[6:] == [f"{blocked_share(run.history.snapshots[0], X):.0%}", f"{blocked_share(run.history.parameters, X):.0%}"]
