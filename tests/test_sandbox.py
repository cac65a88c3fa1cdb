"""The grading sandbox holds against root: each attack runs in the real sandbox, in a real kernel, and fails.

The grader runs as root here (and in CI); the kernel must not be root, must have no
capabilities, and must stay within its caps on disk, memory, processes and CPU share,
while the grader, the machine and a classmate graded beside it are unaffected.
"""
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

import autograder
from autograder.grading import limits, sandbox
from tests.submissions import corpus
from tests.submissions.course import make_course, submit_corpus

pytestmark = pytest.mark.slow
NAME = "01-chain-rule"
PACKAGE = Path(autograder.__file__).parent


def run(*cells, files=None, **limits_):
    """Run cells in a fresh sandbox; return (faults, [the text each cell printed or raised])."""
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    faults = sandbox.run(nb, "probe.ipynb", sandbox.Limits(cell_timeout=30, total_timeout=120, **limits_), files)
    return faults, ["".join(o.get("text", "") or f"{o.get('ename')}: {o.get('evalue')}" for o in c.outputs).strip()
                    for c in nb.cells]


def digest(folder):
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(folder).rglob("*.py")))).hexdigest()


def cgroups():
    with limits.Confinement(2 ** 30, 64) as box:
        return box.version


def test_kernel_is_nobody_without_capabilities():
    faults, (out,) = run("import os\nstatus = open('/proc/self/status').read()\n"
                         "caps = {l.split(':')[0]: int(l.split()[1], 16) for l in status.splitlines() if l.startswith('Cap')}\n"
                         "print(os.getuid(), os.getgid(), os.geteuid(), caps['CapEff'], caps['CapPrm'], caps['CapBnd'])")
    assert faults == []
    assert out == "65534 65534 65534 0 0 0", f"grader uid {os.geteuid()}"


def test_remount_and_writes_to_the_grader_fail():
    before = digest(PACKAGE), digest(Path(sys.prefix) / "lib")
    attack = """import glob, os, subprocess
import autograder
for target in ["/usr", "/", "/opt/autograder/autograder", os.path.dirname(autograder.__file__)]:
    r = subprocess.run(["mount", "-o", "remount,bind,rw", target], capture_output=True)
    print("remounted" if r.returncode == 0 else "refused", target)
print("userns" if subprocess.run(["unshare", "-U", "true"], capture_output=True).returncode == 0 else "no userns")
written = []
for path in glob.glob("/opt/autograder/autograder/**/*.py", recursive=True) + [os.__file__] + \\
        glob.glob(os.environ["PATH"].split(":")[0] + "/../lib/python3*/site-packages/*.pth"):
    try:
        open(path, "a").write("# backdoor")
        written.append(path)
    except OSError:
        pass
from ipykernel import get_connection_file
sockets = os.path.dirname(get_connection_file())   # the one folder on the host's disk that the kernel sees
for attempt in (lambda: os.chmod(sockets, 0o777), lambda: open(os.path.join(sockets, "fill"), "wb")):
    try:
        attempt()
        written.append(sockets)
    except OSError:
        pass
print("written", written)"""
    faults, (out,) = run(attack)
    assert faults == [] and "remounted" not in out and "written []" in out, out
    if sandbox._supports(sandbox.bwrap(), "--disable-userns"):
        assert "no userns" in out
    assert (digest(PACKAGE), digest(Path(sys.prefix) / "lib")) == before


def test_filling_tmp_and_the_working_directory_fails_and_the_kernel_goes_on():
    fill = """import errno
def fill(path, chunk=1 << 20):
    try:
        with open(path, "wb") as f:
            while True:
                f.write(b"x" * chunk)
    except OSError as err:
        return errno.errorcode[err.errno]
print(fill("/tmp/big"), fill("big"), fill("/dev/shm/big"), [fill(f"/tmp/more{i}") for i in range(3)][-1])
print(*[fill(path) for path in ("/big", "/dev/big", "/opt/big", "/home/big", "/usr/big")])"""
    faults, (out, after) = run(fill, "print('still here')", disk=32 * 1024 ** 2)
    assert faults == []
    bounded, read_only = out.splitlines()
    codes = bounded.split()
    assert set(codes[:3]) <= {"ENOSPC", "EFBIG"} and codes[3] == "ENOSPC", out
    assert set(read_only.split()) == {"EROFS"}, out   # bwrap's own root and /dev tmpfs are unbounded: read-only
    assert after == "still here"


