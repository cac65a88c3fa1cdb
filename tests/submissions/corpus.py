"""The cheat and fault corpus: each case builds one student's submission from solutions/ at test time.

A case says what the submission deserves: its status, its score (as a function
of the notebook's items), and a word its reason must contain. Cases are generic:
"wrong" is the first exercise's first mutant from tests/mutants/, so the same
corpus works on every notebook that has a catalogue.
"""
import contextlib
import copy
import io
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.records import MIME, encode
from tests.mutants import harness

CHEATS = Path(__file__).parent / "cheats"


@dataclass(frozen=True)
class Case:
    name: str
    build: object          # (Notebook) -> what to write: a notebook, bytes, or None (nothing)
    status: str
    score: str             # "full", "full-first" (the first exercise's tests lost), "first-two", "zero"
    reason: str = ""       # a word the reason must contain
    filename: str = ""     # the file name, if not the assignment's own
    limitation: str = ""   # why the grader does not yet give what the case deserves (the test is a strict xfail)


@dataclass
class Notebook:
    """What a case needs to know of the notebook it is built for."""
    name: str
    solution: object       # the solutions/ notebook (what a learner who got everything right submits)
    release: object
    wrong_first: str       # a known-wrong version of the first solution cell
    wrong: dict            # solution grade_id -> a known-wrong version of that cell (from the catalogue)
    course_root: Path      # the real course directory, which cheats try to reach

    def copy(self):
        return copy.deepcopy(self.solution)


def meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def index(nb, kind, n=0):
    """The index of the n-th solution ("solution") or test ("grade") cell."""
    return [i for i, c in enumerate(nb.cells) if meta(c).get(kind)][n]


def cheat(file, **values):
    """The code of tests/submissions/cheats/<file>.py, with {placeholders} filled in."""
    text = (CHEATS / f"{file}.py").read_text(encoding="utf-8")
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), text)


def with_cell(nb, at, code):
    nb.cells.insert(at, nbformat.v4.new_code_cell(code, id=f"added-{at}"))   # stable ids: reruns are identical
    return nb


def wrong(nbk):
    """The solution, with the first exercise answered wrongly."""
    nb = nbk.copy()
    nb.cells[index(nb, "solution")].source = nbk.wrong_first
    return nb


def patched(patch):
    """Wrong first answer, and a cell at the top that patches numpy or the checks."""
    def build(nbk):
        return with_cell(wrong(nbk), index(nbk.solution, "solution"), cheat(patch))
    return build


def transformer(nbk):
    return with_cell(wrong(nbk), index(nbk.solution, "solution"), cheat("input_transformer"))


def read_outside(nbk):
    """If anything outside the sandbox can be read, the right answer is used (and the case fails)."""
    nb = nbk.copy()
    cell = nb.cells[index(nb, "solution")]
    code = cheat("read_outside", root=nbk.course_root, name=nbk.name)
    cell.source = f"{code}\nif _leaked:\n{_indent(cell.source)}\nelse:\n{_indent(nbk.wrong_first)}\n"
    return nb


def _indent(code):
    return "\n".join("    " + line for line in code.splitlines())


def write_gradebook(nbk):
    return with_cell(nbk.copy(), index(nbk.solution, "solution"), cheat("write_gradebook", root=nbk.course_root))


def after_second_test(code):
    def build(nbk):
        return with_cell(nbk.copy(), index(nbk.solution, "grade", 1) + 1, code)
    return build


def after_first_test(code):
    def build(nbk):
        return with_cell(nbk.copy(), index(nbk.solution, "grade") + 1, code)
    return build


def warns(nbk):
    """Every function of the first solution cell also emits a numpy RuntimeWarning on stderr."""
    nb = nbk.copy()
    cell = nb.cells[index(nb, "solution")]
    cell.source = re.sub(r"^(def .*:\n)", r"\1    np.log(np.zeros(1))  # RuntimeWarning: divide by zero\n",
                         cell.source, flags=re.M)
    return nb


def deleted_test(nbk):
    nb = nbk.copy()
    del nb.cells[index(nb, "grade")]
    return nb


def edited_test(nbk):
    nb = wrong(nbk)
    nb.cells[index(nb, "grade")].source = "print('all good')"
    return nb


