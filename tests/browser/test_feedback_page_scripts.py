"""A feedback page shows the student's own markdown and HTML outputs; none of the student's scripts runs in the
browser of whoever opens it. The same page without its Content-Security-Policy runs them all (the test has teeth)."""
import nbformat
import pytest

from autograder.grading import feedback
from autograder.grading.autograded import stamp
from autograder.grading.result import Result
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
NB = "01-chain-rule"
ATTACKS = {
    "markdown": nbformat.v4.new_markdown_cell(
        "Hello <img src=x onerror=\"document.body.dataset.hit += ' img'\">"
        "<script>document.body.dataset.hit += ' md-script'</script>"),
    "output": nbformat.v4.new_code_cell("x = 1", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": "<script>document.body.dataset.hit += ' out-script'</script>"
                                           "<svg onload=\"document.body.dataset.hit += ' svg'\"></svg>"
                                           "<iframe srcdoc=\"<script>parent.document.body.dataset.hit += ' frame'</script>\"></iframe>"})]),
}


def hostile_page(tmp_path):
    source = nbformat.read(ROOT / "source" / NB / f"{NB}.ipynb", as_version=4)
    result = Result("mallory", NB, "graded", "", 0.0, 16.0, [])
    nb = nbformat.v4.new_notebook(cells=list(ATTACKS.values()))
    stamp(nb, source, result)
    page = feedback.render(nb, feedback.GradesOf([result]), "mallory", NB, NB)
    assert "Content-Security-Policy" in page
    guarded, bare = tmp_path / "guarded.html", tmp_path / "bare.html"
    guarded.write_text(page.replace("<body", "<body data-hit=\"\"", 1))
    bare.write_text(guarded.read_text().replace("http-equiv=\"Content-Security-Policy\"", "name=\"no-policy\""))
    return guarded, bare


def hits(page, path):
    page.goto(path.as_uri())
    page.wait_for_timeout(500)
    return page.evaluate("document.body.dataset.hit").split()


def test_no_script_of_the_students_runs_in_the_feedback_page(page, tmp_path):
    guarded, bare = hostile_page(tmp_path)
    assert hits(page, guarded) == []
    assert "Hello" in page.inner_text("body")
    assert set(hits(page, bare)) >= {"img", "out-script", "svg"}   # without the policy they run
