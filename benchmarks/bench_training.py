"""Training speed: the compiled engine against the plain numpy loop, in the same run.

    python benchmarks/bench_training.py [--repeats 5]

Prints, for each figure, min / median / max of the ratio engine time / plain-loop time
over the repetitions (each repetition times both back to back), and checks that both
paths give the same costs (He, 1e-12 relative) and accuracies.

The snapshot figure compares two engine runs of about 0.1 s each, where one scheduling
hiccup of a shared machine is as large as the effect measured: each side of it is the
best of three back-to-back runs. The numpy loop's divergence checks are timed apart, as the
work they add to one run (the engine's check is part of its update loop). Every other
figure times single runs.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import machine, ratio_line, timed  # noqa: E402

from init_utils import engine, load_dataset, predict_dec  # noqa: E402
from init_utils.prediction import accuracy  # noqa: E402
from init_utils.schemes import scaled_normal  # noqa: E402
from init_utils.training import all_finite, train_fast, train_plain  # noqa: E402

COLD = """
import time; start = time.perf_counter()
import numpy as np
from init_utils.schemes import scaled_normal
from init_utils import load_dataset
from init_utils.training import {function}
X, Y, _, _ = load_dataset(plot=False)
p = scaled_normal([2, 10, 5, 1], lambda n, n_prev: np.sqrt(2 / n_prev))
{function}(X, Y, p, 0.01, 15000, False, 100)
print(time.perf_counter() - start)
"""


def cold(function, env_extra=None):
    """Seconds for a fresh interpreter to import everything and train once."""
    env = dict(os.environ, **(env_extra or {}))
    out = subprocess.run([sys.executable, "-c", COLD.format(function=function)], capture_output=True, text=True,
                         env=env, check=True)
    return float(out.stdout.split()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("Training benchmark:", machine())
    if engine.numba is None:
        print("numba is not installed: only the plain loop exists here.")
        return
    X, Y, test_X, test_Y = load_dataset(plot=False)
    he = scaled_normal([2, 10, 5, 1], lambda n, n_prev: np.sqrt(2 / n_prev))
    engine.warm()
    plain_t, fast_t, snap_t, sparse_t = [], [], [], []
    for _ in range(args.repeats):
        t, plain = timed(train_plain, X, Y, he, 0.01, 15000, False, 100)
        plain_t.append(t)
        t, fast = timed(train_fast, X, Y, he, 0.01, 15000, False, 100)
        fast_t.append(t)
        snap, sparse = [], []
        for _ in range(3):
            snap.append(timed(train_fast, X, Y, he, 0.01, 15000, False, 100)[0])
            sparse.append(timed(train_fast, X, Y, he, 0.01, 15000, False, 15000)[0])
        snap_t.append(min(snap))
        sparse_t.append(min(sparse))
    worst = max(abs(a - b) / abs(a) for a, b in zip(plain.costs, fast.costs))
    same = all(accuracy(predict_dec(plain.parameters, x), y) == accuracy(predict_dec(fast.parameters, x), y)
               for x, y in ((X, Y), (test_X, test_Y)))
    print(f"He run: largest relative cost difference {worst:.1e} (target 1e-12), same accuracies: {same}")
    print(ratio_line("steady state, 15,000 iterations (engine/plain)", fast_t, plain_t, target=0.10))
    print(ratio_line("snapshots every 100 vs none (engine/engine)", snap_t, sparse_t, target=1.05))
    checks = [timed(lambda: [all_finite(he) for _ in range(15000 // 100 + 15000 // 1000)])[0] for _ in plain_t]
    print(ratio_line("divergence checks / numpy-loop run", checks, plain_t, target=0.02))
    cold_plain, cold_warm, cold_fresh = [], [], []
    for _ in range(max(2, args.repeats // 2)):
        cold_plain.append(cold("train_plain"))
        cold_warm.append(cold("train"))
        with tempfile.TemporaryDirectory() as cache:
            cold_fresh.append(cold("train", {"NUMBA_CACHE_DIR": cache}))
    print(ratio_line("cold first call, compiled cache present", cold_warm, cold_plain, target=1.5))
    print(ratio_line("cold first call, no cache (compiles once)", cold_fresh, cold_plain))


if __name__ == "__main__":
    main()
