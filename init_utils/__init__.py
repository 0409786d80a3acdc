"""The initialization lesson's helpers: the course API, training, tables, plots and widgets.

``import init_utils`` stays light: plotting names load on first use, numba on the first ``train``.
"""
from .activations import relu, sigmoid
from .data import load_dataset
from .history import History
from .inputs import TrainingInputError
from .loss import compute_loss, compute_loss_from_logits
from .prediction import accuracy, predict, predict_dec
from .report import comparison_table
from .propagation import backward_propagation, forward_propagation, output_logits, update_parameters
from .training import train

_PLOTTING = ("plot_decision_boundary", "plot_boundary", "plot_costs", "plot_dataset")

__all__ = [
    "sigmoid", "relu", "compute_loss", "compute_loss_from_logits", "forward_propagation",
    "backward_propagation", "update_parameters", "output_logits", "predict", "predict_dec",
    "accuracy", "comparison_table", "load_dataset", "History", "train", "TrainingInputError", *_PLOTTING,
]


def __getattr__(name):
    if name in _PLOTTING:
        from . import plotting

        return getattr(plotting, name)
    raise AttributeError(f"module 'init_utils' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
