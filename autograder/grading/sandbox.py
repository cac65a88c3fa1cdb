"""Run one notebook in a fresh bubblewrap sandbox, one cell at a time.

The kernel runs as nobody (uid and gid 65534 in its own user namespace) with no
capabilities and no way to make another user namespace, so it cannot remount
anything. It sees only what Python needs, read-only: the system, the
interpreter, the venv, and the grader's own autograder package at a fixed path
(/opt/autograder, first on sys.path). Its writable places are two tmpfs of
bounded size: /tmp and its working directory, which holds the assignment's
data files (read-only) and never the notebook. It has no network (the kernel's
ZMQ sockets are unix sockets in a private folder, ipc transport), a cleared
environment, caps on memory, processes and CPU share (limits.py), a per-cell
and a total time limit. Faults come back as a Fault, never as an exception.
"""
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import autograder

from .limits import Confinement

MEMORY = 2 * 1024 ** 3          # bytes of address space per process, and of memory for the whole sandbox
DISK = 256 * 1024 ** 2          # bytes in /tmp, and again in the working directory; also the largest file
PIDS = 128                      # processes and threads: ipykernel alone runs about a dozen
TIMED_OUT = "CellTimeoutError"
CELL_TIMEOUT, TOTAL_TIMEOUT = 30, 300   # seconds
NOBODY = "65534"
WORKDIR, PACKAGE_ROOT = "/home/learner", "/opt/autograder"
READ_ONLY = ("/usr", "/etc/alternatives", "/etc/fonts", "/etc/ld.so.cache", "/etc/localtime")
SYMLINKS = {"/bin": "usr/bin", "/lib": "usr/lib", "/lib64": "usr/lib64", "/sbin": "usr/sbin"}
ENV = {"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "AUTOGRADER_RECORD": "1", "IPYTHONDIR": "/tmp/ipython", "MPLCONFIGDIR": "/tmp/matplotlib",
       "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": PACKAGE_ROOT, "HOME": WORKDIR}
# After the package and the interpreter's own paths: a learner's autograder.py or numpy.py shadows nothing.
APPEND_WORKDIR = f"__import__('sys').path.append({WORKDIR!r})"
# The kernel's start, before any cell (what a graded run never uses is not loaded): kernel_start.py.
KERNEL_START = f"{PACKAGE_ROOT}/autograder/grading/kernel_start.py"


@dataclass
class Limits:
    """The resources one submission may use."""
    cell_timeout: float = CELL_TIMEOUT
    total_timeout: float = TOTAL_TIMEOUT
    memory: int = MEMORY
    disk: int = DISK
    pids: int = PIDS


@dataclass
class Fault:
    """Why a run stopped early, or a cell that hit a limit: status is timeout, memory or crashed."""
    status: str
    reason: str


def bwrap():
    """The bwrap program: $AUTOGRADER_BWRAP if set (a wrapper, or a build of your own), else bwrap on PATH."""
    return os.environ.get("AUTOGRADER_BWRAP") or "bwrap"


@functools.lru_cache(maxsize=None)
def _supports(program, option):
    """Whether this bwrap knows option (--disable-userns came in 0.8, --size in 0.5)."""
    try:
        return option in subprocess.run([program, "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False


def _isolation(program, limits):
    """User, capabilities, and the bounded tmpfs: the only writable places once / and /dev are read-only."""
    args = ["--unshare-all", "--unshare-user", "--uid", NOBODY, "--gid", NOBODY, "--cap-drop", "ALL",
            "--die-with-parent", "--new-session", "--clearenv", "--proc", "/proc", "--dev", "/dev"]
    if _supports(program, "--disable-userns"):
        args.append("--disable-userns")
    for path, mode in (("/tmp", "1777"), ("/dev/shm", "1777"), (WORKDIR, "0755")):
        size = ["--size", str(limits.disk)] if _supports(program, "--size") else []   # else RLIMIT_FSIZE only
        args += ["--perms", mode, *size, "--tmpfs", path] if _supports(program, "--perms") else [*size, "--tmpfs", path]
    return args


def _mounts(files_dir):
    """Read-only binds: the system, the interpreter, the venv, the grader's own package, the data files."""
    args = []
    for path in (*READ_ONLY, sys.base_prefix, sys.prefix):
        if Path(path).exists():
            args += ["--ro-bind", path, path]
    for link, target in SYMLINKS.items():
        if Path(link).is_symlink():
            args += ["--symlink", target, link]
    args += ["--ro-bind", str(Path(autograder.__file__).parent), f"{PACKAGE_ROOT}/autograder"]
    for data in sorted(Path(files_dir).iterdir()) if files_dir else []:
        args += ["--ro-bind", str(data), f"{WORKDIR}/{data.name}"]
    return args


def sandbox_argv(conn, limits, files_dir=None, confinement=None):
    """The sandbox's command line up to the program it runs: cgroups and rlimits, then bwrap."""
    program = bwrap()
    env = dict(ENV, PATH=f"{sys.prefix}/bin:{ENV['PATH']}")
    setenv = [a for k, v in sorted(env.items()) for a in ("--setenv", k, v)]
    prefix = (confinement or Confinement.none()).prefix(limits)
    return [*prefix, program, *_isolation(program, limits), *_mounts(files_dir),
            "--bind", str(conn), str(conn), "--remount-ro", "/dev", "--remount-ro", "/",   # bwrap makes both
            "--chdir", WORKDIR, *setenv, "--"]                                            # unbounded tmpfs


def kernel_argv(conn, limits, files_dir=None, confinement=None):
    """The kernel's command line; -P and ignore_cwd keep the working directory off the front of sys.path."""
    return [*sandbox_argv(conn, limits, files_dir, confinement), f"{sys.prefix}/bin/python", "-P",
            KERNEL_START, "-f", "{connection_file}", "--HistoryManager.hist_file=:memory:",
            "--IPKernelApp.ignore_cwd=True", f"--IPKernelApp.exec_lines={APPEND_WORKDIR}"]


def kernel_manager(conn, argv):
    """A jupyter_client manager whose kernelspec is the sandboxed command line."""
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    spec_dir = Path(conn).parent / "spec" / "kernels" / "sandbox"
    spec_dir.mkdir(parents=True)
    spec = {"argv": argv, "display_name": "sandbox", "language": "python",
            "interrupt_mode": "message"}   # SIGINT would stop at bwrap; the kernel interrupts itself
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)], ensure_native_kernel=False)
    return AsyncKernelManager(kernel_name="sandbox", kernel_spec_manager=specs, transport="ipc",
                              ip=str(Path(conn) / "kernel"), connection_file=str(Path(conn) / "kernel.json"))


