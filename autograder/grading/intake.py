"""Reading a submission safely: the only code that opens a file the student handed in.

Everything under submitted/ is the student's, so nothing there is trusted:
- only regular files are read: a symlink (to /dev/zero, to source/, to a
  classmate's notebook), a FIFO or a device is refused by os.lstat before any
  open, and the open itself neither follows a link nor blocks;
- a notebook is read only up to its size cap, and parsed only up to a nesting
  depth, so neither memory nor the stack can run out;
- it must pass the nbformat schema, and its nbgrader metadata must have
  nbgrader's own types (nbgrader's nbgraderformat/v3.json), so that no later
  step meets a grade_id that is a list or points that are a string;
- student ids follow nbgrader's rules.
Every refusal is Unusable(status, reason), with a reason that quotes nothing of the file.
"""
import json
import math
import os
import stat
import warnings
from pathlib import Path

MAX_NOTEBOOK = 32 * 1024 ** 2   # bytes: a notebook with plots is a few MB; 300 MB is not a submission
MAX_DEPTH = 64                  # nesting of the notebook's JSON: a notebook uses under 10 levels
MAX_ID = 128                    # characters: the gradebook's Student.id is a String(128)
GRADE_ID = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")   # nbgrader's pattern
FLAGS = ("grade", "solution", "locked", "task")
KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
         (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


class Unusable(Exception):
    """The submission cannot be graded; args are (status, reason)."""


class NotANotebook(ValueError):
    """Why some bytes are not a notebook."""


def student_problem(student):
    """Why a folder name is not a student id that nbgrader accepts, or None."""
    if student != student.strip():
        return "it starts or ends with a space (nbgrader strips it, so the id would not match its folder)"
    if any(c in student for c in "+*"):
        return "it contains '+' or '*' (nbgrader submit refuses both)"
    if student.startswith("."):
        return "it starts with '.' (nbgrader's folder glob skips hidden folders)"
    if len(student) > MAX_ID:
        return f"it is longer than {MAX_ID} characters (the gradebook's limit)"
    if not student.isprintable():
        return "it contains a control or non-printing character"
    return None


def check_folder(path):
    """Unusable unless path is a real folder (a symlinked one could be anyone's)."""
    kind = kind_of(path)
    if kind != "a folder":
        raise Unusable("invalid notebook", f"{_shown(path)} is {kind or 'missing'}, not a folder: "
                                           "only real folders are graded")


def check_file(path):
    """Unusable if path exists and is not a regular file (a missing file is locate()'s business)."""
    kind = kind_of(path)
    if kind is not None and kind != "a regular file":
        raise Unusable("invalid notebook", f"{Path(path).name} is {kind}: only regular files are graded")


def kind_of(path):
    """What is at path, without following a link: "a regular file", "a symbolic link", ..., or None."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    return next((name for test, name in KINDS if test(mode)), "a regular file" if stat.S_ISREG(mode) else
                "not a regular file")


def _shown(path):
    path = Path(path)
    return f"{path.parent.name}/{path.name}"


def read_bytes(path, limit=MAX_NOTEBOOK, single=False):
    """The bytes of the regular file at path, refused over limit without reading it; with single, refused
    if it has another hard link (it could be anyone's file, the gradebook included)."""
    check_file(path)
    name = Path(path).name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:   # the collecting went wrong (permissions), not the student
        raise Unusable("error", f"{name} cannot be read: {err.strerror}") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):   # replaced between lstat and open
            raise Unusable("invalid notebook", f"{name} is not a regular file: only regular files are graded")
        if single and info.st_nlink > 1:
            raise Unusable("invalid notebook", f"{name} is a hard link to another file")
        if info.st_size > limit:
            raise Unusable("invalid notebook", f"{name} is {_mb(info.st_size)}, over the limit of {_mb(limit)}")
        data = file.read(limit + 1)
    if len(data) > limit:
        raise Unusable("invalid notebook", f"{name} is over the limit of {_mb(limit)}")
    return data


def _mb(size):
    return f"{size / 1024 ** 2:.1f} MB"


def read_notebook(path, limit=MAX_NOTEBOOK):
    """The notebook at path as a NotebookNode (version 4), or Unusable('invalid notebook', why)."""
    name = Path(path).name
    data = read_bytes(path, limit)
    if not data.strip():
        raise Unusable("invalid notebook", f"{name} is empty")
    try:
        return parse(data)
    except NotANotebook as err:
        raise Unusable("invalid notebook", f"{name} is not a valid notebook: {err.args[0]}") from None


def parse(data):
    """Notebook JSON bytes -> NotebookNode; NotANotebook(why) unless it is a notebook in every detail."""
    import nbformat
    raw = _load(data)
    if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int):
        raise NotANotebook("it has no nbformat version")
    if raw["nbformat"] not in (3, 4):
        raise NotANotebook(f"its nbformat version is {raw['nbformat']}, where Jupyter writes 4")
    if raw["nbformat"] == 4 and not isinstance(raw.get("cells"), list):
        raise NotANotebook("its cells are not a list")
    try:
        with warnings.catch_warnings():   # a cell without an id is given one, as nbformat.read does, silently
            warnings.simplefilter("ignore")
            nbformat.validate(raw)
            major, minor = nbformat.reader.get_version(raw)   # then as nbformat.reads: lines joined
            nb = nbformat.convert(nbformat.versions[major].to_notebook_json(raw, minor=minor), 4)
    except Exception as err:  # noqa: BLE001 - whatever nbformat trips on, the file is not a notebook
        where = "/".join(map(str, getattr(err, "absolute_path", ())))
        raise NotANotebook(f"{where}: {_first_line(err)}" if where else _first_line(err)) from None
    for index, cell in enumerate(nb.cells):
        problem = metadata_problem(cell.get("metadata", {}).get("nbgrader"))
        if problem:
            raise NotANotebook(f"cell {index} has nbgrader metadata where {problem}")
    return nb


