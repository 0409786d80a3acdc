"""The two-circles dataset, one column per example; load_dataset, as in the course, also plots it."""
import numpy as np


def load_dataset(plot=True):
    """Return train_X (2, 300), train_Y (1, 300), test_X (2, 100), test_Y (1, 100) and, if ``plot``, scatter the first two.

    The course's draws: the global numpy generator is seeded with 1, then 2, so every learner gets the same points.
    """
    from sklearn.datasets import make_circles  # loaded on first use: scikit-learn is slow to import

    np.random.seed(1)
    train_X, train_Y = make_circles(n_samples=300, noise=0.05)
    np.random.seed(2)
    test_X, test_Y = make_circles(n_samples=100, noise=0.05)
    train_X, train_Y = train_X.T, train_Y.reshape(1, -1)
    if plot:
        from .plotting import plot_dataset

        plot_dataset(train_X, train_Y)
    return train_X, train_Y, test_X.T, test_Y.reshape(1, -1)
