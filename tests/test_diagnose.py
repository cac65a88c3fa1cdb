"""Each mistake the diagnosis claims to recognise, named in plain words; hidden messages reveal nothing."""
import re

import numpy as np
import pytest

from autograder import GRAD_TOL, VALUE_TOL, check_close, diagnose
from autograder.records import decode, encode

RNG = np.random.default_rng(7)
W = RNG.normal(size=(4, 3))
G = RNG.normal(size=(4, 3))        # a "right" gradient dL_dW with W's shape


def say(got, expected=G, **kw):
    kw.setdefault("tol", GRAD_TOL)
    return diagnose("dL_dW", got, expected, **kw)


def test_correct_answer_passes():
    assert say(G.copy()) is None
    assert say(G * (1 + 1e-9)) is None


@pytest.mark.parametrize("got, words", [
    (None, ["dL_dW is None", "return"]),
    ((G, G), ["tuple of 2"]),
    ("0.5", ["number or an array", "str"]),
    (lambda: 0, ["number or an array", "function"]),
])
def test_wrong_kind_of_value(got, words):
    message = say(got)
    for word in words:
        assert word in message


def test_nan_and_inf_are_counted():
    bad = G.copy()
    bad[0, 0] = np.nan
    assert "NaN in 1 of 12 entries" in say(bad)
    bad[0, 0] = np.inf
    assert "inf in 1 of 12" in say(bad)


def test_integer_dtype_truncates():
    assert "integer dtype" in say(np.zeros((4, 3), dtype=int))


def test_bool_array_is_exact_not_truncated():
    assert diagnose("dL_dz", np.array([True, False]), np.array([1.0, 0.0]), tol=1e-9) is None


def test_transpose_is_named_with_both_shapes():
    message = say(G.T, like="W")
    assert "shape (3, 4), but W is (4, 3)" in message and "transposed" in message


def test_missing_keepdims():
    assert "keepdims" in diagnose("dL_db", np.ones(3), np.ones((1, 3)), tol=VALUE_TOL)


def test_not_summed_over_batch():
    assert "axis=0" in diagnose("dL_db", np.ones((5, 3)), np.ones(3), tol=VALUE_TOL, m=5)


def test_summed_over_wrong_axis():
    message = diagnose("dL_db", np.ones(5), np.ones(3), tol=VALUE_TOL, m=5)
    assert "wrong axis" in message


def test_sign_flip_everywhere():
    message = say(-G)
    assert message.startswith("dL_dW is wrong in 12 of 12 entries")
    assert "opposite sign" in message


def test_sign_flip_in_some_entries():
    got = G.copy()
    got[0] *= -1
    assert "3 of these entries have the opposite sign" in say(got)


def test_missing_one_over_m_names_the_batch_size():
    message = say(32.0 * G, m=32)
    assert "1/m factor missing" in message and "ratio 32" in message


def test_double_division_by_m():
    assert "divide by m twice" in say(G / 8, m=8)


def test_factor_two_both_ways():
    assert "twice too large" in say(2 * G)
    assert "half the right size" in say(0.5 * G)


def test_all_zeros():
    assert "all zeros" in say(np.zeros_like(G))


def test_few_wrong_entries_are_listed_with_index_expected_got():
    got = G.copy()
    got[1, 0] = 0.0
    message = say(got)
    assert "wrong in 1 of 12 entries" in message
    assert re.search(rf"\[1, 0\] expected {G[1, 0]:.6g} got 0", message)


def test_near_miss_shows_error_and_tolerance():
    message = say(G * (1 + 3e-6))
    assert "only just" in message and "tolerance of 1e-07" in message


def test_hidden_messages_reveal_no_values_or_shapes():
    secret = np.array([[0.123456, -9.87654], [3.14159, 2.71828]])
    for got in [secret.T * 1.5, secret * 7, secret + 1, -secret, secret[:1]]:
        message = diagnose("dL_dW", got, secret, tol=GRAD_TOL, m=7, hidden=True)
        assert message
        for number in ["0.123", "9.87", "3.14", "2.718", "(2, 2)", "(1, 2)", " 7"]:
            assert number not in message, message


