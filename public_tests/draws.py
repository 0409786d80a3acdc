"""Seeded weight draws: the one the exercises ask for, and the ones common mistakes produce.

Each draw returns the list of weight matrices [W1, ..., WL] for ``layers_dims``.
Nothing here touches numpy's global random state for good: draws save and restore it,
and the stream of standard normals comes from a private RandomState.
"""
from contextlib import contextmanager

import numpy as np
from numpy.random import RandomState, default_rng, mtrand

SEED = 3

# numpy's own functions, kept at import: a learner's cell may replace np.random.seed (np.random.seed = 3),
# and the checks must still be able to seed, save and restore the global generator.
REAL = {name: getattr(mtrand, name) for name in (
    "seed", "get_state", "set_state", "randn", "rand", "random", "random_sample", "standard_normal", "normal",
    "uniform", "randint", "shuffle", "permutation")}
REAL_NUMPY = {name: getattr(np, name) for name in ("zeros", "sqrt", "array", "ones", "multiply", "divide")}
REAL_RANDOM_MODULE = np.random


def replaced_functions():
    """Return the names (like 'np.random.seed') of numpy functions that something has replaced."""
    if np.random is not REAL_RANDOM_MODULE:
        return ["np.random"]
    names = [f"np.random.{n}" for n, f in REAL.items() if getattr(np.random, n, None) is not f]
    return names + [f"np.{n}" for n, f in REAL_NUMPY.items() if getattr(np, n, None) is not f]


_MISSING = object()


@contextmanager
def real_numpy():
    """Run a block with numpy's own functions in place, then put back whatever a learner had assigned.

    numpy itself calls some of these (getting the random state calls np.zeros), so the checks
    need them even after a learner's cell replaced one. Nothing the learner did is undone.
    """
    saved_module = np.__dict__.get("random", _MISSING)
    np.random = REAL_RANDOM_MODULE
    saved = [(REAL_RANDOM_MODULE, n, REAL_RANDOM_MODULE.__dict__.get(n, _MISSING), f) for n, f in REAL.items()]
    saved += [(np, n, np.__dict__.get(n, _MISSING), f) for n, f in REAL_NUMPY.items()]
    for owner, name, _, function in saved:
        setattr(owner, name, function)
    try:
        yield
    finally:
        for owner, name, before, _ in saved:
            if before is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, before)
        np.random = saved_module if saved_module is not _MISSING else REAL_RANDOM_MODULE


@contextmanager
def preserved_random_state():
    """Run a block without leaving any trace on numpy's global random state."""
    state = REAL["get_state"]()
    try:
        yield
    finally:
        REAL["set_state"](state)


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
    # A private RandomState seeded with ``seed`` gives exactly the numbers np.random.seed(seed) then
    # np.random.randn would, without touching (or trusting) numpy's global generator.
    state = RandomState(seed)
    rng = default_rng(seed) if sampler == "default_rng" else None
    state.rand(warmup_uniform)
    for _, n_l, n_prev in shapes(layers_dims):
        if reseed_each_layer:
            state = RandomState(seed)
            rng = default_rng(seed) if sampler == "default_rng" else None
        shape = (n_prev, n_l) if transposed else (n_l, n_prev)
        if sampler == "randn":
            base = state.randn(*shape)
        elif sampler == "rand":
            base = state.rand(*shape)
        else:
            base = rng.standard_normal(shape)
        weights.append((base.T if transposed else base) * scale(n_l, n_prev))
    return weights


def expected_weights(kind, layers_dims):
    """Return the weights the exercise ``kind`` ("random" or "he") must produce."""
    return seeded_draw(layers_dims, lambda n_l, n_prev: scale_for(kind, n_l, n_prev))


def normal_stream(count, seed=SEED):
    """Return the first ``count`` standard normals np.random.seed(seed) then randn would give, in order."""
    return RandomState(seed).randn(count)


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
WHOLE = ("a scale cut down to a whole number, as integer division (2 // layers_dims[l-1]), int(...) or np.floor(...) "
         "make it: np.sqrt(2 / 4) is 0.707, cut down it is 0. Use true division / and no rounding: "
         "np.sqrt(2 / layers_dims[l-1])")


def _rule(fn, description, family=None, kinds=("random", "he")):
    return dict(fn=fn, description=description, family=family, kinds=kinds)


def _prev(l, d):
    return d[l - 1]


def _this(l, d):
    return d[l]


