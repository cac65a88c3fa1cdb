"""Binder, the way a learner gets it: a fresh environment from environment.yml, then postBuild.

postBuild must leave exactly three nbgrader lab plugins disabled and locked, and the formgrader server
extension disabled; a misspelled ID would pass silently (exit 0), so the state itself is checked. Then
JupyterLab from that environment must offer no instructor tool, and a course notebook must still run.
"""
import re
import shutil

import pytest

from tests.browser.servers import ROOT, jupyter, start
from tests.browser.ui import menu_items, open_notebook, run_all, tracebacks

INSTRUCTOR_PLUGINS = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list"}
LEARNER_SERVER_EXTENSIONS = {"jupyterlab", "notebook", "nbgrader.server_extensions.assignment_list",
                             "nbgrader.server_extensions.validate_assignment"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# One worker builds the environment (about a minute), and both tests use it.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("binder")]


def lab_state(text):
    """(disabled plugins, locked plugins) from `jupyter labextension list`."""
    text = ANSI.sub("", text)
    disabled = text.split("Disabled extensions:")[1] if "Disabled extensions:" in text else ""
    disabled = set(re.findall(r"^\s+(@?[\w./-]+:[\w.-]+)\s*$", disabled.split("\n\n")[0], re.M))
    locked = {p.strip() for group in re.findall(r"\(plugins: ([^)]*) locked\)", text) for p in group.split(",")}
    return disabled, locked


def server_state(text):
    """{extension: 'enabled' or 'disabled'} from `jupyter server extension list`."""
    return dict(re.findall(r"^\s+(\S+) (enabled|disabled)\s*$", ANSI.sub("", text), re.M))


def test_postbuild_leaves_exactly_the_learner_state(binder, tmp_path):
    disabled, locked = lab_state(jupyter(binder, tmp_path, "labextension", "list"))
    assert disabled == INSTRUCTOR_PLUGINS
    assert locked == INSTRUCTOR_PLUGINS
    states = server_state(jupyter(binder, tmp_path, "server", "extension", "list"))
    assert {name for name, s in states.items() if s == "disabled"} == {"nbgrader.server_extensions.formgrader"}
    assert LEARNER_SERVER_EXTENSIONS <= {name for name, s in states.items() if s == "enabled"}


def test_binder_learner_sees_no_instructor_tools(binder, page, tmp_path, artifact, record):
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "course" / "01-chain-rule", root / "course" / "01-chain-rule")
    server = start("lab", root, tmp_path, bindir=binder)
    try:
        record("server start", server.started_in)
        assert server.get("formgrader") == 404
        assert page.goto(server.link("formgrader")).status == 404
        record("open notebook", open_notebook(page, server.link("lab/tree/course/01-chain-rule/01-chain-rule.ipynb?reset")))

        items = menu_items(page, "Nbgrader")
        page.screenshot(path=artifact("binder-learner-nbgrader-menu.png"))
        page.keyboard.press("Escape")
        assert "Assignment List" in items
        assert not {"Formgrader", "Formgrader (local)", "Create assignment", "Course List"} & set(items)
        assert "Create Assignment" not in page.locator(".jp-SideBar.jp-mod-right").inner_text()

        # Run All stops at the first exercise's stub: the cells above it ran, and it says what to do.
        record("run all (to the first stub)", run_all(page))
        errors = tracebacks(page)
        assert len(errors) == 1 and "NotImplementedError" in errors[0]
        assert page.locator(".jp-OutputArea-output", has_text="central 6.0000000000").count() == 1
        page.locator(".jp-OutputArea-output", has_text="NotImplementedError").first.scroll_into_view_if_needed()
        page.screenshot(path=artifact("binder-learner-run-all.png"))
    finally:
        server.stop()
