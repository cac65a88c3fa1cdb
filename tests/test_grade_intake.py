"""What goes into a student's sandbox beside the notebook, and notebooks without nbgrader metadata (issue 14,
items 8 and 9).

The unit tests take a hostile folder apart without a kernel; the class test grades, in ONE run in real
sandboxed kernels, a student whose notebook imports her own helpers.py, students whose files try to shadow
the grader, and notebooks stripped of their nbgrader metadata.
"""
import copy
import os

import nbformat
import pytest

import autograder
from autograder.grading import studentfiles
from autograder.grading.intake import Unusable
from autograder.grading.matching import MATCHED, match
from autograder.grading.restore import read
from autograder.grading.studentfiles import MAX_FILE, MAX_FILES, MAX_TOTAL, student_files
from tests.submissions import corpus
from tests.submissions.course import ROOT, make_course
from tests.test_grade_faults import NAME, OPTIONS, SECRET, submit


def folder_with(tmp_path, **files):
    folder = tmp_path / "submitted" / "alice" / "a"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_regular_files_are_taken_and_notebooks_and_tool_files_left_quietly(tmp_path):
    folder = folder_with(tmp_path, **{"helpers.py": b"X = 1\n", "a.ipynb": b"{}", "timestamp.txt": b"2026",
                                      ".DS_Store": b"\0", "old.pyc": b"\0"})
    (folder / ".ipynb_checkpoints").mkdir()
    assert student_files(folder, set()) == ({"helpers.py": b"X = 1\n", "timestamp.txt": b"2026"}, [])


def test_links_pipes_and_hard_links_are_refused_unread(tmp_path):
    secret = tmp_path / "gradebook.db"
    secret.write_text("every student's grades")
    folder = folder_with(tmp_path, **{"ok.py": b""})
    (folder / "shadow").symlink_to("/etc/shadow")
    (folder / "grades.db").symlink_to(secret)
    os.link(secret, folder / "hard.db")
    os.mkfifo(folder / "pipe")
    (folder / "data").mkdir()
    files, (note,) = student_files(folder, set())
    assert files == {"ok.py": b""}
    for said in ("shadow (a symbolic link", "grades.db (a symbolic link", "hard.db (a hard link",
                 "pipe (a named pipe", "data/ (a folder"):
        assert said in note
    assert "every student" not in note


def test_the_assignments_own_files_win_and_sizes_are_capped(tmp_path):
    folder = folder_with(tmp_path, **{"digits.npz": b"mine", "big.bin": b"x" * (MAX_FILE + 1), "ok.py": b"1"})
    files, (note,) = student_files(folder, {"digits.npz"})
    assert files == {"ok.py": b"1"}
    assert "digits.npz (the assignment's own file of that name is used)" in note
    assert "big.bin (1.0 MiB, over the limit of 1.0 MiB per file)" in note


def test_the_total_and_the_count_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(studentfiles, "MAX_TOTAL", 3 * MAX_FILE)
    folder = folder_with(tmp_path, **{f"f{i}.bin": b"x" * MAX_FILE for i in range(4)})
    files, (note,) = student_files(folder, set())
    assert sorted(files) == ["f0.bin", "f1.bin", "f2.bin"] and "f3.bin (over the limit of 3.0 MiB for all" in note
    assert MAX_TOTAL == 10 * MAX_FILE   # the real caps: 1 MiB a file, 10 MiB in all

    many = folder_with(tmp_path / "many", **{f"m{i:03}.py": b"" for i in range(MAX_FILES + 7)})
    files, (note,) = student_files(many, set())
    assert len(files) == MAX_FILES and note.endswith("and 2 more")   # 5 named, the rest counted


@pytest.mark.parametrize("name", [".bashrc", "tab\there.py", "n" * 101 + ".py", "esc\x1b[2J.py"])
def test_names_that_are_not_plain_are_refused_without_quoting_them(tmp_path, name):
    folder = folder_with(tmp_path, **{name: b"x"})
    files, (note,) = student_files(folder, set())
    assert files == {} and "name is hidden, too long or not printable" in note and name not in note


