"""Self-checks for the exercises, e.g. ``initialize_parameters_he_test(initialize_parameters_he)``; ``grader_cases=True`` also
tries the deeper and wider networks the grader tries."""
from . import limits
from .initializer_checks import run_check


def initialize_parameters_zeros_test(target, grader_cases=False):
    """Check ``target`` builds every W<l> and b<l> as float64 zeros of the right shapes."""
    __tracebackhide__ = True
    run_check("zeros", target, grader_cases)


def initialize_parameters_random_test(target, grader_cases=False):
    """Check ``target`` draws randn * 10 after np.random.seed(3), with zero biases."""
    __tracebackhide__ = True
    run_check("random", target, grader_cases)


def initialize_parameters_he_test(target, grader_cases=False):
    """Check ``target`` draws randn * sqrt(2 / layers_dims[l-1]) after np.random.seed(3)."""
    __tracebackhide__ = True
    run_check("he", target, grader_cases)


def print_parameters(target, layers_dims):
    """Print what ``target(layers_dims)`` returns, one array per line, so a failing learner still sees their arrays."""
    name, seconds = getattr(target, "__name__", "your function"), limits.SECONDS
    try:
        parameters = limits.limited(target, seconds)(list(layers_dims))
    except limits.TooSlow as slow:
        print(f"{limits.too_slow(name, seconds, limits.running(slow, target))} The check below explains.")
        return
    except KeyboardInterrupt as interrupt:
        raise limits.stopped("print_parameters", name, limits.running(interrupt, target)) from None
    except Exception as error:  # the self-check below reports it with a hint and the traceback
        print(f"{name}({layers_dims}) raised {type(error).__name__}: {error}. The check below explains.")
        return
    if not isinstance(parameters, dict):
        print(f"returned {parameters!r}")
        return
    for key, value in parameters.items():
        print(f"{key} = {value}")


__all__ = ["initialize_parameters_zeros_test", "initialize_parameters_random_test", "initialize_parameters_he_test",
           "print_parameters"]