def test_fork_bomb_is_contained_and_the_kernel_survives():
    if os.geteuid() == 0 and not cgroups():
        pytest.skip("root without a writable cgroup: Linux does not enforce RLIMIT_NPROC for uid 0")
    bomb = """import os, time
made = 0
try:
    for _ in range(100000):
        if os.fork() == 0:
            while True:
                try:
                    os.fork()
                except OSError:
                    time.sleep(0.05)
        made += 1
except OSError as err:
    print("stopped", made, err.strerror)"""
    faults, (out, after) = run(bomb, "print(len([p for p in __import__('os').listdir('/proc') if p.isdigit()]))",
                               pids=64)
    assert faults == [] and out.startswith("stopped"), out
    assert int(after) <= 64
    assert subprocess.run(["true"]).returncode == 0   # the grader can still start processes


def test_memory_cap_holds_across_processes():
    # Each child stays under RLIMIT_AS; only the submission's memory cgroup sees them together.
    hog = """import os, numpy as np, time
children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        try:
            block = np.ones(int(0.6 * 1024 ** 3 / 8))
            time.sleep(3)
        finally:
            os._exit(0)
    children.append(pid)
print(sorted(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children))"""
    if not cgroups():
        pytest.skip("no writable cgroup here: the memory cap is RLIMIT_AS per process only")
    faults, (out, after) = run(hog, "print('alive')", memory=3 * 2 ** 29)
    assert "-9" in out, out   # the OOM killer took at least one child
    assert after == "alive"


def test_a_kernel_killed_by_its_memory_cgroup_is_a_memory_fault():
    # The tmpfs pages count too: with both full, a kernel under its RLIMIT_AS still goes over the cgroup.
    hog = """import os, numpy as np, time
for path in ["/tmp/a", "b"]:
    with open(path, "wb") as f:
        for _ in range(255):
            f.write(b"x" * (1 << 20))
pid = os.fork()
if pid == 0:
    try:
        held = np.ones(300 * 2 ** 20 // 8)
        time.sleep(5)
    finally:
        os._exit(0)
time.sleep(1)
blocks = [np.ones(100 * 2 ** 20 // 8) for _ in range(8)]"""
    if not cgroups():
        pytest.skip("no writable cgroup here")
    faults, _ = run(hog, "print('never')", memory=3 * 2 ** 29)
    assert [f.status for f in faults] == ["memory"] and "killed" in faults[0].reason, faults


def test_the_kernel_never_holds_the_notebook_and_imports_the_graders_package():
    probe = """import glob, os, sys, autograder
print(sorted(os.listdir('.')), [p for d in ('/home', '/tmp', '/opt') for p in glob.glob(d + '/**/*.ipynb', recursive=True)], autograder.__file__)
open('autograder.py', 'w').write('raise SystemExit("shadowed")')
del sys.modules['autograder']
import autograder, helper
print(autograder.__file__, helper.VALUE)"""
    files = {"helper.py": b"VALUE = 42\n"}
    faults, (out,) = run(probe, files=files)
    first, second = out.splitlines()
    assert first == "['helper.py'] [] /opt/autograder/autograder/__init__.py"
    assert second == "/opt/autograder/autograder/__init__.py 42" and faults == []


def test_cgroups_are_removed_after_each_run():
    box = limits.Confinement(2 ** 30, 64)
    made = list(box.dirs)
    box.remove()
    run("print(1)")
    assert not [d for d in made if d.exists()]
    assert not list(Path("/sys/fs/cgroup").glob(f"*/autograder-{os.getpid()}-*"))


HONEST = corpus.Case("honest-solution", lambda nbk: nbk.copy(), "graded", "full")


def busy(n):
    """Starves the CPU from the first cell on: n spinning processes, started by a shell (forks are cheap there)."""
    code = (f"import subprocess, time\nsubprocess.Popen(['sh', '-c', 'for i in $(seq {n}); do "
            "(while :; do :; done) & done; wait'])\ntime.sleep(60)")
    return corpus.Case("busy-loops", lambda nbk: corpus.with_cell(nbk.copy(), 0, code), "timeout", "zero")


def test_many_busy_loops_do_not_starve_a_classmate_into_a_timeout(tmp_path):
    course = make_course(tmp_path / "course", [NAME])
    options = dict(jobs=2, cell_timeout=10, total_timeout=30, progress=False, gradebook=False)
    submit_corpus(course, NAME, [HONEST])
    autograder.grade(NAME, root=course, **options)   # the trusted run, cached: the two students run together
    submit_corpus(course, NAME, [busy(100)])
    results = {r.student: r for r in autograder.grade(NAME, root=course, **options)}
    honest = results["honest-solution"]
    assert (honest.status, honest.score) == ("graded", honest.max_score), honest.reason


FILL = """import os
for path in ["/tmp/fill", "fill"]:
    try:
        with open(path, "wb") as f:
            while True:
                f.write(b"x" * (1 << 20))
    except OSError:
        pass"""


def test_a_pair_that_fills_its_disk_is_graded_beside_an_honest_one(tmp_path):
    course = make_course(tmp_path / "course", [NAME])
    submit_corpus(course, NAME, [HONEST, corpus.Case("fill-disk", corpus.after_first_test(FILL), "graded", "full")])
    results = autograder.grade(NAME, root=course, jobs=2, cell_timeout=20, progress=False, gradebook=False)
    assert {(r.student, r.status, r.score == r.max_score) for r in results} == \
        {("honest-solution", "graded", True), ("fill-disk", "graded", True)}