def test_a_clash_keeps_the_assignments_file_in_the_job_and_says_so(tmp_path):
    import base64

    from autograder.grading.plan import student_job
    nbk = corpus.notebook(ROOT, NAME)
    folder = submit(tmp_path, "alice", nbk.copy()).parent
    (folder / "digits.npz").write_bytes(b"the student's own digits")
    (folder / "helpers.py").write_bytes(b"X = 1\n")
    ours = base64.b64encode(b"the assignment's digits").decode()
    job = student_job(folder, NAME, read(ROOT / "source" / NAME / f"{NAME}.ipynb"), {NAME}, {"digits.npz": ours})
    assert job["files"] == {"digits.npz": ours, "helpers.py": base64.b64encode(b"X = 1\n").decode()}
    assert any("digits.npz (the assignment's own file of that name is used)" in note for note in job["notes"])


def stripped(nb):
    """nb as a new notebook holds it after its cells were pasted in, or a tool dropped nbgrader's metadata."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return nb


def grade_ids(nb):
    return [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells]


@pytest.mark.parametrize("kind", ["solution", "release"])
@pytest.mark.parametrize("code_only", [False, True])
def test_cells_without_metadata_are_matched_to_source_by_content(kind, code_only):
    nb = copy.deepcopy(getattr(corpus.notebook(ROOT, NAME), kind))
    if code_only:   # only the code cells were copied into the new notebook
        nb.cells = [c for c in nb.cells if c.cell_type == "code"]
    bare = stripped(nb)
    assert match(bare, read(ROOT / "source" / NAME / f"{NAME}.ipynb"), "x.ipynb") == [MATCHED]
    assert grade_ids(bare) == grade_ids(nb)


@pytest.mark.parametrize("above", ["", "import math\n"])
def test_an_answer_in_a_gap_with_extra_cells_is_found_by_its_first_line(above):
    nbk = corpus.notebook(ROOT, NAME)
    nb = nbk.copy()
    first = corpus.index(nb, "solution")
    nb.cells[first].source = above + nb.cells[first].source   # the released first line, first or further down
    nb.cells.insert(first, nbformat.v4.new_code_cell("scratch = 1"))   # a cell of the student's own
    bare = stripped(nb)
    match(bare, read(ROOT / "source" / NAME / f"{NAME}.ipynb"), "x.ipynb")
    assert grade_ids(bare)[first:first + 2] == [None, "numeric_derivative"]


@pytest.mark.parametrize("build", [
    lambda nbk: nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "\n\n".join(c.source for c in nbk.solution.cells if corpus.meta(c).get("solution")))]),   # one cell
    lambda nbk: nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in nbk.solution.cells
                                                if corpus.meta(c).get("solution")]),   # the answers alone
    lambda nbk: nbformat.v4.new_notebook(),
])
def test_a_notebook_that_cannot_be_matched_says_so_with_advice(build):
    with pytest.raises(Unusable) as err:
        match(build(corpus.notebook(ROOT, NAME)), read(ROOT / "source" / NAME / f"{NAME}.ipynb"), "x.ipynb")
    status, reason = err.value.args
    assert status == "invalid notebook" and "not made from the released notebook" in reason
    assert "paste your answers into its cells" in reason


# The class test: one grading run, in real sandboxed kernels.
SHADOWS = ("numpy.py", "autograder.py", "sitecustomize.py", "usercustomize.py", "matplotlib.py", "IPython.py")
CRASH = "import os\nos._exit(7)   # were this file ever imported, the kernel would die\n"


def build_class(course, nbk):
    secret = course.parent / "secret.txt"
    secret.write_text(SECRET)
    submit(course, "honest", nbk.copy())
    submit(course, "honest-wrong-first", corpus.wrong(nbk))
    folder = submit(course, "helpers", with_helpers(nbk)).parent
    (folder / "helpers.py").write_text(f"import numpy as np\n\n{first_answer(nbk)}\n")
    folder = submit(course, "shadows", corpus.wrong(nbk)).parent
    for name in SHADOWS:
        (folder / name).write_text(CRASH)
    folder = submit(course, "skipped", with_helpers(nbk, "print(open('secret.txt').read())")).parent
    (folder / "helpers.py").write_text(f"import numpy as np\n\n{first_answer(nbk)}\n")
    (folder / "secret.txt").symlink_to(secret)
    with open(folder / "big.bin", "wb") as file:   # sparse: takes no disk
        file.truncate(MAX_FILE + 1)
    submit(course, "stripped", stripped(nbk.solution))
    submit(course, "stripped-wrong-first", stripped(corpus.wrong(nbk)))
    submit(course, "stripped-renamed", stripped(nbk.solution), filename="my copy.ipynb")
    submit(course, "pasted", nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "\n\n".join(c.source for c in nbk.solution.cells if corpus.meta(c).get("solution")))]))


def first_answer(nbk):
    return nbk.solution.cells[corpus.index(nbk.solution, "solution")].source


def with_helpers(nbk, more=""):
    """The solution, with its first answer imported from the student's helpers.py."""
    nb = nbk.copy()
    nb.cells[corpus.index(nb, "solution")].source = f"from helpers import numeric_derivative\n{more}"
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("intake") / "course", [NAME])
    build_class(course, corpus.notebook(ROOT, NAME))
    results = autograder.grade(NAME, root=course, **OPTIONS)
    return {r.student: r for r in results}


