"""Numerical gradients by central differences, and CS231n's relative error.

These are the independent reference every graded gradient is compared with:
a forward pass that the test owns, differentiated numerically, never the
learner's own backward pass.
"""
import numpy as np

GRAD_TOL = 1e-7   # CS231n: float64 analytic vs numeric gradients agree to this relative error
VALUE_TOL = 1e-9  # exact formulas in float64: only the order of operations may differ
STEP = 1e-5       # central-difference step: truncation ~STEP**2, round-off ~eps/STEP
KINK_MARGIN = 1e-3  # generated inputs stay this far from kinks (ReLU at 0): 100x STEP


def numeric_grad(f, x, h=STEP):
    """Central differences of the scalar f at x: (f(x + h) - f(x - h)) / 2h per entry.

    A float64 array is perturbed in place and restored, so f may close over x
    (CS231n style) or take it as its argument. Any other input (float32,
    integers, lists, Python scalars) is upcast to a float64 copy first: float32
    round-off (~1e-7) divided by 2h would swamp the derivative.
    """
    scalar = np.ndim(x) == 0 and not isinstance(x, np.ndarray)
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = _scalar(f(x))
        x[idx] = old - h
        f_minus = _scalar(f(x))
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return float(grad) if scalar else grad


def _scalar(value):
    """A loss is one number; anything else is a usage error, said plainly."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.size != 1:
        raise ValueError(
            f"numeric_grad needs f to return one number, but it returned shape {arr.shape}: "
            "sum it, or pick the entry you want to differentiate")
    return float(arr.reshape(()))


def rel_error(x, y):
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|) over all entries."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def away_from_kinks(x, kinks=(0.0,), margin=KINK_MARGIN):
    """Push entries of x that lie within margin of a kink out to kink +/- margin.

    At a kink the derivative does not exist, and central differences return
    the average of the two one-sided slopes (0.5 for ReLU at 0), so test data
    must not sit there.
    """
    x = np.array(x, dtype=np.float64)
    for k in kinks:
        near = np.abs(x - k) < margin
        x[near] = k + np.where(x[near] >= k, margin, -margin)
    return x
