"""Find a student's notebook, and put the instructor's test cells back into it.

The learner's copy is untrusted: a test cell may have been edited, deleted,
or the notebook renamed. The graded cells of source/ are the truth; every
repair is returned as a note, so that the report says what happened.
"""
import json
from dataclasses import dataclass
from pathlib import Path


class Unusable(Exception):
    """The submission cannot be graded; args are (status, reason)."""


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
    """The notebook at path, or Unusable('invalid notebook', why)."""
    import nbformat
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        raise Unusable("invalid notebook", f"{Path(path).name} is empty")
    try:
        return nbformat.reads(text, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError, ValueError, KeyError) as err:
        raise Unusable("invalid notebook", f"{Path(path).name} is not a valid notebook: "
                       f"{str(err).splitlines()[0][:120]}") from None


def locate(folder, name, source_nb, expected_names):
    """(path, note) of the student's notebook called name; a lone renamed copy is accepted."""
    folder = Path(folder)
    if (folder / name).is_file():
        return folder / name, ""
    others = sorted(p for p in folder.glob("*.ipynb") if p.name not in expected_names) if folder.is_dir() else []
    matches = [p for p in others if _same_exercises(p, source_nb)]
    if len(matches) == 1:
        return matches[0], f"renamed from {matches[0].name}"
    raise Unusable("missing notebook", f"no {name} in submitted/{folder.parent.name}/{folder.name}")


def _same_exercises(path, source_nb):
    try:
        nb = read(path)
    except (Unusable, OSError):
        return False
    graded = {nbgrader_meta(c)["grade_id"] for c in source_nb.cells
              if nbgrader_meta(c).get("grade") or nbgrader_meta(c).get("solution")}
    return bool(graded & _grade_ids(nb))


def restore(nb, source_nb):
    """Overwrite locked and test cells with source/'s, re-insert deleted tests; return the notes."""
    by_id = {nbgrader_meta(c)["grade_id"]: c for c in source_nb.cells if nbgrader_meta(c).get("grade_id")}
    notes, seen = [], set()
    nb.cells = [c for c in nb.cells if not _duplicate(c, seen)]
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        trusted = by_id.get(gid)
        if trusted is None or not (nbgrader_meta(trusted).get("locked") or nbgrader_meta(trusted).get("grade")):
            continue
        if nbgrader_meta(trusted).get("grade") and _norm(cell.source) not in _released(trusted.source):
            notes.append(f"test cell {gid} was edited and has been restored")
        _copy_cell(cell, trusted)
    notes += _reinsert(nb, source_nb, seen)
    return notes


def _norm(source):
    return "\n".join(line.rstrip() for line in source.splitlines() if line.strip())


def _released(source):
    """A test cell as the learner received it (hidden tests cleared), or as in source/."""
    from ..hidden import strip_hidden
    return {_norm(source), _norm(strip_hidden(source))}


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
    cell.cell_type, cell.source = trusted.cell_type, trusted.source
    cell.metadata["nbgrader"] = dict(nbgrader_meta(trusted))
    if cell.cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)


def _reinsert(nb, source_nb, present):
    """Put each deleted test cell back after the nearest cell that precedes it in source/."""
    import copy
    notes, anchor = [], None
    for cell in source_nb.cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if gid in present:
            anchor = gid
            continue
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        at = _index_of(nb, anchor) + 1 if anchor else 0
        nb.cells.insert(at, copy.deepcopy(cell))
        present.add(gid)
        anchor = gid
        notes.append(f"test cell {gid} was deleted and has been restored")
    return notes


def _index_of(nb, gid):
    return next(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == gid)
