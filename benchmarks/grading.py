"""`nbgrader autograde` against `autograder grade`, side by side, on the same submissions.

For every notebook of the course, 20 students submit a mix of correct, partly
wrong (one exercise replaced by a known mutant) and broken notebooks (the
untouched release, or an error in the setup cell). Both tools grade them in one
temporary course directory; the script prints both wall times, the ratio,
autograder's fixed start-up, whether the scores agree item by item, and the peak
RSS of autograder's main process: with the class, and with one submission that
prints 300 MB (what a submission prints must not grow the grader).

    python benchmarks/grading.py                  # every notebook, 20 students each
    python benchmarks/grading.py --notebooks 01-chain-rule --students 8
    python benchmarks/grading.py --notebooks 05-mlp-backprop --peak-only 100   # peak RSS at 100 submissions
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.mutants.harness import catalogue  # noqa: E402 - the repo root must be on the path first

# nbgrader runs `alembic` and `jupyter` from PATH: take them from this interpreter's environment,
# even when the script is started as .venv/bin/python without activating the venv.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def submission(i, name, solution, release):
    """Student i's notebook: a quarter correct, half with one mutant, a quarter broken."""
    import copy
    nb = copy.deepcopy(solution)
    kind = i % 4
    if kind == 0:
        return nb
    if kind == 3:
        if i % 8 == 3:
            return copy.deepcopy(release)
        setup = next(c for c in nb.cells if c.cell_type == "code")
        setup.source += "\nraise RuntimeError('broken on purpose')"
        return nb
    gid, code = wrong_answer(i, name, release)
    for cell in nb.cells:
        if meta(cell).get("grade_id") == gid:
            cell.source = code
    return nb


def wrong_answer(i, name, release):
    """(grade_id, code) of a known mutant, or of an unanswered stub for a notebook with no catalogue yet."""
    try:
        entries = [(gid, [m.code for m in e["mutants"]]) for gid, e in catalogue(name).items() if e.get("mutants")]
    except ImportError:
        entries = [(meta(c)["grade_id"], [c.source]) for c in release.cells if meta(c).get("solution")]
    gid, codes = entries[i % len(entries)]
    return gid, codes[i % len(codes)]


def make_course(dest, names, students):
    for name in names:
        shutil.copytree(ROOT / "source" / name, dest / "source" / name)
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    for name in names:
        run(dest, "-m", "nbgrader", "generate_assignment", name, "--force")
        solution = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
        release = nbformat.read(dest / "release" / name / f"{name}.ipynb", as_version=4)
        for i in range(students):
            folder = dest / "submitted" / f"student{i:02d}" / name
            folder.mkdir(parents=True)
            nbformat.write(submission(i, name, solution, release), folder / f"{name}.ipynb")


# `autograder grade`, run so that it reports its own (the main process's) peak RSS when it ends
GRADE = ("-c", "import resource, sys\nfrom autograder.cli import main\ncode = main(sys.argv[1:])\n"
               "print(f'main process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} kB', file=sys.stderr)\n"
               "sys.exit(code)", "grade")
PEAK_KB = {}   # course directory -> the peak RSS of autograder's main process in its last run there


