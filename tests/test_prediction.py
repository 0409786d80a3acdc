import numpy as np
import pytest

from init_utils import predict, predict_dec


def one_layer(weight, bias=0.0):
    return {"W1": np.array([[weight]]), "b1": np.array([[bias]])}


def test_predict_prints_accuracy_and_returns_int_zero_one(capsys):
    X = np.array([[-2.0, -1.0, 1.0, 2.0]])
    Y = np.array([[0, 0, 1, 0]])
    p = predict(X, Y, one_layer(5.0))
    assert capsys.readouterr().out == "Accuracy: 0.75\n"
    assert p.shape == (1, 4) and np.issubdtype(p.dtype, np.integer)
    np.testing.assert_array_equal(p, [[0, 0, 1, 1]])


def test_predict_threshold_is_strictly_above_one_half():
    X = np.array([[0.0, 1e-9]])
    np.testing.assert_array_equal(predict_dec(one_layer(1.0), X), [[False, True]])


def test_predict_dec_returns_booleans():
    assert predict_dec(one_layer(1.0), np.array([[3.0]])).dtype == bool


def test_predict_with_1d_labels_says_to_reshape(capsys):
    with pytest.raises(ValueError, match=r"y must have shape \(1, 4\) to match X \(1, 4\).*got \(4,\)"):
        predict(np.ones((1, 4)), np.ones(4), one_layer(1.0))
    assert capsys.readouterr().out == ""


def test_predict_with_arguments_in_the_wrong_order_names_the_order():
    with pytest.raises(TypeError, match=r"predict takes \(X, y, parameters\) in that order; got \(dict, ndarray, ndarray\)"):
        predict(one_layer(1.0), np.ones((1, 4)), np.ones((1, 4)))


def test_predict_with_x_transposed_says_to_pass_x_t():
    with pytest.raises(ValueError, match=r"W1 \(1, 2\).*input X \(4, 2\).*pass X.T"):
        predict(np.ones((4, 2)), np.ones((1, 4)), {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))})
