"""Wrong keys: the dict returned has missing, extra or misspelled 'W<l>' / 'b<l>' keys."""
from types import SimpleNamespace

from .exercises import shapes
from init_utils.inputs import count

from .mistakes import first_message
from .observation import Opaque


def show_key(key):
    """Quote a key, or name the type of one the grader only knows as an Opaque."""
    return repr(key) if not isinstance(key, Opaque) else f"<{key.type_name}>"


def shown_keys(keys):
    """List keys as the notebook would print the list: ['W1', 'W2']."""
    return f"[{', '.join(sorted(map(show_key, keys)))}]"


def _numbered(f):
    """The layer numbers of the string keys that are a letter and a number."""
    return sorted({int(k[1:]) for k in f.keys if isinstance(k, str) and k[1:].isdigit()})


def _built(f):
    return sorted(int(k[1:]) for k in f.keys if isinstance(k, str) and k[:1] == "W" and k[1:].isdigit())


def _near(f):
    squeezed = ((k, "".join(c for c in k if c.isalnum())) for k in f.strings)
    return next(((k, s) for k, s in squeezed if s in f.missing and s != k), None)


def _shifted_up(f):
    prefixes = {k[0] for k in f.missing}
    if [f"{p}1" for p in sorted(prefixes)] == sorted(f.missing) and (
            sorted(f.extra) == sorted(f"{p}{f.L + 1}" for p in prefixes)):
        return " and ".join(repr(p) for p in sorted(prefixes, reverse=True))
    return None


def _too_few(f):
    built = _built(f)
    return not f.extra and built and built == list(range(1, len(built) + 1)) and len(built) < f.L


KEY_MISTAKES = (
    (lambda f: next(((k, m) for k in f.strings for m in f.missing if k.lower() == m.lower()), None),
     lambda f, pair: f"keys are case-sensitive: use {pair[1]!r}, not {pair[0]!r} (capital W for weights, lower-case "
     "b for biases: 'W' + str(l) and 'b' + str(l))."),
    (lambda f: any(k in ("Wl", "bl", "W_l", "b_l", "Wi", "bi") for k in f.strings),
     lambda f, _: f"a key holds the letter of the loop variable instead of its value (found {shown_keys(f.strings)}): "
     "write 'W' + str(l), which gives 'W1', 'W2', ..."),
    (_near, lambda f, pair: f"found the key {pair[0]!r} where {pair[1]!r} belongs: a key is the letter and the layer number "
     "only, with no spaces, brackets or other marks: 'W' + str(l) gives 'W1'."),
    (_shifted_up, lambda f, names: f"the keys are numbered one too high: {sorted(f.missing, reverse=True)} missing and "
     f"{sorted(f.extra, reverse=True)} extra. Layer l's keys are {names} + str(l) with the loop's own l (not l + 1), for l in "
     "range(1, L)."),
    (lambda f: not f.extra and sorted(f.missing) == ["W1", "b1"] and f.L > 1,
     "layer 1 is missing: there is no 'W1' or 'b1'. The loop must start at 1: for l in range(1, L), with L = len(layers_dims)."),
    (lambda f: any(not isinstance(k, str) for k in f.extra),
     lambda f, _: f"keys must be strings like 'W1' and 'b1'; found {shown_keys(f.extra)}. "
     "Write parameters['W' + str(l)] = ..."),
    (lambda f: _numbered(f) == [1] and f.L == 2 and not f.extra,
     "the last layer is missing: there is no 'W2' or 'b2'. With L = len(layers_dims), loop over range(1, L) so that l reaches L "
     "- 1 (and if 'return parameters' is indented inside the loop, move it after the loop)."),
    (lambda f: _numbered(f) == [1] and f.L > 2 and not f.extra and ", ".join(f"'W{k}'" for k in range(2, f.L + 1)),
     lambda f, gone: f"only layer 1 is there ({gone} missing). Is 'return parameters' indented inside the loop, so that the "
     "function returns after the first layer? It belongs after the loop, and the loop runs over range(1, L) with L = "
     "len(layers_dims)."),
    (lambda f: f.missing == [f"W{f.L}", f"b{f.L}"] and not f.extra,
     lambda f, _: f"the last layer is missing: there is no 'W{f.L}' or 'b{f.L}' ({f.L - 1} of the {f.L} layers of "
     f"{list(f.layers_dims)} are there). Build the layers in a loop over range(1, L), L = len(layers_dims), so that l reaches L "
     "- 1 and the number of layers follows layers_dims: a loop that stops early, or a fixed set of layers written out one by "
     "one, misses the last one."),
    (_too_few, lambda f, _: f"only {count(len(_built(f)), 'layer')} of {f.L} {'is' if len(_built(f)) == 1 else 'are'} there: "
     f"{f.missing} missing for layers_dims {list(f.layers_dims)}. Build them in a loop, for l in range(1, len(layers_dims)), so "
     "that the number of layers follows layers_dims: a loop that stops early or a fixed set of layers written out one by one "
     "misses the last ones."),
    (lambda f: "W0" in f.extra or "b0" in f.extra,
     "layers are numbered from 1: found key 'W0' or 'b0'. Loop over range(1, L) and read layers_dims[l] and layers_dims[l-1]."),
    (lambda f: f.extra and not f.missing and all(k in (f"W{f.L + 1}", f"b{f.L + 1}") for k in f.extra),
     lambda f, _: f"one layer too many: found {f.extra}. layers_dims {list(f.layers_dims)} has {f.L} weight layers: build them "
     "from layers_dims, for l in range(1, len(layers_dims)), never from a fixed count."),
    (lambda f: True, lambda f, _: f"the keys must be exactly {f.expected}; got {shown_keys(f.keys)}."
     + (f" Missing: {f.missing}." if f.missing else "")
     + (f" Not expected: {shown_keys(f.extra)}." if f.extra else "")),
)


def key_problems(keys, layers_dims):
    """Return messages about missing, extra or misspelled keys (empty when the keys are exactly right)."""
    expected = [f"{p}{l}" for l, _, _ in shapes(layers_dims) for p in "Wb"]
    extra = [k for k in keys if k not in expected]
    facts = SimpleNamespace(keys=list(keys), layers_dims=list(layers_dims), expected=expected, extra=extra,
                            missing=[k for k in expected if k not in keys], L=len(layers_dims) - 1,
                            strings=[k for k in extra if isinstance(k, str)])
    if not facts.missing and not facts.extra:
        return []
    return [first_message(KEY_MISTAKES, facts)]
