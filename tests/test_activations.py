import numpy as np

from init_utils import relu, sigmoid


def test_sigmoid_values_and_shape():
    x = np.array([[0.0, 2.0, -2.0]])
    out = sigmoid(x)
    assert out.shape == (1, 3)
    np.testing.assert_allclose(out, [[0.5, 0.8807970779778823, 0.11920292202211755]], rtol=1e-15)


def test_sigmoid_saturates_to_exact_zero_and_one_without_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = sigmoid(np.array([-1000.0, 1000.0]))
    assert out[0] == 0.0 and out[1] == 1.0


def test_relu_clips_negatives_only():
    np.testing.assert_array_equal(relu(np.array([[-3.0, 0.0, 2.5]])), [[0.0, 0.0, 2.5]])
