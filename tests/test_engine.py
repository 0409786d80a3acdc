"""The compiled engine agrees with the plain loop; without numba everything still works."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from init_utils import engine, predict_dec
from init_utils.loss import compute_loss
from init_utils.prediction import accuracy
from init_utils.training import train, train_fast, train_plain
from printed import cost_lines
from reference import REFERENCE

ROOT = pathlib.Path(__file__).resolve().parents[1]
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


def test_first_use_without_a_compiled_cache_says_so_and_trains_on_numpy_while_it_compiles(tmp_path):
    code = ("from init_utils import engine, train, load_dataset\n"
            "import numpy as np\n"
            "X, Y, _, _ = load_dataset(plot=False)\n"
            "p = {'W1': np.ones((3, 2)) * 0.5, 'b1': np.zeros((3, 1)), 'W2': np.ones((1, 3)), 'b2': np.zeros((1, 1))}\n"
            "ready_before = engine.available()\n"
            "first = train(X, Y, p, num_iterations=100, print_cost=False).engine\n"
            "pid = engine._compiler.pid\n"
            "code = engine._compiler.wait(timeout=300)\n"
            "later = train(X, Y, p, num_iterations=100, print_cost=False).engine\n"
            "print(ready_before, first, later, code, pid)")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"))
    env.pop("INIT_UTILS_ENGINE", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=400)
    words = out.stdout.split()
    assert words[:4] == ["False", "numpy", "numba", "0"], out.stderr[-2000:]
    assert "compiling the fast training engine" in out.stderr
    assert not pathlib.Path(f"/proc/{words[4]}").exists()  # the compiler was reaped, not left a zombie


def test_a_compiler_still_running_at_exit_is_stopped_and_reaped(tmp_path):
    code = ("from init_utils import engine\n"
            "engine.compile_in_background()\n"
            "print(engine._compiler.pid, engine.compiling(), flush=True)")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"))
    env.pop("INIT_UTILS_ENGINE", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    pid, running = out.stdout.split()
    assert running == "True"
    assert not pathlib.Path(f"/proc/{pid}").exists()


def test_checking_availability_starts_no_process(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("INIT_UTILS_ENGINE", raising=False)
    assert engine.available() is False
    assert engine._compiler is None


def test_a_fresh_compile_and_the_cached_kernels_agree_within_1e12(tmp_path, data):
    code = ("import sys; sys.path.insert(0, 'tests')\n"
            "from init_utils import load_dataset; from init_utils.training import train_fast\n"
            "from reference import REFERENCE\n"
            "X, Y, _, _ = load_dataset(plot=False)\n"
            "print(*train_fast(X, Y, REFERENCE['he']([2, 10, 5, 1]), 0.01, 15000, False, 1000).costs)")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "fresh-cache"))
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=400,
                           cwd=ROOT, check=True).stdout.split()
    train_X, train_Y, _, _ = data
    cached = train_fast(train_X, train_Y, REFERENCE["he"]([2, 10, 5, 1]), 0.01, 15000, False, 1000).costs
    np.testing.assert_allclose([float(c) for c in fresh], cached, rtol=1e-12, atol=0)


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


def descend_with(kernel, data, parameters, iterations=3000):
    """Run one engine kernel directly; return the costs of the output rows it records every 1000 iterations."""
    train_X, train_Y, _, _ = data
    W, b, sizes = engine.flatten(parameters)
    n_costs, snaps, m = -(-iterations // 1000), -(-iterations // 100), train_X.shape[1]
    cost_out = np.empty((n_costs, m))
    args = (np.ascontiguousarray(train_X).ravel(), train_Y.ravel().copy(), W, b)
    if kernel is engine._descend:
        args += (np.array([2] + sizes),)
    kernel(*args, 0.01, 0, iterations, 100, 1000, np.empty((snaps, W.size)), np.empty((snaps, b.size)),
           np.empty((snaps, m)), cost_out)
    return [float(compute_loss(row[None, :], train_Y)) for row in cost_out]


def test_course_kernel_and_any_shape_kernel_agree_on_the_course_network(data):
    he = REFERENCE["he"]([2, 10, 5, 1])
    np.testing.assert_allclose(descend_with(engine._course_descend, data, he),
                               descend_with(engine._descend, data, he), rtol=1e-13, atol=0)
    zeros = REFERENCE["zeros"]([2, 10, 5, 1])  # exact math: both kernels exact
    assert descend_with(engine._course_descend, data, zeros) == descend_with(engine._descend, data, zeros) == \
        [0.6931471805599453] * 3


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


def test_vectorized_sigmoid_is_within_3_ulp_of_numpys_and_saturates_where_numpy_does():
    rng = np.random.default_rng(5)
    z = np.concatenate([np.linspace(-800, 800, 200001), rng.standard_normal(100000) * 8,
                        [0.0, -0.0, 36.0, 37.0, 38.0, 40.0, -708.0, -709.0, -709.7, -709.78, -709.79, -710.0]])
    out = np.empty_like(z)
    engine._sigmoid(z, out, np.empty_like(z), np.empty(z.size, np.int64))
    with np.errstate(over="ignore"):
        expected = 1.0 / (1.0 + np.exp(-z))
    normal = expected > np.finfo(float).tiny
    assert np.max(np.abs(out - expected)[normal] / expected[normal]) <= 3 * np.finfo(float).eps
    np.testing.assert_array_equal(out == 1.0, expected == 1.0)  # saturated at exactly 1 on the same inputs
    np.testing.assert_array_equal(out == 0.0, expected == 0.0)  # and at exactly 0
    assert out[z == 0.0].tolist() == [0.5] * int(np.sum(z == 0.0))
