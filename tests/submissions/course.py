"""A throwaway nbgrader course directory: source/ of some notebooks, the config, and submissions."""
import shutil
from pathlib import Path

from tests.submissions import corpus

ROOT = Path(__file__).resolve().parents[2]


def make_course(dest, names):
    """Copy source/<name>/ for each name and nbgrader_config.py into dest; return dest."""
    dest = Path(dest)
    for name in names:
        shutil.copytree(ROOT / "source" / name, dest / "source" / name)
    shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")
    return dest


def submit_corpus(dest, name, cases=corpus.CASES):
    """Write every case of the corpus as a student of notebook name into dest/submitted/."""
    nbk = corpus.notebook(ROOT, name)
    nbk.course_root = Path(dest).resolve()
    for case in cases:
        corpus.write(case, nbk, Path(dest) / "submitted")
    return nbk
