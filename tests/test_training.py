"""Training reproduces the course's published figures, and rejects bad input clearly."""
import subprocess
import sys

import numpy as np
import pytest

from init_utils import TrainingInputError, predict, train
from init_utils.schemes import scaled_normal
from printed import cost_lines
from reference import REFERENCE

HE_COSTS = {0: 0.8830537463419761, 14000: 0.07357895962677366}
LN2 = 0.6931471805599453


@pytest.fixture(scope="module")
def runs(data):
    train_X, train_Y, _, _ = data
    return {kind: train(train_X, train_Y, init([2, 10, 5, 1]), print_cost=False) for kind, init in REFERENCE.items()}


def accuracies(runs, data, kind, capsys):
    train_X, train_Y, test_X, test_Y = data
    predict(train_X, train_Y, runs[kind].parameters)
    predict(test_X, test_Y, runs[kind].parameters)
    return capsys.readouterr().out.splitlines()


def test_he_run_reproduces_published_costs_and_accuracies(runs, data, capsys):
    history = runs["he"]
    assert history.cost_iterations == list(range(0, 15000, 1000))
    for i, expected in HE_COSTS.items():
        assert history.costs[i // 1000] == pytest.approx(expected, rel=1e-12, abs=0)
    assert accuracies(runs, data, "he", capsys) == ["Accuracy: 0.9933333333333333", "Accuracy: 0.96"]


def test_zeros_run_never_leaves_ln2(runs, data, capsys):
    # Exact math (see test_engine.py): exactly ln 2 at every printed point, on every machine.
    assert runs["zeros"].costs == [LN2] * 15
    assert accuracies(runs, data, "zeros", capsys) == ["Accuracy: 0.5", "Accuracy: 0.5"]


def test_large_random_run_starts_at_inf_then_learns_slowly(runs, data, capsys):
    costs = runs["random"].costs
    assert costs[0] == np.inf
    assert all(np.isfinite(costs[1:]))
    assert costs[-1] == pytest.approx(0.383, abs=2e-3)
    assert accuracies(runs, data, "random", capsys) == ["Accuracy: 0.83", "Accuracy: 0.86"]


def test_printed_cost_lines_use_the_float_repr(data, capsys):
    train_X, train_Y, _, _ = data
    train(train_X, train_Y, REFERENCE["he"]([2, 10, 5, 1]), num_iterations=2001)
    text = capsys.readouterr().out
    printed = cost_lines(text)  # checks each value is printed as its float repr
    assert len(text.splitlines()) == len(printed) == 3
    assert [i for i, _ in printed] == [0, 1000, 2000]
    # The course's figures; the last digits depend on the CPU and BLAS, so within 1e-12.
    np.testing.assert_allclose([c for _, c in printed], [0.8830537463419761, 0.6879825919728063, 0.6751286264523371],
                               rtol=1e-12, atol=0)


def test_snapshots_every_record_every_plus_the_final_parameters(runs):
    history = runs["he"]
    assert history.snapshot_iterations == list(range(0, 15000, 100)) + [15000]
    assert len(history.snapshots) == len(history.snapshot_costs) == 151
    for key in history.parameters:
        np.testing.assert_array_equal(history.snapshots[-1][key], history.parameters[key])
    np.testing.assert_array_equal(history.snapshots[0]["W1"], REFERENCE["he"]([2, 10, 5, 1])["W1"])
    assert history.snapshot_costs[0] == history.costs[0] and history.snapshot_costs[10] == history.costs[1]


def test_train_leaves_the_initial_parameters_untouched(data):
    train_X, train_Y, _, _ = data
    initial = REFERENCE["he"]([2, 10, 5, 1])
    kept = {k: v.copy() for k, v in initial.items()}
    train(train_X, train_Y, initial, num_iterations=5, print_cost=False)
    for key in kept:
        np.testing.assert_array_equal(initial[key], kept[key])


def test_train_handles_other_depths(data):
    train_X, train_Y, _, _ = data
    history = train(train_X, train_Y, REFERENCE["he"]([2, 8, 8, 8, 4, 1]), num_iterations=3000, print_cost=False,
                    learning_rate=0.05)
    assert history.costs[-1] < history.costs[0]
    assert set(history.parameters) == {f"{p}{l}" for l in range(1, 6) for p in "Wb"}


def test_healthy_runs_record_no_divergence(runs):
    assert [history.diverged_at for history in runs.values()] == [None, None, None]


def test_a_diverging_run_says_once_where_and_records_it(data, capsys):
    # Issue 17's x1 network with 20 hidden layers (seed 2): the weights overflow in the first steps,
    # and the printed costs then read 0.0, which would look perfect without the warning line.
    train_X, train_Y, _, _ = data
    history = train(train_X, train_Y, scaled_normal([2] + [10] * 20 + [1], lambda n, n_prev: 1.0, seed=2),
                    num_iterations=2001)
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert history.diverged_at == 3 and "diverged at iteration 3" in repr(history)
    assert [line.split(":")[0] for line in lines] == ["Cost after iteration 0", "Training diverged at iteration 3",
                                                      "Cost after iteration 1000", "Cost after iteration 2000"]
    assert "lower the learning rate" in lines[1].lower() and "inf or NaN" in lines[1]
    assert "Warning" not in out.err  # numpy's overflow warnings give way to that one line


def test_a_diverging_run_without_print_cost_prints_nothing_but_records_it(data, capsys):
    train_X, train_Y, _, _ = data
    history = train(train_X, train_Y, scaled_normal([2] + [10] * 20 + [1], lambda n, n_prev: 1.0, seed=2),
                    num_iterations=10, print_cost=False)
    assert history.diverged_at == 3 and capsys.readouterr().out == ""


def test_importing_the_package_loads_numba_only_when_training():
    code = ("import sys, numpy as np, init_utils\n"
            "print('numba' in sys.modules)\n"
            "p = {'W1': np.ones((1, 2)), 'b1': np.zeros((1, 1))}\n"
            "init_utils.train(np.ones((2, 4)), np.ones((1, 4)), p, num_iterations=1, print_cost=False)\n"
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    from init_utils import engine

    assert out.split() == ["False", str(engine.numba is not None)]


def test_zero_iterations_gives_one_snapshot_and_no_costs(data):
    train_X, train_Y, _, _ = data
    history = train(train_X, train_Y, REFERENCE["he"]([2, 3, 1]), num_iterations=0)
    assert history.costs == [] and history.snapshot_iterations == [0]


BAD = [
    (dict(parameters=None), "parameters must be a non-empty dict"),
    (dict(parameters={"W1": np.zeros((1, 2))}), "b1 is missing: every layer needs a bias"),
    (dict(parameters={"W1": np.zeros((1, 3)), "b1": np.zeros((1, 1))}), "must have 2 columns"),
    (dict(parameters={"W1": np.zeros((1, 2)), "b1": np.zeros(1)}), "b1 has shape (1,)"),
    (dict(parameters={"W1": np.zeros((2, 2)), "b1": np.zeros((2, 1))}), "must have 1 row"),
    (dict(parameters={"W1": np.array([[np.nan, 0.0]]), "b1": np.zeros((1, 1))}), "W1 or b1 holds inf or NaN"),
    (dict(Y=np.zeros(300)), "Y must be a 2-D numpy array"),
    (dict(Y=np.zeros((300, 1))), "reshape with Y.reshape(1, -1)"),
    (dict(learning_rate=-0.1), "learning_rate must be a positive number"),
    (dict(learning_rate="0.01"), "learning_rate must be a positive number"),
    (dict(num_iterations=1.5), "num_iterations must be a whole number"),
    (dict(record_every=0), "record_every must be a whole number, 1 or more"),
]


@pytest.mark.parametrize("change, message", BAD, ids=[m for _, m in BAD])
def test_bad_training_input_is_rejected_with_a_clear_message(data, change, message):
    train_X, train_Y, _, _ = data
    arguments = dict(X=train_X, Y=train_Y, parameters={"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))},
                     learning_rate=0.01, num_iterations=1, print_cost=False)
    arguments.update(change)
    with pytest.raises(TrainingInputError) as raised:
        train(**arguments)
    assert message in str(raised.value)


def one_unit(W1=None, b1=None):
    """A one-layer network on two features, with W1 or b1 replaced."""
    return {"W1": np.zeros((1, 2)) if W1 is None else W1, "b1": np.zeros((1, 1)) if b1 is None else b1}


X_NAN_IN_COLUMN_7 = np.zeros((2, 300))
X_NAN_IN_COLUMN_7[1, 7] = np.nan
BAD_SCENARIOS = {
    "labels -1 and 1": (dict(Y=np.where(np.arange(300) % 2, 1, -1)[None]), "0 and 1 (bool is fine); it also holds -1"),
    "labels 0 and 2": (dict(Y=np.where(np.arange(300) % 2, 2.0, 0.0)[None]), "it also holds 2.0"),
    "NaN labels": (dict(Y=np.full((1, 300), np.nan)), "it also holds nan"),
    "string labels": (dict(Y=np.full((1, 300), "1")), "it also holds '1' (dtype <U1)"),
    "object labels 0 and 1": (dict(Y=np.ones((1, 300), dtype=object)), "its dtype is object. Convert it with Y.astype(int)"),
    "NaN in X": (dict(X=X_NAN_IN_COLUMN_7), "X holds NaN or inf in column 7"),
    "inf in X": (dict(X=np.full((2, 300), np.inf)), "X holds NaN or inf in column 0"),
    "0 examples": (dict(X=np.zeros((2, 0)), Y=np.zeros((1, 0))), "at least one feature (row) and one example"),
    "object X": (dict(X=np.zeros((2, 300), dtype=object)), "X must hold real numbers; its dtype is object"),
    "np.matrix X": (dict(X=np.zeros((2, 300)).view(np.matrix)), "X must be a 2-D numpy array"),
    "progress not callable": (dict(progress=5), "progress must be a function progress(done, total) or None; got 5"),
    "int key": (dict(parameters={**one_unit(), 1: 0}), "keys must be strings like 'W1' and 'b1'; got the key 1 (int)"),
    "complex W1": (dict(parameters=one_unit(W1=np.zeros((1, 2)) + 0j)), "W1 must hold real numbers"),
    "object b1": (dict(parameters=one_unit(b1=np.zeros((1, 1), dtype=object))), "b1 must hold real numbers"),
    "nested-list W1": (dict(parameters=one_unit(W1=[[0.0, 0.0]])), "W1 must be a numpy array; got a list"),
    "np.matrix W1": (dict(parameters=one_unit(W1=np.zeros((1, 2)).view(np.matrix))), "got an np.matrix"),
    "zero-width hidden layer": (dict(parameters={"W1": np.zeros((0, 2)), "b1": np.zeros((0, 1)), "W2": np.zeros((1, 0)),
                                                 "b2": np.zeros((1, 1))}), "layer 1 needs at least one unit"),
    "learning_rate True": (dict(learning_rate=True), "(finite, not True or False), got True"),
    "learning_rate inf": (dict(learning_rate=np.inf), "(finite, not True or False), got inf"),
}


@pytest.mark.parametrize("change, message", BAD_SCENARIOS.values(), ids=list(BAD_SCENARIOS))
def test_unusable_input_is_refused_before_either_engine_runs(data, change, message):
    test_bad_training_input_is_rejected_with_a_clear_message(data, change, message)
