"""Every command's --help ends with a real example, and the examples run."""
import shlex
import subprocess
import sys

import pytest

from autograder.cli import EXAMPLES
from tests.conftest import ROOT


def run(args):
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("command", sorted(EXAMPLES))
def test_help_ends_with_its_example(command):
    done = run([command, "--help"])
    assert done.returncode == 0
    assert done.stdout.rstrip().endswith(EXAMPLES[command])


def test_top_level_help_ends_with_every_example():
    done = run(["--help"])
    assert done.returncode == 0
    assert done.stdout.rstrip().endswith("examples:\n" + "\n".join(f"  {EXAMPLES[c]}" for c in EXAMPLES))


def test_build_example_runs():
    done = run(shlex.split(EXAMPLES["build"])[1:])
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_check_example_runs_and_reports_unfinished_work():
    done = run(shlex.split(EXAMPLES["check"])[1:])
    assert done.returncode == 1     # the release is unanswered: problems found, said in the table
    assert "not attempted" in done.stdout


def test_usage_error_exits_2():
    assert run(["no-such-command"]).returncode == 2


@pytest.mark.slow
def test_grade_example_runs_in_a_course_directory(tmp_path):
    """The example as typed, from a course directory with one submission in submitted/."""
    import nbformat

    from tests.submissions import corpus
    from tests.submissions.course import make_course
    words = shlex.split(EXAMPLES["grade"])
    name = words[2]
    course = make_course(tmp_path / "course", [name])
    (course / "submitted" / "alice" / name).mkdir(parents=True)
    nbformat.write(corpus.notebook(ROOT, name).copy(), course / "submitted" / "alice" / name / f"{name}.ipynb")
    done = subprocess.run([sys.executable, "-m", "autograder.cli", *words[1:]], cwd=course, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "alice" in done.stdout and (course / "reports" / name / "grades.csv").is_file()
