"""Full-batch gradient descent that records a History and draws nothing.

Not pure math: it runs on the compiled engine (numba), loaded on the first ``train``, or
on the course API's numpy functions.
"""
import numpy as np

from .history import History
from .inputs import check_training_inputs
from .loss import compute_loss, compute_losses
from .propagation import backward_propagation, forward_propagation, update_parameters

COST_EVERY = 1000


def copy_parameters(parameters):
    """Return a dict of copies of the arrays in ``parameters``."""
    return {key: np.array(value, dtype=np.float64, copy=True) for key, value in parameters.items()}


DIVERGED = ("Training diverged at iteration {}: the weights became inf or NaN, so the costs from there on "
            "mean nothing. Lower the learning rate or the scale of the initial weights.")


class CostPrinter:
    """Print the course's cost lines and, once, where training diverged, in iteration order."""

    def __init__(self, enabled):
        self.enabled, self.announced = enabled, False

    def cost(self, i, cost, diverged_at):
        """Print the cost at iteration i, after the divergence line if training diverged by then."""
        self.divergence(diverged_at, before=i)
        if self.enabled:
            print(f"Cost after iteration {i}: {cost!r}")

    def divergence(self, diverged_at, before=None):
        """Print the divergence line once, if diverged_at is set (and not after ``before``)."""
        if self.enabled and not self.announced and diverged_at is not None and (before is None or diverged_at <= before):
            print(DIVERGED.format(diverged_at))
            self.announced = True


def all_finite(parameters):
    """Return True if no weight or bias is inf or NaN."""
    return all(np.isfinite(value).all() for value in parameters.values())


def update_from(X, Y, parameters, cache, learning_rate):
    """Take the gradient step for the forward pass in ``cache``; return the parameters."""
    return update_parameters(parameters, backward_propagation(X, Y, cache), learning_rate)


class DivergenceWatch:
    """Find the first iteration whose parameters hold inf or NaN, checking only at recorded iterations.

    Checking every iteration would add about an eighth to the numpy loop. When a check fails, the steps
    since the last good check are taken again, one by one (the same numbers), to name the exact iteration.
    """

    def __init__(self, X, Y, learning_rate):
        self.X, self.Y, self.learning_rate = X, Y, learning_rate
        self.at, self.good = None, None

    def check(self, i, parameters):
        """Look at the parameters in use at iteration i (every recorded iteration, in order)."""
        if self.at is not None:
            return
        if all_finite(parameters):
            self.good = (i, dict(parameters))  # update_parameters replaces arrays, never changes them
            return
        i, parameters = self.good[0], dict(self.good[1])
        while all_finite(parameters):
            parameters = update_from(self.X, self.Y, parameters, forward_propagation(self.X, parameters)[1],
                                     self.learning_rate)
            i += 1
        self.at = i


def train_plain(X, Y, parameters, learning_rate, num_iterations, print_cost, record_every, progress=None):
    """Run the course's loop with the course API functions; return a History."""
    parameters = copy_parameters(parameters)
    printer, watch = CostPrinter(print_cost), DivergenceWatch(X, Y, learning_rate)
    costs, snapshots, snapshot_costs = [], [], []
    for i in range(num_iterations + 1):
        aL, cache = forward_propagation(X, parameters)
        last = i == num_iterations
        on_cost, on_snapshot = i % COST_EVERY == 0 and not last, i % record_every == 0 or last
        if on_cost or on_snapshot:
            watch.check(i, parameters)
            cost = float(compute_loss(aL, Y))
            if on_snapshot:
                snapshots.append(copy_parameters(parameters))
                snapshot_costs.append(cost)
            if on_cost:
                costs.append(cost)
                printer.cost(i, cost, watch.at)
        if last:
            break
        if progress is not None and (i + 1) % COST_EVERY == 0:
            progress(i + 1, num_iterations)
        parameters = update_from(X, Y, parameters, cache, learning_rate)
    printer.divergence(watch.at)
    if progress is not None and num_iterations % COST_EVERY:
        progress(num_iterations, num_iterations)
    return History(costs, list(range(0, num_iterations, COST_EVERY)), snapshots,
                   list(range(0, num_iterations, record_every)) + [num_iterations], snapshot_costs, parameters,
                   learning_rate, num_iterations, engine="numpy", diverged_at=watch.at)


def train_fast(X, Y, parameters, learning_rate, num_iterations, print_cost, record_every, progress=None):
    """Run the same loop with the compiled engine; return a History."""
    from . import engine  # loads numba: only when training needs it

    costs, printer = [], CostPrinter(print_cost)

    def on_chunk(stop, cost_outputs, diverged_at):
        for k in range(len(costs), -(-stop // COST_EVERY)):
            costs.append(float(compute_loss(cost_outputs[k:k + 1], Y)))
            printer.cost(k * COST_EVERY, costs[k], diverged_at)
        if progress is not None:
            progress(stop, num_iterations)

    final, snapshots, snapshot_outputs, diverged_at = engine.run(X, Y, parameters, learning_rate, num_iterations,
                                                                 record_every, COST_EVERY, on_chunk)
    printer.divergence(diverged_at)
    snapshot_costs = compute_losses(snapshot_outputs, Y)
    snapshot_costs.append(float(compute_loss(forward_propagation(X, final)[0], Y)))
    return History(costs, list(range(0, num_iterations, COST_EVERY)), snapshots,
                   list(range(0, num_iterations, record_every)) + [num_iterations], snapshot_costs, final,
                   learning_rate, num_iterations, engine="numba", diverged_at=diverged_at)


def train(X, Y, parameters, learning_rate=0.01, num_iterations=15000, print_cost=True, record_every=100,
          progress=None):
    """Train from the initial ``parameters`` (left unmodified) on X (n_0, m), Y (1, m); return a History.

    Prints ``Cost after iteration i: <cost>`` every 1000 iterations when print_cost is true, and one line
    saying where training diverged if the weights became inf or NaN (``History.diverged_at`` records it
    either way). ``progress(done, num_iterations)``, if given, is called after every 1000 iterations and
    at the end. Runs on the compiled engine unless numba is missing or INIT_UTILS_ENGINE=numpy.
    """
    __tracebackhide__ = True
    check_training_inputs(X, Y, parameters, learning_rate, num_iterations, record_every, progress)
    from . import engine

    path = train_fast if engine.available() else train_plain
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported once, by DIVERGED
        return path(X, Y, parameters, learning_rate, num_iterations, print_cost, record_every, progress)
