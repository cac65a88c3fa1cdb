"""source/ -> course/ (learner release) and solutions/ (reference).

Both are made by nbgrader's own preprocessors, in the order listed in
RELEASE_STEPS and SOLUTION_STEPS, plus the house rules of ours (HOUSE_RULES) that run first.
The output depends only on source/, so `build(check=True)` can prove that the
committed folders are current.
"""
import filecmp
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput,
                                    ClearSolutions, ComputeChecksums, LockCells)

from .hidden import unflagged_hidden_checks

SKIP = {".ipynb_checkpoints", "__pycache__"}
COURSE_ONLY = {"START-HERE.md"}   # the learner's "start here" page: course/ only, it points to solutions/
STUB = "# YOUR CODE HERE\nraise NotImplementedError(\"replace this line with your code\")"


class BuildError(Exception):
    """source/ breaks a house rule; the message names the notebook and cell."""


class RequireCleanSource(Preprocessor):
    """source/ is committed without outputs, so that diffs show only what changed."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count):
            raise BuildError(f"{resources['path']}: cell {index} has outputs; clear them before building")
        return cell, resources


class RequireHiddenFlag(Preprocessor):
    """A check in a hidden test must say hidden=True, so its message reveals no hidden values."""

    def preprocess_cell(self, cell, resources, index):
        for call in unflagged_hidden_checks(cell.source):
            raise BuildError(f"{resources['path']}: cell {index}: hidden check without hidden=True: {call}")
        return cell, resources


class RequireStableExpected(Preprocessor):
    """The grader's authoring rule (autograder/authoring.py): a test's expected value never reads state the
    learner's code can change, and a test cell stands alone; the kernel's copy of it can be cut clean."""

    def preprocess(self, nb, resources):
        from .authoring import violations
        cells = [(c.metadata.get("nbgrader", {}), c.source) for c in nb.cells if c.cell_type == "code"]
        for problem in violations(cells):
            raise BuildError(f"{resources['path']}: {problem}")
        return nb, resources


class RequireIndependentDemos(Preprocessor):
    """Graded runs skip the cells tagged demo, so no later cell may read what a demo binds."""

    def preprocess(self, nb, resources):
        from .grading.demos import static_problems
        for problem in static_problems(nb):
            raise BuildError(f"{resources['path']}: {problem}")
        return nb, resources


def _stubbed():
    return ClearSolutions(code_stub={"python": STUB})


HOUSE_RULES = (RequireCleanSource, RequireHiddenFlag, RequireStableExpected, RequireIndependentDemos)
RELEASE_STEPS = (*HOUSE_RULES, LockCells, _stubbed, ClearOutput, CheckCellMetadata,
                 ComputeChecksums, ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata)
SOLUTION_STEPS = (*HOUSE_RULES, ClearHiddenTests, ClearMarkScheme, ClearOutput)
TARGETS = {"course": RELEASE_STEPS, "solutions": SOLUTION_STEPS}


@dataclass
class BuildResult:
    """What a build wrote, or with check=True, which files differ from a fresh build."""
    written: list = field(default_factory=list)
    differ: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.differ


def convert(path, steps):
    """Run one notebook through steps; return the notebook's JSON text."""
    nb = nbformat.read(path, as_version=4)
    resources = {"path": str(path)}
    for step in steps:
        nb, resources = step().preprocess(nb, resources)
    return nbformat.writes(nb) + "\n"


def _source_files(source):
    for path in sorted(source.rglob("*")):
        if path.is_file() and not SKIP.intersection(path.relative_to(source).parts):
            yield path


def write_tree(root, out):
    """Build every target of root/source into out/<target>; return the paths written."""
    source, written = Path(root) / "source", []
    for target, steps in TARGETS.items():
        for path in _source_files(source):
            if path.relative_to(source).as_posix() in COURSE_ONLY and target != "course":
                continue
            dest = Path(out) / target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".ipynb":
                dest.write_text(convert(path, steps), encoding="utf-8")
            else:
                shutil.copyfile(path, dest)
            written.append(dest)
    return written


def _tree_files(folder):
    return {p.relative_to(folder) for p in _source_files(folder)} if folder.is_dir() else set()


def compare(fresh, committed):
    """Relative paths (under the target folder name) that differ, are missing or are extra."""
    differ = []
    for target in TARGETS:
        a, b = Path(fresh) / target, Path(committed) / target
        for rel in sorted(_tree_files(a) | _tree_files(b)):
            if not (a / rel).is_file() or not (b / rel).is_file() or not filecmp.cmp(a / rel, b / rel, False):
                differ.append(str(Path(target) / rel))
    return differ


def prove_demos(root):
    """Run each source notebook that has demo cells with and without them, in the grading sandbox; raise
    BuildError unless every record is the same. Proofs are remembered by content, so only a changed
    notebook runs again. Without a working sandbox the proof is skipped, and the reason returned."""
    import hashlib
    import os
    from .grading.demos import demo_ids, prove
    from .grading.plan import data_files
    from .grading.preflight import PreflightError, preflight
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "autograder" / "demos"
    for path in sorted(Path(root).glob("source/*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        files = data_files(path.parent)
        key = hashlib.sha256((path.read_text() + repr(sorted(files.items()))).encode()).hexdigest()[:24]
        if not demo_ids(nb) or (cache / key).exists():
            continue
        try:
            preflight()
        except PreflightError as err:
            return f"demo cells not proven (no grading sandbox here): {str(err).splitlines()[0]}"
        for problem in prove(nb, path.stem, files):
            raise BuildError(f"{path}: without its demo cells, {problem}")
        cache.mkdir(parents=True, exist_ok=True)
        (cache / key).touch()
    return ""


def build(root=".", check=False):
    """Regenerate course/ and solutions/ from source/ (check=True: only compare; prove nothing).

    >>> build(".", check=True).differ
    []
    """
    root = Path(root)
    if not check:
        skipped = prove_demos(root)
        if skipped:
            print(skipped)
    with tempfile.TemporaryDirectory() as tmp:
        written = write_tree(root, tmp)
        differ = compare(tmp, root)
        if check:
            return BuildResult(differ=differ)
        for target in TARGETS:
            shutil.rmtree(root / target, ignore_errors=True)
            shutil.copytree(Path(tmp) / target, root / target)
        return BuildResult(written=[str(Path(p).relative_to(tmp)) for p in written])
