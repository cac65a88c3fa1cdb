"""An instructor in JupyterLab with the instructor extra: the formgrader lists the course's assignment,
and after `nbgrader autograde` it shows each student's score, as the gradebook holds it.
"""
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from tests.browser.servers import ROOT, start
from tests.browser.ui import menu_items

pytestmark = pytest.mark.browser

NAME = "01-chain-rule"


def nbgrader(course, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def course_with_two_submissions(course):
    """A course folder in which alice submitted the solution and bob the untouched release."""
    shutil.copytree(ROOT / "source" / NAME, course / "source" / NAME)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    nbgrader(course, "generate_assignment", NAME, "--force")
    for student, nb in [("alice", ROOT / "solutions" / NAME / f"{NAME}.ipynb"),
                        ("bob", course / "release" / NAME / f"{NAME}.ipynb")]:
        (course / "submitted" / student / NAME).mkdir(parents=True)
        nbformat.write(nbformat.read(nb, as_version=4), course / "submitted" / student / NAME / f"{NAME}.ipynb")


def gradebook_scores(course):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        max_score = gb.find_assignment(NAME).max_score
        return max_score, {s: gb.find_submission(NAME, s).score for s in ("alice", "bob")}


def test_formgrader_lists_the_assignment_and_shows_autograded_scores(page, tmp_path, artifact, record):
    course = tmp_path / "course"
    course_with_two_submissions(course)
    server = start("lab", course, tmp_path)   # formgrader reads nbgrader_config.py from the server's root
    try:
        record("server start", server.started_in)
        page.goto(server.link("lab?reset"))
        items = menu_items(page, "Nbgrader")
        assert {"Formgrader", "Assignment List"} <= set(items)
        assert "Create Assignment" in page.locator(".jp-SideBar.jp-mod-right").inner_text()   # what Binder hides
        page.locator(".lm-Menu:visible .lm-Menu-item", has_text="Formgrader").first.click()
        frame = page.frame_locator("iframe[src*='formgrader']")
        assert frame.locator("td", has_text=NAME).first.inner_text(timeout=30_000).strip() == NAME
        page.screenshot(path=artifact("instructor-formgrader-assignments.png"))

        t0 = time.perf_counter()
        nbgrader(course, "autograde", NAME, "--force")
        record("nbgrader autograde, 2 submissions", time.perf_counter() - t0)
        max_score, scores = gradebook_scores(course)
        assert max_score > 0 and scores == {"alice": max_score, "bob": 0}

        frame.locator(f"a[href$='manage_submissions/{NAME}']").first.click()
        for student, score in scores.items():
            cell = frame.locator(f"tr:has(td.student-id:text-is('{student}')) td.score")
            assert cell.inner_text(timeout=30_000).strip() == f"{score:g} / {max_score:g}"
        page.screenshot(path=artifact("instructor-formgrader-scores.png"))
    finally:
        server.stop()
