"""The feedback page students get: their own code and outputs, each exercise's title, score and diagnosis in place,
the grader's manual scores and comments, no hidden test; the same page from `autograder grade` and from `nbgrader
generate_feedback`, with the scores of `nbgrader export`."""
import csv
import html
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

import autograder
from autograder.grading import safe_feedback
from autograder.hidden import hidden_regions
from tests.submissions import corpus
from tests.submissions.course import ROOT, make_course

NAME = "01-chain-rule"
NOTEBOOKS = sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir())
COMMENT = "Good start: now check the sign of the difference."


def source(name):
    return nbformat.read(ROOT / "source" / name / f"{name}.ipynb", as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_graded_cell_of_every_notebook_has_an_exercise_title(name):
    nb = source(name)
    graded = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    titles = safe_feedback.titles(nb)
    tests = [titles[gid] for gid in graded]
    assert all(tests), tests
    assert len(set(tests)) == len(tests), f"two tests share a title: {tests}"
    for title in tests:
        assert "_test" not in title and not title.startswith("#") and "`" not in title
        assert re.match(r"(Your turn \d+: .+|Quick check|One update, checked numerically)$", title), title


def test_hidden_regions_are_cut_even_when_unclosed():
    assert safe_feedback.visible("a\n### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\nb") == "a\nb"
    assert safe_feedback.visible("a\n### BEGIN HIDDEN TESTS\nsecret\nmore") == "a"


def nbgrader(course, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """alice: right; carol: the first exercise wrong, a line she printed, a hidden test line she printed (as if
    kept from a hidden test's run), and a heading she rewrote; dave: no notebook; erin: every
    test cell tagged to be skipped (tampered). Then a manual score and a comment for carol, entered through
    nbgrader's API as formgrader enters them, and carol regraded alone."""
    course = make_course(tmp_path_factory.mktemp("feedback"), [NAME])
    nbk = corpus.notebook(ROOT, NAME)
    carol = corpus.wrong(nbk)
    carol.cells.insert(corpus.index(carol, "solution"), nbformat.v4.new_code_cell('print("carol was here")'))
    leaked = next(line.strip() for cell in source(NAME).cells for region in hidden_regions(cell.source)
                  for line in region.splitlines() if len(line.strip()) > 12)   # as if kept from a hidden test's run
    carol.cells.append(nbformat.v4.new_code_cell(f'print("".join(reversed({leaked[::-1]!r})))'))
    heading = next(c for c in carol.cells if c.cell_type == "markdown" and "## Your turn 2" in c.source)
    heading.source = "## My notes\n" + heading.source.split("\n", 1)[1]   # the title stays source/'s
    for student, nb in (("alice", nbk.copy()), ("carol", carol), ("dave", None), ("erin", corpus.skip_execution(nbk))):
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")
        (folder / "submission_secret.txt").write_text(f"secret-of-{student}")   # as nbgrader submit leaves it
        if nb is not None:
            nbformat.write(nb, folder / f"{NAME}.ipynb")
    first = {r.student: r for r in autograder.grade(NAME, root=course, jobs=2, progress=False)}
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.find_grade("numeric_derivative_test", NAME, NAME, "carol").manual_score = 1.5
        gb.find_comment("numeric_derivative", NAME, NAME, "carol").manual_comment = COMMENT
        gb.db.commit()
    autograder.grade(NAME, root=course, jobs=2, progress=False, students=["carol"])
    return course, first


def page(course, student):
    return (course / "feedback" / student / NAME / f"{NAME}.html").read_text(encoding="utf-8")


def text(page_html):
    """What a reader sees: the page's text, tags and escapes removed."""
    body = page_html[page_html.index("<body"):]
    return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.mark.slow
def test_the_page_shows_the_students_work_and_each_diagnosis_in_place(course):
    course, first = course
    shown = text(page(course, "carol"))
    assert "def numeric_derivative(f, x, h=1e-5):" in shown and "carol was here" in shown   # her code, her output
    first_test = shown.index("Test: Your turn 1: the numerical derivative (partial credit, 1.5 of 2 points)")
    diagnosis = shown.index("What the test found:", first_test)
    assert shown.index("check_close(\"numeric_derivative(x**2, 3.0)\"", first_test) < diagnosis
    assert "opposite sign" in shown[diagnosis:shown.index("Your turn 2", diagnosis)]
    assert COMMENT in shown[shown.index("Your answer: Your turn 1"):first_test]
    assert "Test: Your turn 2: differentiate a composition (passed, 2 of 2 points)" in shown
    total = first["carol"].max_score - 2 + 1.5
    assert f"Your score: {total:g} of {first['carol'].max_score:g}" in shown


@pytest.mark.slow
def test_no_hidden_test_and_no_internal_word_reaches_a_page(course):
    course, _ = course
    hidden = {line.strip() for cell in source(NAME).cells for region in hidden_regions(cell.source)
              for line in region.splitlines() if len(line.strip()) > 12}
    ids = {c.metadata["nbgrader"]["grade_id"] for c in source(NAME).cells if c.metadata.get("nbgrader", {}).get("grade")}
    for student in ("alice", "carol", "dave", "erin"):
        shown = text(page(course, student))
        assert not [line for line in hidden if line in shown], student
        assert not [gid for gid in ids if gid in shown], student
        assert "BEGIN HIDDEN" not in page(course, student) and "__autograder_record__" not in page(course, student)
        assert not re.search(r"\b(tampered|missing notebook|invalid notebook)\b", shown), student
    assert "Your submission has no 01-chain-rule.ipynb, so nothing was graded." in text(page(course, "dave"))
    assert "changed a test while it ran" in text(page(course, "erin"))
    assert safe_feedback.WITHHELD in text(page(course, "carol"))   # her print of a hidden line


@pytest.mark.slow
def test_the_page_is_generate_feedbacks_and_its_scores_are_exports(course, tmp_path):
    course, _ = course
    theirs = tmp_path / "course"
    shutil.copytree(course, theirs)
    nbgrader(theirs, "generate_feedback", NAME, "--force")
    for student in ("alice", "carol", "erin"):   # dave has no autograded notebook, as with nbgrader autograde
        assert page(theirs, student) == page(course, student), student
        assert (theirs / "feedback" / student / NAME / "timestamp.txt").read_text() == \
            (course / "feedback" / student / NAME / "timestamp.txt").read_text()
    nbgrader(course, "export", "--to", "export.csv")
    for row in csv.DictReader((course / "export.csv").open()):
        assert f"Your score: {float(row['score']):g} of {float(row['max_score']):g}" in text(page(course, row["student_id"]))


@pytest.mark.slow
def test_no_gradebook_writes_no_feedback(course, tmp_path):
    course, _ = course
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    before = {p: p.read_bytes() for p in (copy / "feedback").rglob("*")if p.is_file()}
    shutil.copy(copy / "submitted" / "alice" / NAME / f"{NAME}.ipynb", copy / "submitted" / "carol" / NAME / f"{NAME}.ipynb")
    autograder.grade(NAME, root=copy, jobs=2, progress=False, gradebook=False, report_dir=str(tmp_path / "reports"))
    assert {p: p.read_bytes() for p in (copy / "feedback").rglob("*") if p.is_file()} == before


def test_the_template_ships_in_the_package():
    import fnmatch
    import tomllib
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["autograder.grading"]
    folder = ROOT / "autograder" / "grading"
    files = [str(p.relative_to(folder)) for p in (folder / "templates" / "student-feedback").iterdir()]
    assert files and all(any(fnmatch.fnmatch(f, pattern) for pattern in patterns) for f in files), files


@pytest.mark.slow
def test_release_feedback_releases_the_pages_autograder_grade_wrote(course, tmp_path):
    course, _ = course
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    nbgrader(course, "release_feedback", NAME, f"--Exchange.root={exchange}")
    released = {p.read_text(encoding="utf-8") for p in exchange.rglob("*.html")}
    assert released == {page(course, s) for s in ("alice", "carol", "dave", "erin")}
