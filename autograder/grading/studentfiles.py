"""A student's own files beside the notebook (helpers.py, a small data file), for the sandbox's working folder.

nbgrader autograde runs a notebook in a copy of the student's submitted folder, so that `import helpers`
works; the grader does the same, for the files it can take safely. The folder is the student's, so hostile:
- only regular files with a single link are taken: a symbolic link, a FIFO or a device is refused unread
  (intake.read_bytes), and so is a hard link, which could be the gradebook or another student's file;
- a file over MAX_FILE, or past MAX_TOTAL or MAX_FILES, is left out, and so is a name that is not a plain
  printable file name; folders are not copied (only the files beside the notebook are);
- the assignment's own files in source/ win on a name clash: a student cannot replace digits.npz;
- the working folder is last on the kernel's sys.path, so a numpy.py or autograder.py shadows nothing.
What is left out, and why, comes back as one note for the pair's reason.
"""
import itertools
import os

from .intake import Unusable, kind_of, read_bytes

MAX_FILE = 1024 ** 2          # bytes: a helper module or a small data file; data sets belong in source/
MAX_TOTAL = 10 * 1024 ** 2    # bytes, all of a student's files together (each job carries them as base64)
MAX_FILES = 50                # files taken; each is one read-only bind into the sandbox
MAX_ENTRIES = 1000            # folder entries looked at: a folder of a million names is not read whole
MAX_NAME = 100                # characters
# Left out without a word: notebooks (graded on their own), and what tools make, not students (nbgrader's
# CourseDirectory.ignore, and the Mac's folder files).
QUIET = {".ipynb_checkpoints", "__pycache__", "feedback", ".DS_Store", "__MACOSX"}
SHOWN = 5                     # skipped files named in the note; the rest are counted


def student_files(folder, taken):
    """({name: bytes} of the student's own files beside the notebook, [note]); taken: source/'s file names."""
    files, skipped, total = {}, [], 0
    with os.scandir(folder) as entries:
        names = sorted(entry.name for entry in itertools.islice(entries, MAX_ENTRIES + 1))
    if len(names) > MAX_ENTRIES:
        skipped.append(f"the folder has over {MAX_ENTRIES} entries, so only the first {MAX_ENTRIES} were looked at")
        names = names[:MAX_ENTRIES]
    for name in (n for n in names if not _quiet(n)):
        try:
            why = _refused(folder, name, taken, len(files), total)
            if why is None:
                files[name] = read_bytes(os.path.join(folder, name), min(MAX_FILE, MAX_TOTAL - total), single=True)
                total += len(files[name])
        except Unusable as err:   # changed since it was looked at
            why = err.args[1]
        except OSError as err:    # gone, or unreadable
            why = f"{name} (cannot be read: {err.strerror})"
        if why:
            skipped.append(why)
    return files, _note(skipped)


def _quiet(name):
    return name in QUIET or name.endswith((".ipynb", ".pyc")) or name.startswith("._")


def _refused(folder, name, taken, count, total):
    """Why the entry name is left out, or None."""
    if not (name.isprintable() and len(name) <= MAX_NAME and not name.startswith(".")):
        return "a file whose name is hidden, too long or not printable"
    path = os.path.join(folder, name)
    kind = kind_of(path)
    if kind == "a folder":
        return f"{name}/ (a folder: only the files beside the notebook are copied)"
    if kind != "a regular file":
        return f"{name} ({kind or 'gone'}: only regular files are copied)"
    info = os.lstat(path)
    if info.st_nlink > 1:
        return f"{name} (a hard link to another file: only files of their own are copied)"
    if name in taken:
        return f"{name} (the assignment's own file of that name is used)"
    if count >= MAX_FILES:
        return f"{name} (over the limit of {MAX_FILES} files)"
    if info.st_size > MAX_FILE:
        return f"{name} ({_mib(info.st_size)}, over the limit of {_mib(MAX_FILE)} per file)"
    if total + info.st_size > MAX_TOTAL:
        return f"{name} (over the limit of {_mib(MAX_TOTAL)} for all your files)"
    return None


def _mib(size):
    return f"{size / 1024 ** 2:.1f} MiB"


def _note(skipped):
    if not skipped:
        return []
    more = len(skipped) - SHOWN
    shown = "; ".join(skipped[:SHOWN]) + (f"; and {more} more" if more > 0 else "")
    return [f"not copied into the grading folder: {shown}"]