# Each rule: the factor a common mistake gives layer l of layers_dims d, and what the learner wrote.
# A rule is named only when no other rule gives the same factors (see scale_candidates).
SCALE_RULES = {
    "intdiv_sqrt": _rule(lambda l, d: np.sqrt(2 // _prev(l, d)), "np.sqrt(2 // layers_dims[l-1]). // is integer "
                         "division: 2 // 4 is 0, so most layers get a factor of 0. Use true division, "
                         "np.sqrt(2 / layers_dims[l-1])", "whole", ("he",)),
    "floor_sqrt": _rule(lambda l, d: np.floor(np.sqrt(2 / _prev(l, d))), "a scale rounded down to a whole number "
                        "(int(...) or np.floor(...)): int(np.sqrt(2 / 4)) is int(0.707), which is 0. Multiply by "
                        "np.sqrt(2 / layers_dims[l-1]) itself, unrounded", "whole", ("he",)),
    "round_sqrt": _rule(lambda l, d: np.round(np.sqrt(2 / _prev(l, d))), "a scale rounded to a whole number "
                        "(round(...) or np.round(...)): np.sqrt(2 / 4) is 0.707, rounded 1. Multiply by "
                        "np.sqrt(2 / layers_dims[l-1]) itself, unrounded", None, ("he",)),
    "intdiv": _rule(lambda l, d: float(2 // _prev(l, d)), "2 // layers_dims[l-1] (or int(2 / layers_dims[l-1])): "
                    "integer division, or int(), gives a whole number (2 // 4 is 0), and the square root is missing. "
                    "Use np.sqrt(2 / layers_dims[l-1])",
                    "whole", ("he",)),
    "intdiv_one": _rule(lambda l, d: np.sqrt(1 // _prev(l, d)), "np.sqrt(1 // layers_dims[l-1]): // is integer "
                        "division (1 // 4 is 0). Use true division /, and " + HE_WHY, "whole", ("he",)),
    **{f"decimals_{k}": _rule(lambda l, d, k=k: np.round(np.sqrt(2 / _prev(l, d)), k),
                              f"a scale rounded to {k} decimal{'s' if k > 1 else ''} (np.round(..., {k}) or "
                              "round(...)). Do not round: multiply by np.sqrt(2 / layers_dims[l-1]) itself",
                              "rounded", ("he",)) for k in (1, 2, 3, 4)},
    "lecun": _rule(lambda l, d: np.sqrt(1.0 / _prev(l, d)), "LeCun's scale, sqrt(1 / layers_dims[l-1]) (some courses "
                   "call it Xavier). " + HE_WHY),
    "current": _rule(lambda l, d: np.sqrt(2.0 / _this(l, d)), "sqrt(2 / layers_dims[l]): the current layer's size "
                     "where the previous layer's size layers_dims[l-1] belongs"),
    "current_one": _rule(lambda l, d: np.sqrt(1.0 / _this(l, d)), "sqrt(1 / layers_dims[l]): the current layer's "
                         "size, and 1 instead of 2"),
    "no_sqrt": _rule(lambda l, d: 2.0 / _prev(l, d), "2 / layers_dims[l-1] without the square root: wrap it in "
                     "np.sqrt(...)"),
    "no_sqrt_one": _rule(lambda l, d: 1.0 / _prev(l, d), "1 / layers_dims[l-1]: no square root, and 1 instead of 2"),
    "sqrt_two_over": _rule(lambda l, d: np.sqrt(2.0) / _prev(l, d), "np.sqrt(2) / layers_dims[l-1]: the square root "
                           "must cover the whole fraction, np.sqrt(2 / layers_dims[l-1])"),
    "two_over_sqrt": _rule(lambda l, d: 2.0 / np.sqrt(_prev(l, d)), "2 / np.sqrt(layers_dims[l-1]): the square root "
                           "must cover the whole fraction, np.sqrt(2 / layers_dims[l-1])"),
    "upside_down": _rule(lambda l, d: np.sqrt(_prev(l, d) / 2.0), "np.sqrt(layers_dims[l-1] / 2): the fraction is "
                         "upside down; multiply by np.sqrt(2 / layers_dims[l-1])"),
    "glorot": _rule(lambda l, d: np.sqrt(2.0 / (_prev(l, d) + _this(l, d))), "Xavier/Glorot's scale, sqrt(2 / "
                    "(layers_dims[l-1] + layers_dims[l])). He counts only each unit's inputs: "
                    "sqrt(2 / layers_dims[l-1])"),
    "index_l_minus_2": _rule(lambda l, d: np.sqrt(2.0 / d[l - 2]), "np.sqrt(2 / layers_dims[l-2]): index l-2 reads the "
                             "size two layers back (for layer 1, layers_dims[-1], the last entry). Layer l's inputs "
                             "are layers_dims[l-1]", kinds=("he",)),
    "first_size": _rule(lambda l, d: np.sqrt(2.0 / d[0]), "the same factor in every layer, "
                        "np.sqrt(2 / layers_dims[0]): "
                        "the size is read once (layers_dims[0], or a variable set before the loop). Read it inside the "
                        "loop, layers_dims[l-1], so that each layer uses its own previous layer's size", kinds=("he",)),
    "layer_count": _rule(lambda l, d: np.sqrt(2.0 / len(d)), "np.sqrt(2 / L) with L = len(layers_dims): the number of "
                         "entries in layers_dims where the previous layer's size, layers_dims[l-1], belongs",
                         kinds=("he",)),
    "layer_count_1": _rule(lambda l, d: np.sqrt(2.0 / (len(d) - 1)), "np.sqrt(2 / (L - 1)): the number of layers where "
                           "the previous layer's size, layers_dims[l-1], belongs", kinds=("he",)),
    "he": _rule(lambda l, d: np.sqrt(2.0 / _prev(l, d)), "He's scale sqrt(2 / layers_dims[l-1]), from exercise 3"),
    "he_times_10": _rule(lambda l, d: 10.0 * np.sqrt(2.0 / _prev(l, d)), {
        "he": "He's scale times 10: the * 10 belongs to exercise 2 only",
        "random": "10 times He's scale sqrt(2 / layers_dims[l-1]): this exercise multiplies by 10 alone; He's "
                  "scale is exercise 3's"}),
    "plain": _rule(lambda l, d: 1.0, "no scaling at all (plain randn)"),
    "ten": _rule(lambda l, d: 10.0, "a factor of 10, the large random scheme of exercise 2"),
    "small": _rule(lambda l, d: 0.01, "a factor of 0.01, the small random scheme"),
    "sqrt_two": _rule(lambda l, d: np.sqrt(2.0), "sqrt(2) without dividing by the layer size"),
}
FAMILIES = {"whole": WHOLE, "rounded": "a rounded scale (np.round or round). Do not round: multiply by "
            "np.sqrt(2 / layers_dims[l-1]) itself"}
# Layer sizes on which two rules that are really the same formula agree, and different ones differ.
PROBES = ([7, 6, 5, 4, 3, 1], [1, 3, 2, 1], [12, 20, 15, 9, 4, 1], [3, 64, 1], [5, 4, 3, 2, 1])


def _values(rule, layers_dims):
    return [float(rule["fn"](l, list(layers_dims))) for l, _, _ in shapes(layers_dims)]


def scale_candidates(factors, layers_dims, kind):
    """Return the ids of the rules that give every layer's factor on ``layers_dims`` (never the exercise's own)."""
    own = [scale_for(kind, n_l, n_prev) for _, n_l, n_prev in shapes(layers_dims)]
    found = []
    for rule_id, rule in SCALE_RULES.items():
        if kind not in rule["kinds"]:
            continue
        values = _values(rule, layers_dims)
        if np.allclose(values, own, rtol=1e-12, atol=0):
            continue
        if all(np.isclose(f, v, rtol=1e-7, atol=1e-12) for f, v in zip(factors, values)):
            found.append(rule_id)
    return found


def _same_formula(a, b):
    return all(np.allclose(_values(SCALE_RULES[a], d), _values(SCALE_RULES[b], d), rtol=1e-12, atol=0)
               for d in PROBES)


def name_candidates(candidates, kind="he"):
    """Return the description for a set of fitting rules if it names one mistake (or one family), else None."""
    distinct = []
    for rule_id in candidates:
        if not any(_same_formula(rule_id, kept) for kept in distinct):
            distinct.append(rule_id)
    if len(distinct) == 1:
        description = SCALE_RULES[distinct[0]]["description"]
        return description[kind] if isinstance(description, dict) else description
    families = {SCALE_RULES[r]["family"] for r in distinct}
    if distinct and len(families) == 1 and None not in families:
        return FAMILIES[families.pop()]
    return None


def name_scale(factors, layers_dims, kind=None):
    """Return the description of the one rule that gives every layer's factor, or None if none or several fit."""
    return name_candidates(scale_candidates(factors, layers_dims, kind or "he"), kind or "he")


MISTAKEN_DRAWS = [
    ({"reseed_each_layer": True}, "re-seeds in every layer: call np.random.seed(3) once, before the loop, "
     "not inside it, or every layer repeats the same numbers"),
    ({"sampler": "rand"}, "draws with np.random.rand (uniform on [0, 1), all positive): use np.random.randn, "
     "the standard normal"),
    ({"transposed": True}, "draws randn(layers_dims[l-1], layers_dims[l]) and transposes it: draw "
     "randn(layers_dims[l], layers_dims[l-1]) directly so each number lands where the reference puts it"),
    ({"sampler": "default_rng"}, "uses np.random.default_rng(3): this exercise uses the legacy API, "
     "np.random.seed(3) then np.random.randn, so that everyone gets the same numbers"),
    ({"sampler": "default_rng", "reseed_each_layer": True}, "creates np.random.default_rng(3) anew in every layer, "
     "so every layer starts the same new stream again: this exercise uses the legacy API, np.random.seed(3) once "
     "before the loop, then np.random.randn in each layer"),
] + [
    ({"seed": s}, f"seeds with np.random.seed({s}): the exercise uses np.random.seed(3)")
    for s in (0, 1, 2, 4, 5, 10, 42, 1234)
] + [
    ({"warmup_uniform": k}, "throws away other random numbers after np.random.seed(3), before the first weights "
     f"(here the equivalent of {k} uniform draw{'s' if k > 1 else ''}; np.random.rand, np.random.random, "
     "np.random.randint and np.random.shuffle all draw): after seeding, the only draws are the weights, "
     "layer by layer")
    for k in (1, 2, 3)
]
