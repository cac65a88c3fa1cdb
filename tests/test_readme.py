"""The README's two commands exist, CI runs exactly the test one, and every notebook is listed."""
import re

from tests.conftest import NOTEBOOKS, ROOT

README = (ROOT / "README.md").read_text()


def test_two_commands_and_ci_runs_the_test_one():
    assert "./dev open" in README and "./dev test" in README
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == "exec ./dev test"


def test_every_notebook_is_listed_with_a_goal():
    for name in NOTEBOOKS:
        row = re.search(rf"^\| {name[:2]} \| \[.+\]\(course/{name}/{name}\.ipynb\) \| (.+) \|$", README, re.M)
        assert row and len(row.group(1)) > 20, f"{name} is not in the README's notebook table"
