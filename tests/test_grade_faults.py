"""One bad submission, or one broken worker, costs at most its own pair, loudly (issue 13).

The class test grades honest students beside one submission of every fault in ONE run, in real sandboxed
kernels: every honest grade must be exact, every faulty pair must get its own status and reason, and every
file must be written. The other tests take one failure each: a locked gradebook, a grader fault, no
submissions, a flood of output, a 300 MB notebook.
"""
import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

import autograder
from autograder.grading import intake, plan
from autograder.grading.report import table
from autograder.records import MIME
from tests.submissions import corpus
from tests.submissions.course import ROOT, make_course

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grade_faults")]
NAME = "01-chain-rule"
OPTIONS = dict(jobs=2, cell_timeout=20, total_timeout=90, progress=False)
SECRET = "TOPSECRET-7f3a: the start of a file outside the submission"
ESC = "\x1b[2J\x1b[H"
VICTIM_MB = 700   # the victim's kernel holds this much, so that the test can tell its worker from the others


def notebook_with(nbk, code, after="solution"):
    """The solution with a cell of code after the first solution (or test) cell."""
    return corpus.with_cell(nbk.copy(), corpus.index(nbk.solution, after) + 1, code)


def raw_json(nbk, change):
    """The solution's JSON, as a dict changed by change(d), as bytes."""
    d = json.loads(nbformat.writes(nbk.copy()))
    change(d)
    return json.dumps(d).encode()


def first_meta(d, kind="grade"):
    return next(c["metadata"]["nbgrader"] for c in d["cells"] if c["metadata"].get("nbgrader", {}).get(kind))


def submit(course, student, content=None, filename=f"{NAME}.ipynb"):
    folder = course / "submitted" / student / NAME
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        (folder / filename).write_bytes(content)
    elif content is not None:
        nbformat.write(content, folder / filename)
    return folder / filename


# A folder name that a spreadsheet would run as a formula, sending the instructor's grades.csv away when opened.
FORMULA = '=HYPERLINK(CONCAT("http:",E2),"grades")'
# student -> (status, score: "full" | "first-wrong" | "zero" | None (not checked), a word of the reason)
EXPECTED = {
    "honest-solution": ("graded", "full", ""),
    "honest-wrong-first": ("graded", "first-wrong", ""),
    "honest-release": ("graded", "zero", ""),
    "prints-a-lot": ("graded", "full", ""),
    "(source)": ("graded", "first-wrong", ""),
    "source": ("graded", "zero", ""),
    "ansi-crash": ("crashed", None, "the kernel died"),
    "record-not-a-dict": ("tampered", None, "form the grader does not write"),
    "victim": ("crashed", None, "the grading worker died"),
    "grader-fault": ("error", "zero", "grader-fault"),
    "fifo": ("invalid notebook", "zero", "named pipe"),
    "link-dev-zero": ("invalid notebook", "zero", "symbolic link"),
    "link-source": ("invalid notebook", "zero", "symbolic link"),
    "link-classmate": ("invalid notebook", "zero", "symbolic link"),
    "link-secret": ("invalid notebook", "zero", "symbolic link"),
    "folder-link": ("invalid notebook", "zero", "not a folder"),
    "huge-file": ("invalid notebook", "zero", "over the limit"),
    "deep-json": ("invalid notebook", "zero", "nests deeper"),
    "cells-not-a-list": ("invalid notebook", "zero", "cells are not a list"),
    "points-a-string": ("invalid notebook", "zero", "points is not a number"),
    "grade-id-a-list": ("invalid notebook", "zero", "grade_id is not a string"),
    "flag-not-a-bool": ("invalid notebook", "zero", "grade is not true or false"),
    "nbgrader-meta-a-list": ("invalid notebook", "zero", "not a mapping"),
    "plus+sign": ("invalid student id", "zero", "'+'"),
    ".hidden": ("invalid student id", "zero", "starts with '.'"),
    f"esc{ESC}name": ("invalid student id", "zero", "control"),
    FORMULA: ("graded", "full", ""),
}


