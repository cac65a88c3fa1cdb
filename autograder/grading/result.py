"""What grading one (student, notebook) pair produces: plain data, shared by every step."""
from dataclasses import dataclass, field

STATUSES = ("graded", "timeout", "memory", "crashed", "invalid notebook", "missing notebook", "tampered",
            "invalid student id", "error", "missing")
# Not the student's doing (error: the grader's or the machine's fault), no id to record it under, or nothing
# submitted (missing: nbgrader export counts it 0 already): such a pair is in the reports, but its feedback
# and gradebook rows are left as they were.
UNRECORDED = ("invalid student id", "error", "missing")
TRUSTED = "(source)"   # the student name under which the trusted run of source/ travels


@dataclass
class Result:
    """The grade of one (student, notebook) pair."""
    student: str
    notebook: str
    status: str
    reason: str
    score: float
    max_score: float
    items: list = field(default_factory=list)
    seconds_late: float = 0.0    # after the due date (and extension) in the gradebook; see late.py
    late_penalty: float = 0.0    # what nbgrader's late-submission plugin takes off score
