"""`autograder grade` as a drop-in for `nbgrader autograde`: the same autograded/ notebooks and gradebook rows
(formgrader's view of them is identical), late work as nbgrader counts it, nbgrader's feedback commands
afterwards, one student regraded alone, --dry-run, and the Python API from a plain script."""
import hashlib
import html
import re
import shutil
import subprocess
import sys
import textwrap

import nbformat
import pytest

import autograder
from autograder.cli import main as cli
from autograder.hidden import hidden_regions
from tests.submissions import corpus
from tests.submissions.course import make_course

pytestmark = pytest.mark.slow
NAME = "01-chain-rule"
DUE = "2026-12-01 17:00:00 UTC"
STAMPS = {"alice": "2026-12-01 16:59:00.000000 UTC", "bob": "2026-12-01 12:00:00.000000 UTC",
          "carol": "2026-12-04 02:30:00.000000 UTC"}   # carol: 57.5 h late, as in issue 14
LATE = {"carol": 57.5 * 3600}


def _points():
    """{test grade_id: points} of the source notebook, in order."""
    nb = nbformat.read(corpus.harness.ROOT / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"]) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


FULL = sum(_points().values())
CAROL = FULL - next(iter(_points().values()))   # carol's wrong first exercise costs its first test cell
ZERO_IF_LATE = '\nc.LateSubmissionPlugin.penalty_method = "zero"\n'   # generate_feedback's is the course's own


def nbgrader(course, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def class_of_three(course):
    """alice: right, on time; bob: the untouched release; carol: the first exercise wrong, 57.5 h late.
    Each folder has the timestamp.txt and submission_secret.txt that `nbgrader collect` leaves there."""
    make_course(course, [NAME])
    with (course / "nbgrader_config.py").open("a") as f:
        f.write(ZERO_IF_LATE)
    nbgrader(course, "generate_assignment", NAME, "--force")
    nbgrader(course, "db", "assignment", "add", NAME, f"--duedate={DUE}")
    nbk = corpus.notebook(corpus.harness.ROOT, NAME)
    release = nbformat.read(course / "release" / NAME / f"{NAME}.ipynb", as_version=4)
    for student, nb in (("alice", nbk.copy()), ("bob", release), ("carol", corpus.wrong(nbk))):
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{NAME}.ipynb")
        (folder / "timestamp.txt").write_text(STAMPS[student])
        (folder / "submission_secret.txt").write_text(f"secret-of-{student}")
    return course


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    """The same class graded twice: by `nbgrader autograde` (theirs) and by `autograder grade` (ours)."""
    base = tmp_path_factory.mktemp("workflow")
    theirs = class_of_three(base / "theirs")
    ours = base / "ours"
    shutil.copytree(theirs, ours)
    nbgrader(theirs, "autograde", NAME, "--force")
    results = autograder.grade(NAME, root=ours, jobs=2, progress=False)
    return theirs, ours, results


def formgrader_view(course):
    """What formgrader's Manage Submissions and notebook pages show, through nbgrader's own API."""
    from nbgrader.api import Gradebook
    from nbgrader.apps.api import NbGraderAPI
    api = NbGraderAPI(config=_config(course))
    keys = ("autograded", "score", "max_score", "needs_manual_grade", "timestamp")
    view = {s["student"]: {k: s[k] for k in keys} for s in api.get_submissions(NAME)}
    for s in api.get_notebook_submissions(NAME, NAME):
        view[s["student"]].update(failed_tests=s["failed_tests"], nb_score=s["score"])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in view:
            nb = gb.find_submission_notebook(NAME, NAME, student)
            view[student].update(comments={c.name: c.auto_comment for c in nb.comments},
                                 manual={g.name: g.needs_manual_grade for g in nb.grades},
                                 late=gb.find_submission(NAME, student).total_seconds_late,
                                 penalty=nb.late_submission_penalty)
    return view


def _config(course):
    """The course's nbgrader config, as formgrader loads it when serving course."""
    from traitlets.config import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    config.Exchange.root = str(course / "exchange")   # never the machine's /usr/local/share/nbgrader
    return config


def test_formgrader_sees_what_nbgrader_autograde_leaves(courses):
    theirs, ours, _ = courses
    mine = formgrader_view(ours)
    assert mine == formgrader_view(theirs)
    assert all(s["autograded"] for s in mine.values())
    assert mine["bob"]["comments"]["numeric_derivative"] == "No response."


def test_autograded_notebooks_hold_the_tests_as_nbgrader_stores_them(courses):
    theirs, ours, _ = courses
    for student in STAMPS:
        folder = f"autograded/{student}/{NAME}"
        assert sorted(p.name for p in (ours / folder).iterdir()) == sorted(p.name for p in (theirs / folder).iterdir())
        mine, nbg = (nbformat.read(c / folder / f"{NAME}.ipynb", as_version=4) for c in (ours, theirs))
        assert graded_cells_of(mine) == graded_cells_of(nbg)
        failed = {gid for gid, (_, _, errors) in graded_cells_of(mine, outputs=True).items() if errors}
        assert failed == {gid for gid, (_, _, errors) in graded_cells_of(nbg, outputs=True).items() if errors}


def graded_cells_of(nb, outputs=False):
    """{grade_id: (source, nbgrader metadata[, whether it shows an error])} of the test cells.
    A passing check prints "ok: NAME" under nbgrader, and only records under our grader: outputs are not
    compared, only whether each cell shows an error (nbgrader's own reading of a test cell's score)."""
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            errors = any(o.output_type == "error" for o in cell.outputs)
            kept = {k: v for k, v in meta.items() if k != "cell_type"}   # nbgrader keeps the student's copy's
            found[meta["grade_id"]] = (cell.source, kept, errors if outputs else None)
    return found


def test_late_work_is_counted_as_nbgrader_counts_it(courses):
    _, ours, results = courses
    carol = next(r for r in results if r.student == "carol")
    assert carol.seconds_late == LATE["carol"] and carol.late_penalty == carol.score > 0
    assert "57.5 h late" in carol.reason
    assert all(r.seconds_late == 0 for r in results if r.student != "carol")
    nbgrader(ours, "export", "--to", "export.csv")
    rows = {line.split(",")[3]: line.split(",") for line in (ours / "export.csv").read_text().splitlines()[1:]}
    assert rows["carol"][2] == "2026-12-04 02:30:00"
    assert float(rows["carol"][7]) == float(rows["carol"][8]) == carol.score and float(rows["carol"][9]) == 0.0


@pytest.mark.parametrize("grader", ["ours", "theirs"])
def test_nbgrader_feedback_commands_work_and_hide_hidden_tests(courses, tmp_path, grader):
    """After autograder grade or nbgrader autograde alike, the course's config keeps hidden tests out of
    generate_feedback's pages; without its FeedbackExporter and HideHiddenTests lines, they are there (the
    check has teeth)."""
    course = tmp_path / "course"
    shutil.copytree(courses[{"theirs": 0, "ours": 1}[grader]], course)
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    nbgrader(course, "generate_feedback", NAME, "--force")
    nbgrader(course, "release_feedback", NAME, f"--Exchange.root={exchange}")
    assert len(list(exchange.rglob("*.html"))) == len(STAMPS)
    assert not hidden_lines_shown(course)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace("c.GenerateFeedback.preprocessors", "_unused")
                      .replace("c.GenerateFeedback.exporter_class", "_unused"))
    nbgrader(course, "generate_feedback", NAME, "--force")
    assert hidden_lines_shown(course)


def hidden_lines_shown(course):
    """The hidden-test lines of source/ that some feedback page shows (as text: tags and escapes removed)."""
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    hidden = {line.strip() for c in source.cells for region in hidden_regions(c.source)
              for line in region.splitlines() if len(line.strip()) > 12}
    shown = set()
    for page in course.glob(f"feedback/*/{NAME}/{NAME}.html"):
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        shown |= {line for line in hidden if line in text}
    return shown


def snapshot(course):
    return {str(p.relative_to(course)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(course.rglob("*")) if p.is_file()}


def test_one_student_regraded_alone_touches_no_one_else(courses, tmp_path):
    _, ours, _ = courses
    course = tmp_path / "course"
    shutil.copytree(ours, course)
    before, rows_before = snapshot(course), formgrader_view(course)
    carol = course / "submitted" / "carol" / NAME / f"{NAME}.ipynb"
    shutil.copy(course / "autograded" / "alice" / NAME / f"{NAME}.ipynb", carol)   # her regrade request
    assert grade(course, "--student", "carol") == 0
    changed = {path for path, digest in snapshot(course).items() if before.get(path) != digest}
    assert changed - {"gradebook.db"} == {f"submitted/carol/{NAME}/{NAME}.ipynb",
                                          f"autograded/carol/{NAME}/{NAME}.ipynb",
                                          f"feedback/carol/{NAME}/{NAME}.html",
                                          f"reports/{NAME}/grades.csv", f"reports/{NAME}/grades.json",
                                          f"reports/{NAME}/index.html"}   # the class's, with her new row
    after = formgrader_view(course)
    assert {s: after[s] for s in ("alice", "bob")} == {s: rows_before[s] for s in ("alice", "bob")}
    assert after["carol"]["nb_score"] > rows_before["carol"]["nb_score"]
    assert (course / f"reports/{NAME}/grades.csv").read_text().count("\n") == 1 + len(STAMPS)


def grade(course, *extra):
    """`autograder grade NAME --root course --jobs 2 EXTRA...`, as typed; its exit code."""
    return cli(["grade", NAME, "--root", str(course), "--jobs", "2", *extra])


def test_dry_run_grades_and_writes_nothing(courses, tmp_path, capsys):
    _, ours, _ = courses
    course = tmp_path / "course"
    shutil.copytree(ours, course)
    before = snapshot(course)
    assert grade(course, "--dry-run") == 0
    assert "carol" in capsys.readouterr().out
    assert snapshot(course) == before


def test_unknown_student_is_a_usage_error(courses, capsys):
    _, ours, _ = courses
    assert grade(ours, "--student", "nobody", "--dry-run") == 2
    assert "nobody" in capsys.readouterr().err


def test_the_api_works_from_a_plain_script(courses, tmp_path):
    """No `if __name__ == "__main__":` guard: the workers must not rerun the script."""
    _, ours, _ = courses
    script = tmp_path / "grade_class.py"
    script.write_text(textwrap.dedent(f"""
        import autograder
        results = autograder.grade({NAME!r}, root={str(ours)!r}, jobs=2, memory_gib=2, dry_run=True)
        print(sorted((r.student, r.score) for r in results))
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("alice") == 1


def test_the_api_works_from_a_notebook(courses):
    from nbclient import NotebookClient
    _, ours, _ = courses
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import autograder\n"
        f"results = autograder.grade({NAME!r}, root={str(ours)!r}, jobs=2, dry_run=True, progress=False)\n"
        "print(sorted(r.student for r in results))")]
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    # stdout alone: a library may warn on stderr first (urllib3 does, where a SOCKS proxy is configured)
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("name") == "stdout")
    assert printed.strip() == str(sorted(STAMPS))


def test_memory_has_one_unit_and_says_it():
    with pytest.raises(TypeError, match="memory_gib"):
        autograder.grade(NAME, root=".", memory=2 * 1024 ** 3)


def test_only_regular_files_of_reasonable_size_are_copied_beside_the_notebook(tmp_path):
    import os

    from autograder.grading import autograded
    submitted, dest = tmp_path / "submitted", tmp_path / "autograded"
    submitted.mkdir()
    dest.mkdir()
    (submitted / "timestamp.txt").write_text(STAMPS["alice"])
    (submitted / "helpers.py").write_text("def f(): return 1\n")
    (submitted / "secret").symlink_to("/etc/hostname")
    os.mkfifo(submitted / "pipe")
    with (submitted / "huge.bin").open("wb") as f:
        f.truncate(autograded.MAX_COPY + 1)
    autograded.copy_files(submitted, dest)
    assert sorted(p.name for p in dest.iterdir()) == ["helpers.py", "timestamp.txt"]


def test_formgrader_autograde_button_runs_the_sandboxed_grader(courses, tmp_path):
    """With the two lines of nbgrader_autograde.py in nbgrader_config.py, nbgrader's own autograde (what
    formgrader's button calls) grades through `autograder grade --student`."""
    from nbgrader.apps.api import NbGraderAPI
    _, ours, _ = courses
    course = tmp_path / "course"
    shutil.copytree(ours, course)
    with (course / "nbgrader_config.py").open("a") as f:
        f.write('c.Autograde.sanitize_preprocessors = []\n'
                'c.Autograde.autograde_preprocessors = ["autograder.grading.nbgrader_autograde.GradeInSandbox"]\n')
    shutil.copy(course / "submitted" / "alice" / NAME / f"{NAME}.ipynb",
                course / "submitted" / "carol" / NAME / f"{NAME}.ipynb")   # carol resubmits, right this time
    before = formgrader_view(course)
    api = NbGraderAPI(config=_config(course))
    done = api.autograde(NAME, "carol")
    assert done["success"], done.get("error")
    after = formgrader_view(course)
    assert after["carol"]["nb_score"] == FULL > before["carol"]["nb_score"]
    assert {s: after[s] for s in ("alice", "bob")} == {s: before[s] for s in ("alice", "bob")}
    report = (course / "reports" / NAME / "grades.json").read_text()   # written by autograder grade alone
    assert '"student": "carol"' in report and "57.5 h late" in report


def test_timestamp_is_read_only_from_a_regular_file(tmp_path):
    import os

    from autograder.grading.late import timestamp
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "timestamp.txt").write_text(STAMPS["carol"] + "\n")
    assert str(timestamp(tmp_path / "plain")) == "2026-12-04 02:30:00"
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / "timestamp.txt").symlink_to(tmp_path / "plain" / "timestamp.txt")
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "timestamp.txt")
    assert timestamp(tmp_path / "link") is None and timestamp(tmp_path / "fifo") is None
    assert timestamp(tmp_path / "none") is None