def test_a_copy_of_the_course_with_its_own_package_grades_the_honest_solution_in_full(tmp_path):
    """Issue 12's second finding: the grader imports copy/autograder (its current directory comes first),
    while the venv's editable install points at another checkout; the kernel must import the grader's."""
    copy = make_course(tmp_path / "copy", [NAME])
    shutil.copytree(PACKAGE, copy / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    submit_corpus(copy, NAME, [HONEST])
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    imported = subprocess.run([sys.executable, "-c", "import autograder; print(autograder.__file__)"], cwd=copy,
                              env=env, capture_output=True, text=True).stdout.strip()
    assert imported == str(copy / "autograder" / "__init__.py")   # the grader's package is the copy's
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", NAME, "--jobs", "1", "--no-gradebook"],
                          cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    grades = (copy / "reports" / NAME / "grades.csv").read_text()
    assert "honest-solution" in grades and ",graded," in grades, grades


def fake_cgroups(monkeypatch, tmp_path, mounts, own):
    monkeypatch.setattr(limits, "_mounts", lambda: {k: (str(tmp_path / m), root) for k, (m, root) in mounts.items()})
    monkeypatch.setattr(limits, "_own_paths", lambda: own)


def test_cgroup_v2_falls_back_from_a_busy_own_cgroup_to_the_root(monkeypatch, tmp_path):
    """Where the grader's own v2 cgroup cannot hand out controllers (it has processes), the root is used."""
    (tmp_path / "cg2" / "grader" / "cgroup.subtree_control").mkdir(parents=True)   # writing it fails
    (tmp_path / "cg2" / "cgroup.subtree_control").write_text("cpu memory pids\n")
    fake_cgroups(monkeypatch, tmp_path, {"cgroup2": ("cg2", "/")}, {"": "/grader"})
    box = limits.Confinement(2 ** 30, 64)
    assert box.version == 2 and box.dirs[0].parent == tmp_path / "cg2"
    assert f"tee {box.dirs[0] / 'cgroup.procs'}" in box.prefix(sandbox.Limits())[2]
    box.remove()
    assert not box.dirs[0].exists()


def test_cgroup_v1_under_a_mount_of_a_subtree_and_the_rlimit_fallback(monkeypatch, tmp_path):
    """A container's cgroupfs may be mounted from a subtree: the grader's path is taken relative to it."""
    mounts = {c: (c, "/docker/abc") for c in limits.CONTROLLERS}
    for c in limits.CONTROLLERS:
        (tmp_path / c / "x").mkdir(parents=True)
    fake_cgroups(monkeypatch, tmp_path, mounts, {c: "/docker/abc/x" for c in limits.CONTROLLERS})
    box = limits.Confinement(2 ** 30, 64)
    assert box.version == 1 and [d.parent for d in box.dirs] == [tmp_path / c / "x" for c in limits.CONTROLLERS]
    assert (box.dirs[1] / "pids.max").read_text() == "64" and "--nproc=64" not in box.prefix(sandbox.Limits())
    fake_cgroups(monkeypatch, tmp_path, {}, {})
    assert "--nproc=128" in limits.Confinement(2 ** 30, 64).prefix(sandbox.Limits())


def test_cgroups_left_by_a_killed_grader_are_swept(monkeypatch, tmp_path):
    for c in limits.CONTROLLERS:
        (tmp_path / c / "autograder-999999999-dead").mkdir(parents=True)   # no such pid
        (tmp_path / c / f"autograder-{os.getpid()}-alive").mkdir()
    fake_cgroups(monkeypatch, tmp_path, {c: (c, "/") for c in limits.CONTROLLERS}, {})
    limits.Confinement(2 ** 30, 64)
    assert not list(tmp_path.glob("*/autograder-999999999-dead"))
    assert len(list(tmp_path.glob(f"*/autograder-{os.getpid()}-alive"))) == 3


def test_pyplot_loads_on_first_use_and_works():
    """The kernel loads pyplot lazily (a graded run skips the demos that draw) and never loads debugpy;
    a learner's cell that draws gets the real pyplot."""
    faults, out = run("import sys\nimport matplotlib.pyplot as plt\n"
                      "print(type(plt).__name__, 'debugpy' in sys.modules and sys.modules['debugpy'] is not None)",
                      "import io\nfig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\nbuf = io.BytesIO()\n"
                      "fig.savefig(buf, format='png')\nprint(type(plt).__name__, plt.__name__, buf.getvalue()[:4] == b'\\x89PNG')")
    assert faults == []
    assert out == ["Deferred False", "module matplotlib.pyplot True"], out
