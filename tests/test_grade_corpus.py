"""The cheat and fault corpus, graded by `autograder grade` in real sandboxed kernels.

Each submission must get exactly what its honest content deserves, with the
status and reason the corpus names; the gradebook, the reports and the
feedback must agree, and a rerun must write byte-identical reports.
"""
import csv
import io
import os
import subprocess
import sys

import nbformat
import pytest

import autograder
from autograder.cli import main as cli_main
from autograder.grading.result import STATUSES
from autograder.hidden import hidden_regions
from autograder.grading.report import table
from autograder.grading.restore import graded_cells
from tests.submissions import corpus
from tests.submissions.course import make_course, submit_corpus

# The corpus runs on notebook 01 in CI; AUTOGRADER_CORPUS=02-single-neuron,... runs it on others too.
NOTEBOOKS = os.environ.get("AUTOGRADER_CORPUS", "01-chain-rule").split(",")
OPTIONS = dict(jobs=2, cell_timeout=10, total_timeout=120, progress=False)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grade_corpus")]   # one worker grades the corpus once


@pytest.fixture(scope="module", params=NOTEBOOKS)
def graded(request, tmp_path_factory):
    name = request.param
    course = make_course(tmp_path_factory.mktemp("course"), [name])
    submit_corpus(course, name)
    results = autograder.grade(name, root=course, **OPTIONS)
    assert not planted(), "a submission changed the grader's own files"
    source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    print(f"\n{table(results)}")
    return name, course, source, {r.student: r for r in results}


def planted():
    """Files of the grader's package that hold the remount attack's backdoor line."""
    from pathlib import Path
    return [p for p in Path(autograder.__file__).parent.rglob("*.py") if "# backdoor" in p.read_text()]


def _cases():
    for case in corpus.CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.limitation)] if case.limitation else []
        yield pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", list(_cases()))
def test_case_gets_what_it_deserves(graded, case):
    _, _, source, results = graded
    result = results[case.name]
    items = [(t.grade_id, t.points) for t in graded_cells(source)]
    assert (result.status, result.score) == (case.status, corpus.expected_score(case, items, corpus.first_tests(source))), \
        result.reason
    assert case.reason in result.reason
    assert result.score == sum(i.score for i in result.items)


def test_every_pair_has_a_status_and_faults_a_reason(graded):
    _, _, source, results = graded
    assert {r.status for r in results.values()} <= set(STATUSES)
    assert all(r.reason for r in results.values() if r.status != "graded")
    assert all(len(r.items) == len(graded_cells(source)) for r in results.values())


def test_gradebook_holds_the_scores_and_nothing_escaped(graded):
    name, course, _, results = graded
    out = course / "export.csv"
    subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(out)], cwd=course, check=True,
                   capture_output=True)
    exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(out.open())}
    assert exported == {student: r.score for student, r in results.items()}
    assert not (course / "HACKED").exists()


def test_feedback_shows_scores_but_no_hidden_tests(graded):
    name, course, source, results = graded
    hidden = {line.strip() for cell in source.cells for region in hidden_regions(cell.source)
              for line in region.splitlines() if len(line.strip()) > 12}
    for student, result in results.items():
        page = (course / "feedback" / student / name / f"{name}.html").read_text()
        assert f"{result.score:g} of {result.max_score:g}" in page
        assert not [line for line in hidden if line in page], student


def test_rerun_from_the_cli_writes_identical_reports(graded):
    name, course, _, results = graded
    first = [(course / "reports" / name / f).read_bytes() for f in ("grades.csv", "grades.json")]
    code = cli_main([ "grade", name, "--root", str(course), "--jobs", "2", "--cell-timeout", "10",
                     "--total-timeout", "120"])
    assert code == 1     # the corpus has faults, so not every pair is graded
    assert [(course / "reports" / name / f).read_bytes() for f in ("grades.csv", "grades.json")] == first
    rows = list(csv.DictReader(io.StringIO(first[0].decode())))
    assert [r["student"] for r in rows] == sorted(results)


def test_no_test_code_reaches_feedback_or_reports(graded):
    """A learner's exception that quotes the running test cell (hidden part included) is not shown. The page
    shows the learner's own code as submitted (a lookalike check named __autograder_record__, say) and the
    visible part of the released notebook: only the lines that are in neither are searched."""
    name, course, source, results = graded
    for student, result in results.items():
        page = beyond_own_code((course / "feedback" / student / name / f"{name}.html").read_text(),
                               course / "submitted" / student / name, source)
        for text in (page, result.reason, *[i.message for i in result.items]):
            assert "__autograder_record__" not in text and "default_rng" not in text, student
    leak = results["attack-leak-test-source"]
    assert any("quotes the test cell" in i.message for i in leak.items), leak.items


def beyond_own_code(page, folder, source):
    """The page's text (tags and escapes removed), less the lines of the code the learner submitted in folder
    and of the released notebook (source without its hidden tests)."""
    import html
    import re

    from autograder.hidden import strip_hidden
    own = {line.strip() for cell in source.cells for line in strip_hidden(cell.source).splitlines()}
    for path in folder.glob("*.ipynb"):
        try:
            own |= {line.strip() for cell in nbformat.read(path, as_version=4).cells
                    for line in cell.source.splitlines() if cell.cell_type == "code"}
        except Exception:  # noqa: BLE001 - not a notebook: nothing of it is shown as code
            pass
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    return "\n".join(line for line in text.splitlines() if line.strip() not in own or not line.strip())
