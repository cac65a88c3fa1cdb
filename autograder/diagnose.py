"""Turn a wrong answer into a sentence that says what is most likely wrong.

diagnose() is pure: it takes the learner's value and the reference and
returns None when they agree, or a message. The checks call it inside the
notebook, and the grader calls it again in its own process.

The numbers alone say *what* is off (the sign, a factor 2, a near miss); only
the test knows *why* that could happen in its exercise. So a cause is named
only when the test passes one in `hint`, a dict keyed by the pattern:
"sign", "twice", "half", "factor", "close", "zeros", "shape", "wrong" (any other wrong value).
A hint that points the wrong way is worse than none.
"""
import numpy as np

NEAR_MISS = 1e3   # a relative error up to 1000x the tolerance is "close", not "wrong"
FEW = 0.25        # at most this share of entries wrong: list them instead of guessing a cause
# The one cause that fits every exercise; all others come from the test's hint.
DEFAULT_CAUSES = {"zeros": "Was it computed but never stored, returned or added (+=) to?"}


def diagnose(name, got, expected, *, tol, m=None, like=None, hint=None, hidden=False):
    """Return None if got matches expected within tol, else what looks wrong.

    hint: for a True/False check, the sentence to say; for a value, a dict from
    the patterns above to the cause that fits this exercise.
    """
    if isinstance(expected, (bool, np.bool_)):
        return None if got is True or got is np.True_ else f"{name}: {hint or 'the check failed'}"
    causes = hint if isinstance(hint, dict) else {}
    if isinstance(expected, str):
        return _diagnose_text(name, got, expected)
    got_arr = _as_numeric(got)
    if isinstance(got_arr, str):
        return f"{name} {got_arr}."
    exp_arr = np.asarray(expected, dtype=np.float64)
    if exp_arr.ndim == 0 and got_arr.size == 1:
        got_arr = got_arr.reshape(())
    for step in (_bad_dtype, _not_finite, _wrong_shape):
        message = step(name, got_arr, exp_arr, m=m, like=like, hidden=hidden, causes=causes)
        if message:
            return message
    return _wrong_values(name, got_arr.astype(np.float64), exp_arr, tol=tol, m=m, hidden=hidden, causes=causes)


def _diagnose_text(name, got, expected):
    if not isinstance(got, str):
        return f"{name} should be a string such as 'a', but it is {_kind(got)}."
    if got.strip().lower() != expected.strip().lower():
        return f"{name} = {got!r} is not the right answer: reread the section above and try again."
    return None


def _kind(value):
    return "None" if value is None else f"a {type(value).__name__}"


def _as_numeric(value):
    """The value as an array, or a string that says why it cannot be one."""
    if value is None:
        return "is None: did you forget to return it, or to assign it"
    if isinstance(value, tuple):
        return f"is a tuple of {len(value)} items: did you return several values where one was expected"
    if isinstance(value, (str, bytes, dict, set)) or callable(value):
        return f"should be a number or an array, but it is {_kind(value)}"
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001 - any unconvertible object gets the same plain answer
        return f"should be a number or an array, but it is {_kind(value)}"
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        return f"should be a number or an array, but it is {_kind(value)}"
    return arr


def _bad_dtype(name, got, expected, **_):
    # bool is not here: True/False are the exact values 1 and 0 (relu_prime as z > 0), nothing is truncated
    if got.dtype.kind in "iu" and not np.all(expected == np.round(expected)):
        return (f"{name} has integer dtype {got.dtype}, which truncates fractions: "
                "create it as floats (np.zeros(..., dtype=float), or 0.0 rather than 0).")
    return None


def _not_finite(name, got, expected, **_):
    bad = ~np.isfinite(got)
    if bad.any():
        what = "NaN" if np.isnan(got).any() else "inf"
        return (f"{name} contains {what} in {int(bad.sum())} of {got.size} entries: "
                "look for overflow (exp of a large number) or a division by zero.")
    return None


def _wrong_shape(name, got, expected, *, m=None, like=None, hidden=False, causes=None, **_):
    if got.shape == expected.shape:
        return None
    want = f"the shape of {like}" if like else "the expected shape"
    if hidden:
        head = f"{name} does not have {want}"
    else:
        head = f"{name} has shape {got.shape}, but {like or 'it'} is {expected.shape}"
    if causes and causes.get("shape"):
        return f"{head}: {causes['shape']}"
    if got.ndim == 2 and got.shape == expected.shape[::-1]:
        return f"{head}: transposed? Check the order of the factors and which one carries .T."
    if got.shape == expected.shape[1:] and expected.shape[:1] == (1,):
        return f"{head}: a missing keepdims=True (or reshape) when summing?"
    if got.shape == (1,) + expected.shape:
        return f"{head}: an extra keepdims=True, or a leading axis to drop?"
    if got.shape[1:] == expected.shape and got.ndim == 2:
        return f"{head}: one row per example; sum (or average) over the batch axis, axis=0."
    if got.ndim == expected.ndim == 1 and m is not None and got.shape[0] == m:
        return f"{head}: summed over the wrong axis? The batch axis is axis=0."
    if got.size == expected.size:
        return f"{head}: the right number of entries in the wrong arrangement (reshape or transpose?)."
    return f"{head}: check which axes your operations keep."