def test_check_close_raises_with_the_diagnosis():
    with pytest.raises(AssertionError, match="opposite sign"):
        check_close("dL_dW", -G, G, GRAD_TOL)


def test_bool_check_uses_hint():
    assert diagnose("sigmoid(-1000)", False, True, tol=0, hint="overflow") == "sigmoid(-1000): overflow"


def test_quiz_answer_is_not_revealed():
    message = diagnose("q1", "a", "b", tol=0)
    assert "'b'" not in message and "q1 = 'a'" in message


@pytest.mark.parametrize("value", [None, True, "b", (1, 2), 3, 2.5, np.arange(6).reshape(2, 3),
                                   np.float32([1.5]), np.array([np.nan, np.inf])])
def test_records_roundtrip_values_exactly(value):
    back = decode(encode(value))
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value, equal_nan=True)
    elif isinstance(value, tuple):
        assert isinstance(back, tuple) and len(back) == len(value)
    else:
        assert back == value or (back is None and value is None)


def test_records_describe_other_objects_by_type():
    assert "a dict" in diagnose("x", decode(encode({"a": 1})), 1.0, tol=VALUE_TOL)


def test_one_element_array_names_both_values():
    message = diagnose("dL_db", np.array([0.5]), np.array([0.25]), tol=VALUE_TOL)
    assert "expected 0.25, got 0.5" in message or "twice too large" in message
    assert "expected 0.3, got 0.7" in diagnose("L", np.array([0.7]), np.array([0.3]), tol=VALUE_TOL)


def test_a_pattern_is_stated_but_a_cause_only_when_the_test_gives_one():
    assert "y_hat" not in say(-G) and "factor 2" not in say(0.5 * G) and "float32" not in say(G * (1 + 3e-6))
    hint = {"sign": "check the sign of the error term (y_hat - y).", "half": "a path overwritten (=) instead of added?",
            "close": "use the central difference."}
    assert "y_hat - y" in say(-G, hint=hint)
    assert "half the right size" in say(0.5 * G, hint=hint) and "overwritten" in say(0.5 * G, hint=hint)
    assert "central difference" in say(G * (1 + 3e-6), hint=hint)
    assert "central difference" not in say(-G, hint=hint)


def test_the_wrong_hint_follows_any_other_wrong_value():
    message = diagnose("dL_dw", 6.0, 18.0, tol=VALUE_TOL, hint={"wrong": "add both paths"})
    assert "expected 18, got 6" in message and "add both paths" in message


def test_a_failed_check_renders_its_diagnosis_and_the_test_line_only():
    from autograder.checks import CheckFailed
    with pytest.raises(CheckFailed) as failed:
        check_close("dL_dW", -G, G, GRAD_TOL)
    lines = failed.value._render_traceback_()
    assert "opposite sign" in lines[0] and 'check_close("dL_dW", -G, G, GRAD_TOL)' in lines[1]
    assert len(lines) == 3 and "AUTOGRADER_FULL_TRACEBACK" in lines[2]
    assert isinstance(failed.value, AssertionError)


def test_a_hidden_check_does_not_show_its_line():
    from autograder.checks import CheckFailed
    with pytest.raises(CheckFailed) as failed:
        check_close("dL_dW", -G, G, GRAD_TOL, hidden=True)
    assert not any("check_close" in line for line in failed.value._render_traceback_())


def test_a_shape_hint_replaces_the_generic_axes_advice():
    message = diagnose("params", np.ones(3), np.ones(4), tol=VALUE_TOL, hint={"shape": "one per weight and bias"})
    assert "shape (3,), but it is (4,): one per weight and bias" in message and "axes" not in message