def build_class(course, nbk):
    """Every student of EXPECTED, in submitted/."""
    secret = course.parent / "secret.txt"
    secret.write_text(SECRET)
    submit(course, "honest-solution", nbk.copy())
    submit(course, "honest-wrong-first", corpus.wrong(nbk))
    submit(course, "honest-release", nbk.release)
    submit(course, "prints-a-lot", notebook_with(nbk, "import sys\nline = 'y' * 999 + '\\n'\n"
                                                      "for _ in range(150_000):\n    sys.stdout.write(line)"))
    submit(course, "(source)", corpus.wrong(nbk))
    submit(course, "source", nbk.release)
    submit(course, "ansi-crash", notebook_with(nbk, f"# {ESC}graded 13/13\nimport os\nos._exit(1)", after="grade"))
    fake = f"from IPython.display import display\ndisplay({{{MIME!r}: [1, 2]}}, raw=True)\n"
    record = corpus.wrong(nbk)
    cell = record.cells[corpus.index(record, "solution")]
    cell.source = re.sub(r"^(def .*:\n)", lambda m: m.group(1) + _indent(fake), cell.source, count=1, flags=re.M)
    submit(course, "record-not-a-dict", record)
    submit(course, "victim", notebook_with(nbk, f"import time\nheld = b'v' * ({VICTIM_MB} << 20)\ntime.sleep(60)"))
    submit(course, "grader-fault", nbk.copy())
    os.mkfifo(submit(course, "fifo"))
    submit(course, "link-dev-zero").symlink_to("/dev/zero")
    submit(course, "link-source").symlink_to(course / "source" / NAME / f"{NAME}.ipynb")
    submit(course, "link-classmate").symlink_to(course / "submitted" / "honest-solution" / NAME / f"{NAME}.ipynb")
    submit(course, "link-secret").symlink_to(secret)
    (course / "submitted" / "folder-link").symlink_to(course / "submitted" / "honest-solution")
    with open(submit(course, "huge-file", b""), "wb") as f:   # sparse: 300 MB that take no disk
        f.truncate(300 * 1024 ** 2)
    submit(course, "deep-json", b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": '
                                + b"[" * 100_000 + b"]" * 100_000 + b"}")
    submit(course, "cells-not-a-list", raw_json(nbk, lambda d: d.update(cells={"0": d["cells"][0]})))
    submit(course, "points-a-string", raw_json(nbk, lambda d: first_meta(d).update(points="2")))
    submit(course, "grade-id-a-list", raw_json(nbk, lambda d: first_meta(d).update(grade_id=["a", "b"])))
    submit(course, "flag-not-a-bool", raw_json(nbk, lambda d: first_meta(d).update(grade=1)))
    submit(course, "nbgrader-meta-a-list",
           raw_json(nbk, lambda d: next(c for c in d["cells"] if c["metadata"].get("nbgrader")).update(
               metadata={"nbgrader": ["grade"]})))
    for student in ("plus+sign", ".hidden", f"esc{ESC}name"):
        submit(course, student, nbk.copy())
    submit(course, FORMULA, nbk.copy())


def _indent(code):
    return "".join(f"    {line}\n" for line in code.splitlines())


def kill_victim_worker(stop):
    """Find the kernel that holds VICTIM_MB, and SIGKILL the grading worker above it (kill -9 a worker)."""
    while not stop.is_set():
        for pid in _pids():
            if _rss_mb(pid) > VICTIM_MB * 0.9 and b"kernel_start.py" in _read(f"/proc/{pid}/cmdline"):
                worker = _worker_above(pid)
                if worker:
                    os.kill(worker, signal.SIGKILL)
                    return
        time.sleep(0.2)


def _pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _read(path):
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


def _rss_mb(pid):
    found = re.search(rb"VmRSS:\s+(\d+) kB", _read(f"/proc/{pid}/status"))
    return int(found.group(1)) / 1024 if found else 0


def _worker_above(pid):
    """The nearest ancestor that is a forkserver child (workers fork from the server, whose cmdline they keep)."""
    while pid > 1:
        pid = int(re.search(rb"PPid:\s+(\d+)", _read(f"/proc/{pid}/status")).group(1))
        parent = int(re.search(rb"PPid:\s+(\d+)", _read(f"/proc/{pid}/status")).group(1))
        if b"forkserver" in _read(f"/proc/{pid}/cmdline") and b"forkserver" in _read(f"/proc/{parent}/cmdline"):
            return pid
    return None


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class, graded in one run, with the victim's worker killed while it runs."""
    course = make_course(tmp_path_factory.mktemp("class") / "course", [NAME])
    nbk = corpus.notebook(ROOT, NAME)
    build_class(course, nbk)
    real_job = plan.student_job

    def student_job(folder, *args):   # the grader's own fault, in one pair: planning it raises
        if folder.parent.name == "grader-fault":
            raise RuntimeError("a bug in the grader")
        return real_job(folder, *args)

    stop = threading.Event()
    killer = threading.Thread(target=kill_victim_worker, args=(stop,), daemon=True)
    killer.start()
    plan.student_job = student_job
    try:
        start = time.monotonic()
        results = autograder.grade(NAME, root=course, **OPTIONS)
        seconds = time.monotonic() - start
    finally:
        plan.student_job = real_job
        stop.set()
    print(f"\n{table(results)}\n{seconds:.1f} s")
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    return course, source, {r.student: r for r in results}


