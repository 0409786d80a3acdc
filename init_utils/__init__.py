"""Helpers for the initialization lesson: the course API plus training, plots and widgets.

The math modules import only numpy; training adds the compiled engine (numba, optional);
plots and widgets only read what they compute (tests/test_package.py keeps that layering).
``import init_utils`` stays light: plotting names load on first use, numba on the first ``train``.
"""
from .activations import relu, sigmoid
from .data import load_dataset, make_dataset
from .history import History
from .loss import compute_loss, compute_loss_from_logits
from .prediction import accuracy, predict, predict_dec
from .report import comparison_table
from .propagation import backward_propagation, forward_propagation, output_logits, update_parameters
from .training import TrainingInputError, train

_LAZY = {
    "plot_decision_boundary": "plotting",
    "plot_boundary": "plotting",
    "plot_costs": "plotting",
    "plot_dataset": "plotting",
}

__all__ = [
    "sigmoid", "relu", "compute_loss", "compute_loss_from_logits", "forward_propagation",
    "backward_propagation", "update_parameters", "output_logits", "predict", "predict_dec",
    "accuracy", "comparison_table", "load_dataset", "make_dataset", "History", "train", "TrainingInputError", *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'init_utils' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