def _load(data):
    try:
        raw = json.loads(data)
    except RecursionError:
        raise NotANotebook(f"its JSON nests deeper than {MAX_DEPTH} levels") from None
    except UnicodeDecodeError:
        raise NotANotebook("it is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise NotANotebook(f"not a notebook (JSON error at line {err.lineno}: {err.msg})") from None
    except ValueError as err:   # an integer of more than 4300 digits
        raise NotANotebook(_first_line(err)) from None
    if _depth(raw) > MAX_DEPTH:
        raise NotANotebook(f"its JSON nests deeper than {MAX_DEPTH} levels")
    return raw


def _depth(value):
    """How deeply containers nest in value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                stack += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]
    return deepest


def _first_line(err):
    """An error's first line, without the file's content (nbformat and json quote only positions and keys)."""
    text = str(getattr(err, "message", None) or err).splitlines()
    return (text[0] if text else type(err).__name__)[:160]


def metadata_problem(meta):
    """What in one cell's nbgrader metadata has the wrong type, or None (nbgrader's v3 schema, types only)."""
    if meta is None:
        return None
    if not isinstance(meta, dict):
        return "the metadata is not a mapping"
    gid = meta.get("grade_id")
    if gid is not None and not (isinstance(gid, str) and set(gid) <= GRADE_ID):
        return "grade_id is not a string of letters, digits, '_' and '-'"
    points = meta.get("points")
    if points is not None and not (_number(points) and math.isfinite(points) and points >= 0):
        return "points is not a number of zero or more"
    bad = [flag for flag in FLAGS if flag in meta and not isinstance(meta[flag], bool)]
    if bad:
        return f"{bad[0]} is not true or false"
    for key, kind in (("schema_version", int), ("checksum", str), ("cell_type", str)):
        if key in meta and not isinstance(meta[key], kind):
            return f"{key} is not a {kind.__name__}"
    return None


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)
