import numpy as np

from init_utils import load_dataset


def test_dataset_shapes_and_labels():
    train_X, train_Y, test_X, test_Y = load_dataset(plot=False)
    assert train_X.shape == (2, 300) and train_Y.shape == (1, 300)
    assert test_X.shape == (2, 100) and test_Y.shape == (1, 100)
    assert set(np.unique(train_Y)) == {0, 1} and train_Y.sum() == 150


def test_dataset_is_the_seeded_draw_every_time():
    first = load_dataset(plot=False)
    np.random.seed(77)
    second = load_dataset(plot=False)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_dataset_points_lie_on_two_circles():
    train_X, train_Y, _, _ = load_dataset(plot=False)
    radius = np.hypot(*train_X)
    assert 0.6 < radius[train_Y[0] == 1].mean() < 1.0 < radius[train_Y[0] == 0].mean() + 0.1


def test_load_dataset_scatters_the_training_set():
    import matplotlib.pyplot as plt

    plt.figure()
    train_X, *_ = load_dataset()
    offsets = plt.gca().collections[0].get_offsets()
    np.testing.assert_array_equal(offsets, train_X.T)
    plt.close("all")
