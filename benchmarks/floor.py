"""What grading one submission must cost, and what it does cost, in CPU seconds.

The floor is a sandboxed kernel start plus the cells a verdict needs: the locked
cells before the first exercise (setup), the student's answers, and the test
cells. The per-submission cost is the marginal CPU of `autograder grade`: its
CPU with every student less its CPU with one, over the students added. Both are
counted for the whole process tree (workers and kernels included): the command
runs under a child subreaper, so every descendant is waited for and counted.

    python benchmarks/floor.py 05-mlp-backprop            # floor of one solution submission
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path


TREE_CPU = """
import ctypes, os, resource, subprocess, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)   # orphans of the command are reparented here
done = subprocess.run(sys.argv[1:], capture_output=True)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime, done.returncode)
"""


CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def tree_cpu(argv, cwd=None, env=None):
    """CPU seconds of argv and of every process it starts, however deep: a cpuacct cgroup of its own where
    one can be made (the sandboxes move kernels into cgroups of other controllers only), else rusage under
    a child subreaper (which misses what a kernel's parent never waits for)."""
    if os.access(CPUACCT, os.W_OK):
        group = CPUACCT / f"autograder-bench-{os.getpid()}"
        group.mkdir()
        try:
            subprocess.run(argv, cwd=cwd, env=env, capture_output=True,
                           preexec_fn=lambda: (group / "cgroup.procs").write_text(str(os.getpid())))
            for _ in range(600):   # processes the command left behind still count, until they end
                if not (group / "cgroup.procs").read_text().strip():
                    break
                time.sleep(0.1)
            return int((group / "cpuacct.usage").read_text()) / 1e9
        finally:
            group.rmdir()
    out = subprocess.run([sys.executable, "-c", TREE_CPU, *argv], cwd=cwd, env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0])


def floor_job(course, name):
    """The grader's own job for student00's notebook, cut down to the cells a verdict needs."""
    import nbformat
    from autograder.grading.plan import data_files, student_job
    from autograder.grading.restore import nbgrader_meta, read
    source = read(course / "source" / name / f"{name}.ipynb")
    folder = course / "submitted" / "student00" / name
    job = student_job(folder, name, source, {name}, data_files(course / "source" / name))
    nb = nbformat.reads(job["nb"], as_version=4)
    keep = set(job["preamble"])
    nb.cells = [c for c in nb.cells if c.cell_type == "code" and (
        nbgrader_meta(c).get("grade_id") in keep or nbgrader_meta(c).get("solution") or nbgrader_meta(c).get("grade"))]
    job["nb"] = nbformat.writes(nb)
    return job


def floor_cpu(course, name, runs_added=6):
    """CPU seconds that one more run of the floor job in a fresh sandbox adds (kernel start included): the
    CPU of running it 1 + runs_added times less once, over runs_added, so that this process's own start-up
    is not counted and one run's noise is averaged out."""
    job = Path(course) / f"floor-{name}.json"
    job.write_text(json.dumps(floor_job(Path(course), name)))

    def runs(n):
        code = ("import json, sys; from autograder.grading.parallel import run_job; "
                "from autograder.grading.sandbox import Limits; "
                f"job = json.loads(open({str(job)!r}).read()); "
                f"sys.exit(any('error' in run_job(job, Limits()) for _ in range({n})))")
        return tree_cpu([sys.executable, "-c", code], cwd=course)

    return (runs(1 + runs_added) - runs(1)) / runs_added


def marginal_cpu(course_many, course_one, name, students, jobs, env):
    """(CPU per added submission, CPU with all students) of `autograder grade`, trusted run cached."""
    grade = [sys.executable, "-m", "autograder.cli", "grade", name, "--jobs", str(jobs)]
    tree_cpu(grade, cwd=course_one, env=env)          # the trusted run, once, into the cache
    one = tree_cpu(grade, cwd=course_one, env=env)
    many = tree_cpu(grade, cwd=course_many, env=env)
    return (many - one) / max(1, students - 1), many


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.grading import make_course
    import tempfile
    target = sys.argv[1] if len(sys.argv) > 1 else "01-chain-rule"
    with tempfile.TemporaryDirectory() as tmp:
        make_course(Path(tmp), [target], 1)
        print(f"floor of {target}: {floor_cpu(Path(tmp), target):.2f} CPU s")