def relative_errors(got, expected):
    """Entrywise CS231n relative error, with a floor at 1e-3 of the array's scale
    so that finite-difference noise on near-zero entries is not called wrong."""
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1e-8)
    floor = np.maximum(np.abs(got) + np.abs(expected), 1e-3 * scale)
    return np.abs(got - expected) / floor


def _wrong_values(name, got, expected, *, tol, m=None, hidden=False, causes=None):
    causes = {**DEFAULT_CAUSES, **(causes or {})}
    err = relative_errors(got, expected)
    wrong = err > tol
    if not wrong.any():
        return None
    n, k = got.size, int(wrong.sum())
    head = f"{name} is wrong in {k} of {n} entries" if n > 1 else f"{name} is wrong"
    worst = float(err.max())
    if worst < NEAR_MISS * tol:
        return _with_cause(f"{head}, but only just: relative error {worst:.1e} against a tolerance of {tol:.0e}.",
                           causes.get("close"))
    fact, key = _likely_cause(got, expected, wrong, tol=tol, m=m, hidden=hidden)
    if fact:
        return _with_cause(f"{head}.\n  {fact}", causes.get(key))
    if k <= FEW * n and not hidden:
        return _with_cause(f"{head}:{_worst_entries(got, expected, err)}", causes.get("wrong"))
    if hidden:
        return _with_cause(f"{head} on an input the visible tests do not use: try other shapes and values yourself.",
                           causes.get("wrong"))
    if n == 1:
        return _with_cause(f"{head}: expected {expected.item():.6g}, got {got.item():.6g}.", causes.get("wrong"))
    return _with_cause(f"{head} (largest relative error {worst:.2g}).{_worst_entries(got, expected, err)}",
                       causes.get("wrong"))


def _with_cause(message, cause):
    return f"{message}\n  {cause}" if cause else message


def _likely_cause(got, expected, wrong, *, tol, m=None, hidden=False):
    """A sign flip, a constant factor, or zeros, if the numbers say so: (fact, pattern) or (None, None)."""
    if np.all(got == 0):
        return "It is all zeros.", "zeros"
    flipped = wrong & (np.abs(got + expected) <= tol * np.maximum(np.abs(expected), 1e-12) * 4)
    if flipped.sum() == wrong.sum():
        if flipped.all():
            who = "It has" if got.size == 1 else "Every entry has"
            return f"{who} the opposite sign.", "sign"
        return f"{int(flipped.sum())} of these entries have the opposite sign.", "sign"
    ratio = _constant_ratio(got, expected, tol)
    if ratio is None:
        return None, None
    named = _explain_ratio(ratio, m, hidden)
    if named[0] or got.size == 1:
        return named
    shown = "" if hidden else f" (ratio {ratio:.4g})"
    return f"Every entry is off by the same factor{shown}.", "factor"


def _constant_ratio(got, expected, tol):
    nonzero = np.abs(expected) > 1e-12
    if nonzero.sum() == 0 or np.any(np.abs(got[~nonzero]) > 1e-12):
        return None
    ratios = got[nonzero] / expected[nonzero]
    r = float(np.median(ratios))
    if r == 0 or np.max(np.abs(ratios - r)) > 1e3 * tol * abs(r) + 1e-12:
        return None
    return r


def _explain_ratio(r, m, hidden):
    """(fact, pattern) for a ratio the numbers can name, else (None, None)."""
    shown = "" if hidden else f" (ratio {r:.4g})"
    if m and np.isclose(r, m):
        return f"It is m times too large{shown}, where m is the batch size: is the 1/m factor missing?", "m"
    if m and np.isclose(r, 1 / m):
        return (f"It is m times too small{shown}, where m is the batch size: "
                "did you divide by m twice, or average (mean) where a sum is needed?"), "m"
    if np.isclose(r, 2):
        return f"It is twice too large{shown}.", "twice"
    if np.isclose(r, 0.5):
        return f"It is half the right size{shown}.", "half"
    if np.isclose(r, -1):
        return "Every entry has the opposite sign.", "sign"
    return None, None


def _worst_entries(got, expected, err, few=3):
    order = np.argsort(err, axis=None)[::-1][:few]
    lines = []
    for flat in order:
        idx = np.unravel_index(flat, got.shape)
        where = list(map(int, idx)) if got.ndim else ""
        lines.append(f"  {where} expected {expected[idx]:.6g} got {got[idx]:.6g}".rstrip())
    return "\n" + "\n".join(lines)
