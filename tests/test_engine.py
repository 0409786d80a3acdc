"""The compiled engine agrees with the plain loop; without numba everything still works."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from init_utils import engine, predict_dec
from init_utils.prediction import accuracy
from init_utils.schemes import scaled_normal
from init_utils.training import train, train_fast, train_plain
from printed import cost_lines
from reference import REFERENCE

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEEP = [2] + [10] * 20 + [1]  # issue 17's deep network: 20 hidden ReLU layers of 10 units
pytestmark = pytest.mark.skipif(engine.numba is None, reason="numba is not installed: only the numpy path exists")


def accuracies(history, data):
    train_X, train_Y, test_X, test_Y = data
    return [accuracy(predict_dec(history.parameters, X), Y) for X, Y in ((train_X, train_Y), (test_X, test_Y))]


@pytest.fixture(scope="module")
def he_pair(data):
    train_X, train_Y, _, _ = data
    p = REFERENCE["he"]([2, 10, 5, 1])
    return (train_plain(train_X, train_Y, p, 0.01, 15000, False, 100),
            train_fast(train_X, train_Y, p, 0.01, 15000, False, 100))


def test_he_costs_agree_within_1e12_at_every_record(he_pair, data):
    plain, fast = he_pair
    assert fast.engine == "numba" and plain.engine == "numpy"
    np.testing.assert_allclose(fast.costs, plain.costs, rtol=1e-12, atol=0)
    np.testing.assert_allclose(fast.snapshot_costs, plain.snapshot_costs, rtol=1e-12, atol=0)
    assert accuracies(fast, data) == accuracies(plain, data) == [0.9933333333333333, 0.96]


def test_snapshots_and_final_parameters_agree(he_pair):
    plain, fast = he_pair
    assert fast.snapshot_iterations == plain.snapshot_iterations and fast.cost_iterations == plain.cost_iterations
    for a, b in zip(plain.snapshots[::25] + [plain.parameters], fast.snapshots[::25] + [fast.parameters]):
        for key in a:
            np.testing.assert_allclose(b[key], a[key], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("path", [train_plain, train_fast])
def test_zeros_run_is_exact_on_both_paths(data, path):
    # Exact math: every output is sigmoid(0) = 0.5, the errors are +-0.5 and the labels are
    # balanced, so every gradient is exactly 0. No tolerance is needed, on any CPU.
    train_X, train_Y, test_X, _ = data
    history = path(train_X, train_Y, REFERENCE["zeros"]([2, 10, 5, 1]), 0.01, 15000, False, 100)
    assert history.costs == [0.6931471805599453] * 15
    assert set(history.snapshot_costs) == {0.6931471805599453}
    for snapshot in history.snapshots[::10] + [history.parameters]:
        assert all(not np.any(value) for value in snapshot.values())
    for X in (train_X, test_X):
        assert not np.any(predict_dec(history.parameters, X))


def test_large_random_run_keeps_inf_first_and_its_accuracies(data):
    # The output saturates to exactly 0 or 1 (numba's exp and numpy's may differ in the last
    # bit, never in where 1 / (1 + exp(-z)) rounds to 0 or 1), so log(0) gives inf first.
    train_X, train_Y, _, _ = data
    p = REFERENCE["random"]([2, 10, 5, 1])
    fast = train_fast(train_X, train_Y, p, 0.01, 15000, False, 100)
    assert fast.costs[0] == np.inf and np.isfinite(fast.costs[1:]).all()
    assert accuracies(fast, data) == [0.83, 0.86] and fast.diverged_at is None


@pytest.mark.parametrize("layers_dims, iterations, record_every", [
    ([2, 7, 1], 1234, 50), ([2, 16, 12, 8, 4, 1], 2001, 1000), ([2, 1], 5, 1), ([2, 3, 1], 0, 100)])
def test_other_depths_iterations_and_record_intervals_agree(data, layers_dims, iterations, record_every):
    train_X, train_Y, _, _ = data
    p = REFERENCE["he"](layers_dims)
    plain = train_plain(train_X, train_Y, p, 0.05, iterations, False, record_every)
    fast = train_fast(train_X, train_Y, p, 0.05, iterations, False, record_every)
    assert fast.snapshot_iterations == plain.snapshot_iterations
    # dW's summation order differs from BLAS's (neither is fixed); on deeper nets with a larger
    # learning rate that rounding grows to a few 1e-12 over thousands of steps.
    np.testing.assert_allclose(fast.costs, plain.costs, rtol=1e-9)
    np.testing.assert_allclose(fast.snapshot_costs, plain.snapshot_costs, rtol=1e-9)


def test_deep_network_trains_on_the_compiled_kernel_and_agrees_with_numpy(data):
    # Each step rounds differently (~1e-16 relative per sum); while the descent is smooth, the two
    # paths stay within ~1e-15 (measured: 2e-16 over 1000 steps); 1e-10 leaves room for CPUs without
    # FMA, never for a wrong gradient. Only the first 1000 steps: near step 2000 this run's cost
    # spikes, and from there its trajectory is chaotic (the numpy loop alone ends at 0.006, 0.011 or
    # 0.021 after 5000 steps depending on OpenBLAS's kernel).
    train_X, train_Y, _, _ = data
    p = scaled_normal(DEEP, lambda n, n_prev: np.sqrt(2 / n_prev), seed=1)
    plain = train_plain(train_X, train_Y, p, 0.01, 1000, False, 50)
    fast = train_fast(train_X, train_Y, p, 0.01, 1000, False, 50)
    assert fast.engine == "numba" and len(fast.parameters) == 42
    assert fast.snapshot_costs[-1] < fast.snapshot_costs[0]  # it learns
    np.testing.assert_allclose(fast.snapshot_costs, plain.snapshot_costs, rtol=1e-10, atol=0)
    for key in p:
        np.testing.assert_allclose(fast.parameters[key], plain.parameters[key], rtol=1e-8, atol=1e-12)


def test_fast_path_prints_the_same_lines_within_1e12(data, capsys):
    train_X, train_Y, _, _ = data
    p = REFERENCE["he"]([2, 10, 5, 1])
    train_plain(train_X, train_Y, p, 0.01, 3001, True, 100)
    plain = capsys.readouterr().out
    train_fast(train_X, train_Y, p, 0.01, 3001, True, 100)
    fast = capsys.readouterr().out
    assert [i for i, _ in cost_lines(fast)] == [i for i, _ in cost_lines(plain)] == [0, 1000, 2000, 3000]
    assert fast.count("\n") == plain.count("\n") == 4
    np.testing.assert_allclose([c for _, c in cost_lines(fast)], [c for _, c in cost_lines(plain)], rtol=1e-12)


def test_progress_counts_iterations_done_every_1000_and_at_the_end_on_both_paths(data):
    train_X, train_Y, _, _ = data
    for path in (train_fast, train_plain):
        seen = []
        path(train_X, train_Y, REFERENCE["he"]([2, 3, 1]), 0.01, 2500, False, 100,
             progress=lambda done, total: seen.append((done, total)))
        assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)], path.__name__


def test_train_uses_numpy_when_numba_is_missing(data, monkeypatch):
    monkeypatch.setattr(engine, "numba", None)
    train_X, train_Y, _, _ = data
    history = train(train_X, train_Y, REFERENCE["he"]([2, 10, 5, 1]), num_iterations=1001, print_cost=False)
    assert history.engine == "numpy" and history.costs[0] == pytest.approx(0.8830537463419761, rel=1e-12, abs=0)


def test_engine_can_be_forced_to_numpy(data, monkeypatch):
    monkeypatch.setenv("INIT_UTILS_ENGINE", "numpy")
    train_X, train_Y, _, _ = data
    assert train(train_X, train_Y, REFERENCE["he"]([2, 3, 1]), num_iterations=10, print_cost=False).engine == "numpy"


def test_package_works_when_numba_cannot_be_imported(tmp_path):
    blocker = tmp_path / "numba.py"
    blocker.write_text("raise ImportError('numba is broken on this platform')\n")
    code = ("import init_utils, numpy as np; from init_utils import engine, train, load_dataset\n"
            "X, Y, _, _ = load_dataset(plot=False)\n"
            "np.random.seed(3); p = {'W1': np.random.randn(3, 2), 'b1': np.zeros((3, 1)), "
            "'W2': np.random.randn(1, 3), 'b2': np.zeros((1, 1))}\n"
            "h = train(X, Y, p, num_iterations=200, print_cost=False)\n"
            "print(engine.numba is None, h.engine)")
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["True", "numpy"]


def test_a_fresh_compile_says_so_once_and_agrees_with_the_cached_kernel_within_1e12(tmp_path, data):
    # NOTICE_AFTER = 0: the notice shows however fast this machine compiles (normally only past 2 s).
    code = ("import sys; sys.path.insert(0, 'tests')\n"
            "from init_utils import engine, load_dataset; from init_utils.training import train_fast\n"
            "from reference import REFERENCE\n"
            "engine.NOTICE_AFTER = 0\n"
            "X, Y, _, _ = load_dataset(plot=False)\n"
            "for _ in range(2):\n"
            "    print(*train_fast(X, Y, REFERENCE['he']([2, 10, 5, 1]), 0.01, 15000, False, 1000).costs)")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "fresh-cache"))
    env.pop("INIT_UTILS_ENGINE", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600,
                         cwd=ROOT, check=True)
    assert out.stderr.count(engine.NOTICE) == 1, out.stderr[-2000:]
    first, second = ([float(c) for c in line.split()] for line in out.stdout.splitlines())
    train_X, train_Y, _, _ = data
    cached = train_fast(train_X, train_Y, REFERENCE["he"]([2, 10, 5, 1]), 0.01, 15000, False, 1000).costs
    np.testing.assert_allclose(first, cached, rtol=1e-12, atol=0)
    assert first == second


def test_snapshot_predictions_equal_predict_dec_on_both_paths(data, monkeypatch):
    from init_utils.engine import predict_snapshots

    train_X, train_Y, _, _ = data
    history = train_fast(train_X, train_Y, REFERENCE["random"]([2, 10, 5, 1]), 0.01, 3000, False, 100)
    xx, yy = np.meshgrid(np.arange(-1.5, 1.5, 0.05), np.arange(-1.5, 1.5, 0.05))
    grid = np.vstack([xx.ravel(), yy.ravel()])
    expected = np.array([predict_dec(s, grid)[0] for s in history.snapshots])
    np.testing.assert_array_equal(predict_snapshots(history.snapshots, grid), expected)
    monkeypatch.setattr(engine, "numba", None)
    np.testing.assert_array_equal(predict_snapshots(history.snapshots, grid), expected)


def test_a_diverging_deep_network_is_caught_at_the_same_iteration_on_both_paths(data):
    # Issue 17's x1 deep network, seed 2: the first steps overflow the weights. Up to there both
    # paths compute the same finite numbers (to rounding), far from overflowing at the edge.
    train_X, train_Y, _, _ = data
    p = scaled_normal(DEEP, lambda n, n_prev: 1.0, seed=2)
    fast = train_fast(train_X, train_Y, p, 0.01, 300, False, 100)
    with np.errstate(over="ignore", invalid="ignore"):  # as train does: the History reports it
        plain = train_plain(train_X, train_Y, p, 0.01, 300, False, 100)
        every = train_plain(train_X, train_Y, p, 0.01, 300, False, 1)  # checked at every iteration: no replay
    assert fast.diverged_at == plain.diverged_at == every.diverged_at == 3
    for history in (fast, plain):
        assert all(np.isfinite(v).all() for v in history.snapshots[0].values())
        assert not all(np.isfinite(v).all() for v in history.parameters.values())
    assert all(np.isfinite(v).all() for v in every.snapshots[2].values())
    assert not all(np.isfinite(v).all() for v in every.snapshots[3].values())
