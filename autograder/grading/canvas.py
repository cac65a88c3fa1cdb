"""A Canvas gradebook CSV, from nbgrader's gradebook, as an nbgrader exporter:

    nbgrader export --exporter=autograder.grading.canvas.CanvasExport --to canvas.csv

Canvas's gradebook import format: Student, ID, SIS User ID, SIS Login ID, Section, then one column per
assignment; a "Points Possible" row under the header gives a new assignment its points. The scores are those of
`nbgrader export`: the gradebook's, manual grades included, minus the late penalty; 0 for a student on the
roster who submitted nothing. `autograder grade ASSIGNMENT --format canvas` writes the same file for one
assignment into reports/ASSIGNMENT/canvas.csv.
"""
import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Enum

HEADER = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


class CanvasExport(ExportPlugin):
    """Write the gradebook's scores as a CSV that Canvas's gradebook imports (Grades > Import)."""

    id_column = Enum(list(HEADER[1:4]), default_value="SIS Login ID",
                     help="The Canvas column that holds nbgrader's student id: Canvas matches each row to a "
                          "student by it (SIS Login ID: the login, as students sign in to JupyterHub with; "
                          "ID: Canvas's own user number).").tag(config=True)

    def export(self, gradebook):
        dest = self.to or "canvas.csv"
        assignments = [a for a in gradebook.assignments if not self.assignment or a.name in map(str, self.assignment)]
        students = [s for s in gradebook.students if not self.student or s.id in map(str, self.student)]
        self.log.info("Exporting %d students' grades to %s in Canvas's format", len(students), dest)
        with open(dest, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow([*HEADER, *(a.name for a in assignments)])
            out.writerow(["Points Possible", "", "", "", "", *(_number(a.max_score) for a in assignments)])
            for student in students:
                out.writerow([*self.identity(student), *(_number(score(gradebook, a.name, student.id))
                                                         for a in assignments)])

    def identity(self, student):
        """The five columns that name a student: "Last, First" and the id in id_column."""
        from .report import inert
        name = ", ".join(filter(None, (student.last_name, student.first_name))) or student.id
        return [inert(name) if column == "Student" else inert(student.id) if column == self.id_column else ""
                for column in HEADER]


def score(gradebook, assignment, student):
    """What nbgrader export scores: the submission's score less its late penalty, never below 0; else 0."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return 0.0
    return max(0.0, submission.score - (submission.late_submission_penalty or 0.0))


def _number(value):
    return f"{value:.10g}"


def write(url, assignment, path):
    """path: the Canvas CSV of one assignment, from the gradebook at url (autograder grade --format canvas)."""
    from nbgrader.api import Gradebook
    with Gradebook(url) as gb:
        CanvasExport(to=str(path), assignment=[assignment]).export(gb)
    return path
