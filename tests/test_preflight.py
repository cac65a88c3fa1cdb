"""Preflight: without a working sandbox, `autograder grade` exits 2 with bwrap's own message and the fix,
and writes nothing (issue 13, item 1)."""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import autograder
from autograder.grading import preflight
from tests.submissions import corpus
from tests.submissions.course import make_course, submit_corpus

NAME = "01-chain-rule"
BWRAP_SAYS = "bwrap: setting up uid map: Permission denied"


def test_preflight_passes_once_per_process_and_is_cheap():
    preflight._passed.clear()
    start = time.monotonic()
    summary = preflight.preflight()
    first = time.monotonic() - start
    start = time.monotonic()
    assert preflight.preflight() == summary
    assert time.monotonic() - start < 0.01 and first < 10
    assert "nobody" in summary


def snapshot(folder):
    return {p: p.read_bytes() for p in Path(folder).rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """A course graded once, by a working sandbox: the earlier grades that a broken run must leave alone."""
    course = make_course(tmp_path_factory.mktemp("course"), [NAME])
    submit_corpus(course, NAME, [corpus.Case("honest-solution", lambda nbk: nbk.copy(), "graded", "full")])
    results = autograder.grade(NAME, root=course, jobs=1, progress=False)
    assert [r.status for r in results] == ["graded"]
    return course


def grade_cli(course, tmp_path, **env):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), **env)
    return subprocess.run([sys.executable, "-m", "autograder.cli", "grade", NAME, "--root", str(course)],
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_bwrap_that_fails_exits_2_with_its_message_and_writes_nothing(graded_course, tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text(f"#!/bin/sh\necho '{BWRAP_SAYS}' >&2\nexit 1\n")
    fake.chmod(0o755)
    before = snapshot(graded_course)
    done = grade_cli(graded_course, tmp_path, AUTOGRADER_BWRAP=str(fake))
    assert done.returncode == 2, done.stdout + done.stderr
    assert BWRAP_SAYS in done.stderr
    assert "kernel.apparmor_restrict_unprivileged_userns=0" in done.stderr
    assert "kernel.unprivileged_userns_clone" in done.stderr
    assert snapshot(graded_course) == before
    assert not (tmp_path / "cache").exists()


@pytest.mark.slow
def test_no_bwrap_on_path_exits_2_naming_the_package(graded_course, tmp_path):
    before = snapshot(graded_course)
    done = grade_cli(graded_course, tmp_path, PATH=str(tmp_path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "bubblewrap" in done.stderr and "not on PATH" in done.stderr
    assert snapshot(graded_course) == before
    assert not (tmp_path / "cache").exists()


def test_grade_raises_before_reading_anything(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_BWRAP", str(tmp_path / "missing-bwrap"))
    with pytest.raises(preflight.PreflightError, match="bubblewrap"):
        autograder.grade(NAME, root=tmp_path / "no-such-course", progress=False)


def test_a_temporary_folder_too_long_for_the_kernels_sockets_is_named(tmp_path, monkeypatch):
    long = tmp_path / ("x" * 90)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    with pytest.raises(preflight.PreflightError, match="set TMPDIR to a shorter folder"):
        preflight.preflight()


@pytest.mark.skipif(os.geteuid() != 0, reason="the warning is for a grader that runs as root")
def test_root_without_a_writable_cgroup_is_warned(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_NO_CGROUPS", "1")
    preflight._passed.clear()
    with pytest.warns(UserWarning, match="fork bomb"):
        assert "rlimits only" in preflight.preflight()
    preflight._passed.clear()
