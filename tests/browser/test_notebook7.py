"""A learner in Notebook 7: the course notebook renders, Run All stops at the first exercise, and once
that exercise is written the learning-rate slider appears and draws the learner's descent."""
import shutil

import pytest

from tests.browser.servers import ROOT, start
from tests.browser.ui import open_notebook, run_all, tracebacks

pytestmark = pytest.mark.browser

NAME = "01-chain-rule"
ANSWER = '''def numeric_derivative(f, x, h=1e-5):
    """Central-difference estimate of f'(x)."""
    return (f(x + h) - f(x - h)) / (2 * h)
'''


def cell(page, text):
    return page.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text=text)).first


def test_notebook7_renders_and_shows_the_slider(page, tmp_path, artifact, record):
    root = tmp_path / "root"
    shutil.copytree(ROOT / "course" / NAME, root / NAME)
    server = start("notebook", root, tmp_path)
    try:
        record("server start", server.started_in)
        record("open notebook", open_notebook(page, server.link(f"notebooks/{NAME}/{NAME}.ipynb")))
        assert page.locator(".jp-RenderedMarkdown h1").first.inner_text().startswith("01 · The chain rule")
        assert page.locator(".jp-RenderedMarkdown mjx-container, .jp-RenderedMarkdown .MathJax").count() > 0

        record("run all (to the first stub)", run_all(page))
        errors = tracebacks(page)
        assert len(errors) == 1 and "NotImplementedError" in errors[0]

        # The learner writes the first exercise, runs it and its test, then runs the slider cell.
        exercise = cell(page, "def numeric_derivative")
        exercise.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(ANSWER)
        page.keyboard.press("Shift+Enter")
        page.keyboard.press("Shift+Enter")
        # The first line: CodeMirror renders a long cell's later lines only once they scroll into view.
        slider_cell = cell(page, "def descend(")
        slider_cell.locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")
        slider = slider_cell.locator(".widget-slider")
        slider.wait_for(state="visible")
        slider_cell.locator(".widget-output img").wait_for(state="visible")
        assert len(tracebacks(page)) == 0, "the exercise's own run or its test cell failed"
        slider_cell.scroll_into_view_if_needed()
        page.screenshot(path=artifact(f"notebook7-{NAME}.png"))
    finally:
        server.stop()
