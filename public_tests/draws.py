"""Seeded weight draws: the one the exercises ask for and the ones common mistakes produce.

Each draw returns the list of weight matrices [W1, ..., WL] for ``layers_dims``.
Every function saves and restores numpy's global random state.
"""
from contextlib import contextmanager

import numpy as np

SEED = 3


@contextmanager
def preserved_random_state():
    """Run a block without leaving any trace on numpy's global random state."""
    state = np.random.get_state()
    try:
        yield
    finally:
        np.random.set_state(state)


def shapes(layers_dims):
    """Yield (l, n_l, n_prev) for each weight layer l = 1 .. L."""
    for l in range(1, len(layers_dims)):
        yield l, layers_dims[l], layers_dims[l - 1]


def scale_for(kind, n_l, n_prev):
    """Return the factor the exercise ``kind`` multiplies standard-normal draws by."""
    return {"random": 10.0, "he": np.sqrt(2.0 / n_prev)}[kind]


def seeded_draw(layers_dims, scale, seed=SEED, reseed_each_layer=False, sampler="randn", transposed=False):
    """Return [W1, ..., WL]; ``scale(n_l, n_prev)`` gives each layer's factor.

    sampler "randn" is the legacy normal draw, "rand" the legacy uniform one and
    "default_rng" the new Generator API. ``transposed`` draws (n_prev, n_l) and transposes.
    """
    weights = []
    with preserved_random_state():
        rng = np.random.default_rng(seed) if sampler == "default_rng" else None
        np.random.seed(seed)
        for _, n_l, n_prev in shapes(layers_dims):
            if reseed_each_layer:
                np.random.seed(seed)
            shape = (n_prev, n_l) if transposed else (n_l, n_prev)
            if sampler == "randn":
                base = np.random.randn(*shape)
            elif sampler == "rand":
                base = np.random.rand(*shape)
            else:
                base = rng.standard_normal(shape)
            weights.append((base.T if transposed else base) * scale(n_l, n_prev))
    return weights


def expected_weights(kind, layers_dims):
    """Return the weights the exercise ``kind`` ("random" or "he") must produce."""
    return seeded_draw(layers_dims, lambda n_l, n_prev: scale_for(kind, n_l, n_prev))


SCALE_RULES = [
    (lambda n_l, n_prev: np.sqrt(1.0 / n_prev), "Xavier/LeCun scaling sqrt(1 / layers_dims[l-1]); "
     "He uses sqrt(2 / layers_dims[l-1]), and the 2 is what suits ReLU"),
    (lambda n_l, n_prev: np.sqrt(2.0 / n_l), "sqrt(2 / layers_dims[l]): the current layer's size where the "
     "previous layer's size layers_dims[l-1] belongs"),
    (lambda n_l, n_prev: np.sqrt(1.0 / n_l), "sqrt(1 / layers_dims[l]): the current layer's size, and 1 instead of 2"),
    (lambda n_l, n_prev: 2.0 / n_prev, "2 / layers_dims[l-1] without the square root: wrap it in np.sqrt(...)"),
    (lambda n_l, n_prev: np.sqrt(2.0 / (n_prev + n_l)), "Glorot scaling sqrt(2 / (n_in + n_out))"),
    (lambda n_l, n_prev: 1.0, "no scaling at all (plain randn)"),
    (lambda n_l, n_prev: 10.0, "a factor of 10, the large random scheme"),
    (lambda n_l, n_prev: 0.01, "a factor of 0.01, the small random scheme"),
    (lambda n_l, n_prev: np.sqrt(2.0), "sqrt(2) without dividing by the layer size"),
]


def name_scale(factors, layers_dims):
    """Return the description of the rule that gives every layer's factor, or None."""
    for rule, description in SCALE_RULES:
        if all(np.isclose(f, rule(n_l, n_prev), rtol=1e-7) for f, (_, n_l, n_prev) in zip(factors, shapes(layers_dims))):
            return description
    return None


MISTAKEN_DRAWS = [
    ({"reseed_each_layer": True}, "re-seeds in every layer: call np.random.seed(3) once, before the loop, "
     "not inside it, or every layer repeats the same numbers"),
    ({"sampler": "rand"}, "draws with np.random.rand (uniform on [0, 1), all positive): use np.random.randn, "
     "the standard normal"),
    ({"transposed": True}, "draws randn(layers_dims[l-1], layers_dims[l]) and transposes it: draw "
     "randn(layers_dims[l], layers_dims[l-1]) directly so each number lands where the reference puts it"),
    ({"sampler": "default_rng"}, "uses np.random.default_rng(3): this exercise uses the legacy API, "
     "np.random.seed(3) then np.random.randn, so that everyone gets the same numbers"),
] + [
    ({"seed": s}, f"seeds with np.random.seed({s}): the exercise uses np.random.seed(3)")
    for s in (0, 1, 2, 4, 5, 10, 42, 1234)
]
