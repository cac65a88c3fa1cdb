"""backprop-autograder: the checks, diagnosis and tools of the backprop course.

`import autograder` needs only numpy. The instructor tools (build, grade) and
the self-check import nbgrader or nbclient when they are called.
"""
from .checks import check_answer, check_close, check_gradient, check_true, no_warnings
from .diagnose import diagnose
from .gradcheck import GRAD_TOL, KINK_MARGIN, STEP, VALUE_TOL, away_from_kinks, numeric_grad, rel_error
from .learner import uses_your_code

__version__ = "0.1.0"


def build(root=".", check=False):
    """Regenerate course/ and solutions/ from source/; see autograder.build.build."""
    from .build import build as _build
    return _build(root, check=check)


def check(path, timeout=120):
    """Run a learner's notebook with its visible tests; see autograder.selfcheck.check."""
    from .selfcheck import check as _check
    return _check(path, timeout=timeout)


def grade(assignment, root=".", **options):
    """Grade nbgrader submissions in a sandbox; see autograder.grading.pipeline.grade."""
    from .grading.pipeline import grade as _grade
    return _grade(assignment, root=root, **options)


__all__ = ["GRAD_TOL", "KINK_MARGIN", "STEP", "VALUE_TOL", "away_from_kinks", "build", "check",
           "check_answer", "check_close", "check_gradient", "check_true", "diagnose", "grade",
           "no_warnings", "numeric_grad", "rel_error", "uses_your_code"]
