"""Find a student's notebook, and put the instructor's test cells back into it.

The learner's copy is untrusted: a test cell may have been edited, deleted,
or the notebook renamed. The graded cells of source/ are the truth; every
repair is returned as a note, so that the report says what happened.
"""
from dataclasses import dataclass
from pathlib import Path

from .intake import Unusable, read_notebook


@dataclass(frozen=True)
class GradedCell:
    """One graded item: a test cell of the source notebook."""
    grade_id: str
    points: float
    source: str


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_cells(nb):
    """The graded test cells of a notebook, in order."""
    return [GradedCell(m["grade_id"], float(m.get("points", 0)), c.source) for c in nb.cells
            if c.cell_type == "code" and (m := nbgrader_meta(c)).get("grade")]


def _grade_ids(nb):
    return {nbgrader_meta(c).get("grade_id") for c in nb.cells} - {None}


def read(path):
    """The notebook at path, or Unusable('invalid notebook', why): read by intake.py, which refuses
    links, FIFOs, devices, oversized files and malformed notebooks."""
    return read_notebook(path)


MAX_RENAMED = 10   # other notebooks read in search of a renamed copy: a folder of thousands is not read whole


def locate(folder, name, source_nb, expected_names):
    """(path, note) of the student's notebook called name; a lone renamed copy is accepted."""
    folder = Path(folder)
    if (folder / name).is_file():
        return folder / name, ""
    others = sorted(p for p in folder.glob("*.ipynb") if p.name not in expected_names) if folder.is_dir() else []
    matches = [p for p in others if _same_exercises(p, source_nb)] if len(others) <= MAX_RENAMED else []
    if len(matches) == 1:
        return matches[0], f"renamed from {matches[0].name}"
    many = f" (and {len(others)} other notebooks, too many to look for a renamed copy)" * (len(others) > MAX_RENAMED)
    raise Unusable("missing notebook", f"no {name} in submitted/{folder.parent.name}/{folder.name}{many}")


def _same_exercises(path, source_nb):
    try:
        nb = read(path)
    except (Unusable, OSError):
        return False
    graded = {nbgrader_meta(c)["grade_id"] for c in source_nb.cells
              if nbgrader_meta(c).get("grade") or nbgrader_meta(c).get("solution")}
    return bool(graded & _grade_ids(nb)) or _matches(nb, source_nb)


def _matches(nb, source_nb):
    """Whether a copy without nbgrader metadata matches source/ by content (matching.py)."""
    from .matching import match, needs_matching
    try:
        return needs_matching(nb, source_nb) and bool(match(nb, source_nb, ""))
    except Unusable:
        return False


SKIP_TAGS = {"skip-execution", "raises-exception"}   # nbclient would skip the cell, or let it fail unseen


def _restored(meta):
    """Locked cells (setup included) and test cells come from source/ whole."""
    return meta.get("locked") or meta.get("grade")


def restore(nb, source_nb):
    """Put back source/'s locked and test cells (edited or deleted), clear every output; return the notes."""
    by_id = {nbgrader_meta(c)["grade_id"]: c for c in source_nb.cells if nbgrader_meta(c).get("grade_id")}
    notes, seen = [], set()
    nb.cells = [c for c in nb.cells if not _duplicate(c, seen)]
    for cell in nb.cells:
        notes += _clean(cell)
        trusted = by_id.get(nbgrader_meta(cell).get("grade_id"))
        if trusted is None or not _restored(nbgrader_meta(trusted)):
            continue
        if nbgrader_meta(trusted).get("grade") and normalized(cell.source) not in released(trusted.source):
            notes.append(f"test cell {nbgrader_meta(trusted)['grade_id']} was edited and has been restored")
        _copy_cell(cell, trusted)
    notes += _reinsert(nb, source_nb, seen)
    return _counted(notes)


def _counted(notes):
    """Each note once, in first-seen order, with how many cells it applies to."""
    counts = {}
    for note in notes:
        counts[note] = counts.get(note, 0) + 1
    return [note if n == 1 else f"{note} ({n} cells)" for note, n in counts.items()]


def _clean(cell):
    """Only what this run makes is judged: no stored outputs, no tag that skips a cell."""
    tags = cell.get("metadata", {}).get("tags", [])
    skipped = SKIP_TAGS.intersection(tags) if isinstance(tags, list) else set()
    if skipped:
        cell.metadata["tags"] = [t for t in tags if t not in SKIP_TAGS]
    if cell.get("cell_type") == "code":
        cell["outputs"], cell["execution_count"] = [], None
    return [f"tag {t!r} removed from a cell" for t in sorted(skipped)]


def normalized(source):
    return "\n".join(line.rstrip() for line in source.splitlines() if line.strip())


def released(source):
    """A test cell as the learner received it (hidden tests cleared), or as in source/."""
    from ..hidden import strip_hidden
    return {normalized(source), normalized(strip_hidden(source))}


def _duplicate(cell, seen):
    """A second cell with a grade_id already seen is dropped: each item is run once."""
    gid = nbgrader_meta(cell).get("grade_id")
    if gid is None:
        return False
    if gid in seen:
        return True
    seen.add(gid)
    return False


def _copy_cell(cell, trusted):
    import copy
    keep_id = cell.get("id")
    cell.clear()
    cell.update(copy.deepcopy(trusted))
    if keep_id:
        cell["id"] = keep_id
    if cell.cell_type == "code":
        cell["outputs"], cell["execution_count"] = [], None


def _reinsert(nb, source_nb, present):
    """Put each deleted locked or test cell back after the nearest cell that precedes it in source/."""
    import copy
    notes, anchor = [], None
    for cell in source_nb.cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if gid in present:
            anchor = gid
            continue
        if not gid or not _restored(meta):
            continue
        at = _index_of(nb, anchor) + 1 if anchor else 0
        nb.cells.insert(at, copy.deepcopy(cell))
        present.add(gid)
        anchor = gid
        kind = "test" if meta.get("grade") else "locked"
        notes.append(f"{kind} cell {gid} was deleted and has been restored")
    return notes


def _index_of(nb, gid):
    return next(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == gid)
