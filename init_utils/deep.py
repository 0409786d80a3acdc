"""A deep, narrow ReLU network on the circles, trained from each named scale and several seeds.

Not pure math: it trains through ``train`` (the compiled engine when ready). Each run draws
its standard normals from its own seed, so the schemes of one seed differ only in scale.
"""
from dataclasses import dataclass

import numpy as np

from .history import History
from .schemes import SCALES, scaled_normal
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
    """Train ``layers_dims`` from every scheme and seed; return the DeepRuns, seed by seed.

    A run whose weights overflow is recorded as diverged in its History (no warning is printed).
    """
    unknown = [name for name in schemes if name not in SCALES]
    if unknown:
        raise ValueError(f"unknown schemes {unknown}; choose among {list(SCALES)}")
    runs = []
    for seed in seeds:
        for name in schemes:
            parameters = scaled_normal(list(layers_dims), SCALES[name].factor, seed=seed)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                history = train(X, Y, parameters, learning_rate, num_iterations, print_cost=False,
                                record_every=RECORD_EVERY)
            runs.append(DeepRun(name, seed, history))
    return runs
