"""Wrong weight values: the right shapes, but not the numbers np.random.seed(3) and the scale give."""
from types import SimpleNamespace

import numpy as np

from .draws import expected_weights, other_seed, same_weights, scale_for, seeded_draw, stream_offsets
from .exercises import TOLERANCE, shapes
from init_utils.inputs import count

from .mistakes import first_message
from .scale_mistakes import needed_factors, scale_message, uniform_factors

# Draws a known mistake makes (seeded_draw options), and what the learner's code does.
MISTAKEN_DRAWS = [
    ({"reseed_each_layer": True}, "re-seeds in every layer: call np.random.seed(3) once, before the loop, not inside it, or "
     "every layer repeats the same numbers"),
    ({"sampler": "rand"}, "draws with np.random.rand (uniform on [0, 1), all positive): use np.random.randn, the standard "
     "normal"),
    ({"transposed": True}, "draws randn(layers_dims[l-1], layers_dims[l]) and transposes it: draw randn(layers_dims[l], "
     "layers_dims[l-1]) directly so each number lands where the reference puts it"),
    ({"sampler": "default_rng"}, "uses np.random.default_rng(3): this exercise uses the legacy API, np.random.seed(3) then "
     "np.random.randn, so that everyone gets the same numbers"),
    ({"sampler": "default_rng", "reseed_each_layer": True}, "creates np.random.default_rng(3) anew in every layer, so every "
     "layer starts the same new stream again: this exercise uses the legacy API, np.random.seed(3) once before the loop, then "
     "np.random.randn in each layer"),
] + [
    ({"seed": s}, f"seeds with np.random.seed({s}): the exercise uses np.random.seed(3)")
    for s in (0, 1, 2, 4, 5, 10, 42, 1234)
] + [
    ({"warmup_uniform": k}, "throws away other random numbers after np.random.seed(3), before the first weights (here the "
     f"equivalent of {k} uniform draw{'s' if k > 1 else ''}; np.random.rand, np.random.random, np.random.randint and "
     "np.random.shuffle all draw): after seeding, the only draws are the weights, layer by layer")
    for k in (1, 2, 3)
]


def _wrong_factor(f):
    """The scale message, unless the factors are only the right ones at low precision (see _rounded)."""
    if f.factors is None or not any(np.any(W) for W in f.actual):
        return None
    low_precision = all(np.isclose(x, r, rtol=1e-6, atol=0) or np.isclose(x, float(np.float16(r)), rtol=1e-9)
                        for x, r in zip(f.factors, needed_factors(f.kind, f.layers_dims)))
    return None if low_precision else scale_message(f.kind, f.factors, f.layers_dims, f.others)


def _rounded(f):
    """Is the first W<l> that differs from the reference the reference rounded (decimals, float32, float16) or nudged?"""
    for (l, _, _), a, e in zip(shapes(f.layers_dims), f.actual, expected_weights(f.kind, f.layers_dims)):
        if np.allclose(a, e, **TOLERANCE):
            continue
        shift = (a - e).ravel()
        if shift.size > 1 and np.ptp(shift) <= 1e-3 * abs(shift[0]) <= 1e-6 * np.max(np.abs(e)):
            return (f"W{l} differs from the right draw by the same tiny constant, {float(shift[0]):.3g}, in every entry: "
                    "something adds a number to the weights. Remove it: W<l> is the draw times the scale, with nothing added.")
        for decimals in range(1, 13):
            if np.allclose(a, np.round(e, decimals), rtol=1e-12, atol=1e-15):
                return (f"W{l} is the right draw rounded to {decimals} decimals. Do not round: the printout rounds for display "
                        "only, the check compares every digit.")
        if np.allclose(a, e, rtol=4e-7, atol=1e-30):
            return (f"W{l} matches the right draw only to about 7 significant digits, the precision of float32: somewhere the "
                    "numbers or the scale went through float32 (dtype=np.float32, .astype(np.float32), np.float32(...)). Keep "
                    "every step in float64, numpy's default.")
        if np.allclose(a, e, rtol=1e-3, atol=1e-30):
            return (f"W{l} matches the right draw only to about 3 significant digits, as if rounded through float16 or a similar "
                    "low precision. Keep every step in float64, numpy's default.")
        return None
    return None


def stream_problem(f):
    """Return a message if the weights are the right numbers taken from later in the seeded stream, else None."""
    offsets = stream_offsets(f.actual, f.layers_dims, f.kind)
    if any(o is None for o in offsets):
        return None
    starts = np.cumsum([0] + [W.size for W in f.actual[:-1]]).tolist()
    shifts = [o - s for o, s in zip(offsets, starts)]
    if not any(shifts):
        return None
    if sorted(offsets) != offsets:
        return ("the layers are drawn in another order: every W<l> holds the right numbers for some place in the seeded stream, "
                "but not in order. Draw W1 first, then W2, and so on: for l in range(1, L).")
    if any(s < 0 for s in shifts):
        return None
    l = next(i for i, s in enumerate(shifts) if s) + 1
    extra = shifts[l - 1] - (shifts[l - 2] if l > 1 else 0)
    where = ("between np.random.seed(3) and W1" if l == 1 else f"between W{l - 1} and W{l}")
    bias_sizes = [n_l for _, n_l, _ in shapes(f.layers_dims)]
    if l > 1 and extra == bias_sizes[l - 2]:
        why = (f", exactly as many as b{l - 1} has entries. Biases must be np.zeros((layers_dims[l], 1)): drawing them, even to "
               "multiply by 0, uses up random numbers and shifts every later layer.")
    elif l == 1 and extra == bias_sizes[0]:
        why = (": as many as b1 has entries, as if b1 were drawn before W1. Biases must be np.zeros, and nothing may draw "
               "between np.random.seed(3) and the first weights.")
    else:
        why = (". Remove any draw that is not a weight (a warm-up draw, random biases): after np.random.seed(3) the only draws "
               "are the weights, layer by layer.")
    return (f"W{l} holds the right kind of numbers, but {count(extra, 'place')} later in the seeded stream than the reference: "
            f"{where} your function draws {count(extra, 'extra random number')}{why}")


