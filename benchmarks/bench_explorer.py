"""Explorer speed, kernel side: cold start, one replay frame, one scheme switch, one depth-view change,
one live retrain.

    python benchmarks/bench_explorer.py [--repeats 40]

The figures are set up as in a live JupyterLab session (ipympl stops building its
fallback PNG once the browser view is there). A change is timed from the widget callback
to the frame ipympl sends: the callback, then the draw the browser asks for (canvas.draw(),
which renders and encodes the PNG). Baselines, measured in the same run: one plain-loop
training run (init_utils.training.train_plain, 15000 iterations) for the cold start and
the live retrain; a full redraw of the figure for a frame change and a scheme switch (what
it would cost without the saved background); and, for the depth view, an uncached
propagation (variance.layer_rms) plus a full redraw (what it would cost without the stack
cache). The depth view's target is 100 ms per change at depth 50, width 256.
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
from init_utils.explorer import DEBOUNCE, DEPTH, Explorer  # noqa: E402
from init_utils.schemes import SCALES, scaled_normal  # noqa: E402
from init_utils.training import train_plain  # noqa: E402
from init_utils.variance import layer_rms  # noqa: E402

DEPTH_TARGET = 0.100  # seconds per depth-view change, computation and redraw


def learner_like():
    """Initializers written the way the notebook asks for them (the reference draws)."""
    def zeros(d):
        return {k: v * 0 for k, v in scaled_normal(d, lambda n, p: 1.0).items()}

    return {"zeros": zeros, "random": lambda d: scaled_normal(d, lambda n, p: 10.0),
            "he": lambda d: scaled_normal(d, lambda n, p: np.sqrt(2 / p))}


def connected(canvas):
    """Make a canvas behave as once its browser view is there, sending frames nowhere."""
    canvas.syncing_data_url = False  # what the browser's "initialized" message sets
    canvas.send_binary = lambda data: None


def against_full_redraw(canvas, action, repeats, baseline=None, prepare=None):
    """Time action(i) then the frame the browser asks for; then, untimed prepare(i); then the baseline:
    baseline(i) and a full redraw. Return (action times, baseline times, action CPU times) in seconds."""
    action_times, baseline_times, cpu_times = [], [], []
    for i in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        action(i)
        canvas.draw()
        action_times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
        if prepare:
            prepare(i)
        start = time.perf_counter()
        if baseline:
            baseline(i)
        canvas.figure.redraw_all()
        canvas.draw()
        baseline_times.append(time.perf_counter() - start)
    return action_times, baseline_times, cpu_times


def summary(name, times, cpu_times, target):
    """Print the medians of wall-clock and CPU time (the CPU time of this process: what a busy machine hides)."""
    verdict = "ok" if np.median(times) <= target else "MISSES"
    print(f"{'':<46} {name}: median {np.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms, "
          f"CPU median {np.median(cpu_times) * 1000:.1f} ms (target {target * 1000:.0f} ms: {verdict})")


def depth_view_changes(explorer, repeats):
    """Time depth-view changes around depth 50, width 256: a scheme, a step to a depth not seen yet (one more
    forward layer and a new backward pass), a width not cached (a new stack)."""
    c = explorer.controls
    c.depth.value, c.width.value = 50, 256
    explorer.tabs.selected_index = DEPTH
    canvas = explorer.depth_view.figure.canvas
    connected(canvas)
    canvas.draw()
    schemes = ["x0.01", "LeCun", "Xavier/Glorot", "He (yours)", "x0.01", "custom scale"]

    def uncached(i):  # what a change would cost if it propagated a fresh stack
        layer_rms(50, 256, SCALES["He"].factor, samples=explorer.depth_view.samples)

    def forget_256(i):  # back to depth 50, and visit two other widths, so that the stack of width 256 is dropped
        c.width.value, c.width.value, c.depth.value = 224, 240, 50

    results = {"scheme switch": against_full_redraw(canvas, lambda i: setattr(c.scheme, "value", schemes[i % 6]),
                                                    repeats, uncached)}
    results["depth 51 to 62, each new"] = against_full_redraw(
        canvas, lambda i: setattr(c.depth, "value", 51 + i % 12), min(repeats, 12), uncached)
    forget_256(None)
    results["width to 256, not cached"] = against_full_redraw(
        canvas, lambda i: setattr(c.width, "value", 256), repeats, uncached, prepare=forget_256)
    return results


def live_retrain(explorer, repeats):
    """Time a learning-rate move until its new run is on screen: debounce, training, predictions, frame."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        explorer.controls.learning_rate.value = 10 ** (-1.9 + 0.1 * i)  # a new value each time: nothing cached
        assert explorer.wait_until_idle(600)
        times.append(time.perf_counter() - start)
        assert explorer.shown_run.config == explorer.config()
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
        assert explorer.wait_until_idle(600)
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
    frame, scheme = explorer.controls.frame, explorer.controls.scheme

    def next_frame(i):
        k = rng.randint(0, frame.max)
        frame.value = k if k != frame.value else (k + 1) % (frame.max + 1)

    def next_scheme(i):
        label = labels[i % len(labels)]
        scheme.value = label if label != scheme.value else labels[(i + 1) % len(labels)]

    frame, full, frame_cpu = against_full_redraw(canvas, next_frame, args.repeats)
    print(ratio_line("replay frame change (vs full redraw)", frame, full, unit="ms"))
    summary("frame change", frame, frame_cpu, 0.020)
    switch, full, switch_cpu = against_full_redraw(canvas, next_scheme, args.repeats)
    print(ratio_line("scheme switch, cached (vs full redraw)", switch, full, unit="ms"))
    summary("scheme switch", switch, switch_cpu, 0.020)

    for name, (times, baseline, cpu_times) in depth_view_changes(explorer, max(4, args.repeats // 4)).items():
        print(ratio_line(f"depth view, {name} (vs uncached + full redraw)", times, baseline, unit="ms"))
        summary(name, times, cpu_times, DEPTH_TARGET)

    explorer.tabs.selected_index = 0
    explorer.controls.scheme.value = "He (yours)"
    retrains = live_retrain(explorer, max(3, args.repeats // 8))
    print(ratio_line("live retrain, He 15000 its (vs 1 plain run)", retrains, [plain] * len(retrains)))
    print(f"{'':<46} median {np.median(retrains):.2f} s, of which {DEBOUNCE:.2f} s debounce "
          "(slider move to new run on screen)")


if __name__ == "__main__":
    main()
