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
