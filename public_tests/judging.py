"""Judge one observation by the tables of mistakes, running no learner code (the grader judges in its parent process)."""
import numpy as np

from .draws import expected_weights, same_weights
from .error_mistakes import error_problem
from .exercises import shapes
from .key_mistakes import key_problems
from init_utils.inputs import article
from .observation import Opaque
from .scale_mistakes import uniform_factors
from .shape_mistakes import dims_problem, implied_dims
from .value_mistakes import array_problems, bias_problems, nonzero_weights
from .weight_mistakes import diagnose_weights


def _parameters(result):
    """The returned dict with each value an array, or an Opaque naming what else it is."""
    return {k: v if type(v) is np.ndarray or isinstance(v, Opaque) else Opaque.of(v) for k, v in dict.items(result)}


def _weights(parameters, layers_dims):
    return [parameters[f"W{l}"] for l, _, _ in shapes(layers_dims)]


def result_problems(exercise, result, layers_dims, others=()):
    """Return problems with one returned value up to (not including) the weights' values; also the dict."""
    name = exercise.name
    if result is None:
        return [f"{name} returned None: end it with 'return parameters'."], None
    if isinstance(result, Opaque) or not isinstance(result, dict):
        kind = result.type_name if isinstance(result, Opaque) else type(result).__name__
        return [f"{name} returned {article(kind)}; it must return a dict mapping 'W1', 'b1', ... to numpy arrays."], None
    if not result:
        return [f"{name} returned an empty dict: nothing was stored. Inside the loop, set parameters['W' + str(l)] and "
                "parameters['b' + str(l)]."], None
    parameters = _parameters(result)
    wrong_dims = dims_problem(parameters, layers_dims, others)
    if wrong_dims:
        return [wrong_dims], parameters
    return key_problems(list(parameters), layers_dims) or array_problems(exercise, parameters, layers_dims), parameters


def _summary(exercise, observation):
    """(layers_dims, the shapes' implied layers_dims, the weights' factors or None), or None without a dict."""
    calls = observation.calls
    result = calls[0].result if calls and calls[0].error is None else None
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
    """Return every problem the observation shows (none: it passes); ``others`` only sharpen the message."""
    with np.errstate(all="ignore"):  # weights near the float limits: the tables compute with them, silently
        return _judge(exercise, observation, others)


def _judge(exercise, observation, others):
    layers_dims = list(observation.layers_dims)
    summaries = [s for s in (_summary(exercise, o) for o in others if list(o.layers_dims) != layers_dims) if s]
    first = observation.calls[0]
    if first.error is not None:
        return [error_problem(exercise, first, True)]
    if first.argument_after is not None and list(first.argument_after) != layers_dims:
        return [f"{exercise.name} changed the layers_dims list it was given (now {list(first.argument_after)}). Read "
                "layers_dims, never modify it."]
    problems, parameters = result_problems(exercise, first.result, layers_dims, [(d, seen) for d, seen, _ in summaries])
    if problems:
        return problems
    biases = bias_problems(exercise, parameters, layers_dims)
    return biases + weight_problems(exercise, observation, parameters, bool(biases), [(d, f) for d, _, f in summaries])


def _repeated(exercise, call, weights, layers_dims):
    """Judge another call's result: (its problems up to the weights, whether its weights equal ``weights``)."""
    problems, parameters = result_problems(exercise, call.result, layers_dims)
    return problems, not problems and all(np.array_equal(a, b) for a, b in zip(weights, _weights(parameters, layers_dims)))


def weight_problems(exercise, observation, parameters, biases_wrong, others=()):
    """Return problems with the weights' values; right ones must come again from the second call, after another seed."""
    layers_dims = list(observation.layers_dims)
    weights = _weights(parameters, layers_dims)
    second = observation.calls[1] if len(observation.calls) > 1 else None
    if (not any(np.any(W) for W in weights) if exercise.kind == "zeros" else
            same_weights(weights, expected_weights(exercise.kind, layers_dims))):
        if biases_wrong or second is None:
            return []
        if second.error is not None:
            return [error_problem(exercise, second, False)]
        problems, same = _repeated(exercise, second, weights, layers_dims)
        return [] if same else [
            f"{exercise.name} is right on its first call only: called again, it returned different parameters"
            + (f" ({problems[0]})" if problems else "") + ". It must return the same parameters on every call: seed with "
            "np.random.seed(3) at the top of the function each time it runs, and keep nothing from one call to the next."]
    if exercise.kind == "zeros":
        return nonzero_weights(weights, layers_dims)
    if second is not None and second.error is None:
        again, same = _repeated(exercise, second, weights, layers_dims)
        if not again and not same:
            return ["your function returns different weights each time it runs: the seed is missing, or comes after a draw, so "
                    "the numbers depend on whatever numpy's generator did before the call. Call np.random.seed(3) at the very "
                    "top of the function (numpy's seed, not the random module's), before the loop."]
    return [diagnose_weights(exercise.kind, weights, layers_dims, others)]