# Two wrong answers can cancel (a flipped error term and a flipped backward), so every function of an all-wrong
# notebook also scales its result: no test can pass by accident.
OFF = """
def _off(value):
    if isinstance(value, tuple):
        return tuple(_off(v) for v in value)
    try:
        return value * 1.37 + 0.1
    except TypeError:
        return value
for _n in {names!r}:
    globals()[_n] = (lambda f: lambda *a, **k: _off(f(*a, **k)))(globals()[_n])
"""


def all_wrong(nbk):
    """Every exercise answered wrongly (a catalogue mutant, or the stub): an honest grade of zero."""
    nb = nbk.copy()
    for i, cell in enumerate(nb.cells):
        if meta(cell).get("solution"):
            code = nbk.wrong.get(meta(cell)["grade_id"], nbk.release.cells[i].source)
            names = sorted(set(re.findall(r"^def (\w+)", code, flags=re.M)))
            cell.source = code + (OFF.format(names=names) if names else "")
    return nb


def defined(cell):
    return re.findall(r"^def (\w+)", cell.source, flags=re.M)


def attack(file):
    """No right answer anywhere, and a cheat in a cell of its own before the first exercise."""
    def build(nbk):
        return with_cell(all_wrong(nbk), index(nbk.solution, "solution"), cheat(file))
    return build


def lookalike(nbk):
    """The locked setup cell deleted, and look-alike checks defined in its place."""
    nb = all_wrong(nbk)
    at = next(i for i, c in enumerate(nb.cells) if meta(c).get("grade_id") == "setup")
    nb.cells[at] = nbformat.v4.new_code_cell(cheat("lookalike_checks"), id="lookalike")
    return nb


def after_each_solution(file):
    """After every solution cell, a cheat that rebinds the functions the cell defined."""
    def build(nbk):
        nb = all_wrong(nbk)
        for i in reversed([i for i, c in enumerate(nb.cells) if meta(c).get("solution") and defined(c)]):
            with_cell(nb, i + 1, cheat(file, names=sorted(set(defined(nb.cells[i])))))
        return nb
    return build


def read_keys(nbk):
    nb = all_wrong(nbk)
    quiz = next(c for c in nb.cells if meta(c).get("grade_id") == "quiz")
    quiz.source = cheat("read_keys")
    return nb


def skip_execution(nbk):
    """Every test cell tagged skip-execution, with passing records forged into its stored outputs."""
    nb = all_wrong(nbk)
    for cell, records in zip((c for c in nb.cells if meta(c).get("grade")), passing_records(nbk)):
        cell.metadata["tags"] = ["skip-execution"]
        cell.outputs = [nbformat.v4.new_output("display_data", data={MIME: r}) for r in records]
        cell.execution_count = 1
    return nb


def passing_records(nbk):
    """The records each test cell of the solution displays, with got = expected, made in this process."""
    import autograder.checks as checks
    per_cell, found, ns = [], [], {"__name__": "__main__"}
    saved, checks._publish = checks._publish, lambda spec, got, expected: found.append(
        dict(spec, got=encode(expected), expected=encode(expected)))
    try:
        for cell in nbk.solution.cells:
            if cell.cell_type == "code" and "self-check" not in cell.metadata.get("tags", []):
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(cell.source, "<cell>", "exec"), ns)  # noqa: S102
                if meta(cell).get("grade"):
                    per_cell.append(list(found))
                    found.clear()
    finally:
        checks._publish = saved
    return per_cell