def run(nb, filename, limits=None, files=None):
    """Execute nb in a fresh sandbox, in place; return a list of Faults (empty if none).

    files: {name: bytes} the assignment's data files from source/, read-only in the working directory.
    filename: the notebook's name, for the reasons only: the kernel never holds the notebook file.
    """
    limits = limits or Limits()
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp, Confinement(limits.memory, limits.pids) as box:
        conn, files_dir = Path(tmp) / "conn", Path(tmp) / "files"
        conn.mkdir()
        _lend(conn)
        files_dir.mkdir()
        for name, data in (files or {}).items():
            (files_dir / Path(name).name).write_bytes(data)
        km = kernel_manager(conn, kernel_argv(conn, limits, files_dir, box))
        return _execute(nb, km, conn, limits, box)


def _lend(conn):
    """The kernel's socket folder (on the host's disk) is writable while the kernel starts, never after.
    As root, the folder belongs to nobody: the kernel (uid 0 outside its namespace, without capabilities)
    is then not its owner, and cannot make it writable again."""
    if os.geteuid() == 0:
        os.chown(conn, int(NOBODY), int(NOBODY))
    conn.chmod(0o777)


def _client(nb, km, workdir, limits, deadline):
    from .outputs import BoundedClient as NotebookClient   # outputs capped: see outputs.py

    def timeout(cell):   # the per-cell limit, cut short by what is left of the total
        return max(1.0, min(limits.cell_timeout, deadline - time.monotonic()))

    def timed_out(cell, cell_index, execute_reply):   # nbclient's reply on a timeout is error_on_timeout
        if execute_reply["content"].get("ename") == TIMED_OUT:
            cell.metadata["autograder_timeout"] = True

    return NotebookClient(nb, km=km, allow_errors=True, interrupt_on_timeout=True, timeout_func=timeout,
                          error_on_timeout={"ename": TIMED_OUT, "evalue": f"{limits.cell_timeout:g} s per cell",
                                            "traceback": []},
                          on_cell_executed=timed_out, startup_timeout=60,
                          resources={"metadata": {"path": str(workdir)}})


def _execute(nb, km, conn, limits, box):
    from nbclient.exceptions import DeadKernelError

    deadline = time.monotonic() + limits.total_timeout
    client, faults = _client(nb, km, conn, limits, deadline), []
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        conn.chmod(0o555)   # the kernel is up, its sockets made: no learner's code writes to the host disk
        for index, cell in enumerate(nb.cells):
            if time.monotonic() > deadline:
                return faults + [Fault("timeout", f"total time limit of {limits.total_timeout:g} s reached "
                                                  f"before cell {index}")]
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                if box.oom_kills():
                    return faults + [Fault("memory", f"the kernel was killed in cell {_name(cell, index)} for "
                                                     f"going over the memory limit of {limits.memory / 1024 ** 3:g} GiB")]
                return faults + [Fault("crashed", f"the kernel died in cell {_name(cell, index)}")]
            faults += _cell_faults(cell, index, limits)
    return faults


def _cell_faults(cell, index, limits):
    if cell.metadata.pop("autograder_timeout", False):
        return [Fault("timeout", f"cell {_name(cell, index)} ran out of time and was interrupted")]
    for out in cell.get("outputs", []):
        if out.get("output_type") != "error":
            continue
        if out.get("ename") == "MemoryError":
            return [Fault("memory", f"cell {_name(cell, index)} went over the memory limit "
                                    f"of {limits.memory / 1024 ** 3:g} GiB")]
    return []


def _name(cell, index):
    """How the report names a cell: its index, and its grade_id or first line."""
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"{index} ({grade_id or first[:40]})"
