"""Full-batch gradient descent that records a History and draws nothing.

Not pure math: it runs on the compiled engine (numba) when that is ready, else on the
course API's numpy functions.
"""
import numbers

import numpy as np

from . import engine
from .history import History
from .loss import compute_loss, compute_losses
from .propagation import backward_propagation, forward_propagation, num_layers, update_parameters

COST_EVERY = 1000


class TrainingInputError(ValueError):
    """Raised when ``train`` is called with data or parameters it cannot use."""


def copy_parameters(parameters):
    """Return a dict of copies of the arrays in ``parameters``."""
    return {key: np.array(value, dtype=np.float64, copy=True) for key, value in parameters.items()}


def check_training_inputs(X, Y, parameters, learning_rate, num_iterations, record_every):
    """Raise TrainingInputError naming the first problem with train's arguments."""
    __tracebackhide__ = True
    if not isinstance(parameters, dict) or not parameters:
        raise TrainingInputError(
            f"parameters must be a non-empty dict like {{'W1': ..., 'b1': ...}}, got {type(parameters).__name__}. "
            "Pass the dict your initializer returned."
        )
    L = num_layers(parameters)
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if set(parameters) != expected:
        raise TrainingInputError(
            f"parameters must have exactly the keys {sorted(expected)}; got {sorted(parameters)}."
        )
    for name, arr in (("X", X), ("Y", Y)):
        if not isinstance(arr, np.ndarray) or arr.ndim != 2:
            raise TrainingInputError(f"{name} must be a 2-D numpy array with one column per example.")
    if Y.shape != (1, X.shape[1]):
        raise TrainingInputError(
            f"Y must have shape (1, {X.shape[1]}) to match X {X.shape}; got {Y.shape}. "
            "Examples are columns: reshape with Y.reshape(1, -1)."
        )
    n_prev = X.shape[0]
    for l in range(1, L + 1):
        W, b = np.asarray(parameters[f"W{l}"]), np.asarray(parameters[f"b{l}"])
        if W.ndim != 2 or W.shape[1] != n_prev:
            raise TrainingInputError(
                f"W{l} has shape {W.shape} but must have {n_prev} columns (the size of layer {l - 1})."
            )
        if b.shape != (W.shape[0], 1):
            raise TrainingInputError(f"b{l} has shape {b.shape}; it must be ({W.shape[0]}, 1).")
        n_prev = W.shape[0]
    if n_prev != 1:
        raise TrainingInputError(f"the last layer W{L} must have 1 row (one output); it has {n_prev}.")
    if not isinstance(learning_rate, numbers.Real) or not learning_rate > 0:
        raise TrainingInputError(f"learning_rate must be a positive number, got {learning_rate!r}.")
    for name, value in (("num_iterations", num_iterations), ("record_every", record_every)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < (0 if name == "num_iterations" else 1):
            low = "0 or more" if name == "num_iterations" else "1 or more"
            raise TrainingInputError(f"{name} must be a whole number, {low}; got {value!r}.")


def print_cost_line(i, cost):
    """Print the course's progress line for the cost at iteration i."""
    print(f"Cost after iteration {i}: {cost!r}")


def train_plain(X, Y, parameters, learning_rate, num_iterations, print_cost, record_every, progress=None):
    """Run the course's loop with the course API functions; return a History."""
    parameters = copy_parameters(parameters)
    costs, cost_iterations = [], []
    snapshots, snapshot_iterations, snapshot_costs = [], [], []
    for i in range(num_iterations):
        aL, cache = forward_propagation(X, parameters)
        on_cost, on_snapshot = i % COST_EVERY == 0, i % record_every == 0
        if on_cost or on_snapshot:
            cost = float(compute_loss(aL, Y))
            if on_snapshot:
                snapshots.append(copy_parameters(parameters))
                snapshot_iterations.append(i)
                snapshot_costs.append(cost)
            if on_cost:
                costs.append(cost)
                cost_iterations.append(i)
                if print_cost:
                    print_cost_line(i, cost)
        if progress is not None and (i + 1) % COST_EVERY == 0:
            progress(i + 1, num_iterations)
        grads = backward_propagation(X, Y, cache)
        parameters = update_parameters(parameters, grads, learning_rate)
    aL, _ = forward_propagation(X, parameters)
    snapshots.append(copy_parameters(parameters))
    snapshot_iterations.append(num_iterations)
    snapshot_costs.append(float(compute_loss(aL, Y)))
    if progress is not None and num_iterations % COST_EVERY:
        progress(num_iterations, num_iterations)
    return History(costs, cost_iterations, snapshots, snapshot_iterations, snapshot_costs,
                   parameters, learning_rate, num_iterations, engine="numpy")


def train_fast(X, Y, parameters, learning_rate, num_iterations, print_cost, record_every, progress=None):
    """Run the same loop with the compiled engine; return a History."""
    costs = []

    def on_chunk(stop, cost_outputs):
        for k in range(len(costs), -(-stop // COST_EVERY)):
            costs.append(float(compute_loss(cost_outputs[k:k + 1], Y)))
            if print_cost:
                print_cost_line(k * COST_EVERY, costs[k])
        if progress is not None:
            progress(stop, num_iterations)

    final, snapshots, snapshot_outputs, _ = engine.run(X, Y, parameters, learning_rate, num_iterations,
                                                       record_every, COST_EVERY, on_chunk)
    snapshot_costs = compute_losses(snapshot_outputs, Y)
    snapshot_costs.append(float(compute_loss(forward_propagation(X, final)[0], Y)))
    return History(costs, list(range(0, num_iterations, COST_EVERY)), snapshots,
                   list(range(0, num_iterations, record_every)) + [num_iterations],
                   snapshot_costs, final, learning_rate, num_iterations, engine="numba")


def train(X, Y, parameters, learning_rate=0.01, num_iterations=15000, print_cost=True, record_every=100,
          progress=None):
    """Train from the initial ``parameters`` on X (n_0, m), Y (1, m); return a History.

    Prints ``Cost after iteration i: <cost>`` every 1000 iterations when print_cost is
    true. ``progress(done, num_iterations)``, if given, is called after every 1000
    iterations and once at the end, with the number of iterations done so far. Runs on
    the compiled engine when it is ready; otherwise starts compiling it in the background
    (with a notice) and trains on numpy. The caller's ``parameters`` are not modified.
    """
    __tracebackhide__ = True
    check_training_inputs(X, Y, parameters, learning_rate, num_iterations, record_every)
    if engine.available():
        return train_fast(X, Y, parameters, learning_rate, num_iterations, print_cost, record_every, progress)
    if engine.requested():
        engine.compile_in_background()
    return train_plain(X, Y, parameters, learning_rate, num_iterations, print_cost, record_every, progress)
