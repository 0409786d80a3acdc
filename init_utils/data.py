"""The two-circles dataset: one column per example.

scikit-learn draws the circles; load_dataset, as in the course, also plots the training set.
"""
import numpy as np


def make_dataset():
    """Return train_X (2, 300), train_Y (1, 300), test_X (2, 100), test_Y (1, 100).

    Seeds the global numpy generator with 1 before the training draw and 2 before
    the test draw, as the course does, so every learner gets the same points.
    """
    from sklearn.datasets import make_circles

    np.random.seed(1)
    train_X, train_Y = make_circles(n_samples=300, noise=0.05)
    np.random.seed(2)
    test_X, test_Y = make_circles(n_samples=100, noise=0.05)
    return train_X.T, train_Y.reshape(1, -1), test_X.T, test_Y.reshape(1, -1)


def load_dataset(plot=True):
    """Return train_X, train_Y, test_X, test_Y and, as the course does, scatter the training set."""
    train_X, train_Y, test_X, test_Y = make_dataset()
    if plot:
        from .plotting import plot_dataset

        plot_dataset(train_X, train_Y)
    return train_X, train_Y, test_X, test_Y
