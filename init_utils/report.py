"""Plain-text tables of training runs and of what happens inside them. Imports only numpy."""
import numpy as np

from .inspection import blocked_share, healthy_snapshots, layer_statistics, weight_norms
from .prediction import accuracy, predict_dec
from .schemes import SCALES
from .variance import layer_factor


def _cost(value):
    return f"{value:.3f}"


def comparison_table(histories, train_X, train_Y, test_X, test_Y):
    """Return a table of each named History: cost at the first and last recorded iterations, the cost
    after the final step, and train/test accuracy (all costs to 3 decimals, accuracies to 0.1 %)."""
    first = next(iter(histories.values()))
    last_recorded, steps = first.cost_iterations[-1], first.num_iterations
    heads = ("initialization", f"cost at {first.cost_iterations[0]}", f"cost at {last_recorded}",
             f"after {steps} steps", "train acc", "test acc")
    widths = (16, 11, 15, 18, 11, 10)
    lines = [heads[0].ljust(widths[0]) + "".join(h.rjust(w) for h, w in zip(heads[1:], widths[1:]))]
    for name, history in histories.items():
        train_acc = accuracy(predict_dec(history.parameters, train_X), train_Y)
        test_acc = accuracy(predict_dec(history.parameters, test_X), test_Y)
        cells = (_cost(history.costs[0]), _cost(history.costs[-1]), _cost(history.snapshot_costs[-1]),
                 f"{train_acc:.1%}", f"{test_acc:.1%}")
        lines.append(name.ljust(widths[0]) + "".join(c.rjust(w) for c, w in zip(cells, widths[1:])))
    return "\n".join(lines)


def inside_table(named_parameters, X, Y):
    """Return a table, one row per (scheme, layer): how many units compute distinct functions, the spread
    of the activations, and the norms of dW<l> and W<l>, for each named set of parameters on X, Y."""
    lines = [f"{'weights':<10}{'layer':>6}{'distinct units':>19}{'activation std':>16}{'||dW||':>10}{'||W||':>9}"]
    for name, parameters in named_parameters.items():
        stats = layer_statistics(parameters, X, Y)
        for s, w in zip(stats, weight_norms(parameters)):
            lines.append(f"{name:<10}{s.layer:>6}{f'{s.distinct_units} of {s.activations.shape[0]}':>19}"
                         f"{s.std:>16.3g}{s.grad_norm:>10.3g}{w:>9.3g}")
    return "\n".join(lines)


def trace_table(points):
    """Return a table of TracePoints: output shares, each layer's relative step size and weight norm."""
    L = len(points[0].relative_steps)
    lines = [f"{'iteration':>9}{'saturated':>11}{'wrong side':>12}"
             + "".join(f"{'step/W' + str(l):>10}" for l in range(1, L + 1))
             + "".join(f"{'||W' + str(l) + '||':>8}" for l in range(1, L + 1))]
    for p in points:
        lines.append(f"{p.iteration:>9}{p.saturated:>11.1%}{p.confidently_wrong:>12.1%}"
                     + "".join(f"{r:>10.1e}" for r in p.relative_steps)
                     + "".join(f"{w:>8.1f}" for w in p.weight_norms))
    return "\n".join(lines)


def sweep_table(points):
    """Return a table of SweepPoints: layer scales, share of outputs saturated at the start, final cost, accuracies."""
    lines = [f"{'weights':<15}{'layer scales':<27}{'saturated at start':>19}{'final cost':>11}{'train acc':>11}"
             f"{'test acc':>10}"]
    for p in points:
        scales = ", ".join(f"{s:.3g}" for s in p.layer_scales)
        lines.append(f"{p.label:<15}{scales:<27}{p.start_saturated:>19.1%}{p.final_cost:>11.3f}"
                     f"{p.train_accuracy:>11.1%}{p.test_accuracy:>10.1%}")
    return "\n".join(lines)


def lowest_cost(history):
    """Return the lowest finite recorded cost before the run diverged (nan if there is none)."""
    finite = [c for c in history.snapshot_costs[:healthy_snapshots(history)] if np.isfinite(c)]
    return min(finite) if finite else float("nan")


def deep_table(runs, X, Y):
    """Return a table of DeepRuns: first, lowest recorded and final cost (or where training diverged), training
    accuracy, and the share of examples blocked (inspection.blocked_share) before and after training."""
    lines = [f"{'seed':>4}  {'weights':<15}{'cost at 0':>10}{'lowest cost':>13}{'final cost':>17}{'train acc':>11}"
             f"{'blocked at start':>18}{'at end':>8}"]
    for run in runs:
        history = run.history
        start, lowest = f"{blocked_share(history.snapshots[0], X):.0%}", lowest_cost(history)
        if history.diverged_at is None:
            final, end = _cost(history.snapshot_costs[-1]), f"{blocked_share(history.parameters, X):.0%}"
            train_acc = f"{accuracy(predict_dec(history.parameters, X), Y):.1%}"
        else:
            final, train_acc, end = f"diverged at {history.diverged_at}", "-", "-"
        lines.append(f"{run.seed:>4}  {run.scheme:<15}{_cost(history.costs[0]):>10}"
                     f"{'-' if np.isnan(lowest) else _cost(lowest):>13}{final:>17}{train_acc:>11}{start:>18}{end:>8}")
    return "\n".join(lines)


def layer_rms_table(rms_by_scheme, width, layers=(1, 10, 25, 50)):
    """Return a table: per scheme, the RMS factor per layer (closed form and measured between the first and
    last layer, forward and backward) and the activation RMS at some ``layers``."""
    heads = "".join(f"{'layer ' + str(l):>10}" for l in layers)
    lines = [f"{'':<15}{'RMS factor per layer':^33}{'activation RMS at':^{10 * len(layers)}}",
             f"{'weights':<15}{'closed form':>12}{'forward':>10}{'backward':>11}{heads}"]
    for name, (activations, gradients) in rms_by_scheme.items():
        depth = len(activations)
        with np.errstate(divide="ignore", invalid="ignore"):
            forward = (activations[-1] / activations[0]) ** (1 / (depth - 1))
            backward = (gradients[0] / gradients[-1]) ** (1 / (depth - 1))
        closed = np.sqrt(layer_factor(SCALES[name].factor, width))
        lines.append(f"{name:<15}{closed:>12.3g}{forward:>10.3g}{backward:>11.3g}"
                     + "".join(f"{activations[l - 1]:>10.2g}" for l in layers if l <= depth))
    return "\n".join(lines)


class Collapsible:
    """A long table shown folded under a one-line summary in a notebook (HTML <details>), as plain text elsewhere."""

    def __init__(self, summary, table):
        self.summary, self.table = summary, table

    def _repr_html_(self):
        def escape(text):
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        return f"<details><summary>{escape(self.summary)}</summary><pre>{escape(self.table)}</pre></details>"

    def __repr__(self):
        return self.table