def expected_score(source, kind):
    from autograder.grading.restore import graded_cells
    items = [(t.grade_id, t.points) for t in graded_cells(source)]
    full = sum(p for _, p in items)
    first = sum(p for gid, p in items if gid in corpus.first_tests(source))
    return {"full": full, "first-wrong": full - first, "zero": 0.0}[kind]


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_pair_gets_its_own_status_and_reason(graded, student):
    _, source, results = graded
    status, score, word = EXPECTED[student]
    result = results[student]
    assert result.status == status, result.reason
    assert word in result.reason
    if score is not None:
        assert result.score == expected_score(source, score), result.reason
    assert result.reason or status == "graded"


def test_every_file_is_written(graded):
    course, _, results = graded
    rows = json.loads((course / "reports" / NAME / "grades.json").read_text())
    assert len(rows) == len(EXPECTED) == len(results)
    assert (course / "reports" / NAME / "grades.csv").is_file()
    feedback = {p.parent.parent.name for p in (course / "feedback").glob(f"*/{NAME}/{NAME}.html")}
    unrecorded = {s for s, (status, _, _) in EXPECTED.items() if status in ("error", "invalid student id")}
    assert feedback == set(EXPECTED) - unrecorded
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s.student.id: s.score for s in gb.find_notebook(NAME, NAME).submissions}
    assert scores == {s: r.score for s, r in results.items() if s not in unrecorded}


def test_nothing_of_a_linked_file_leaks(graded):
    course, _, _ = graded
    for path in [*(course / "feedback").rglob("*.html"), *(course / "reports").rglob("grades.*")]:
        assert SECRET not in path.read_text(encoding="utf-8")


def test_no_control_character_in_table_csv_json_or_html(graded):
    course, _, results = graded
    texts = [table(results.values()), *(p.read_text(encoding="utf-8") for p in
                                        [*(course / "reports").rglob("grades.*"), *(course / "feedback").rglob("*.html")])]
    for text in texts:
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "graded 13/13" in results["ansi-crash"].reason    # the text stays, its escapes go


def test_no_field_of_grades_csv_is_a_formula(graded):
    """A student whose id is a spreadsheet formula is graded, and grades.csv shows the id as text."""
    course, _, results = graded
    rows = list(csv.reader(io.StringIO((course / "reports" / NAME / "grades.csv").read_text(encoding="utf-8"))))
    assert [f for row in rows for f in row if f[:1] in ("=", "+", "-", "@")] == []
    assert [r[0] for r in rows if r[0].endswith(FORMULA)] == ["'" + FORMULA]
    assert results[FORMULA].student == FORMULA   # grades.json and the gradebook keep the real id


def test_a_student_named_source_is_never_the_trusted_run(graded, tmp_path):
    """After a class with '(source)' in it, the cached trusted run still gives an honest student full marks."""
    _, source, _ = graded
    course = make_course(tmp_path / "course", [NAME])
    submit(course, "honest", corpus.notebook(ROOT, NAME).copy())
    (result,) = autograder.grade(NAME, root=course, gradebook=False, **OPTIONS)
    assert (result.status, result.score) == ("graded", expected_score(source, "full"))


def test_no_submissions_says_so_and_exits_1(tmp_path):
    course = make_course(tmp_path / "course", [NAME])
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", NAME, "--root", str(course)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "no submissions" in done.stdout
    assert "grading" not in done.stderr
    assert sorted(p.name for p in course.iterdir()) == ["nbgrader_config.py", "source"]


def cli(course, *args):
    return subprocess.run([sys.executable, "-m", "autograder.cli", "grade", NAME, "--root", str(course), "--jobs", "2",
                           "--cell-timeout", "20", *args], capture_output=True, text=True)


def gradebook_scores(course):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: s.score for s in gb.find_notebook(NAME, NAME).submissions}


def locked(course, seconds):
    """Hold a write lock on the gradebook for seconds (as formgrader mid-write would)."""
    db = sqlite3.connect(course / "gradebook.db", isolation_level=None, check_same_thread=False)
    db.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(seconds, lambda: (db.execute("COMMIT"), db.close()))
    timer.start()
    return timer


