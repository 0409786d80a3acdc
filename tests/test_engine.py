"""The compiled engine agrees with the plain loop; without numba everything still works."""
import os
import subprocess
import sys

import numpy as np
import pytest

from init_utils import engine, load_dataset, predict_dec
from init_utils.prediction import accuracy
from init_utils.training import train, train_fast, train_plain
from reference import REFERENCE

pytestmark = pytest.mark.skipif(engine.numba is None, reason="numba is not installed: only the numpy path exists")


@pytest.fixture(scope="module")
def data():
    return load_dataset(plot=False)


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


def test_zeros_run_is_bit_identical(data):
    train_X, train_Y, _, _ = data
    p = REFERENCE["zeros"]([2, 10, 5, 1])
    assert train_fast(train_X, train_Y, p, 0.01, 15000, False, 100).costs == \
        train_plain(train_X, train_Y, p, 0.01, 15000, False, 100).costs


def test_large_random_run_keeps_inf_first_and_its_accuracies(data):
    train_X, train_Y, _, _ = data
    p = REFERENCE["random"]([2, 10, 5, 1])
    fast = train_fast(train_X, train_Y, p, 0.01, 15000, False, 100)
    assert fast.costs[0] == np.inf and accuracies(fast, data) == [0.83, 0.86]


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


def test_fast_path_prints_the_same_lines(data, capsys):
    train_X, train_Y, _, _ = data
    p = REFERENCE["he"]([2, 10, 5, 1])
    train_plain(train_X, train_Y, p, 0.01, 3001, True, 100)
    plain = capsys.readouterr().out
    train_fast(train_X, train_Y, p, 0.01, 3001, True, 100)
    assert capsys.readouterr().out == plain


def test_progress_reaches_the_last_snapshot(data):
    train_X, train_Y, _, _ = data
    seen = []
    train_fast(train_X, train_Y, REFERENCE["he"]([2, 3, 1]), 0.01, 2500, False, 100,
               progress=lambda i, total: seen.append((i, total)))
    assert seen[-1] == (2400, 2500) and len(seen) == 3


def test_train_uses_numpy_when_numba_is_missing(data, monkeypatch):
    monkeypatch.setattr(engine, "numba", None)
    train_X, train_Y, _, _ = data
    history = train(train_X, train_Y, REFERENCE["he"]([2, 10, 5, 1]), num_iterations=1001, print_cost=False)
    assert history.engine == "numpy" and history.costs[0] == 0.8830537463419761


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


def test_first_use_without_a_compiled_cache_trains_on_numpy_while_it_compiles(tmp_path):
    code = ("import time; from init_utils import engine, train, load_dataset\n"
            "import numpy as np\n"
            "X, Y, _, _ = load_dataset(plot=False)\n"
            "p = {'W1': np.ones((3, 2)) * 0.5, 'b1': np.zeros((3, 1)), 'W2': np.ones((1, 3)), 'b2': np.zeros((1, 1))}\n"
            "first = train(X, Y, p, num_iterations=100, print_cost=False).engine\n"
            "engine._warming.wait(timeout=300)\n"
            "later = train(X, Y, p, num_iterations=100, print_cost=False).engine\n"
            "print(first, later, engine._warming.returncode)")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"))
    env.pop("INIT_UTILS_ENGINE", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=400)
    assert out.stdout.split() == ["numpy", "numba", "0"], out.stderr[-2000:]


def test_snapshot_predictions_equal_predict_dec_on_both_paths(data, monkeypatch):
    from init_utils.engine import predict_snapshots
    from init_utils.explorer import boundary_grid

    train_X, train_Y, _, _ = data
    history = train_fast(train_X, train_Y, REFERENCE["random"]([2, 10, 5, 1]), 0.01, 3000, False, 100)
    grid, _ = boundary_grid(0.05)
    expected = np.array([predict_dec(s, grid)[0] for s in history.snapshots])
    np.testing.assert_array_equal(predict_snapshots(history.snapshots, grid), expected)
    monkeypatch.setattr(engine, "numba", None)
    np.testing.assert_array_equal(predict_snapshots(history.snapshots, grid), expected)


def test_pairwise_sum_matches_numpys_sum_bit_for_bit_at_every_size_up_to_1100_and_beyond():
    rng = np.random.default_rng(11)
    differ = []
    for n in [*range(1, 1101), 4095, 4096, 5000, 40000]:
        values = rng.standard_normal(n + 3) * 10.0 ** rng.integers(-8, 9, n + 3)  # wide magnitudes: order shows
        if engine._pairwise_sum(values, 3, n) != np.sum(values[3:]):
            differ.append(n)
    assert differ == []


def test_course_row_sums_match_numpys_sum_on_every_row():
    rng = np.random.default_rng(7)
    rows = rng.standard_normal((16, 300)) * 10.0 ** rng.integers(-12, 13, (16, 300))
    sums = np.empty(16)
    engine._course_row_sums(rows.ravel(), sums)
    assert list(sums) == list(np.sum(rows, axis=1, keepdims=True)[:, 0])


def descend_with(kernel, data, parameters, iterations=3000):
    """Run one engine kernel directly; return the costs it records every 1000 iterations."""
    train_X, train_Y, _, _ = data
    W, b, sizes = engine.flatten(parameters)
    costs, snaps = np.empty(-(-iterations // 1000)), -(-iterations // 100)
    args = (np.ascontiguousarray(train_X).ravel(), train_Y.ravel().copy(), W, b)
    if kernel is engine._descend:
        args += (np.array([2] + sizes),)
    kernel(*args, 0.01, 0, iterations, 100, 1000, np.empty((snaps, W.size)), np.empty((snaps, b.size)),
           np.empty(snaps), costs)
    return costs


def test_course_kernel_and_any_shape_kernel_agree_on_the_course_network(data):
    he = REFERENCE["he"]([2, 10, 5, 1])
    np.testing.assert_allclose(descend_with(engine._course_descend, data, he),
                               descend_with(engine._descend, data, he), rtol=1e-13, atol=0)
    zeros = REFERENCE["zeros"]([2, 10, 5, 1])
    assert list(descend_with(engine._course_descend, data, zeros)) == list(descend_with(engine._descend, data, zeros))


def test_course_shape_runs_on_the_course_kernel_and_other_shapes_do_not(data, monkeypatch):
    calls = []
    course = engine._course_descend
    monkeypatch.setattr(engine, "_course_descend", lambda *args: calls.append(1) or course(*args))
    train_X, train_Y, test_X, test_Y = data
    train_fast(train_X, train_Y, REFERENCE["he"]([2, 10, 5, 1]), 0.01, 2500, False, 100)
    assert len(calls) == 3  # one per chunk of 1000 iterations
    train_fast(train_X, train_Y, REFERENCE["he"]([2, 10, 4, 1]), 0.01, 2500, False, 100)
    train_fast(test_X, test_Y, REFERENCE["he"]([2, 10, 5, 1]), 0.01, 2500, False, 100)  # 100 examples
    assert len(calls) == 3