CASES = [
    Case("honest-solution", lambda n: n.copy(), "graded", "full"),
    Case("honest-release", lambda n: copy.deepcopy(n.release), "graded", "zero"),
    Case("honest-wrong-first", wrong, "graded", "full-first"),
    Case("patch-allclose", patched("patch_allclose"), "graded", "full-first"),
    Case("patch-testing", patched("patch_testing"), "graded", "full-first"),
    Case("patch-isclose", patched("patch_isclose"), "graded", "full-first"),
    Case("patch-checks", patched("patch_checks"), "graded", "full-first"),
    Case("forge-records", patched("forge_records"), "graded", "full-first"),
    # Each attack class of issue 12, on a notebook with no right answer at all: each must score zero.
    Case("attack-rebind-checks", attack("rebind_checks"), "graded", "zero"),
    Case("attack-lookalike-checks", lookalike, "graded", "zero", "locked cell setup was deleted"),
    Case("attack-ast-transformer", attack("ast_transformer"), "graded", "zero"),
    Case("attack-stack-spy", after_each_solution("stack_spy"), "graded", "zero"),
    Case("attack-display-publisher", attack("display_publisher"), "graded", "zero"),
    Case("attack-skip-execution", skip_execution, "tampered", "zero", "skip-execution"),
    Case("attack-read-keys", read_keys, "graded", "zero"),
    Case("attack-leak-test-source", after_each_solution("leak_test_source"), "graded", "zero"),
    Case("attack-remount-root", attack("remount_root"), "graded", "zero"),
    Case("input-transformer", transformer, "tampered", "zero", "changed while it ran"),
    Case("read-outside", read_outside, "graded", "full-first"),
    Case("write-gradebook", write_gradebook, "graded", "full"),
    Case("os-exit", after_second_test("import os\nos._exit(1)"), "crashed", "first-two", "died"),
    Case("infinite-loop", after_first_test("while True:\n    pass"), "timeout", "full", "ran out of time"),
    Case("allocate-20gb", after_first_test("import numpy as np\nhuge = np.ones(int(20e9 / 8))"), "memory", "full",
         "memory"),
    Case("sys-exit", after_first_test("import sys\nsys.exit(1)"), "graded", "full"),
    Case("runtime-warning", warns, "graded", "full"),
    Case("deleted-test", deleted_test, "graded", "full", "deleted"),
    Case("edited-test", edited_test, "graded", "full-first", "edited"),
    Case("invalid-json", lambda n: b'{"cells": [', "invalid notebook", "zero", "not a valid notebook"),
    Case("empty-file", lambda n: b"", "invalid notebook", "zero", "empty"),
    Case("missing-notebook", lambda n: None, "missing notebook", "zero", "no "),
    Case("renamed", lambda n: n.copy(), "graded", "full", "renamed from", filename="my-work-Copy1.ipynb"),
]


def notebook(root, name):
    """The Notebook that cases are built from, for notebook name of the course at root."""
    root = Path(root)
    solution = nbformat.read(root / "solutions" / name / f"{name}.ipynb", as_version=4)
    release = nbformat.read(root / "course" / name / f"{name}.ipynb", as_version=4)
    return Notebook(name, solution, release, _wrong_first(name, solution, release), _wrong_all(name), root)


def _wrong_all(name):
    try:
        exercises = harness.catalogue(name)
    except ImportError:
        return {}
    return {gid: next((m for m in e["mutants"] if "sign" in m.label), e["mutants"][0]).code
            for gid, e in exercises.items() if e.get("mutants")}


def _wrong_first(name, solution, release):
    """A sign-flip mutant of the first exercise, or (no catalogue yet) its unanswered stub."""
    first = meta(solution.cells[index(solution, "solution")])["grade_id"]
    try:
        mutants = harness.catalogue(name)[first]["mutants"]
    except (ImportError, KeyError):
        return release.cells[index(release, "solution")].source
    return next((m for m in mutants if "sign" in m.label), mutants[0]).code


def write(case, nbk, submitted):
    """Write case's submission into submitted/<case>/<notebook>/; the folder exists even if empty."""
    folder = Path(submitted) / case.name / nbk.name
    folder.mkdir(parents=True, exist_ok=True)
    content = case.build(nbk)
    path = folder / (case.filename or f"{nbk.name}.ipynb")
    if content is None:
        (folder / "notes.txt").write_text("I ran out of time.\n")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        nbformat.write(content, path)


def first_tests(nb):
    """The grade_ids of the test cells of the first exercise (up to the second solution cell)."""
    start, stop = index(nb, "solution"), index(nb, "solution", 1)
    return {meta(c)["grade_id"] for c in nb.cells[start:stop] if meta(c).get("grade")}


def expected_score(case, items, first):
    """What the case deserves, from [(grade_id, points)] of the notebook's test cells in order."""
    full = sum(p for _, p in items)
    first = sum(p for gid, p in items if gid in first)
    return {"full": full, "zero": 0.0, "full-first": full - first,
            "first-two": sum(p for _, p in items[:2])}[case.score]
