"""Turn the network's output into 0/1 labels. Imports only numpy."""
import numpy as np

from .propagation import forward_propagation


def predict_dec(parameters, X):
    """Return boolean predictions (1, m): True where the network's output is above 0.5."""
    aL, _ = forward_propagation(X, parameters)
    return aL > 0.5


def accuracy(predictions, Y):
    """Return the fraction of columns where predictions (1, m) equal labels Y (1, m)."""
    return np.mean(predictions[0, :] == Y[0, :])


def predict(X, y, parameters):
    """Print ``Accuracy: <value>`` on X (n_0, m) with labels y (1, m); return 0/1 ints (1, m)."""
    if isinstance(X, dict) or not isinstance(parameters, dict):
        raise TypeError(f"predict takes (X, y, parameters) in that order; got ({type(X).__name__}, "
                        f"{type(y).__name__}, {type(parameters).__name__}). Call predict(train_X, train_Y, parameters).")
    p = predict_dec(parameters, X).astype(np.int64)
    if np.shape(y) != p.shape:
        raise ValueError(f"y must have shape {p.shape} to match X {np.shape(X)}, one column per example; got "
                         f"{np.shape(y)}. Reshape with y.reshape(1, -1).")
    print("Accuracy: " + str(accuracy(p, y)))
    return p