def test_a_locked_gradebook_keeps_reports_and_feedback_and_says_how_to_finish(tmp_path):
    course = make_course(tmp_path / "course", [NAME])
    nbk = corpus.notebook(ROOT, NAME)
    submit(course, "alice", nbk.copy())
    assert cli(course).returncode == 0          # the gradebook exists, alice is in it
    submit(course, "bob", corpus.wrong(nbk))
    waited = locked(course, 3)
    assert cli(course, "--gradebook-timeout", "30").returncode == 0    # a short lock is waited for
    waited.join()
    assert set(gradebook_scores(course)) == {"alice", "bob"}

    submit(course, "carol", nbk.copy())
    held = locked(course, 60)
    try:
        done = cli(course, "--gradebook-timeout", "1")
    finally:
        held.cancel()
        held.function()
    assert done.returncode == 1
    assert "database is locked" in done.stderr
    command = done.stderr.strip().splitlines()[-1].strip()
    assert command.startswith("autograder grade 01-chain-rule --gradebook-only")
    assert (course / "feedback" / "carol" / NAME / f"{NAME}.html").is_file()
    assert "carol" in (course / "reports" / NAME / "grades.csv").read_text()
    assert "carol" not in gradebook_scores(course)

    later = subprocess.run([sys.executable, "-m", "autograder.cli", *command.split()[1:]], capture_output=True,
                           text=True, cwd=course)
    assert later.returncode == 0, later.stderr
    assert set(gradebook_scores(course)) == {"alice", "bob", "carol"}


def test_an_error_keeps_the_pairs_earlier_grade_and_feedback(tmp_path, monkeypatch):
    course = make_course(tmp_path / "course", [NAME])
    submit(course, "alice", corpus.notebook(ROOT, NAME).copy())
    (first,) = autograder.grade(NAME, root=course, **OPTIONS)
    page = (course / "feedback" / "alice" / NAME / f"{NAME}.html").read_text()
    monkeypatch.setattr(plan, "result_of", _failing_once(plan.result_of))
    (again,) = autograder.grade(NAME, root=course, **OPTIONS)
    assert again.status == "error" and "judging alice's 01-chain-rule failed" in again.reason
    assert (course / "feedback" / "alice" / NAME / f"{NAME}.html").read_text() == page
    assert gradebook_scores(course) == {"alice": first.score}


def _failing_once(real):
    """plan.result_of, which fails on a run (the judging), and works for the error Result that follows."""
    def result_of(student, name, source, job, run, trusted):
        if run is not None:
            raise RuntimeError("the verdict failed")
        return real(student, name, source, job, run, trusted)
    return result_of


FLOOD = """
import json, resource, sys
import nbformat
from autograder.grading import sandbox
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sys.argv[1]), nbformat.v4.new_code_cell("1/0")])
faults = sandbox.run(nb, "flood.ipynb", sandbox.Limits(cell_timeout=60, total_timeout=120))
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                  "chars": sum(len(o.get("text", "")) for o in nb.cells[0].outputs),
                  "text": "".join(o.get("text", "") for o in nb.cells[0].outputs)[-2000:],
                  "error": [o.get("ename") for o in nb.cells[1].outputs]}))
"""


@pytest.mark.parametrize("code", [
    "import sys\nline = 'x' * 999 + '\\n'\nfor _ in range(300_000):\n    sys.stdout.write(line)",   # 300 MB
    "print('x' * 100_000_000)",                                                                 # 100 MB at once
])
def test_a_flood_of_output_is_cut_short_and_says_so(code):
    """The process that runs the kernel (a grading worker) stays small, and the notebook's later cells still run."""
    done = subprocess.run([sys.executable, "-c", FLOOD, code], capture_output=True, text=True, timeout=300)
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["chars"] < 20 * 1024 ** 2
    assert "[output truncated" in out["text"]
    assert out["error"] == ["ZeroDivisionError"]
    assert out["peak_mb"] < 400, out["peak_mb"]


def test_a_300mb_notebook_is_refused_unread(tmp_path):
    path = tmp_path / "big.ipynb"
    with open(path, "wb") as f:
        f.write(b'{"cells": [')
        f.truncate(300 * 1024 ** 2)
    code = ("import resource, sys\nfrom autograder.grading import intake\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "try:\n    intake.read_notebook(sys.argv[1])\nexcept intake.Unusable as err:\n    print(err.args[1])\n"
            "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    reason, grown_mb = done.stdout.splitlines()
    assert "over the limit" in reason
    assert int(grown_mb) < 10


@pytest.mark.parametrize("name, why", [("alice", None), ("a+b", "'+'"), ("a*", "'*'"), (" bob", "space"),
                                       (".git", "'.'"), ("x" * 129, "128"), ("tab\there", "control"),
                                       ("(source)", None), ("source", None)])
def test_student_ids_follow_nbgraders_rules(name, why):
    problem = intake.student_problem(name)
    assert (problem is None) if why is None else (why in problem)
