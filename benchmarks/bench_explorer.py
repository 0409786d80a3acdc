"""Explorer speed, kernel side: cold start, one replay frame, one scheme switch, one live retrain.

    python benchmarks/bench_explorer.py [--repeats 40]

The figures are set up as in a live JupyterLab session (ipympl stops building its
fallback PNG once the browser view is there). Baselines, measured in the same run: one
plain-loop training run (init_utils.training.train_plain, 15000 iterations) for the cold
start and the live retrain, and a full redraw of the replay figure for a frame change and
a scheme switch (what the explorer would cost without blitting).
"""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import machine, ratio_line, timed  # noqa: E402

import numpy as np  # noqa: E402

from init_utils import engine, load_dataset  # noqa: E402
from init_utils.explorer import DEBOUNCE, Explorer  # noqa: E402
from init_utils.schemes import scaled_normal  # noqa: E402
from init_utils.training import train_plain  # noqa: E402


def learner_like():
    """Initializers written the way the notebook asks for them (the reference draws)."""
    def zeros(d):
        return {k: v * 0 for k, v in scaled_normal(d, lambda n, p: 1.0).items()}

    return {"zeros": zeros, "random": lambda d: scaled_normal(d, lambda n, p: 10.0),
            "he": lambda d: scaled_normal(d, lambda n, p: np.sqrt(2 / p))}


def connected(canvas):
    """Make a canvas behave as once its browser view is there, sending frames nowhere."""
    canvas.syncing_data_url = False  # what the browser's "initialized" message does
    canvas.send_binary = lambda data: None


def against_full_redraw(canvas, action, repeats):
    """Time action(i) and, right after, a full redraw plus the image ipympl would send."""
    action_times, redraw_times = [], []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        action_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        canvas.draw()
        redraw_times.append(time.perf_counter() - start)
    return action_times, redraw_times


def live_retrain(explorer, repeats):
    """Time a learning-rate move until its new run is on screen: debounce, training, predictions, frame."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        explorer.learning_rate.value = 10 ** (-1.9 + 0.1 * i)  # a new value each time: nothing cached
        assert explorer.runs.wait(300)
        times.append(time.perf_counter() - start)
        assert explorer.current.config == explorer.config()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    print("Explorer benchmark:", machine(), "| engine:", "numba" if engine.available() else "numpy")
    data = load_dataset(plot=False)
    plain, _ = timed(train_plain, data[0], data[1], learner_like()["he"]([2, 10, 5, 1]), 0.01, 15000, False, 100)

    def cold_start():
        explorer = Explorer(learner_like(), *data)
        explorer.tabs.selected_index = 1  # what opening "Compare all" does: train the other 5 schemes
        explorer.runs.wait(300)
        return explorer

    starts, explorer = [], None
    for _ in range(3):
        seconds, explorer = timed(cold_start)
        starts.append(seconds)
    print(ratio_line("cold start, all 6 schemes trained (vs 1 plain run)", starts, [plain] * 3))
    print(f"{'':<46} median {sorted(starts)[1]:.2f} s (target 3 s)")

    explorer.tabs.selected_index = 0
    canvas = explorer.replay.figure.canvas
    connected(canvas)
    canvas.draw()
    rng = random.Random(0)
    labels = list(explorer.runs.labels)

    def next_frame(i):
        k = rng.randint(0, explorer.frame.max)
        explorer.frame.value = k if k != explorer.frame.value else (k + 1) % (explorer.frame.max + 1)

    def next_scheme(i):
        label = labels[i % len(labels)]
        explorer.scheme.value = label if label != explorer.scheme.value else labels[(i + 1) % len(labels)]

    frame, full = against_full_redraw(canvas, next_frame, args.repeats)
    print(ratio_line("replay frame change (vs full redraw)", frame, full, unit="ms"))
    switch, full = against_full_redraw(canvas, next_scheme, args.repeats)
    print(ratio_line("scheme switch, cached (vs full redraw)", switch, full, unit="ms"))
    for name, times in (("frame change", frame), ("scheme switch", switch)):
        print(f"{name:<46} median {np.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms (target 20 ms)")

    explorer.scheme.value = "He (yours)"
    retrains = live_retrain(explorer, max(3, args.repeats // 8))
    print(ratio_line("live retrain, He 15000 its (vs 1 plain run)", retrains, [plain] * len(retrains)))
    print(f"{'':<46} median {np.median(retrains):.2f} s, of which {DEBOUNCE:.2f} s debounce "
          "(slider move to new run on screen)")


if __name__ == "__main__":
    main()
