"""`nbgrader autograde`, and formgrader's Autograde button, running `autograder grade` instead of nbgrader's
own unsandboxed kernel. Opt in with two lines in the course's nbgrader_config.py:

    c.Autograde.sanitize_preprocessors = []
    c.Autograde.autograde_preprocessors = ["autograder.grading.nbgrader_autograde.GradeInSandbox"]

nbgrader then still records the student and the timestamp and copies the files, as it always does, but the
notebook it keeps, and every score, comment and late penalty in the gradebook, come from `autograder grade
ASSIGNMENT --student STUDENT`: sandboxed, judged outside the kernel. (Without these lines the button runs
nbgrader's own Execute, in the server's own environment, with the student's code unconfined.)
"""
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

_graded = set()   # (converter, assignment, student): one grading run covers all of a student's notebooks


class GradeInSandbox(NbGraderPreprocessor):
    """Grade the student's submission with `autograder grade`, and hand nbgrader the autograded notebook."""

    def preprocess(self, nb, resources):
        import nbformat

        from .pipeline import grade
        converter = self.parent.parent   # the preprocessor's exporter belongs to nbgrader's Autograde converter
        root = Path(converter.coursedir.root).resolve()
        assignment, student = resources["nbgrader"]["assignment"], resources["nbgrader"]["student"]
        if (id(converter), assignment, student) not in _graded:
            grade(assignment, root=root, students=[student], progress=False, jobs=1)
            _graded.add((id(converter), assignment, student))
        path = Path(converter.coursedir.format_path(converter.coursedir.autograded_directory, student, assignment))
        return nbformat.read(path / f"{resources['nbgrader']['notebook']}.ipynb", as_version=4), resources

    def preprocess_cell(self, cell, resources, index):
        return cell, resources
