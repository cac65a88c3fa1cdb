"""The `autograder grade` command: its options, its help, and the exit codes, over pipeline.grade()."""
import os
import sys

from .pipeline import grade
from .writers import GradebookNotWritten

HELP = """\
preflight: before anything is read or written, a sandbox self-test checks that bwrap runs with the
sandbox's flags and that the kernel's interpreter starts in it, as nobody without capabilities,
and imports numpy, zmq and the grader's own autograder. If not, the run
exits 2 with bwrap's own message and the fix, and writes nothing.

statuses (one per student and notebook, in the table, grades.csv and grades.json):
  graded              every test cell ran; the score is what the tests gave
  timeout, memory     a cell went over its time or memory limit and was stopped; the cells after it
                      still ran and were scored, unless the notebook's total time ran out
  crashed             the kernel died, or the grading worker did; the tests after it score 0
  invalid notebook    not a valid notebook, over the size limit, or not a regular file (a link, a FIFO)
  missing notebook    the student's folder has no such notebook
  tampered            a test cell was changed while it ran (it scores 0), or the submission tagged a
                      cell to skip it (the cell runs anyway)
  invalid student id  the folder name breaks nbgrader's rules for student ids; nothing is graded
  error               the grader's or the machine's fault, not the student's (the reason says which)
  missing             a student on the gradebook's roster with no submitted/STUDENT/ASSIGNMENT/ folder:
                      score 0 (nbgrader export counts 0 too); not in the class report's histogram or pass
                      rates (the page says how many); only in a run of the whole class, not with --student
A pair with status error, invalid student id or missing is in the reports only: its earlier feedback
and gradebook rows stay as they were (a missing student gets no feedback page or autograded/ notebook).

writing: reports/ first, then the gradebook and autograded/, then feedback/ (from the gradebook, so
manual scores and comments show). A locked gradebook is waited for (--gradebook-timeout); if it stays
locked, reports/ are kept, feedback/ is written from this run's results, and the run prints the
command that writes the gradebook from reports/ later (--gradebook-only). The gradebook's
cells follow source/ (points, checksums, sources) as `nbgrader generate_assignment` leaves them.

exit codes:
  0  every submitted pair graded (students with status missing submitted nothing: not a failure),
     and everything written
  1  some pair not graded, no submissions, or the gradebook not written
  2  a usage error, or nothing graded and nothing written: the sandbox self-test failed,
     source/ does not pass its own tests, or the gradebook cannot follow source/ (a cell that recorded
     grades hang on was removed or renamed; the message says what to run)"""


