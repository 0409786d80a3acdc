"""The record of one training run. Imports only numpy."""
from dataclasses import dataclass

import numpy as np

from .inputs import article


@dataclass
class History:
    """What ``train`` returns: costs, parameter snapshots and the final parameters.

    costs[k] is the cost at cost_iterations[k] (0, 1000, 2000, ...). snapshots[k] holds the parameters
    before the update of iteration snapshot_iterations[k], the last one the final parameters; snapshot_costs[k]
    is its cost. diverged_at is the first iteration whose parameters hold inf or NaN (costs from there on
    mean nothing), or None.
    """

    costs: list
    cost_iterations: list
    snapshots: list
    snapshot_iterations: list
    snapshot_costs: list
    parameters: dict
    learning_rate: float
    num_iterations: int
    engine: str = "numpy"
    diverged_at: int | None = None

    def snapshot_index(self, iteration):
        """Return the index of the last snapshot taken at or before ``iteration``."""
        return max(int(np.searchsorted(self.snapshot_iterations, iteration, side="right")) - 1, 0)

    def __repr__(self):
        last = self.costs[-1] if self.costs else float("nan")
        return (
            f"History({self.num_iterations} iterations, learning_rate={self.learning_rate}, "
            f"{len(self.costs)} costs, last cost {last!r}, {len(self.snapshots)} snapshots"
            + ("" if self.diverged_at is None else f", diverged at iteration {self.diverged_at}") + ")"
        )


def check_history(value, name="history"):
    """Raise TypeError unless value is a History, saying to pass what ``train`` returned."""
    if not isinstance(value, History):
        hint = " (a parameters dict?)" if isinstance(value, dict) else ""
        raise TypeError(f"{name} must be a History, what train(...) returns; got {article(type(value).__name__)}{hint}. "
                        "Pass the result of history = train(...), not history.parameters.")
