import numpy as np
import pytest

from init_utils import backward_propagation, compute_loss, forward_propagation, output_logits, update_parameters
from reference import initialize_parameters_he


@pytest.fixture
def net():
    rng = np.random.default_rng(0)
    layers_dims = [3, 6, 5, 4, 1]
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters[f"W{l}"] = rng.standard_normal((layers_dims[l], layers_dims[l - 1])) * 0.8
        parameters[f"b{l}"] = rng.standard_normal((layers_dims[l], 1)) * 0.1
    X = rng.standard_normal((3, 7))
    Y = (rng.random((1, 7)) > 0.5).astype(float)
    return X, Y, parameters


def test_forward_returns_output_of_shape_1_m_and_course_cache_layout():
    parameters = initialize_parameters_he([2, 10, 5, 1])
    X = np.ones((2, 4))
    a3, cache = forward_propagation(X, parameters)
    assert a3.shape == (1, 4)
    assert len(cache) == 12
    z1, a1, W1, b1 = cache[:4]
    assert z1.shape == (10, 4) and W1 is parameters["W1"] and b1 is parameters["b1"]
    assert np.array_equal(a1, np.maximum(z1, 0))
    assert cache[9] is a3 and output_logits(cache) is cache[8]


def test_backward_gradients_match_finite_differences_on_a_deeper_net(net):
    X, Y, parameters = net
    _, cache = forward_propagation(X, parameters)
    grads = backward_propagation(X, Y, cache)
    eps = 1e-6
    for key, value in parameters.items():
        assert grads["d" + key].shape == value.shape
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + eps
            plus = compute_loss(forward_propagation(X, parameters)[0], Y)
            value[index] = original - eps
            minus = compute_loss(forward_propagation(X, parameters)[0], Y)
            value[index] = original
            numeric[index] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(grads["d" + key], numeric, rtol=1e-5, atol=1e-8, err_msg=key)


def test_backward_returns_the_course_gradient_names():
    parameters = initialize_parameters_he([2, 10, 5, 1])
    X = np.random.default_rng(1).standard_normal((2, 5))
    _, cache = forward_propagation(X, parameters)
    grads = backward_propagation(X, np.ones((1, 5)), cache)
    assert set(grads) == {"dz3", "dW3", "db3", "da2", "dz2", "dW2", "db2", "da1", "dz1", "dW1", "db1"}


def test_update_takes_one_step_against_the_gradient():
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[10.0, -10.0]]), "db1": np.array([[1.0]])}
    out = update_parameters(parameters, grads, 0.1)
    assert out is parameters
    np.testing.assert_allclose(out["W1"], [[0.0, 3.0]])
    np.testing.assert_allclose(out["b1"], [[0.4]])


def test_forward_propagation_with_x_transposed_says_to_pass_x_t(net):
    X, _, parameters = net
    with pytest.raises(ValueError, match=r"layer 1: W1 \(6, 3\) and b1 \(6, 1\) do not fit its input X \(7, 3\).*pass X.T"):
        forward_propagation(X.T, parameters)
