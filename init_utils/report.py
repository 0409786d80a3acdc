"""Plain-text tables of training runs and of what happens inside them. Imports only numpy."""
from .inspection import layer_statistics, weight_norms
from .prediction import accuracy, predict_dec


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
    """Return a table, one row per (scheme, layer): how many units differ, the spread of the
    activations, and the norms of dW<l> and W<l>, for each named set of parameters on X, Y."""
    lines = [f"{'weights':<10}{'layer':>6}{'units that differ':>19}{'activation std':>16}{'||dW||':>10}{'||W||':>9}"]
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
