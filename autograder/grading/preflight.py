"""The sandbox self-test that runs before anything is graded or written.

Without a working sandbox every kernel dies at start, and the grader would
blame the course (the trusted run fails) or give every student "crashed".
So `autograder grade` first runs the sandbox exactly as a kernel runs it:
bwrap with the same flags, then the kernel's interpreter in it, which must
import numpy, zmq and the grader's own autograder, as nobody, with no
capabilities and a read-only root. A failure stops the run (exit 2) with
bwrap's own message and the fix. A pass is remembered for this process only.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from . import sandbox
from .limits import Confinement, describe

# What the kernel's interpreter must show from inside: the package at the fixed path, no root, no capabilities.
CHECK = """import os, sys, importlib.util, zmq, numpy, autograder
assert importlib.util.find_spec('ipykernel_launcher'), 'no ipykernel in the kernel interpreter'
zmq.Context().socket(zmq.REP).bind('ipc://' + sys.argv[1] + '/kernel-1')   # as the kernel binds its sockets
caps = open('/proc/self/status').read().split('CapEff:')[1].split()[0]
print(autograder.__file__, os.getuid(), int(caps, 16), os.access('/usr', os.W_OK))"""
EXPECTED = f"{sandbox.PACKAGE_ROOT}/autograder/__init__.py {sandbox.NOBODY} 0 False"
INSTALL = ("install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap), "
           "or set AUTOGRADER_BWRAP to the bwrap program to use")
ALLOW = """bwrap needs user namespaces. Allow them, then run again:
  Debian before 11 and some kernels: sysctl -w kernel.unprivileged_userns_clone=1
  every kernel: sysctl user.max_user_namespaces must be above 0
  Ubuntu 24.04 (AppArmor): sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or better an AppArmor
    profile for bwrap (/etc/apparmor.d/bwrap: profile bwrap /usr/bin/bwrap flags=(unconfined) { userns, })
  in a container: Docker's default seccomp profile blocks them (docker run --security-opt seccomp=unconfined)"""

SHORTER_TMPDIR = "the kernel's sockets go in a folder under $TMPDIR, and a unix socket's path has at most 107 " \
                 "bytes: set TMPDIR to a shorter folder (e.g. TMPDIR=/tmp)"

UNCAPPED = ("grading as root with no writable cgroup: a submission's processes are not capped (Linux does not "
            "enforce RLIMIT_NPROC for root), so a fork bomb reaches the machine. Mount the cgroup filesystem "
            "writable, or grade as an ordinary user.")

_passed = {}   # this process's positive preflight: {what was checked: its one-line summary}


class PreflightError(Exception):
    """The sandbox cannot run a kernel here; the message says why (bwrap's own words) and how to fix it."""


def preflight(limits=None):
    """Check that the sandbox runs a kernel here; return a one-line summary, or raise PreflightError."""
    limits = limits or sandbox.Limits()
    key = (shutil.which(sandbox.bwrap()), sys.prefix, tempfile.gettempdir())
    if key not in _passed:
        start = time.monotonic()
        mechanism = _check(limits)
        _passed[key] = f"sandbox ok in {time.monotonic() - start:.2f} s: bwrap, nobody, {mechanism}"
    return _passed[key]


def _check(limits):
    program = sandbox.bwrap()
    if shutil.which(program) is None:
        raise PreflightError(_message(f"no bwrap program: {program!r} is not on PATH", INSTALL))
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp, Confinement(limits.memory, limits.pids) as box:
        conn = Path(tmp) / "conn"   # the same path length as a kernel's: unix socket paths are capped
        conn.mkdir()
        argv = sandbox.sandbox_argv(conn, limits, None, box)
        kernel = _run([*argv, f"{sys.prefix}/bin/python", "-P", "-c", CHECK, str(conn)])
        bare = _run([*argv, "true"]) if kernel.returncode else kernel   # whose fault: bwrap's or Python's
        mechanism = describe(box)
        if os.geteuid() == 0 and not box.version:
            warnings.warn(UNCAPPED, stacklevel=3)
    if bare.returncode != 0:
        raise PreflightError(_message(f"bwrap fails with the sandbox's flags:\n{_tail(bare)}", ALLOW))
    if kernel.returncode != 0 or kernel.stdout.strip() != EXPECTED:
        raise PreflightError(_message(
            f"the kernel's interpreter in the sandbox cannot start as a grading kernel:\n{_tail(kernel)}",
            SHORTER_TMPDIR if "sun_path" in kernel.stderr else
            f"the interpreter {sys.prefix}/bin/python needs ipykernel and numpy; the sandbox binds the grader's "
            f"own package ({Path(sandbox.autograder.__file__).parent}) at {sandbox.PACKAGE_ROOT}/autograder"))
    return mechanism


def _run(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as err:
        return subprocess.CompletedProcess(argv, 127, "", f"{type(err).__name__}: {err}")


def _tail(proc, lines=12):
    text = (proc.stderr.strip() or proc.stdout.strip() or f"exit status {proc.returncode}, and no message")
    return "\n".join(f"  {line}" for line in text.splitlines()[-lines:])


def _message(problem, fix):
    return (f"the grading sandbox does not work on this machine, so nothing was graded or written.\n"
            f"{problem}\nFix: {fix}")


def on_cluster(address, limits=None):
    """The preflight on every worker of a dask cluster: that is where the kernels run."""
    from dask.distributed import Client
    with Client(address) as client:
        outcomes = client.run(_outcome, limits)
    failures = [f"worker {worker}: {text}" for worker, (ok, text) in sorted(outcomes.items()) if not ok]
    if failures:
        raise PreflightError("\n".join(failures))
    return next(iter(outcomes.values()), (True, "no dask workers"))[1]


def _outcome(limits):
    try:
        return True, preflight(limits)
    except PreflightError as err:
        return False, str(err)
