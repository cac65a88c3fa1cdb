"""formgrader after `autograder grade` (no `nbgrader autograde` at all): Manage Submissions shows every pair
graded, the notebook's page shows each submission's score, a grader gives partial credit and a comment in
the submission's page, and `nbgrader export` then carries that grade.
"""
import csv
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from tests.browser.servers import start
from tests.test_grade_workflow import CAROL, FULL, NAME, class_of_three

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def run(course, *cmd):
    done = subprocess.run([sys.executable, "-m", *cmd], cwd=course, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stdout + done.stderr   # autograder grade: 1 = some pair not graded
    return done


def exported(course):
    run(course, "nbgrader", "export", "--to", "export.csv")
    with (course / "export.csv").open() as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def test_formgrader_grades_comments_and_exports_after_autograder_grade(page, tmp_path, artifact, record):
    course = class_of_three(tmp_path / "course")
    t0 = time.perf_counter()
    done = run(course, "autograder.cli", "grade", NAME, "--jobs", "2")
    record("autograder grade, 3 submissions", time.perf_counter() - t0)
    assert "carol" in done.stdout
    server = start("lab", course, tmp_path)
    try:
        page.goto(server.link("lab"))   # logs in: formgrader's API calls then carry the session's cookie
        page.wait_for_selector(".jp-LauncherCard, .jp-Launcher", timeout=60_000)
        page.goto(server.url + f"formgrader/manage_submissions/{NAME}")
        for student, score in (("alice", FULL), ("bob", 0), ("carol", CAROL)):
            row = page.locator(f"tr:has(td.student-id:text-is('{student}'))")
            assert row.locator("td.status").inner_text(timeout=30_000).strip() == "graded"
            assert row.locator("td.score").inner_text().strip() == f"{score:g} / {FULL:g}"
        page.screenshot(path=artifact("formgrader-after-grade-submissions.png"))

        page.goto(server.url + f"formgrader/gradebook/{NAME}/{NAME}")
        carol = page.locator("tr:has(a.name-shown:text-is('carol'))")
        assert carol.locator("td.score").inner_text(timeout=30_000).strip() == f"{CAROL:g} / {FULL:g}"
        assert carol.locator("td.tests-failed").get_attribute("data-search") == "tests failed"
        alice = page.locator("tr:has(a.name-shown:text-is('alice'))")
        assert alice.locator("td.score").inner_text().strip() == f"{FULL:g} / {FULL:g}"
        assert alice.locator("td.tests-failed").get_attribute("data-search") == ""
        page.screenshot(path=artifact("formgrader-after-grade-notebook.png"))

        carol.locator("a.name-hidden").click()   # "Submission #N" (names are hidden): her autograded notebook
        score = page.locator("input.score#numeric_derivative_test")
        expect(score).to_have_attribute("placeholder", "0", timeout=30_000)   # the auto score; no manual one yet
        assert "opposite sign" in page.locator("body").inner_text()   # the verdict, as the failed cell's error
        score.fill("1")
        with page.expect_response(lambda r: "/api/grade/" in r.url and r.request.method == "PUT") as saved:
            score.press("Tab")   # formgrader saves a score on change
        assert saved.value.ok
        comment = page.locator("textarea#numeric_derivative-comment")
        comment.fill("Right idea; the two points are subtracted the wrong way round.")
        with page.expect_response(lambda r: "/api/comment/" in r.url and r.request.method == "PUT") as saved:
            comment.press("Tab")
        assert saved.value.ok
        page.screenshot(path=artifact("formgrader-after-grade-manual.png"))
    finally:
        server.stop()

    rows = exported(course)
    assert float(rows["carol"]["raw_score"]) == CAROL + 1   # autograder grade's, and 1 point by hand
    assert float(rows["alice"]["raw_score"]) == FULL
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(NAME, NAME, "carol")
        assert {c.name: c.manual_comment for c in nb.comments}["numeric_derivative"].startswith("Right idea")