def _seeded_otherwise(f):
    """Name the seed (0 to 1000) the weights were drawn after, when it is not 3."""
    seed = other_seed(f.kind, f.actual, f.layers_dims)
    return None if seed is None else (f"the weights match code that seeds with np.random.seed({seed}): the exercise uses "
                                      "np.random.seed(3).")


def per_layer_seeds(f):
    """Return a message if each W<l> is a freshly seeded draw (seeds found per layer, not one stream), else None."""
    seeds = [other_seed(f.kind, [W], [n_prev, n_l], allow_three=True)
             for W, (_, n_l, n_prev) in zip(f.actual, shapes(f.layers_dims))]
    if len(seeds) < 2 or None in seeds:
        return None
    listed = ", ".join(f"W{l} np.random.seed({s})" for l, s in enumerate(seeds, start=1))
    return (f"every layer starts a freshly seeded stream ({listed}): the function seeds inside the loop. Call np.random.seed(3) "
            "once, before the loop, and never inside it: then W2 continues the stream where W1 ended.")


def affine_problem(l, actual, layers_dims):
    """Return a message if W<l> is a seeded draw scaled AND shifted (e.g. np.random.normal(10, 1, ...)), else None."""
    for sampler, name in (("randn", "np.random.randn"), ("rand", "np.random.rand")):
        base = seeded_draw(layers_dims, sampler=sampler)[l - 1].ravel()
        if base.size < 3:
            continue
        design = np.column_stack([base, np.ones_like(base)])
        (scale, shift), *_ = np.linalg.lstsq(design, actual.ravel(), rcond=None)
        if abs(shift) > 1e-9 and np.allclose(design @ [scale, shift], actual.ravel(), rtol=1e-9, atol=1e-12):
            sign = "+" if shift > 0 else "-"
            what = (f"W{l} looks like {scale:.6g} * {name}(...) {sign} {abs(shift):.6g}: the numbers are shifted by {shift:.6g}, "
                    "so they do not average to 0.")
            if sampler == "randn" and np.isclose(scale, 1.0):
                return what + f" The scale is added instead of multiplied: write {name}(...) * scale, not + scale."
            if sampler == "rand":
                return what + " Draw from the standard normal, np.random.randn, and only multiply it."
            return what + (" np.random.normal takes the mean first, np.random.normal(0, scale, size); or write "
                           "np.random.randn(...) * scale.")
    return None


def _first_wrong_layer(f):
    """Name what is wrong with the first W<l> that differs from the reference draw."""
    base = seeded_draw(f.layers_dims)
    for (l, n_l, n_prev), a, b in zip(shapes(f.layers_dims), f.actual, base):
        right = scale_for(f.kind, n_l, n_prev)
        if np.allclose(a, b * right, **TOLERANCE):
            continue
        if not np.any(a):
            return (f"W{l} is all zeros. The weights are random: np.random.randn(layers_dims[l], layers_dims[l-1]) times the "
                    "scale.")
        if a.size > 1 and np.all(a == a.flat[0]):
            return (f"W{l} holds the same number, {float(a.flat[0]):g}, in every entry. The weights are random: "
                    "np.random.randn(layers_dims[l], layers_dims[l-1]) times the scale.")
        shifted = affine_problem(l, a, f.layers_dims)
        if shifted:
            return shifted
        if np.allclose(np.abs(a), np.abs(b * right), **TOLERANCE):
            flipped = int(np.sum(np.sign(a) != np.sign(b * right)))
            return (f"W{l} has the right sizes, but {flipped} of its {a.size} signs differ from the reference: keep randn's "
                    "signs (no np.abs, no squaring); negative weights are part of the draw.")
        i, j = np.unravel_index(np.argmax(np.abs(a - b * right)), a.shape)
        return (f"W{l} does not match the reference draw: at [{i}, {j}] expected {float(b[i, j] * right)!r}, got "
                f"{float(a[i, j])!r}. Seed once with np.random.seed(3) before the loop and draw each layer in order with "
                "np.random.randn(layers_dims[l], layers_dims[l-1]).")
    return None


WEIGHT_MISTAKES = (
    (_wrong_factor, None),
    (_rounded, None),
    *((lambda f, options=options: same_weights(f.actual, seeded_draw(f.layers_dims, f.kind, **options)),
       f"the weights match code that {message}.")
      for options, message in MISTAKEN_DRAWS),
    (stream_problem, None),
    (lambda f: not any(np.any(W) for W in f.actual),
     "the weights are all zeros. In this exercise they are random: np.random.randn(layers_dims[l], layers_dims[l-1]) times the "
     "scale; only the biases are zeros. A scale cut down to a whole number is 0 here: integer division (2 // 4 is 0), int(...) "
     "or np.floor(...). Use / and no rounding."),
    (_seeded_otherwise, None),
    (per_layer_seeds, None),
    (lambda f: f.factors is not None and scale_message(f.kind, f.factors, f.layers_dims, f.others), None),
    (_first_wrong_layer, None),
)


def diagnose_weights(kind, actual, layers_dims, others=()):
    """Return one message explaining why weights ``actual`` differ from the reference draw."""
    facts = SimpleNamespace(kind=kind, actual=actual, layers_dims=layers_dims, others=tuple(others),
                            factors=uniform_factors(actual, layers_dims))
    return first_message(WEIGHT_MISTAKES, facts) or "the weights do not match the reference draw."
