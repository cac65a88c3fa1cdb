"""A learner in JupyterLab: open a notebook, Run All, see no error, drag the learning-rate slider."""
import shutil

import nbformat
import pytest

from tests.browser.servers import ROOT, start
from tests.browser.ui import drag_slider, open_notebook, run_all, save, tracebacks

pytestmark = pytest.mark.browser

# The solutions version: every cell must run. Any notebook with a slider panel can be added here.
LEARNER_NOTEBOOKS = ["01-chain-rule", "02-single-neuron"]
SLIDER_BUDGET_MS = 1000   # from releasing the handle to the new figure on screen


@pytest.mark.parametrize("name", LEARNER_NOTEBOOKS)
def test_learner_runs_all_and_drags_the_slider(name, page, tmp_path, artifact, record):
    root = tmp_path / "root"
    shutil.copytree(ROOT / "solutions" / name, root / name)   # a copy: autosave must not touch the repo
    server = start("lab", root, tmp_path)
    try:
        record("server start", server.started_in)
        record("open notebook", open_notebook(page, server.link(f"lab/tree/{name}/{name}.ipynb?reset")))
        record("run all", run_all(page))
        assert tracebacks(page) == []

        save(page)
        nb = nbformat.read(root / name / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), "Run All stopped before the last cell"
        assert not [o for c in code for o in c.outputs if o.output_type == "error"]

        panel = page.locator(".widget-vbox:has(.widget-slider):has(.widget-output img)").first
        panel.scroll_into_view_if_needed()
        # Two drags: each must move the value and redraw a different figure, within the budget. The
        # second one catches an update() that draws a figure other than its own (a later cell's `fig`).
        drags = []
        for i, fraction in enumerate([0.2, 0.1], 1):
            drags.append(drag_slider(page, panel, fraction))
            record(f"slider update {i} (mouse-up to redrawn figure)", drags[-1]["ms"] / 1000)
        page.screenshot(path=artifact(f"learner-lab-{name}.png"))
        for i, drag in enumerate(drags, 1):
            assert drag["value_after"] != drag["value_before"], f"drag {i}: the slider's value did not move"
            assert drag["figure_after"] != drag["figure_before"], f"drag {i}: the figure did not change"
            assert drag["ms"] < SLIDER_BUDGET_MS, f"drag {i}: {drag['ms']:.0f} ms"
    finally:
        server.stop()
