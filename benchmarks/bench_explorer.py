"""Explorer speed, kernel side: cold start, replay frame, scheme switch, depth-view change, live retrain.

    python benchmarks/bench_explorer.py [--repeats 40]

The figures are set up as in a live JupyterLab session, and a change is timed from the widget callback
to the frame ipympl sends (canvas.draw(): render and PNG-encode). Baselines, timed in the same run: one
plain-loop training (training.train_plain, 15000 iterations); a full redraw of the figure; for the depth
view, an uncached propagation (a fresh variance.ReluStack) plus a full redraw. The depth view's target is 100 ms
per change at depth 50, width 256.
"""
import argparse
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
from common import machine, ratio_line, timed  # noqa: E402
from reference import REFERENCE  # noqa: E402  (the initializers as the notebook asks for them)

import numpy as np  # noqa: E402

from init_utils import engine, load_dataset  # noqa: E402
from init_utils.explorer import COMPARE, DEBOUNCE, DEPTH, REPLAY, Explorer  # noqa: E402
from init_utils.schemes import SCALES  # noqa: E402
from init_utils.training import train_plain  # noqa: E402
from init_utils.variance import ReluStack  # noqa: E402


def connected(canvas):
    """Make a canvas behave as once its browser view is there (what its "initialized" message sets), sending nowhere."""
    canvas.syncing_data_url = False
    canvas.send_binary = lambda data: None
    canvas.draw()


def against_full_redraw(name, canvas, action, repeats, target, baseline=None, prepare=None):
    """Time action(i) plus the frame the browser asks for, against baseline(i) plus a full redraw; print both."""
    times, baseline_times, cpu_times = [], [], []
    for i in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        action(i)
        canvas.draw()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
        if prepare:
            prepare(i)  # untimed
        start = time.perf_counter()
        if baseline:
            baseline(i)
        canvas.figure.redraw_all()
        canvas.draw()
        baseline_times.append(time.perf_counter() - start)
    print(ratio_line(f"{name} (vs {'uncached + ' if baseline else ''}full redraw)", times, baseline_times, unit="ms"))
    verdict = "ok" if np.median(times) <= target else "MISSES"
    print(f"{'':<46} median {np.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms, CPU median "
          f"{np.median(cpu_times) * 1000:.1f} ms (target {target * 1000:.0f} ms: {verdict})")


def depth_view_changes(explorer, repeats):
    """Time depth-view changes at width 256: a scheme, a depth not seen yet, a width no longer cached."""
    c = explorer.controls
    c.layers.value, c.width.value = 50, 256
    explorer.tabs.selected_index = DEPTH
    canvas = explorer.depth_view.figure.canvas
    connected(canvas)
    schemes = ["x0.01", "LeCun", "Xavier/Glorot", "He (yours)", "x0.01", "custom scale"]

    def uncached(i):  # a fresh propagation
        ReluStack(256, explorer.depth_view.samples).rms(50, SCALES["He"].factor)

    def forget_256(i):  # back to depth 50 through two other widths: the stack of width 256 is dropped
        c.width.value, c.width.value, c.layers.value = 224, 240, 50

    against_full_redraw("depth view, scheme switch", canvas, lambda i: setattr(c.scheme, "value", schemes[i % 6]),
                        repeats, 0.100, uncached)
    against_full_redraw("depth view, depth 51 to 62, each new", canvas,
                        lambda i: setattr(c.layers, "value", 51 + i % 12), min(repeats, 12), 0.100, uncached)
    forget_256(None)
    against_full_redraw("depth view, width to 256, not cached", canvas, lambda i: setattr(c.width, "value", 256),
                        repeats, 0.100, uncached, prepare=forget_256)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    print("Explorer benchmark:", machine(), "| engine:", "numba" if engine.available() else "numpy",
          "| load average: %.2f %.2f %.2f" % os.getloadavg())
    data = load_dataset(plot=False)
    plain, _ = timed(train_plain, data[0], data[1], REFERENCE["he"]([2, 10, 5, 1]), 0.01, 15000, False, 100)

    def cold_start():
        explorer = Explorer(dict(REFERENCE), *data)
        explorer.tabs.selected_index = COMPARE  # opening "Compare all" trains the other 5 schemes
        assert explorer.wait_until_idle(600)
        return explorer

    starts = [timed(cold_start) for _ in range(3)]
    print(ratio_line("cold start, all 6 schemes trained (vs 1 plain run)", [s for s, _ in starts], [plain] * 3))
    print(f"{'':<46} median {sorted(s for s, _ in starts)[1]:.2f} s (target 3 s)")

    explorer = starts[-1][1]
    explorer.tabs.selected_index = REPLAY
    canvas = explorer.replay.figure.canvas
    connected(canvas)
    rng, labels = random.Random(0), list(explorer.runs.labels)
    frame, scheme = explorer.controls.frame, explorer.controls.scheme

    def next_frame(i):
        k = rng.randint(0, frame.max)
        frame.value = k if k != frame.value else (k + 1) % (frame.max + 1)

    def next_scheme(i):
        label = labels[i % len(labels)]
        scheme.value = label if label != scheme.value else labels[(i + 1) % len(labels)]

    against_full_redraw("replay frame change", canvas, next_frame, args.repeats, 0.020)
    against_full_redraw("scheme switch, cached", canvas, next_scheme, args.repeats, 0.020)
    depth_view_changes(explorer, max(4, args.repeats // 4))

    explorer.tabs.selected_index = REPLAY
    scheme.value = "He (yours)"
    retrains = []
    for i in range(max(3, args.repeats // 8)):  # a new learning rate each time: nothing cached
        start = time.perf_counter()
        explorer.controls.learning_rate.value = 10 ** (-1.9 + 0.1 * i)
        assert explorer.wait_until_idle(600) and explorer.shown_run.config == explorer.config()
        retrains.append(time.perf_counter() - start)
    print(ratio_line("live retrain, He 15000 its (vs 1 plain run)", retrains, [plain] * len(retrains)))
    print(f"{'':<46} median {np.median(retrains):.2f} s, of which {DEBOUNCE:.2f} s debounce "
          "(slider move to new run on screen)")


if __name__ == "__main__":
    main()
