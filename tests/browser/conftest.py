"""Headless Debian chromium driven by Playwright, one page per test, and the Binder environment.

The browser has no internet: pages that fetch MathJax or fonts from a CDN log console errors. Tests
assert on what the page shows; console errors are printed, and only the known offline ones are expected.
"""
import fcntl
import json
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.browser.servers import ROOT, binder_env

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"   # Debian's; never `playwright install`
# Without the background-networking flags chromium's own connections get refused in bulk here.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
OFFLINE = re.compile(r"cdn|mathjax|fonts?\b|googleapis|ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED", re.I)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        # launch() gives every run a fresh, temporary user-data-dir
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(f"uncaught: {e}"))
    yield page
    unexpected = [m for m in page.console_errors if not OFFLINE.search(m)]
    print(f"\nconsole errors: {len(page.console_errors)} ({len(unexpected)} not about offline resources)")
    for m in unexpected[:20]:
        print("  ", m[:300])
    context.close()


@pytest.fixture
def artifact():
    """artifact(name) -> the path to save a screenshot at, under artifacts/browser/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def path(name):
        p = ARTIFACTS / name
        print(f"\nscreenshot: {p}")
        return p
    return path


@pytest.fixture
def record(request):
    """record(what, seconds): print a measured time and append it to artifacts/browser/times.jsonl."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def write(what, seconds):
        print(f"\ntime: {request.node.name}: {what} = {seconds:.3f} s")
        with (ARTIFACTS / "times.jsonl").open("a") as f:
            f.write(json.dumps({"test": request.node.name, "what": what, "seconds": round(seconds, 3),
                                "at": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")
    return write


@pytest.fixture(scope="session")
def binder(tmp_path_factory, worker_id):
    """The bin folder of a fresh venv built from environment.yml and postBuild, once per test run.

    Under xdist the workers share one build through a lock in the run's common temp folder.
    """
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    dest = shared / "binder"
    with open(shared / "binder.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (dest / "done").exists():
            shutil.rmtree(dest, ignore_errors=True)
            dest.mkdir()
            t0 = time.perf_counter()
            binder_env(dest)
            (dest / "done").write_text(f"{time.perf_counter() - t0:.1f}")
    print(f"\nbinder environment built in {(dest / 'done').read_text()} s")
    return dest / "venv" / "bin"