@pytest.mark.slow
@pytest.mark.parametrize("student", ["honest", "helpers", "skipped", "stripped", "stripped-renamed"])
def test_full_marks(graded, student):
    result = graded[student]
    assert (result.status, result.score) == ("graded", result.max_score), result.reason


@pytest.mark.slow
@pytest.mark.parametrize("student", ["shadows", "stripped-wrong-first"])
def test_the_same_verdicts_as_the_honest_wrong_answer(graded, student):
    """A numpy.py or autograder.py of the student's shadows nothing (the working folder is last on sys.path),
    and a notebook matched by content is judged exactly as the released one."""
    honest, result = graded["honest-wrong-first"], graded[student]
    assert result.status == "graded" and 0 < result.score < result.max_score
    assert [(i.grade_id, i.score, i.message) for i in result.items] == \
        [(i.grade_id, i.score, i.message) for i in honest.items]


@pytest.mark.slow
def test_what_was_not_copied_is_in_the_reason(graded):
    reason = graded["skipped"].reason
    assert "secret.txt (a symbolic link" in reason and "big.bin (1.0 MiB, over the limit" in reason
    assert SECRET not in reason
    assert graded["helpers"].reason == "" and graded["shadows"].reason == ""


@pytest.mark.slow
def test_a_stripped_notebook_is_matched_and_says_so(graded):
    assert MATCHED in graded["stripped"].reason
    assert "renamed from my copy.ipynb" in graded["stripped-renamed"].reason


@pytest.mark.slow
def test_an_unmatchable_notebook_gets_the_status_and_advice_never_a_name_error(graded):
    result = graded["pasted"]
    assert result.status == "invalid notebook" and result.score == 0
    assert "not made from the released notebook" in result.reason and "NameError" not in result.reason
    assert all("NameError" not in i.message for i in result.items)


def test_a_folder_of_many_notebooks_is_not_read_in_search_of_a_renamed_copy(tmp_path):
    from autograder.grading.restore import MAX_RENAMED, locate
    nbk = corpus.notebook(ROOT, NAME)
    folder = submit(tmp_path, "alice", nbk.copy(), filename="renamed.ipynb").parent
    source = read(ROOT / "source" / NAME / f"{NAME}.ipynb")
    assert locate(folder, f"{NAME}.ipynb", source, {f"{NAME}.ipynb"}) == (folder / "renamed.ipynb",
                                                                        "renamed from renamed.ipynb")
    for i in range(MAX_RENAMED):
        (folder / f"junk{i}.ipynb").write_text("{}")
    with pytest.raises(Unusable, match="too many to look for a renamed copy"):
        locate(folder, f"{NAME}.ipynb", source, {f"{NAME}.ipynb"})
