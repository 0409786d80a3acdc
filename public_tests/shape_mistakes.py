"""Wrong shapes: a W<l> or b<l> of the wrong shape, or weights that chain into another network than layers_dims."""
from types import SimpleNamespace

import numpy as np

from init_utils.inputs import count

from .mistakes import first_message


# (the shapes a mistake gives, from n_l and n_prev; what the message says after its head, {l} being the layer)
WEIGHT_SHAPES = (
    (lambda n, p: [(p, n)], ": it is transposed. Rows are the units of layer {l} (layers_dims[l]), columns the units of layer "
     "l-1 (layers_dims[l-1])."),
    (lambda n, p: [(n, n)], ": layers_dims[l] is used for both sizes; the second must be layers_dims[l-1]."),
    (lambda n, p: [(p, p)], ": layers_dims[l-1] is used for both sizes; the first must be layers_dims[l]."),
    (lambda n, p: [(n,), (p,)], ": it is 1-D. Give both sizes: (layers_dims[l], layers_dims[l-1])."),
)
BIAS_SHAPES = (
    (lambda n, p: [(n,)], ": it is 1-D. Write np.zeros((layers_dims[l], 1)) with the trailing 1."),
    (lambda n, p: [(1, n)], ": it is transposed. Use np.zeros((layers_dims[l], 1))."),
    (lambda n, p: [(p, 1)], ": it uses the previous layer's size; biases have one entry per unit of layer {l}."),
    (lambda n, p: [(n, p)], ": it has the weights' shape. A bias has one entry per unit: np.zeros((layers_dims[l], 1))."),
)


def shape_problem(key, actual, n_l, n_prev):
    """Return a message if ``actual`` is not the shape key (W<l> or b<l>) must have, else None."""
    want = (n_l, n_prev) if key[0] == "W" else (n_l, 1)
    if actual == want:
        return None
    said = next((text for shapes_of, text in (WEIGHT_SHAPES if key[0] == "W" else BIAS_SHAPES)
                 if actual in shapes_of(n_l, n_prev)), ".")
    return f"{key} has shape {actual}; it must be {want}{said.format(l=key[1:])}"


def implied_dims(parameters):
    """Return the layers_dims the weights' shapes describe (W1, W2, ... chained), or None if they do not chain."""
    dims = None
    for l in range(1, len(parameters) + 1):
        W = parameters.get(f"W{l}")
        if W is None:
            break
        if type(W) is not np.ndarray or W.ndim != 2 or (dims is not None and W.shape[1] != dims[-1]):
            return None
        dims = [W.shape[1], W.shape[0]] if dims is None else dims + [W.shape[0]]
    return dims


FIXED_COUNT = (lambda f: next((list(o) for o, seen in f.others if seen is not None and len(seen) == len(f.implied)
                               and len(o) != len(f.given)), None), lambda f, other: (
    f"the function builds {count(len(f.implied) - 1, 'layer')} whatever it is given: {len(f.implied) - 1} for {other} and "
    f"{len(f.implied) - 1} for {f.given}, which has {len(f.given) - 1}. The number of layers must come from the parameter, L = "
    "len(layers_dims), with a loop over range(1, L): not from a fixed number, a name defined elsewhere in the notebook (such as "
    "a global L), or layers written out one by one."))
OTHER_NETWORK = (
    (lambda f: f.implied == f.given[::-1], lambda f, _: f"{f.head}, which is that list reversed. Read layers_dims as given: W<l> "
     "is (layers_dims[l], layers_dims[l-1]); do not reverse or sort it."),
    (lambda f: f.implied == sorted(f.given) or f.implied == sorted(f.given, reverse=True),
     lambda f, _: f"{f.head}, which is that list sorted. Read layers_dims as given, without sorting it."),
    (lambda f: next((list(o) for o, seen in f.others if seen == f.implied and list(o) != f.given), None),
     lambda f, other: f"{f.head}; given {other}, it built exactly the same shapes. The function ignores its "
     "parameter: build every shape from layers_dims, the list it is given, not from a list defined elsewhere in the notebook or "
     "from fixed numbers."),
)


def dims_problem(parameters, layers_dims, others=()):
    """Return a message when the weights' shapes describe another network than ``layers_dims``, else None."""
    implied, given = implied_dims(parameters), list(layers_dims)
    if implied is None or implied == given or len(implied) < 3 or len(given) < 3:
        return None
    head = f"the weights' shapes describe a network with layers_dims {implied}, but the function was given {given}"
    facts = SimpleNamespace(implied=implied, given=given, others=tuple(others), head=head)
    if implied == given[:len(implied)]:
        return first_message((FIXED_COUNT,), facts)  # else the first layers are right: key_problems names the rest
    if given == implied[:len(given)]:
        return None  # key_problems names the extra ones
    return first_message(OTHER_NETWORK, facts) or (
        f"{facts.head}. Build every shape from the function's own parameter: W<l> is (layers_dims[l], layers_dims[l-1]) for l in "
        "range(1, len(layers_dims)). A list defined elsewhere in the notebook, or fixed numbers, give the same shapes whatever "
        "the function is given.")
