"""grades.csv and grades.json: one row per (student, notebook), a status and a reason for each.

Rows are sorted and carry no timestamps, so that grading the same submissions
twice writes byte-identical reports.
"""
import csv
import io
import json
from dataclasses import asdict
from pathlib import Path

COLUMNS = ("student", "notebook", "status", "score", "max_score", "reason")


def rows(results):
    """The report rows, sorted, with one column per item (its score)."""
    out = []
    for r in sorted(results, key=lambda r: (r.student, r.notebook)):
        row = {c: getattr(r, c) for c in COLUMNS}
        row.update({item.grade_id: item.score for item in r.items})
        out.append(row)
    return out


def to_csv(results):
    table = rows(results)
    items = sorted({k for row in table for k in row} - set(COLUMNS))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*COLUMNS, *items], lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buf.getvalue()


def to_json(results):
    ordered = sorted(results, key=lambda r: (r.student, r.notebook))
    return json.dumps([asdict(r) for r in ordered], indent=1, sort_keys=True) + "\n"


def write(results, folder):
    """Write grades.csv and grades.json into folder; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "grades.csv", folder / "grades.json"
    paths[0].write_text(to_csv(results), encoding="utf-8")
    paths[1].write_text(to_json(results), encoding="utf-8")
    return paths


def table(results):
    """A plain-text summary for the terminal: one line per (student, notebook)."""
    lines = [f"{'student':<22} {'notebook':<24} {'status':<16} {'score':>11}  reason"]
    for r in sorted(results, key=lambda r: (r.student, r.notebook)):
        score = f"{r.score:g}/{r.max_score:g}"
        lines.append(f"{r.student:<22} {r.notebook:<24} {r.status:<16} {score:>11}  {r.reason}")
    return "\n".join(lines)
