"""The README's instructor walk-through, run top to bottom as written, in a copy of the course: release,
a student fetches and submits through the exchange, collect, autograder grade, generate_feedback,
release_feedback (the student fetches it), export. And its zip_collect block, on an LMS download.

Two things differ from a real machine, and only these: the exchange is a folder of the test's own (the
README's path is replaced in the script, and a user-level nbgrader_config.py points there, as the README
says to do for another folder), and the one student is the user who runs the test.
"""
import getpass
import os
import re
import subprocess
import zipfile

import nbformat
import pytest

from tests.conftest import ROOT
from tests.submissions.course import make_course
from tests.test_grade_workflow import FULL

pytestmark = pytest.mark.slow
NAME = "01-chain-rule"
README = (ROOT / "README.md").read_text()
DEFAULT_EXCHANGE = "/usr/local/share/nbgrader/exchange"


def block(marker):
    """The bash block between <!-- marker:begin --> and <!-- marker:end -->, indentation removed."""
    text = re.search(rf"<!-- {marker}:begin -->\s*```bash\n(.*?)```\s*<!-- {marker}:end -->", README, re.S).group(1)
    return "\n".join(line[len(text) - len(text.lstrip(" ")):] if line.strip() else "" for line in text.splitlines())


def environment(tmp_path):
    """This interpreter's tools first on PATH, and a user-level nbgrader config naming the test's exchange."""
    exchange, config = tmp_path / "exchange", tmp_path / "jupyter-config"
    config.mkdir()
    (config / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), HOME=str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return env, exchange


def bash(script, cwd, env):
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, f"$ {script}\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done


def student_submits(tmp_path, env, solution):
    """What a student does between the README's release and collect."""
    home = tmp_path / "student"
    home.mkdir()
    bash(f"nbgrader fetch_assignment {NAME} --course=backprop", home, env)
    nbformat.write(solution, home / NAME / f"{NAME}.ipynb")
    bash(f"nbgrader submit {NAME} --course=backprop", home, env)
    return home


def test_the_walkthrough_runs_top_to_bottom(tmp_path):
    course = make_course(tmp_path / "course", [NAME])
    env, exchange = environment(tmp_path)
    script = block("walkthrough").replace(DEFAULT_EXCHANGE, str(exchange))
    release, rest = script.split("# 2. Collect")
    bash(release, course, env)
    home = student_submits(tmp_path, env, nbformat.read(ROOT / "solutions" / NAME / f"{NAME}.ipynb", as_version=4))
    done = bash("# 2. Collect" + rest, course, env)

    me = getpass.getuser()
    assert re.search(rf"^{me}\s+{NAME}\s+graded\s+{FULL:g}/{FULL:g}", done.stdout, re.M), done.stdout
    assert (course / "autograded" / me / NAME / f"{NAME}.ipynb").is_file()
    assert (course / "reports" / NAME / "index.html").is_file()
    rows = (course / "grades.csv").read_text().splitlines()   # nbgrader export
    assert rows[1].split(",")[3] == me and float(rows[1].split(",")[-2]) == FULL
    bash(f"nbgrader fetch_feedback {NAME} --course=backprop", home, env)
    assert list((home / NAME / "feedback").rglob(f"{NAME}.html"))


def test_the_zip_collect_block_reads_an_lms_download(tmp_path):
    course = make_course(tmp_path / "course", [NAME])
    env, _ = environment(tmp_path)
    bash(f"nbgrader generate_assignment {NAME} --force", course, env)
    archive = course / "downloaded" / NAME / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "lms-download.zip", "w") as zf:
        zf.write(ROOT / "solutions" / NAME / f"{NAME}.ipynb", f"alice_{NAME}.ipynb")
        zf.write(course / "release" / NAME / f"{NAME}.ipynb", f"bob_{NAME}.ipynb")
    done = bash(block("zipcollect"), course, env)
    assert re.search(rf"^alice\s+{NAME}\s+graded\s+{FULL:g}/{FULL:g}", done.stdout, re.M), done.stdout
    assert re.search(rf"^bob\s+{NAME}\s+graded\s+0/{FULL:g}", done.stdout, re.M), done.stdout
