"""Seeded weight draws from a private RandomState, which gives exactly what np.random.seed(s) then np.random.randn would."""
from functools import lru_cache

import numpy as np
from numpy.random import RandomState, default_rng

from .exercises import TOLERANCE, shapes

SEED = 3


def scale_for(kind, n_l, n_prev):
    """Return the factor exercise ``kind`` multiplies standard-normal draws by (None: 1, the unscaled draw)."""
    return np.sqrt(2.0 / n_prev) if kind == "he" else {"random": 10.0, None: 1.0}[kind]


def seeded_draw(layers_dims, kind=None, seed=SEED, reseed_each_layer=False, sampler="randn", transposed=False,
                warmup_uniform=0):
    """Return [W1, ..., WL] drawn after seeding with ``seed``, times ``scale_for(kind, ...)``; the options are known mistakes."""
    generator = default_rng if sampler == "default_rng" else RandomState
    weights, source = [], generator(seed)
    if warmup_uniform:
        source.random_sample(warmup_uniform)
    for _, n_l, n_prev in shapes(layers_dims):
        source = generator(seed) if reseed_each_layer else source
        shape = (n_prev, n_l) if transposed else (n_l, n_prev)
        base = source.random_sample(shape) if sampler == "rand" else source.standard_normal(shape)
        weights.append((base.T if transposed else base) * scale_for(kind, n_l, n_prev))
    return weights


def expected_weights(kind, layers_dims):
    """Return the weights exercise ``kind`` ("random" or "he") must produce."""
    return seeded_draw(layers_dims, kind)


def same_weights(actual, expected):
    """True when every W<l> is close to its expected counterpart."""
    return all(np.allclose(a, e, **TOLERANCE) for a, e in zip(actual, expected))


def stream_offsets(weights, layers_dims, kind, extra=4096):
    """Return, per layer, where W<l> / scale starts in the stream of normals after seed 3 (None: nowhere)."""
    stream = RandomState(SEED).randn(sum(n_l * n_prev for _, n_l, n_prev in shapes(layers_dims)) + extra)
    offsets = []
    for W, (_, n_l, n_prev) in zip(weights, shapes(layers_dims)):
        factor = scale_for(kind, n_l, n_prev)
        base = (W / factor).ravel() if factor else np.full(W.size, np.nan)
        finite = base.size and np.all(np.isfinite(base))
        starts = np.flatnonzero(np.abs(stream - base[0]) <= 1e-9 * abs(base[0]) + 1e-12) if finite else []
        windows = ((int(k), stream[k:k + base.size]) for k in starts)
        offsets.append(next((k for k, w in windows if w.size == base.size and np.allclose(w, base, **TOLERANCE)), None))
    return offsets


@lru_cache(maxsize=1)
def _first_normals(count=1001):
    """The first standard normal after np.random.seed(s), for s = 0 .. count - 1."""
    return np.array([RandomState(s).randn() for s in range(count)])


def other_seed(kind, actual, layers_dims, allow_three=False):
    """Return the seed s (0 to 1000, 3 only if ``allow_three``) if the weights are the draw after it, else None."""
    if not actual or not actual[0].size:
        return None
    n_l, n_prev = actual[0].shape
    first = actual[0].flat[0] / scale_for(kind, n_l, n_prev)
    for s in np.flatnonzero(np.isclose(_first_normals(), first, **TOLERANCE)):
        if (s != 3 or allow_three) and same_weights(actual, seeded_draw(layers_dims, kind, seed=int(s))):
            return int(s)
    return None
