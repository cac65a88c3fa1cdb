"""numeric_grad and rel_error on functions whose derivatives are known in closed form."""
import numpy as np
import pytest

from autograder import GRAD_TOL, KINK_MARGIN, away_from_kinks, numeric_grad, rel_error

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4)])
def test_quadratic_any_shape(shape):
    x = RNG.normal(size=shape)
    grad = numeric_grad(lambda v: np.sum(v ** 2), x)
    assert np.shape(grad) == shape
    assert rel_error(grad, 2 * x) < GRAD_TOL


def test_matrix_function_known_gradient():
    A, x = RNG.normal(size=(4, 3)), RNG.normal(size=3)
    # f(x) = sum(tanh(A x)): df/dx = A^T (1 - tanh^2(A x))
    expected = A.T @ (1 - np.tanh(A @ x) ** 2)
    assert rel_error(numeric_grad(lambda v: np.sum(np.tanh(A @ v)), x), expected) < GRAD_TOL


def test_closure_style_sees_in_place_perturbation():
    W = RNG.normal(size=(3, 2))
    X = RNG.normal(size=(5, 3))
    grad = numeric_grad(lambda _: np.sum(X @ W), W)   # f ignores its argument and closes over W
    assert rel_error(grad, X.sum(axis=0)[:, None] * np.ones((1, 2))) < GRAD_TOL


def test_input_restored():
    x = RNG.normal(size=(3, 3))
    before = x.copy()
    numeric_grad(lambda v: np.sum(np.exp(v)), x)
    assert np.array_equal(x, before)


def test_python_scalar_returns_float():
    assert isinstance(numeric_grad(lambda v: v ** 3, 2.0), float)
    assert abs(numeric_grad(lambda v: v ** 3, 2.0) - 12.0) < 1e-8


def test_float32_input_is_upcast():
    x32 = RNG.normal(size=6).astype(np.float32)
    grad = numeric_grad(lambda v: np.sum(np.sin(v)), x32)
    assert grad.dtype == np.float64
    assert rel_error(grad, np.cos(x32.astype(np.float64))) < GRAD_TOL
    assert x32.dtype == np.float32   # the caller's array is untouched


def test_float32_forward_pass_is_not_precise_enough():
    # Why the upcast matters: a float32 forward pass cannot meet GRAD_TOL.
    x = RNG.normal(size=6)
    grad = numeric_grad(lambda v: np.sum(np.sin(v.astype(np.float32))), x)
    assert rel_error(grad, np.cos(x)) > GRAD_TOL


def test_non_scalar_f_is_refused_clearly():
    with pytest.raises(ValueError, match="one number"):
        numeric_grad(lambda v: v * 2, np.ones(3))


def test_relu_kink_gives_the_average_slope():
    relu_sum = lambda v: np.sum(np.maximum(v, 0))
    assert numeric_grad(relu_sum, np.array([0.0]))[0] == pytest.approx(0.5)


def test_away_from_kinks_makes_relu_checkable():
    x = away_from_kinks(np.array([-1e-6, 0.0, 2e-4, 0.5, -0.3]))
    assert np.all(np.abs(x) >= KINK_MARGIN)
    grad = numeric_grad(lambda v: np.sum(np.maximum(v, 0)), x)
    assert rel_error(grad, (x > 0).astype(float)) < GRAD_TOL


def test_rel_error_matches_cs231n():
    assert rel_error(1.0, 1.0) == 0.0
    assert rel_error(1.0, -1.0) == pytest.approx(1.0)
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])) == pytest.approx(0.2 / 4.2)
    assert rel_error(0.0, 0.0) == 0.0
