"""Seeded weight draws: the one the exercises ask for, and the ones common mistakes produce.

Each draw returns the list of weight matrices [W1, ..., WL] for ``layers_dims``.
Nothing here touches numpy's global random state for good: draws save and restore it,
and the stream of standard normals comes from a private RandomState.
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


def seeded_draw(layers_dims, scale, seed=SEED, reseed_each_layer=False, sampler="randn", transposed=False,
                warmup_uniform=0):
    """Return [W1, ..., WL]; ``scale(n_l, n_prev)`` gives each layer's factor.

    sampler "randn" is the legacy normal draw, "rand" the legacy uniform one and
    "default_rng" the new Generator API. ``transposed`` draws (n_prev, n_l) and transposes.
    ``warmup_uniform`` uniform numbers are drawn and thrown away after seeding.
    """
    weights = []
    with preserved_random_state():
        rng = np.random.default_rng(seed) if sampler == "default_rng" else None
        np.random.seed(seed)
        np.random.rand(warmup_uniform)
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


def normal_stream(count, seed=SEED):
    """Return the first ``count`` standard normals np.random.seed(seed) then randn would give, in order."""
    return np.random.RandomState(seed).randn(count)


def stream_offsets(weights, layers_dims, scale, extra=4096):
    """Return, per layer, where W<l> / scale starts in the seeded stream of normals, or None if nowhere.

    Successive randn calls after one seed read one stream, so the reference puts W1 at 0,
    W2 right after W1, and so on. A later start means something drew numbers in between.
    """
    sizes = [n_l * n_prev for _, n_l, n_prev in shapes(layers_dims)]
    stream = normal_stream(sum(sizes) + extra)
    offsets = []
    for W, (_, n_l, n_prev) in zip(weights, shapes(layers_dims)):
        factor = scale(n_l, n_prev)
        base = (W / factor).ravel() if factor else np.full(W.size, np.nan)
        found = None
        if base.size and np.all(np.isfinite(base)):
            close = np.abs(stream - base[0]) <= 1e-9 * abs(base[0]) + 1e-12
            for k in np.flatnonzero(close):
                window = stream[k:k + base.size]
                if window.size == base.size and np.allclose(window, base, rtol=1e-9, atol=1e-12):
                    found = int(k)
                    break
        offsets.append(found)
    return offsets


HE_WHY = "He uses sqrt(2 / layers_dims[l-1]); the 2 makes up for ReLU setting about half of its inputs to zero"

# (scale(n_l, n_prev), what the learner wrote). Checked in order; the first that fits every layer names the mistake.
SCALE_RULES = [
    (lambda n_l, n_prev: np.sqrt(2 // n_prev), "np.sqrt(2 // layers_dims[l-1]). // is integer division: 2 // 4 is 0, "
     "so most layers get no weights at all. Use true division, np.sqrt(2 / layers_dims[l-1])"),
    (lambda n_l, n_prev: float(2 // n_prev), "2 // layers_dims[l-1]: // is integer division (2 // 4 is 0), and the "
     "square root is missing. Use np.sqrt(2 / layers_dims[l-1])"),
    (lambda n_l, n_prev: np.sqrt(1 // n_prev), "np.sqrt(1 // layers_dims[l-1]): // is integer division (1 // 4 is 0). "
     "Use true division /, and " + HE_WHY),
    (lambda n_l, n_prev: np.sqrt(1.0 / n_prev), "LeCun's scale, sqrt(1 / layers_dims[l-1]) (some courses call it "
     "Xavier). " + HE_WHY),
    (lambda n_l, n_prev: np.sqrt(2.0 / n_l), "sqrt(2 / layers_dims[l]): the current layer's size where the "
     "previous layer's size layers_dims[l-1] belongs"),
    (lambda n_l, n_prev: np.sqrt(1.0 / n_l), "sqrt(1 / layers_dims[l]): the current layer's size, and 1 instead of 2"),
    (lambda n_l, n_prev: 2.0 / n_prev, "2 / layers_dims[l-1] without the square root: wrap it in np.sqrt(...)"),
    (lambda n_l, n_prev: 1.0 / n_prev, "1 / layers_dims[l-1]: no square root, and 1 instead of 2"),
    (lambda n_l, n_prev: np.sqrt(2.0) / n_prev, "np.sqrt(2) / layers_dims[l-1]: the square root must cover the whole "
     "fraction, np.sqrt(2 / layers_dims[l-1])"),
    (lambda n_l, n_prev: 2.0 / np.sqrt(n_prev), "2 / np.sqrt(layers_dims[l-1]): the square root must cover the whole "
     "fraction, np.sqrt(2 / layers_dims[l-1])"),
    (lambda n_l, n_prev: np.sqrt(n_prev / 2.0), "np.sqrt(layers_dims[l-1] / 2): the fraction is upside down; "
     "multiply by np.sqrt(2 / layers_dims[l-1])"),
    (lambda n_l, n_prev: np.sqrt(2.0 / (n_prev + n_l)), "Xavier/Glorot's scale, sqrt(2 / (layers_dims[l-1] + "
     "layers_dims[l])). He counts only each unit's inputs: sqrt(2 / layers_dims[l-1])"),
    (lambda n_l, n_prev: np.sqrt(2.0 / n_prev), "He's scale sqrt(2 / layers_dims[l-1]), from exercise 3"),
    (lambda n_l, n_prev: 10.0 * np.sqrt(2.0 / n_prev), "He's scale times 10: the * 10 belongs to exercise 2 only"),
    (lambda n_l, n_prev: 1.0, "no scaling at all (plain randn)"),
    (lambda n_l, n_prev: 10.0, "a factor of 10, the large random scheme of exercise 2"),
    (lambda n_l, n_prev: 0.01, "a factor of 0.01, the small random scheme"),
    (lambda n_l, n_prev: np.sqrt(2.0), "sqrt(2) without dividing by the layer size"),
]


def name_scale(factors, layers_dims, kind=None):
    """Return the description of the rule that gives every layer's factor, or None.

    A rule that is exactly the exercise's own scale is skipped: it cannot be the mistake.
    """
    for rule, description in SCALE_RULES:
        fits = [np.isclose(f, rule(n_l, n_prev), rtol=1e-7, atol=1e-12)
                for f, (_, n_l, n_prev) in zip(factors, shapes(layers_dims))]
        own = kind is not None and all(np.isclose(rule(n_l, n_prev), scale_for(kind, n_l, n_prev), rtol=1e-12)
                                       for _, n_l, n_prev in shapes(layers_dims))
        if all(fits) and not own:
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
] + [
    ({"warmup_uniform": k}, f"first throws away {k} uniform number{'s' if k > 1 else ''} (np.random.rand or "
     "np.random.random) after np.random.seed(3): after seeding, the only draws are the weights, layer by layer")
    for k in (1, 2, 3)
]
