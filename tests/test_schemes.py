"""Built-in schemes carry their strict names and draw the exercises' numbers without touching numpy's state."""
import numpy as np
import pytest

from init_utils.schemes import SCALES, builtin_initializer, custom_initializer


def test_the_table_names_five_scales_strictly_with_their_factors():
    assert list(SCALES) == ["x0.01", "LeCun", "Xavier/Glorot", "He", "x1"]  # sqrt(1/n) is LeCun's, never "Xavier"
    expected = {"x0.01": 0.01, "LeCun": np.sqrt(1 / 4), "Xavier/Glorot": np.sqrt(2 / 9), "He": np.sqrt(2 / 4), "x1": 1.0}
    for name, scale in SCALES.items():
        assert scale.factor(5, 4) == pytest.approx(expected[name], rel=1e-15)


def test_an_unknown_scale_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown schemes \['Xavier'\]; choose among \['x0.01', 'LeCun'"):
        builtin_initializer("Xavier")


def test_builtin_scheme_is_seed_3_randn_scaled_and_leaves_global_state_alone():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    parameters = builtin_initializer("LeCun")([2, 10, 5, 1])
    assert np.array_equal(np.random.get_state()[1], before)
    rng = np.random.RandomState(3)
    for l, (n_l, n_prev) in enumerate([(10, 2), (5, 10), (1, 5)], start=1):
        np.testing.assert_array_equal(parameters[f"W{l}"], rng.randn(n_l, n_prev) * np.sqrt(1 / n_prev))
        assert not parameters[f"b{l}"].any() and parameters[f"b{l}"].shape == (n_l, 1)


def test_custom_scale_multiplies_every_layer():
    one, three = custom_initializer(1.0)([2, 4, 1]), custom_initializer(3.0)([2, 4, 1])
    for key in one:
        np.testing.assert_array_equal(three[key], one[key] * 3.0)