def run(course, *args, env=None):
    """Run python args in course; return the wall time in seconds. Exit 1 (some pair not graded) is fine."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=course, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    peak = re.search(r"main process peak RSS (\d+) kB", done.stderr)
    if peak:
        PEAK_KB[str(course)] = int(peak.group(1))
    return time.perf_counter() - start


def nbgrader_scores(course, name):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: {g.name: g.score for g in s.grades} for s in gb.find_notebook(name, name).submissions}


def our_scores(course, name):
    rows = json.loads((course / "reports" / name / "grades.json").read_text())
    return {r["student"]: {i["grade_id"]: i["score"] for i in r["items"]} for r in rows}


def small_course(course, name, students):
    """A copy of course with only the first few students of name submitted."""
    small = course.parent / f"small-{students}"
    shutil.copytree(course / "source", small / "source")
    shutil.copy(course / "nbgrader_config.py", small)
    shutil.copy(course / "gradebook.db", small)   # a new gradebook's schema migration is not grading work
    for i in range(students):
        shutil.copytree(course / "submitted" / f"student{i:02d}", small / "submitted" / f"student{i:02d}")
    return small


def differences(theirs, ours):
    """(student, item, nbgrader's score, ours) wherever they differ."""
    for student in sorted(set(theirs) | set(ours)):
        a, b = theirs.get(student, {}), ours.get(student, {})
        for item in sorted(set(a) | set(b)):
            if a.get(item) != b.get(item):
                yield student, item, a.get(item), b.get(item)


def kernel_seconds(course, name):
    """The time one submission's notebook takes in its sandbox alone: the part of a run that is not start-up."""
    from autograder.grading import sandbox
    path = course / "submitted" / "student00" / name / f"{name}.ipynb"
    start = time.perf_counter()
    sandbox.run(nbformat.read(path, as_version=4), path.name)
    return time.perf_counter() - start


def startup(course, name, jobs, env):
    """autograder's fixed cost (trusted run cached): the wall time of grading one submission, less the time
    that submission's kernel takes alone; and the wall time of a run with no submissions. Best of two."""
    grade = (*GRADE, name, "--jobs", str(jobs))
    one, none = small_course(course, name, 1), small_course(course, name, 0)
    run(one, *grade, env=env)   # warm the cache and the gradebook
    wall = min(run(one, *grade, env=env) for _ in range(2))
    kernel = min(kernel_seconds(course, name) for _ in range(2))
    return wall - kernel, min(run(none, *grade, env=env) for _ in range(2)), kernel


def bench(names, students, jobs):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        make_course(course, names, students)
        env = dict(os.environ, XDG_CACHE_HOME=str(Path(tmp) / "cache"))   # cold: the trusted run counts
        for name in names:
            theirs_s = run(course, "-m", "nbgrader", "autograde", name, "--force")
            theirs = nbgrader_scores(course, name)
            ours_s = run(course, *GRADE, name, "--jobs", str(jobs), env=env)
            ours = our_scores(course, name)
            rows.append((name, theirs_s, ours_s, theirs == ours and len(theirs) == students))
            FLOOR[name] = cpu_against_floor(course, name, students, jobs, env)
            for student, item, a, b in differences(theirs, ours):
                print(f"{name}: {student} {item}: nbgrader {a}, autograder {b}")
        rows.append(("start-up", None, startup(course, names[0], jobs, env), None))
        rows.append(("peak", None, (max(PEAK_KB.get(str(course), 0), 0), flood_peak(course, names[0], jobs, env)), None))
    return rows


FLOOR = {}   # notebook -> (CPU s per submission, floor CPU s)


def cpu_against_floor(course, name, students, jobs, env):
    """(marginal CPU per submission, the floor's CPU) of name, both over the whole process tree."""
    from benchmarks import floor
    one = course.parent / f"one-{name}"
    shutil.copytree(course / "source", one / "source")
    shutil.copy(course / "nbgrader_config.py", one)
    shutil.copytree(course / "submitted" / "student00" / name, one / "submitted" / "student00" / name)
    per_submission, _ = floor.marginal_cpu(course, one, name, students, jobs, env)
    return per_submission, floor.floor_cpu(course, name)


def flood_peak(course, name, jobs, env):
    """The main process's peak RSS (kB) grading two students of name, one of whom prints 300 MB."""
    small = course.parent / "flood"
    shutil.copytree(course.parent / "small-1", small)   # startup()'s course of one student
    folder = small / "submitted" / "flood" / name
    folder.mkdir(parents=True)
    nb = nbformat.read(small / "submitted" / "student00" / name / f"{name}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys\nfor _ in range(300_000):\n    sys.stdout.write('x' * 999 + '\\n')"))
    nbformat.write(nb, folder / f"{name}.ipynb")
    run(small, *GRADE, name, "--jobs", str(jobs), env=env)
    return PEAK_KB[str(small)]


def peak_only(name, students, jobs):
    """The main process's peak RSS and the wall time of `autograder grade` on a class of students (no nbgrader)."""
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        make_course(course, [name], students)
        env = dict(os.environ, XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        seconds = run(course, *GRADE, name, "--jobs", str(jobs), env=env)
        print(f"autograder main process peak RSS: {PEAK_KB[str(course)] / 1024:.0f} MB grading {students} students "
              f"of {name} in {seconds:.1f} s (--jobs {jobs})")
    return 0


def main(argv=None):
    notebooks = sorted(p.parent.name for p in (ROOT / "source").glob("*/*.ipynb") if p.stem == p.parent.name)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="*", default=notebooks)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--peak-only", type=int, metavar="N",
                        help="only the main process's peak RSS: autograder grading N students of the first notebook")
    args = parser.parse_args(argv)
    if args.peak_only:
        return peak_only(args.notebooks[0], args.peak_only, args.jobs)
    rows = bench(args.notebooks, args.students, args.jobs)
    print(f"{args.students} students per notebook, autograder --jobs {args.jobs}, {os.cpu_count()} cores")
    print(f"{'notebook':<28} {'nbgrader s':>10} {'autograder s':>12} {'ratio':>6}  scores agree")
    peak, flood = rows.pop()[2]
    for name, theirs, ours, agree in rows[:-1]:
        print(f"{name:<28} {theirs:>10.1f} {ours:>12.1f} {theirs / ours:>5.2f}x  {'yes' if agree else 'NO'}")
    total_theirs, total_ours = sum(r[1] for r in rows[:-1]), sum(r[2] for r in rows[:-1])
    print(f"{'total':<28} {total_theirs:>10.1f} {total_ours:>12.1f} {total_theirs / total_ours:>5.2f}x  "
          f"{'yes' if all(r[3] for r in rows[:-1]) else 'NO'}")
    fixed, none, kernel = rows[-1][2]
    print(f"autograder fixed start-up on {args.notebooks[0]} (trusted run cached): {fixed:.2f} s "
          f"(one submission graded, less its {kernel:.2f} s in the sandbox); a run with no submissions: {none:.2f} s")
    print(f"{'notebook':<28} {'CPU s/submission':>16} {'floor CPU s':>11} {'ratio':>6}")
    for name, (per_submission, lowest) in FLOOR.items():
        print(f"{name:<28} {per_submission:>16.2f} {lowest:>11.2f} {per_submission / lowest:>5.2f}x")
    print(f"autograder main process peak RSS: {peak / 1024:.0f} MB grading {args.students} students of "
          f"{args.notebooks[-1]}; {flood / 1024:.0f} MB grading two, one of whom prints 300 MB")
    return 0 if all(r[3] for r in rows[:-1]) else 1


if __name__ == "__main__":
    sys.exit(main())
