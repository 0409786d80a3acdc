"""Plain-text tables of training runs and of what happens inside them. Imports only numpy."""
from .inspection import gradient_norms, weight_norms
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


def gradient_table(named_parameters, X, Y):
    """Return a table of ||dW<l>|| and ||W<l>|| per layer for each named set of parameters on X, Y."""
    rows = {name: (gradient_norms(p, X, Y), weight_norms(p)) for name, p in named_parameters.items()}
    L = len(next(iter(rows.values()))[0])
    lines = [f"{'':<14}" + "".join(f"{'||dW' + str(l) + '||':>10}" for l in range(1, L + 1))
             + "".join(f"{'||W' + str(l) + '||':>9}" for l in range(1, L + 1))]
    for name, (grads, weights) in rows.items():
        lines.append(f"{name:<14}" + "".join(f"{g:>10.2f}" for g in grads) + "".join(f"{w:>9.2f}" for w in weights))
    return "\n".join(lines)


def trace_table(points):
    """Return a table of TracePoints: output shares and each layer's relative step size."""
    L = len(points[0].relative_steps)
    lines = [f"{'iteration':>9}{'saturated':>11}{'wrong side':>12}"
             + "".join(f"{'step/W' + str(l):>11}" for l in range(1, L + 1))]
    for p in points:
        lines.append(f"{p.iteration:>9}{p.saturated:>11.1%}{p.confidently_wrong:>12.1%}"
                     + "".join(f"{r:>11.1e}" for r in p.relative_steps))
    return "\n".join(lines)


def sweep_table(points):
    """Return a table of SweepPoints: layer scales, final cost and accuracies."""
    lines = [f"{'weights':<15}{'layer scales':<22}{'final cost':>11}{'train acc':>11}{'test acc':>10}"]
    for p in points:
        scales = ", ".join(f"{s:.3g}" for s in p.layer_scales)
        lines.append(f"{p.label:<15}{scales:<22}{p.final_cost:>11.3f}{p.train_accuracy:>11.1%}{p.test_accuracy:>10.1%}")
    return "\n".join(lines)
