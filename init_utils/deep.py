"""A deep, narrow ReLU network on the circles, trained from each named scale and several seeds.

Not pure math: it trains through ``train``. Each run draws its standard normals from its own seed,
so the schemes of one seed differ only in scale.
"""
from dataclasses import dataclass

from .history import History
from .schemes import SCALES, scale_factors, scaled_normal
from .training import train

DEEP_DIMS = (2,) + (10,) * 20 + (1,)  # 20 hidden ReLU layers of 10 units, one sigmoid output
DEEP_SEEDS = (1, 2, 3)
DEEP_ITERATIONS = 5000
RECORD_EVERY = 100


@dataclass
class DeepRun:
    scheme: str  # a name of schemes.SCALES
    seed: int
    history: History  # history.snapshots[0] holds the starting parameters


def deep_runs(X, Y, schemes=tuple(SCALES), seeds=DEEP_SEEDS, layers_dims=DEEP_DIMS, learning_rate=0.01,
              num_iterations=DEEP_ITERATIONS):
    """Train ``layers_dims`` from every scheme and seed; return the DeepRuns, seed by seed (overflow: diverged)."""
    factors = scale_factors(schemes)
    return [DeepRun(name, seed, train(X, Y, scaled_normal(layers_dims, factor, seed=seed), learning_rate,
                                      num_iterations, print_cost=False, record_every=RECORD_EVERY))
            for seed in seeds for name, factor in zip(schemes, factors)]
