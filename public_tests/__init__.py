"""Self-checks for the initialization exercises.

Call each with your function, e.g. ``initialize_parameters_he_test(initialize_parameters_he)``.
"""
from .initializer_checks import run_check


def initialize_parameters_zeros_test(target):
    """Check ``target`` builds every W<l> and b<l> as float64 zeros of the right shapes."""
    __tracebackhide__ = True
    run_check("zeros", target)


def initialize_parameters_random_test(target):
    """Check ``target`` draws randn * 10 after np.random.seed(3), with zero biases."""
    __tracebackhide__ = True
    run_check("random", target)


def initialize_parameters_he_test(target):
    """Check ``target`` draws randn * sqrt(2 / layers_dims[l-1]) after np.random.seed(3)."""
    __tracebackhide__ = True
    run_check("he", target)


__all__ = ["initialize_parameters_zeros_test", "initialize_parameters_random_test", "initialize_parameters_he_test"]
