"""Grading some students (--student): the class's reports keep everyone else's rows as they were."""
import json
from pathlib import Path

from .result import Result
from .verdict import Item


def with_others(results, folder):
    """results, plus the rows of grades.json in folder for every student not graded this time."""
    path = Path(folder) / "grades.json"
    graded = {r.student for r in results}
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    kept = [_result(row) for row in old if row["student"] not in graded]
    return sorted(kept + list(results), key=lambda r: (r.student, r.notebook))


def _result(row):
    row = dict(row, items=[Item(**item) for item in row.get("items", [])])
    return Result(**{k: v for k, v in row.items() if k in Result.__dataclass_fields__})
