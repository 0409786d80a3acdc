"""Wrong scales: the right draw times the wrong factor, and the rule (formula) that gives it, if only one does."""
from collections import namedtuple

import numpy as np

from .draws import scale_for, seeded_draw
from .exercises import shapes

HE_WHY = "He uses sqrt(2 / layers_dims[l-1]); the 2 makes up for ReLU setting about half of its inputs to zero"
# What to say when the fitting rules all belong to one family.
FAMILIES = {"whole": "a scale cut down to a whole number, as integer division (2 // layers_dims[l-1]), int(...) or np.floor(...) "
            "make it: np.sqrt(2 / 4) is 0.707, cut down it is 0. Use true division / and no rounding: "
            "np.sqrt(2 / layers_dims[l-1])",
            "rounded": "a rounded scale (np.round or round). Do not round: multiply by np.sqrt(2 / layers_dims[l-1]) itself"}
# fn(l, layers_dims) is the factor layer l gets; description is a str, or {kind: str} when each exercise words it
# differently; rules of one family share a message when the layer sizes cannot tell them apart.
ScaleRule = namedtuple("ScaleRule", "fn description family kinds", defaults=(None, ("random", "he")))
SCALE_RULES = {
    "intdiv_sqrt": ScaleRule(lambda l, d: np.sqrt(2 // d[l - 1]), "np.sqrt(2 // layers_dims[l-1]). // is integer division: 2 // "
                             "4 is 0, so most layers get a factor of 0. Use true division, np.sqrt(2 / "
                             "layers_dims[l-1])", "whole", ("he",)),
    "floor_sqrt": ScaleRule(lambda l, d: np.floor(np.sqrt(2 / d[l - 1])), "a scale rounded down to a whole number (int(...) or "
                            "np.floor(...)): int(np.sqrt(2 / 4)) is int(0.707), which is 0. Multiply by np.sqrt(2 / "
                            "layers_dims[l-1]) itself, unrounded", "whole", ("he",)),
    "round_sqrt": ScaleRule(lambda l, d: np.round(np.sqrt(2 / d[l - 1])), "a scale rounded to a whole number (round(...) or "
                            "np.round(...)): np.sqrt(2 / 4) is 0.707, rounded 1. Multiply by np.sqrt(2 / layers_dims[l-1]) "
                            "itself, unrounded", None, ("he",)),
    "intdiv": ScaleRule(lambda l, d: float(2 // d[l - 1]), "2 // layers_dims[l-1] (or int(2 / layers_dims[l-1])): integer "
                        "division, or int(), gives a whole number (2 // 4 is 0), and the square root is missing. Use np.sqrt(2 / "
                        "layers_dims[l-1])", "whole", ("he",)),
    "intdiv_one": ScaleRule(lambda l, d: np.sqrt(1 // d[l - 1]), "np.sqrt(1 // layers_dims[l-1]): // is integer division (1 // 4 "
                            "is 0). Use true division /, and " + HE_WHY, "whole", ("he",)),
    **{f"decimals_{k}": ScaleRule(lambda l, d, k=k: np.round(np.sqrt(2 / d[l - 1]), k),
                                  f"a scale rounded to {k} decimal{'s' if k > 1 else ''} (np.round(..., {k}) or round(...)). Do "
                                  "not round: multiply by np.sqrt(2 / layers_dims[l-1]) itself",
                                  "rounded", ("he",)) for k in (1, 2, 3, 4)},
    "lecun": ScaleRule(lambda l, d: np.sqrt(1.0 / d[l - 1]), "LeCun's scale, sqrt(1 / layers_dims[l-1]) (some courses call it "
                       "Xavier). " + HE_WHY),
    "current": ScaleRule(lambda l, d: np.sqrt(2.0 / d[l]), "sqrt(2 / layers_dims[l]): the current layer's size where the "
                         "previous layer's size layers_dims[l-1] belongs"),
    "current_one": ScaleRule(lambda l, d: np.sqrt(1.0 / d[l]), "sqrt(1 / layers_dims[l]): the current layer's size, and 1 "
                             "instead of 2"),
    "no_sqrt": ScaleRule(lambda l, d: 2.0 / d[l - 1], "2 / layers_dims[l-1] without the square root: wrap it in np.sqrt(...)"),
    "no_sqrt_one": ScaleRule(lambda l, d: 1.0 / d[l - 1], "1 / layers_dims[l-1]: no square root, and 1 instead of 2"),
    "sqrt_two_over": ScaleRule(lambda l, d: np.sqrt(2.0) / d[l - 1], "np.sqrt(2) / layers_dims[l-1]: the square root must cover "
                               "the whole fraction, np.sqrt(2 / layers_dims[l-1])"),
    "two_over_sqrt": ScaleRule(lambda l, d: 2.0 / np.sqrt(d[l - 1]), "2 / np.sqrt(layers_dims[l-1]): the square root must cover "
                               "the whole fraction, np.sqrt(2 / layers_dims[l-1])"),
    "upside_down": ScaleRule(lambda l, d: np.sqrt(d[l - 1] / 2.0), "np.sqrt(layers_dims[l-1] / 2): the fraction is upside down; "
                             "multiply by np.sqrt(2 / layers_dims[l-1])"),
    "glorot": ScaleRule(lambda l, d: np.sqrt(2.0 / (d[l - 1] + d[l])), "Xavier/Glorot's scale, sqrt(2 / (layers_dims[l-1] + "
                        "layers_dims[l])). He counts only each unit's inputs: sqrt(2 / layers_dims[l-1])"),
    "index_l_minus_2": ScaleRule(lambda l, d: np.sqrt(2.0 / d[l - 2]), "np.sqrt(2 / layers_dims[l-2]): index l-2 reads the size "
                                 "two layers back (for layer 1, layers_dims[-1], the last entry). Layer l's inputs are "
                                 "layers_dims[l-1]", kinds=("he",)),
    "first_size": ScaleRule(lambda l, d: np.sqrt(2.0 / d[0]), "the same factor in every layer, np.sqrt(2 / layers_dims[0]): the "
                            "size is read once (layers_dims[0], or a variable set before the loop). Read it inside the loop, "
                            "layers_dims[l-1], so that each layer uses its own previous layer's size", kinds=("he",)),
    "layer_count": ScaleRule(lambda l, d: np.sqrt(2.0 / len(d)), "np.sqrt(2 / L) with L = len(layers_dims): the number of "
                             "entries in layers_dims where the previous layer's size, layers_dims[l-1], belongs", kinds=("he",)),
    "layer_count_1": ScaleRule(lambda l, d: np.sqrt(2.0 / (len(d) - 1)), "np.sqrt(2 / (L - 1)): the number of layers where the "
                               "previous layer's size, layers_dims[l-1], belongs", kinds=("he",)),
    "he": ScaleRule(lambda l, d: np.sqrt(2.0 / d[l - 1]), "He's scale sqrt(2 / layers_dims[l-1]), from exercise 3"),
    "he_times_10": ScaleRule(lambda l, d: 10.0 * np.sqrt(2.0 / d[l - 1]), {
        "he": "He's scale times 10: the * 10 belongs to exercise 2 only",
        "random": "10 times He's scale sqrt(2 / layers_dims[l-1]): this exercise multiplies by 10 alone; He's scale is exercise "
                  "3's"}),
    "plain": ScaleRule(lambda l, d: 1.0, "no scaling at all (plain randn)"),
    "ten": ScaleRule(lambda l, d: 10.0, "a factor of 10, the large random scheme of exercise 2"),
    "small": ScaleRule(lambda l, d: 0.01, "a factor of 0.01, the small random scheme"),
    "sqrt_two": ScaleRule(lambda l, d: np.sqrt(2.0), "sqrt(2) without dividing by the layer size"),
}
# Layer sizes on which two rules that are really the same formula agree, and different ones differ.
PROBES = ([7, 6, 5, 4, 3, 1], [1, 3, 2, 1], [12, 20, 15, 9, 4, 1], [3, 64, 1], [5, 4, 3, 2, 1])


def _values(rule, layers_dims):
    return [float(rule.fn(l, list(layers_dims))) for l, _, _ in shapes(layers_dims)]


def needed_factors(kind, layers_dims):
    """Return each layer's right factor for exercise ``kind``."""
    return [scale_for(kind, n_l, n_prev) for _, n_l, n_prev in shapes(layers_dims)]


def scale_candidates(factors, layers_dims, kind):
    """Return the ids of the rules that give every layer's factor on ``layers_dims`` (never the exercise's own)."""
    own = needed_factors(kind, layers_dims)
    values = {rule_id: _values(rule, layers_dims) for rule_id, rule in SCALE_RULES.items() if kind in rule.kinds}
    return [rule_id for rule_id, v in values.items() if not np.allclose(v, own, rtol=1e-12, atol=0)
            and all(np.isclose(f, x, rtol=1e-7, atol=1e-12) for f, x in zip(factors, v))]


def _same_formula(a, b):
    return all(np.allclose(_values(SCALE_RULES[a], d), _values(SCALE_RULES[b], d), rtol=1e-12, atol=0)
               for d in PROBES)


def uniform_factors(actual, layers_dims):
    """Return each layer's factor if every W<l> is the seeded standard-normal draw times one number, else None."""
    base = seeded_draw(layers_dims)
    if any(a.shape != b.shape for a, b in zip(actual, base)):
        return None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratios = [a / b for a, b in zip(actual, base)]
    factors = [float(np.median(r)) for r in ratios]
    return factors if all(np.allclose(r, f, rtol=1e-7, atol=1e-12) for r, f in zip(ratios, factors)) else None


def _wrong_layers(kind, factors, layers_dims):
    """Return the layers whose factor is not the one exercise ``kind`` needs."""
    return [l for (l, n_l, n_prev), f in zip(shapes(layers_dims), factors)
            if not np.isclose(f, scale_for(kind, n_l, n_prev), rtol=1e-9)]


def named_rule(kind, factors, layers_dims, others=()):
    """Return the description of the one rule (or family) that fits ``factors`` here and on every other wrong observation."""
    candidates = scale_candidates(factors, layers_dims, kind)
    for d, f in others:
        if f is not None and list(d) != list(layers_dims) and _wrong_layers(kind, f, d):
            elsewhere = scale_candidates(f, d, kind)
            candidates = [c for c in candidates if c in elsewhere]
    distinct = []
    for rule_id in candidates:
        if not any(_same_formula(rule_id, kept) for kept in distinct):
            distinct.append(rule_id)
    if len(distinct) == 1:
        description = SCALE_RULES[distinct[0]].description
        return description[kind] if isinstance(description, dict) else description
    families = {SCALE_RULES[r].family for r in distinct}
    if distinct and len(families) == 1 and None not in families:
        return FAMILIES[families.pop()]
    return None


def scale_message(kind, factors, layers_dims, others=()):
    """Explain weights that are the right draw times the wrong factor in some layer (None if every factor is right)."""
    wrong = _wrong_layers(kind, factors, layers_dims)
    if not wrong:
        return None
    layers, needed = list(shapes(layers_dims)), needed_factors(kind, layers_dims)
    named, l = named_rule(kind, factors, layers_dims, others), wrong[0]
    if named:
        return (f"W{l} has the right random numbers but the wrong scale: it uses {named}. Layer {l} needs a factor of "
                f"{needed[l - 1]:.6g}.")
    lead = (f"W{l} has the right random numbers but the wrong scale" if len(wrong) == 1 else
            "the weights have the right random numbers but the wrong scale")
    one_factor = len(set(np.round(factors, 12))) == 1
    found = (f"every layer uses a factor of {factors[0]:.6g}" if one_factor and len(factors) > 1 else
             f"it uses a factor of {factors[l - 1]:.6g}" if len(wrong) == 1 else
             ", ".join(f"W{k} uses a factor of {f:.6g}" for (k, _, _), f in zip(layers, factors)))
    if kind == "random":
        return (f"{lead}: {found}, where every layer needs a factor of 10: np.random.randn(layers_dims[l], layers_dims[l-1]) * "
                "10.")
    need = (f"layer {l} needs {needed[l - 1]:.6g}" if len(wrong) == 1 else
            ", ".join(f"W{k} needs {r:.6g}" for (k, _, _), r in zip(layers, needed)))
    text = (f"{lead}: {found}, where {need}. Layer l's factor is np.sqrt(2 / layers_dims[l-1]): the previous layer's size, index "
            "l-1, read inside the loop for each layer.")
    if one_factor and len(set(np.round(needed, 12))) > 1:
        text += (" One factor for every layer is what a size read once before the loop (such as layers_dims[0]) or a constant "
                 "gives.")
    return text
