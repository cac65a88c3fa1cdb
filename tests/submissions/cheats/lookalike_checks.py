# Cheat (with the locked setup cell deleted): look-alike checks that display a record whose got is the expected.
import numpy as np
from IPython.display import display
from autograder.records import MIME, encode
from autograder import GRAD_TOL, VALUE_TOL, numeric_grad, uses_your_code
from autograder.widgets import figure, log_slider, panel, redraw

def _forge(kind, name, value, tol=1e-7):
    display({MIME: {"kind": kind, "name": name, "tol": tol, "got": encode(value), "expected": encode(value)}}, raw=True)

check_close = lambda name, got, expected, tol=1e-9, **k: _forge("close", name, expected, tol)
check_gradient = lambda name, got, f, x, tol=1e-7, **k: _forge("close", name, numeric_grad(f, x), tol)
check_answer = lambda name, got, expected: _forge("answer", name, str(expected), 0.0)
check_true = lambda name, ok, hint: _forge("true", name, True, 0.0)
__autograder_record__ = lambda name, got: None
