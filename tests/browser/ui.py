"""What a person does in JupyterLab or Notebook 7, as Playwright steps: open, run all, save, drag a slider.

Both front ends share JupyterLab's DOM (jp-* classes), so the same steps serve both.
"""
import hashlib
import re
import time

NOTEBOOK = ".jp-NotebookPanel:visible"
ERROR = re.compile(r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b", re.M)
IDLE = f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']"
# The toolbar names the kernel once one is connected; before that it says "No Kernel".
KERNEL_READY = f"""() => {{
    const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => p.offsetParent !== null);
    const name = panel && panel.querySelector('[data-jp-item-name="kernelName"]');
    const status = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
    return name && /Python/.test(name.textContent) && status && status.dataset.status === 'idle';
}}"""


def open_notebook(page, url, timeout=60_000):
    """Load url and wait until the notebook is shown and its kernel is idle; return seconds taken."""
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=timeout)
    page.wait_for_function(KERNEL_READY, timeout=timeout)
    return time.perf_counter() - t0


def menu(page, top, item):
    """Click a menu-bar menu, then one of its items, as a person would."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-item:visible", has_text=re.compile(f"^{re.escape(item)}")).first.click()


def menu_items(page, top):
    """Open a menu-bar menu and return the labels of its visible items (the menu stays open)."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.wait_for_selector(".lm-Menu:visible")
    return [t.strip() for t in page.locator(".lm-Menu:visible .lm-Menu-item:visible .lm-Menu-itemLabel").all_inner_texts()]


def run_all(page, timeout=180_000):
    """Run > Run All Cells, then wait until no cell is queued or running; return seconds taken.

    JupyterLab stops a run at the first error (the kernel aborts the queued cells), as a learner sees it.
    """
    t0 = time.perf_counter()
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(f"""() => {{
        const p = [...document.querySelectorAll('{NOTEBOOK.replace(":visible", "")} .jp-CodeCell .jp-InputPrompt')]
            .map(e => e.textContent.trim());
        return p.length && /\\[\\d+\\]/.test(p[0]) && !p.some(t => t.includes('*'));
    }}""", timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)
    return time.perf_counter() - t0


def tracebacks(page):
    """The visible error outputs (a traceback, or a SyntaxError's short report), in notebook order."""
    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return [t for t in outputs.all_inner_texts() if ERROR.search(t)]


def save(page):
    page.locator(f"{NOTEBOOK} .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.wait_for_selector(f"{NOTEBOOK}:not(.jp-mod-dirty)", timeout=15_000)
    time.sleep(0.5)   # the contents API call returns after the file is written; leave the title a moment


WATCH = """(panel) => {
    // From the mouse release to the first figure that the slider's output redraws, both in page time.
    const old = panel.querySelector('.widget-output img');
    const t = window.__slider = {before: old && old.src};
    document.addEventListener('pointerup', () => { t.up = performance.now(); }, {capture: true, once: true});
    new MutationObserver((_, obs) => {
        const img = panel.querySelector('.widget-output img');
        if (t.up !== undefined && img && img !== old && img.complete) { t.shown = performance.now(); t.after = img.src; obs.disconnect(); }
    }).observe(panel, {subtree: true, childList: true, attributes: true});
}"""


def drag_slider(page, panel, fraction=0.2):
    """Drag the first slider handle in panel by a fraction of its track, towards the farther end.

    Returns a dict: ms (from mouse-up to the redrawn figure), the readout and a digest of the figure,
    before and after.
    """
    handle = panel.locator(".widget-slider .noUi-handle").first
    track = panel.locator(".widget-slider .noUi-target").first
    readout = panel.locator(".widget-slider .widget-readout").first
    before = readout.inner_text()
    h, tr = handle.bounding_box(), track.bounding_box()
    x, y = h["x"] + h["width"] / 2, h["y"] + h["height"] / 2
    step = fraction * tr["width"] * (1 if x < tr["x"] + tr["width"] / 2 else -1)
    panel.evaluate(WATCH)
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + step * i / 10, y)
    page.mouse.up()
    page.wait_for_function("() => window.__slider.shown !== undefined", timeout=15_000)
    t = page.evaluate("window.__slider")
    return {"ms": t["shown"] - t["up"], "value_before": before, "value_after": readout.inner_text(),
            "figure_before": _digest(t["before"]), "figure_after": _digest(t["after"])}


def _digest(src):
    """A short name for an image's data URI, so that a failing comparison stays readable."""
    return src and hashlib.sha1(src.encode()).hexdigest()[:12]
