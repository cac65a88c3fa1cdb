"""The checks that graded test cells call.

Each check compares the learner's value with an independent reference (fixed
values, or central differences of a forward pass the test owns), raises an
AssertionError that says what is wrong, and in grading mode also hands both
values to the grader, which decides the verdict outside the learner's kernel.
"""
import os
import warnings

from .diagnose import diagnose
from .gradcheck import GRAD_TOL, VALUE_TOL, numeric_grad
from .records import MIME, encode

RECORD_ENV = "AUTOGRADER_RECORD"


def check_close(name, got, expected, tol=VALUE_TOL, *, m=None, like=None, hidden=False):
    """Pass if got matches expected entry by entry, within relative error tol.

    name: the learner's variable (dL_dW), used in every message.
    m: the batch size, so that a missing 1/m can be named.
    like: the parameter whose shape the answer must have (W for dL_dW).
    hidden: a hidden test; the message then reveals no inputs or values.
    """
    _settle(dict(kind="close", name=name, tol=tol, m=m, like=like, hidden=hidden),
            got, expected)


def check_gradient(name, got, f, x, tol=GRAD_TOL, *, m=None, like=None, hidden=False):
    """Pass if got matches the central-difference gradient of the scalar f at x."""
    check_close(name, got, numeric_grad(f, x), tol, m=m, like=like, hidden=hidden)


def check_true(name, ok, hint):
    """Pass if ok is True; otherwise say hint, which explains what to fix."""
    _settle(dict(kind="true", name=name, tol=0.0, hint=hint), bool(ok), True)


def check_answer(name, got, expected):
    """A quiz answer: a letter or a word, compared without case or spaces."""
    _settle(dict(kind="answer", name=name, tol=0.0, hidden=True), got, str(expected))


def no_warnings(fn, *args):
    """Call fn(*args) and return True if it raised no warning (overflow, divide by zero)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(*args)
    return not caught


def _settle(spec, got, expected):
    _publish(spec, got, expected)
    message = diagnose(spec["name"], got, expected, tol=spec["tol"], m=spec.get("m"),
                       like=spec.get("like"), hint=spec.get("hint"), hidden=spec.get("hidden", False))
    if message:
        raise AssertionError(message)
    print(f"ok: {spec['name']}")


def _publish(spec, got, expected):
    """In grading mode, hand the values to the grader as a display message."""
    if not os.environ.get(RECORD_ENV):
        return
    from IPython.display import display
    record = dict(spec, got=encode(got), expected=encode(expected))
    display({MIME: record}, raw=True)
