"""Plain-text tables of training runs and of what happens inside them. Imports only numpy."""
import html

import numpy as np

from .history import check_history
from .inputs import check_data
from .inspection import blocked_share, healthy_costs, layer_statistics
from .prediction import accuracy, predict_dec
from .schemes import SCALES
from .variance import layer_factor


def _table(rows, widths):
    """Return the rows of cells as lines, each cell padded to its column's width (a negative width: left-aligned)."""
    return "\n".join("".join(f"{cell:<{-w}}" if w < 0 else f"{cell:>{w}}" for cell, w in zip(row, widths))
                     for row in rows)


def comparison_table(histories, train_X, train_Y, test_X, test_Y):
    """Return a table of each named History: first and last recorded cost, cost after the final step, accuracies."""
    check_histories(histories)
    for X, Y in ((train_X, train_Y), (test_X, test_Y)):
        check_data(X, Y)
    first = next(iter(histories.values()))
    rows = [("initialization", f"cost at {first.cost_iterations[0]}", f"cost at {first.cost_iterations[-1]}",
             f"after {first.num_iterations} steps", "train acc", "test acc")]
    for name, h in histories.items():
        rows.append((name, f"{h.costs[0]:.3f}", f"{h.costs[-1]:.3f}", f"{h.snapshot_costs[-1]:.3f}",
                     f"{accuracy(predict_dec(h.parameters, train_X), train_Y):.1%}",
                     f"{accuracy(predict_dec(h.parameters, test_X), test_Y):.1%}"))
    return _table(rows, (-16, 11, 15, 18, 11, 10))


def check_histories(histories):
    """Raise unless histories is a non-empty dict of Histories with costs, all recorded at the same iterations."""
    if not isinstance(histories, dict) or not histories:
        raise TypeError(f"comparison_table needs a non-empty dict {{name: History}}, like {{'He': history_he}}; "
                        f"got {histories!r:.60}.")
    for name, history in histories.items():
        check_history(history, f"histories[{name!r}]")
        if not history.costs:
            raise ValueError(f"histories[{name!r}] recorded no cost (num_iterations={history.num_iterations}); "
                             "train for at least 1 iteration.")
    if len({(h.cost_iterations[0], h.cost_iterations[-1], h.num_iterations) for h in histories.values()}) > 1:
        runs = ", ".join(f"{name!r} ran {h.num_iterations}" for name, h in histories.items())
        raise ValueError(f"comparison_table compares runs of the same length; the iterations differ ({runs}). "
                         "Train them with the same num_iterations, or make one table per length.")


def inside_table(named_parameters, X, Y):
    """Return a table, one row per (scheme, layer): distinct units, activation spread, ||dW<l>|| and ||W<l>||."""
    rows = [("weights", "layer", "distinct units", "activation std", "||dW||", "||W||")]
    for name, parameters in named_parameters.items():
        rows += [(name, s.layer, f"{s.distinct_units} of {s.activations.shape[0]}", f"{s.std:.3g}", f"{s.grad_norm:.3g}",
                  f"{s.weight_norm:.3g}") for s in layer_statistics(parameters, X, Y)]
    return _table(rows, (-10, 6, 19, 16, 10, 9))


def trace_table(points):
    """Return a table of TracePoints: output shares, each layer's relative step size and weight norm."""
    layers = range(1, len(points[0].relative_steps) + 1)
    rows = [("iteration", "saturated", "wrong side", *(f"step/W{l}" for l in layers), *(f"||W{l}||" for l in layers))]
    rows += [(p.iteration, f"{p.saturated:.1%}", f"{p.confidently_wrong:.1%}", *(f"{r:.1e}" for r in p.relative_steps),
              *(f"{w:.1f}" for w in p.weight_norms)) for p in points]
    return _table(rows, (9, 11, 12, *[10] * len(layers), *[8] * len(layers)))


def sweep_table(points):
    """Return a table of SweepPoints: layer scales, share of outputs saturated at the start, final cost, accuracies."""
    rows = [("weights", "layer scales", "saturated at start", "final cost", "train acc", "test acc")]
    rows += [(p.label, ", ".join(f"{s:.3g}" for s in p.layer_scales), f"{p.start_saturated:.1%}", f"{p.final_cost:.3f}",
              f"{p.train_accuracy:.1%}", f"{p.test_accuracy:.1%}") for p in points]
    return _table(rows, (-15, -27, 19, 11, 11, 10))


def deep_table(runs, X, Y):
    """Return a table of DeepRuns: first, lowest and final cost (or divergence), train accuracy, blocked share before/after."""
    rows = [("seed", "", "weights", "cost at 0", "lowest cost", "final cost", "train acc", "blocked at start", "at end")]
    for run in runs:
        history = run.history
        lowest = np.fmin.reduce(healthy_costs(history))  # nan only if no cost before divergence is finite
        if history.diverged_at is None:
            final, end = f"{history.snapshot_costs[-1]:.3f}", f"{blocked_share(history.parameters, X):.0%}"
            train_acc = f"{accuracy(predict_dec(history.parameters, X), Y):.1%}"
        else:
            final, train_acc, end = f"diverged at {history.diverged_at}", "-", "-"
        rows.append((run.seed, "", run.scheme, f"{history.costs[0]:.3f}", "-" if np.isnan(lowest) else f"{lowest:.3f}",
                     final, train_acc, f"{blocked_share(history.snapshots[0], X):.0%}", end))
    return _table(rows, (4, 2, -15, 10, 13, 17, 11, 18, 8))


def layer_rms_table(rms_by_scheme, width, layers=(1, 10, 25, 50)):
    """Return a table per scheme: RMS factor per layer (closed form, measured both ways), activation RMS at ``layers``."""
    rows = [("weights", "closed form", "forward", "backward", *(f"layer {l}" for l in layers))]
    for name, (activations, gradients) in rms_by_scheme.items():
        depth = len(activations)
        with np.errstate(divide="ignore", invalid="ignore"):
            forward = (activations[-1] / activations[0]) ** (1 / (depth - 1))
            backward = (gradients[0] / gradients[-1]) ** (1 / (depth - 1))
        rows.append((name, f"{np.sqrt(layer_factor(SCALES[name].factor, width)):.3g}", f"{forward:.3g}", f"{backward:.3g}",
                     *(f"{activations[l - 1]:.2g}" for l in layers if l <= depth)))
    return f"{'':<15}{'RMS factor per layer':^33}{'activation RMS at':^{10 * len(layers)}}\n" + _table(
        rows, (-15, 12, 10, 11, *[10] * len(layers)))


class Collapsible:
    """A long table shown folded under a one-line summary in a notebook (HTML <details>), as plain text elsewhere."""

    def __init__(self, summary, table):
        self.summary, self.table = summary, table

    def _repr_html_(self):
        summary, table = html.escape(self.summary, quote=False), html.escape(self.table, quote=False)
        return f"<details><summary>{summary}</summary><pre>{table}</pre></details>"

    def __repr__(self):
        return self.table