def add_arguments(parser):
    """The options of `autograder grade` (imports nothing heavy: --help stays fast)."""
    parser.epilog = f"{HELP}\n\n{parser.epilog}" if parser.epilog else HELP
    parser.add_argument("assignment", help="the assignment to grade, as named in source/ (e.g. 01-chain-rule)")
    parser.add_argument("--root", default=".", help="the nbgrader course directory (default: .)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="submissions graded at once (default: the core count)")
    parser.add_argument("--scheduler", help="address of a dask.distributed scheduler to run the kernels on")
    parser.add_argument("--cell-timeout", type=float, default=30, help="seconds per cell (default: 30)")
    parser.add_argument("--total-timeout", type=float, default=300, help="seconds per notebook (default: 300)")
    parser.add_argument("--memory-gib", type=float, default=2, help="GiB of address space per kernel (default: 2)")
    parser.add_argument("--report-dir", help="where grades.csv and grades.json go (default: reports/ASSIGNMENT)")
    parser.add_argument("--no-gradebook", action="store_true", help="write neither nbgrader's gradebook nor autograded/")
    parser.add_argument("--student", action="append", dest="students", metavar="NAME",
                        help="grade only this student (repeatable); everyone else's records stay as they are")
    parser.add_argument("--dry-run", action="store_true", help="grade and print the table, but write nothing")
    parser.add_argument("--format", choices=["canvas"], dest="lms_format",
                        help="also write reports/ASSIGNMENT/canvas.csv from the gradebook once it is written: "
                             "Canvas's gradebook import CSV, with manual grades and late penalties")
    parser.add_argument("--gradebook-timeout", type=float, default=60,
                        help="seconds to wait for a gradebook that another program is writing (default: 60)")
    parser.add_argument("--gradebook-only", action="store_true",
                        help="grade nothing: write the results stored in reports/ASSIGNMENT/grades.json into the "
                             "gradebook (after a run that found it locked)")


def main(args):
    """Run grade() from parsed arguments; print one line per pair; exit 1 unless all are graded."""
    from .report import table
    # jsonschema (under nbformat) parses an IRI grammar at import when rfc3987_syntax is installed: a
    # second of start-up for a format that notebooks never use. The CLI process (and its workers) skip it.
    sys.modules.setdefault("rfc3987_syntax", None)
    from .plan import SourceError
    from .preflight import PreflightError
    from .sync import CellsChanged
    if args.gradebook_only:
        return _gradebook_only(args)
    if args.lms_format and (args.dry_run or args.no_gradebook):
        print(f"error: --format {args.lms_format} is written from the gradebook, which --dry-run and "
              "--no-gradebook leave alone", file=sys.stderr)
        return 2
    try:
        results = grade(args.assignment, root=args.root, jobs=args.jobs, scheduler=args.scheduler,
                        cell_timeout=args.cell_timeout, total_timeout=args.total_timeout,
                        memory_gib=args.memory_gib, report_dir=args.report_dir, students=args.students,
                        dry_run=args.dry_run, gradebook=not args.no_gradebook, progress=True,
                        gradebook_timeout=args.gradebook_timeout)
    except (SourceError, FileNotFoundError, PreflightError, CellsChanged) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except GradebookNotWritten as err:
        print(table(err.results))
        print(f"error: the gradebook was not written: {err.args[0]}\nreports/ and feedback/ are written. "
              f"To write the gradebook from the reports once it is free, run:\n  {err.args[1]}", file=sys.stderr)
        return 1
    if not results:
        print(f"no submissions: no folder submitted/*/{args.assignment}/, so nothing was graded or written"
              + _roster_waits(args))
        return 1
    print(table(results))
    if args.lms_format:
        print(f"wrote {_canvas(args)}")
    return 0 if all(r.status in ("graded", "missing") for r in results) else 1


def _roster_waits(args):
    """What the roster's students get once someone has submitted (as a clause), or nothing."""
    from pathlib import Path

    from .gradebook import db_url, timed
    from .roster import roster
    try:
        students = len(roster(timed(db_url(Path(args.root).resolve()), args.gradebook_timeout)))
    except Exception:  # noqa: BLE001 - only a hint: the message stands without it
        return ""
    return f" (the {students} students on the gradebook's roster have no rows yet: run nbgrader collect first?)" \
        if students else ""


def _canvas(args):
    """--format canvas: reports/ASSIGNMENT/canvas.csv (or in --report-dir), from the gradebook just written."""
    from pathlib import Path

    from .canvas import write
    from .gradebook import db_url, timed
    folder = Path(args.report_dir or Path(args.root) / "reports" / args.assignment)
    return write(timed(db_url(Path(args.root).resolve()), args.gradebook_timeout), args.assignment,
                 folder / "canvas.csv")


def _gradebook_only(args):
    """--gradebook-only: gradebook.write_later(), and what it wrote."""
    from .gradebook import NotWritten, write_later
    from .report import clean
    from .sync import CellsChanged
    try:
        written, failed = write_later(args.assignment, args.root, args.report_dir, args.gradebook_timeout)
    except FileNotFoundError as err:
        print(f"error: no stored results to write ({err}): run autograder grade {args.assignment} first",
              file=sys.stderr)
        return 2
    except CellsChanged as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except NotWritten as err:
        print(f"error: the gradebook was not written: {err}", file=sys.stderr)
        return 1
    for (student, notebook), why in sorted(failed.items()):
        print(clean(f"not written: {student} {notebook}: {why}", one_line=True))
    print(f"wrote {len(written)} stored results of {args.assignment} into the gradebook")
    return 0 if not failed else 1
