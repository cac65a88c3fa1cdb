"""A notebook without nbgrader metadata, matched to source/ by the content of its cells.

Copying the cells into a new notebook, or a tool that strips metadata, leaves a notebook whose cells no
longer say which is which: restore() would then put every test cell back at the top, where it runs before
the student's code. Here the locked cells, whose text is fixed, are found by their text (a test cell as
released, without its hidden tests), in the order of source/; each solution cell is then the student's cell
in the gap that the same locked cells surround in source/ (or, where a gap holds more cells than source/'s,
the one that starts like the released cell, `def sigmoid(z):`, or else the one that holds that line). Only a match that leaves no doubt gives the
cells their metadata back; any other such notebook is Unusable, with advice the student can follow.
"""
import copy
from difflib import SequenceMatcher

from .intake import Unusable
from .restore import nbgrader_meta, normalized, released

NOT_RELEASED = ("{name} carries no nbgrader metadata of this assignment, and its cells do not match the "
                "released notebook's: it was not made from the released notebook. Download the released "
                "notebook, paste your answers into its cells, and submit that")
MATCHED = ("the notebook had no nbgrader metadata (it was not the released file), so its cells were matched "
           "to the released notebook by their content")


def needs_matching(nb, source_nb):
    """Whether nb lost its metadata: none of its cells carries a grade_id of source/'s."""
    ids = {nbgrader_meta(c).get("grade_id") for c in source_nb.cells} - {None}
    return not any(nbgrader_meta(c).get("grade_id") in ids for c in nb.cells)


def match(nb, source_nb, name):
    """Give nb's cells source/'s metadata back, if it lost it; return the notes, or raise Unusable."""
    if not needs_matching(nb, source_nb):
        return []
    locked = _locked_pairs(nb, source_nb)
    answers = _solution_pairs(nb, source_nb, locked)
    solutions = {i for i, c in enumerate(source_nb.cells) if nbgrader_meta(c).get("solution")}
    if not locked or set(answers) != solutions:   # nothing of the release in it, or an answer not found
        raise Unusable("invalid notebook", NOT_RELEASED.format(name=name))
    for i, j in {**locked, **answers}.items():
        nb.cells[j].metadata["nbgrader"] = copy.deepcopy(nbgrader_meta(source_nb.cells[i]))
    return [MATCHED]


def _locked_pairs(nb, source_nb):
    """{source index: nb index} of the locked cells found by their text, in source/'s order."""
    canonical = {}
    for cell in source_nb.cells:
        if _locked(cell):
            for text in released(cell.source):
                canonical.setdefault((cell.cell_type, text), (cell.cell_type, normalized(cell.source)))
    theirs = [canonical.get((c.cell_type, normalized(c.source)), ("student", j)) for j, c in enumerate(nb.cells)]
    ours = [(c.cell_type, normalized(c.source)) if _locked(c) else ("source", i) for i, c in enumerate(source_nb.cells)]
    blocks = SequenceMatcher(None, ours, theirs, autojunk=False).get_matching_blocks()
    return {b.a + k: b.b + k for b in blocks for k in range(b.size)}


def _locked(cell):
    meta = nbgrader_meta(cell)
    return bool(meta.get("locked")) and not meta.get("solution")


def _solution_pairs(nb, source_nb, anchors):
    """{source index: nb index} of the solution cells, found gap by gap between the locked cells."""
    pairs, before = {}, (-1, -1)
    for i in [*sorted(anchors), len(source_nb.cells)]:
        j = anchors.get(i, len(nb.cells))
        ours = [k for k in range(before[0] + 1, i) if nbgrader_meta(source_nb.cells[k]).get("solution")]
        pairs.update(_in_gap(ours, list(range(before[1] + 1, j)), source_nb, nb))
        before = (i, j)
    return pairs


def _in_gap(ours, theirs, source_nb, nb):
    """The solution cells ours of one gap, each paired with one of the student's cells theirs of it."""
    found = {}
    for kind in {source_nb.cells[k].cell_type for k in ours}:
        mine = [k for k in ours if source_nb.cells[k].cell_type == kind]
        cells = [j for j in theirs if nb.cells[j].cell_type == kind]
        if len(mine) == len(cells):   # as many cells as source/ has there: in the same order
            found.update(zip(mine, cells))
            continue
        for k in mine:   # else the one cell that starts as the released cell does, or else holds its first line
            first = _lines(source_nb.cells[k].source)[:1]
            for fits in (lambda lines: lines[:1] == first, lambda lines: bool(first) and first[0] in lines):
                hits = [j for j in cells if fits(_lines(nb.cells[j].source))]
                if len(hits) == 1:
                    found[k] = hits[0]
                    break
    return found if _increasing(found) else {}


def _lines(source):
    """The lines as released, stripped: a solution region's markers are gone from the learner's copy."""
    return [line.strip() for line in source.splitlines()
            if line.strip() and not line.strip().startswith(("### BEGIN SOLUTION", "### END SOLUTION"))]


def _increasing(found):
    targets = [found[k] for k in sorted(found)]
    return len(set(targets)) == len(targets) and targets == sorted(targets)
