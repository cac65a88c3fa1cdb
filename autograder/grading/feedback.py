"""Feedback HTML for one student: each item's score and the grader's diagnosis.

It is built from the verdicts alone, never from the notebook, so no hidden
test code can appear; hidden checks' messages reveal no values by construction.
"""
import html
from pathlib import Path

from .report import clean

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto}} td,th{{padding:.3em .6em;vertical-align:top;
text-align:left}} tr.failed td{{background:#fdecea}} tr.passed td{{background:#e8f5e9}} pre{{margin:0;white-space:pre-wrap}}</style>
</head><body>
<h1>{title}</h1>
<p>Status: <b>{status}</b>{reason}</p>
<p>Score: <b>{score:g} of {max_score:g}</b></p>
<table><tr><th>exercise</th><th>score</th><th>message</th></tr>
{rows}
</table></body></html>
"""


def render(result, assignment):
    """The feedback page of one (student, notebook) result, as HTML text."""
    rows = "\n".join(_row(item) for item in result.items)
    reason = f" ({_text(result.reason)})" if result.reason else ""
    title = _text(f"{assignment} / {result.notebook}: feedback for {result.student}")
    return PAGE.format(title=title, status=_text(result.status), reason=reason, score=result.score,
                       max_score=result.max_score, rows=rows)


def _row(item):
    kind = "passed" if item.score == item.points else "failed"
    return (f"<tr class=\"{kind}\"><td>{_text(item.grade_id)}</td><td>{item.score:g} / {item.points:g}</td>"
            f"<td><pre>{_text(item.message)}</pre></td></tr>")


def _text(text):
    """text as HTML: escaped, and without control characters (ANSI escapes from the student's kernel)."""
    return html.escape(clean(str(text)), quote=True)


def write(results, root, assignment):
    """feedback/STUDENT/ASSIGNMENT/NOTEBOOK.html for every result; return the paths."""
    paths = []
    for r in results:
        path = Path(root) / "feedback" / r.student / assignment / f"{r.notebook}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(r, assignment), encoding="utf-8")
        paths.append(path)
    return sorted(paths)
