"""The checks that graded test cells call.

Each check compares the learner's value with an independent reference (fixed
values, or central differences of a forward pass the test owns), raises an
AssertionError that says what is wrong, and in grading mode also hands both
values to the grader, which decides the verdict outside the learner's kernel.
"""
import os
import sys
import warnings

from .diagnose import diagnose
from .gradcheck import GRAD_TOL, VALUE_TOL, numeric_grad
from .records import MIME, encode

RECORD_ENV = "AUTOGRADER_RECORD"
FULL_TRACEBACK_ENV = "AUTOGRADER_FULL_TRACEBACK"   # set to 1 to see the whole traceback again


class CheckFailed(AssertionError):
    """A failed check. In a notebook it shows only its diagnosis and the test line that made it,
    not a traceback through this module (IPython calls _render_traceback_)."""

    def __init__(self, message, call=""):
        super().__init__(message)
        self.call = call

    def _render_traceback_(self):
        if os.environ.get(FULL_TRACEBACK_ENV):
            from IPython import get_ipython
            return get_ipython().InteractiveTB.structured_traceback(type(self), self, self.__traceback__)
        where = [f"  in the test line: {self.call}"] if self.call else []
        return ["\x1b[0;31mCheck failed:\x1b[0m " + str(self), *where,
                f"  (the whole traceback: run %env {FULL_TRACEBACK_ENV}=1 in a cell, then rerun this one)"]


def check_close(name, got, expected, tol=VALUE_TOL, *, m=None, like=None, hint=None, hidden=False):
    """Pass if got matches expected entry by entry, within relative error tol.

    name: the learner's variable (dL_dW), used in every message.
    m: the batch size, so that a missing 1/m can be named.
    like: the parameter whose shape the answer must have (W for dL_dW).
    hint: the causes that fit this exercise, by the pattern the numbers show, e.g.
        {"sign": "check the sign of the error term (y_hat - y, not y - y_hat).",
         "half": "did the second path overwrite (=) the first instead of adding (+=)?"}
        Keys: sign, twice, half, factor, close, zeros, shape, wrong (see autograder.diagnose).
    hidden: a hidden test; the message then reveals no inputs or values.
    """
    _settle(dict(kind="close", name=name, tol=tol, m=m, like=like, hint=hint, hidden=hidden),
            got, expected)


def check_gradient(name, got, f, x, tol=GRAD_TOL, *, m=None, like=None, hint=None, hidden=False):
    """Pass if got matches the central-difference gradient of the scalar f at x."""
    _settle(dict(kind="close", name=name, tol=tol, m=m, like=like, hint=hint, hidden=hidden),
            got, numeric_grad(f, x))


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
        raise CheckFailed(message, "" if spec.get("hidden") else _test_line())
    print(f"ok: {spec['name']}")


def _test_line():
    """The line of the test cell that called the check (the first frame outside this package)."""
    frame = sys._getframe(1)
    here = os.path.dirname(__file__)
    while frame and os.path.dirname(frame.f_code.co_filename) == here:
        frame = frame.f_back
    if frame is None:
        return ""
    import linecache
    return linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()


def _publish(spec, got, expected):
    """In grading mode, hand the values to the grader as a display message."""
    if not os.environ.get(RECORD_ENV):
        return
    from IPython.display import display
    record = dict(spec, got=encode(got), expected=encode(expected))
    display({MIME: record}, raw=True)
