"""Judge one observation: return every problem it shows, or nothing when the function is right. Pure.

``judge`` runs no learner code: it reads an Observation (see observation.py), in the notebook
or, from its portable form, in the grader's parent process. The mistake tables say what is wrong.
"""
import numpy as np

from .draws import expected_weights
from .error_mistakes import error_problem
from .exercises import TOLERANCE, shapes
from .key_mistakes import key_problems
from .observation import Opaque
from .scale_mistakes import uniform_factors
from .shape_mistakes import dims_problem, implied_dims
from .value_mistakes import array_problems, bias_problems, nonzero_weights
from .weight_mistakes import diagnose_weights
from .wording import article


def describe(value):
    """Return the array, or an Opaque naming what else it is."""
    if type(value) is np.ndarray or isinstance(value, Opaque):
        return value
    return Opaque.of(value)


def _parameters(result):
    return {k: describe(dict.__getitem__(result, k)) for k in dict.keys(result)}


def _weights(parameters, layers_dims):
    return [parameters[f"W{l}"] for l, _, _ in shapes(layers_dims)]


def _matches(kind, weights, layers_dims):
    if kind == "zeros":
        return all(not np.any(W) for W in weights)
    return all(np.allclose(a, e, **TOLERANCE) for a, e in zip(weights, expected_weights(kind, layers_dims)))


def result_problems(exercise, result, layers_dims, others=()):
    """Return problems with one returned value up to (not including) the weights' values; also the dict."""
    name = exercise.name
    if result is None:
        return [f"{name} returned None: end it with 'return parameters'."], None
    if isinstance(result, Opaque) or not isinstance(result, dict):
        kind = result.type_name if isinstance(result, Opaque) else type(result).__name__
        return [f"{name} returned {article(kind)}; it must return a dict mapping 'W1', 'b1', ... to numpy arrays."], None
    if not result:
        return [f"{name} returned an empty dict: nothing was stored. Inside the loop, set "
                "parameters['W' + str(l)] and parameters['b' + str(l)]."], None
    parameters = _parameters(result)
    wrong_dims = dims_problem(parameters, layers_dims, others)
    if wrong_dims:
        return [wrong_dims], parameters
    problems = key_problems(list(parameters), layers_dims) or array_problems(exercise, parameters, layers_dims)
    return problems, parameters


def _summary(exercise, observation):
    """(layers_dims, the shapes' implied layers_dims, the weights' factors or None), or None without a dict."""
    first = observation.calls[0] if observation.calls else None
    result = first.result if first is not None and first.error is None else None
    if not isinstance(result, dict) or not result:
        return None
    parameters, d = _parameters(result), list(observation.layers_dims)
    factors = None
    if exercise.kind != "zeros" and not key_problems(list(parameters), d):
        weights = _weights(parameters, d)
        if all(type(W) is np.ndarray and W.dtype.kind == "f" and np.all(np.isfinite(W)) for W in weights):
            factors = uniform_factors(weights, d)
    return d, implied_dims(parameters), factors


def judge(exercise, observation, others=()):
    """Return every problem the observation shows for one layers_dims (empty if it passes). Pure.

    ``others``: observations of the same function on other layers_dims, if any. They only sharpen the
    message (a scale rule is named only if it fits them too; the same shapes for another list are named);
    they never change the verdict.
    """
    layers_dims = list(observation.layers_dims)
    summaries = [s for s in (_summary(exercise, o) for o in others if list(o.layers_dims) != layers_dims) if s]
    first = observation.calls[0]
    if first.error is not None:
        return [error_problem(exercise, first, True)]
    if first.argument_after is not None and list(first.argument_after) != layers_dims:
        return [f"{exercise.name} changed the layers_dims list it was given (now {list(first.argument_after)}). "
                "Read layers_dims, never modify it."]
    seen_dims = [(d, implied) for d, implied, _ in summaries if implied is not None]
    problems, parameters = result_problems(exercise, first.result, layers_dims, seen_dims)
    if problems:
        return problems
    biases = bias_problems(exercise, parameters, layers_dims)
    seen_factors = [(d, f) for d, _, f in summaries]
    return biases + weight_problems(exercise, observation, parameters, bool(biases), seen_factors)


def weight_problems(exercise, observation, parameters, biases_wrong, others=()):
    """Return problems with the weights' values, over both calls."""
    layers_dims = list(observation.layers_dims)
    weights = _weights(parameters, layers_dims)
    if _matches(exercise.kind, weights, layers_dims):
        return [] if biases_wrong else _second_call_problems(exercise, observation, weights)
    if exercise.kind == "zeros":
        return nonzero_weights(weights, layers_dims)
    second = observation.calls[1] if len(observation.calls) > 1 else None
    if second is not None and second.error is None:
        again, other = result_problems(exercise, second.result, layers_dims)
        if not again and not all(np.array_equal(a, b) for a, b in zip(weights, _weights(other, layers_dims))):
            return ["your function returns different weights each time it runs: the seed is missing, or comes "
                    "after a draw, so the numbers depend on whatever numpy's generator did before the call. "
                    "Call np.random.seed(3) at the very top of the function (numpy's seed, not the random "
                    "module's), before the loop."]
    return [diagnose_weights(exercise.kind, weights, layers_dims, others)]


def _second_call_problems(exercise, observation, weights):
    """The first call was right: the second, after another seed, must give the same parameters."""
    if len(observation.calls) < 2:
        return []
    second = observation.calls[1]
    if second.error is not None:
        return [error_problem(exercise, second, False)]
    layers_dims = list(observation.layers_dims)
    problems, parameters = result_problems(exercise, second.result, layers_dims)
    if not problems and all(np.array_equal(a, b) for a, b in zip(weights, _weights(parameters, layers_dims))):
        return []
    return [f"{exercise.name} is right on its first call only: called again, it returned different parameters"
            + (f" ({problems[0]})" if problems else "") + ". It must return the same parameters on every call: "
            "seed with np.random.seed(3) at the top of the function each time it runs, and keep nothing from "
            "one call to the next."]
