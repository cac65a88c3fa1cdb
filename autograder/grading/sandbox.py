"""Run one notebook in a fresh bubblewrap sandbox, one cell at a time.

The kernel sees only what Python needs (read-only) and a private working
directory holding the one notebook. It has no network (the kernel's ZMQ
sockets are unix sockets in a private folder, ipc transport), a cleared
environment, an address-space cap (RLIMIT_AS via prlimit), a per-cell and a
total time limit. Faults come back as a Fault, never as an exception.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import autograder

MEMORY = 2 * 1024 ** 3          # bytes of address space for the kernel: numpy and a few arrays fit
TIMED_OUT = "CellTimeoutError"
CELL_TIMEOUT, TOTAL_TIMEOUT = 30, 300   # seconds
READ_ONLY = ("/usr", "/etc/alternatives", "/etc/fonts", "/etc/ld.so.cache", "/etc/localtime")
SYMLINKS = {"/bin": "usr/bin", "/lib": "usr/lib", "/lib64": "usr/lib64", "/sbin": "usr/sbin"}
ENV = {"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "AUTOGRADER_RECORD": "1", "IPYTHONDIR": "/tmp/ipython", "MPLCONFIGDIR": "/tmp/matplotlib",
       "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass
class Limits:
    """The resources one submission may use."""
    cell_timeout: float = CELL_TIMEOUT
    total_timeout: float = TOTAL_TIMEOUT
    memory: int = MEMORY


@dataclass
class Fault:
    """Why a run stopped early, or a cell that hit a limit: status is timeout, memory or crashed."""
    status: str
    reason: str


def _mounts():
    """Read-only binds: the system, the interpreter, the venv and the autograder package alone."""
    args = []
    package = str(Path(autograder.__file__).parent)
    for path in (*READ_ONLY, sys.base_prefix, sys.prefix, package):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    for link, target in SYMLINKS.items():
        if os.path.islink(link):
            args += ["--symlink", target, link]
    return args


def kernel_argv(workdir, conn, limits):
    """The kernel's command line: prlimit caps memory, bwrap hides everything but workdir."""
    env = dict(ENV, HOME=str(workdir), PATH=f"{sys.prefix}/bin:{ENV['PATH']}")
    setenv = [a for k, v in sorted(env.items()) for a in ("--setenv", k, v)]
    return ["prlimit", f"--as={limits.memory}", "--",
            "bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", *_mounts(),
            "--bind", str(workdir), str(workdir), "--bind", str(conn), str(conn),
            "--chdir", str(workdir), *setenv, "--",
            f"{sys.prefix}/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}",
            "--HistoryManager.hist_file=:memory:"]


def kernel_manager(workdir, conn, limits):
    """A jupyter_client manager whose kernelspec is the sandboxed command line."""
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    spec_dir = Path(conn).parent / "spec" / "kernels" / "sandbox"
    spec_dir.mkdir(parents=True)
    spec = {"argv": kernel_argv(workdir, conn, limits), "display_name": "sandbox", "language": "python",
            "interrupt_mode": "message"}   # SIGINT would stop at bwrap; the kernel interrupts itself
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)], ensure_native_kernel=False)
    return AsyncKernelManager(kernel_name="sandbox", kernel_spec_manager=specs, transport="ipc",
                              ip=str(Path(conn) / "kernel"), connection_file=str(Path(conn) / "kernel.json"))


def run(nb, filename, limits=None, files=None):
    """Execute nb in a fresh sandbox, in place; return a list of Faults (empty if none).

    files: {name: bytes} the assignment's data files from source/, copied beside the notebook.
    """
    limits = limits or Limits()
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        workdir, conn = Path(tmp) / "work", Path(tmp) / "conn"
        workdir.mkdir()
        conn.mkdir()
        import nbformat
        nbformat.write(nb, workdir / filename)   # the one file of the learner's the kernel can see
        for name, data in (files or {}).items():
            (workdir / Path(name).name).write_bytes(data)
        return _execute(nb, kernel_manager(workdir, conn, limits), workdir, limits)


def _client(nb, km, workdir, limits, deadline):
    from .outputs import BoundedClient as NotebookClient   # outputs capped: see outputs.py

    def timeout(cell):   # the per-cell limit, cut short by what is left of the total
        return max(1.0, min(limits.cell_timeout, deadline - time.monotonic()))

    def timed_out(cell, cell_index, execute_reply):   # nbclient's reply on a timeout is error_on_timeout
        if execute_reply["content"].get("ename") == TIMED_OUT:
            cell.metadata["autograder_timeout"] = True

    return NotebookClient(nb, km=km, allow_errors=True, interrupt_on_timeout=True, timeout_func=timeout,
                          error_on_timeout={"ename": TIMED_OUT, "evalue": "", "traceback": []},
                          on_cell_executed=timed_out, startup_timeout=60,
                          resources={"metadata": {"path": str(workdir)}})


def _execute(nb, km, workdir, limits):
    from nbclient.exceptions import DeadKernelError

    deadline = time.monotonic() + limits.total_timeout
    client, faults = _client(nb, km, workdir, limits, deadline), []
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        for index, cell in enumerate(nb.cells):
            if time.monotonic() > deadline:
                return faults + [Fault("timeout", f"total time limit of {limits.total_timeout:g} s reached "
                                                  f"before cell {index}")]
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
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
