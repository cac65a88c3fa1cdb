"""What a student may see of an autograded notebook, in a student's words: the preprocessor of every feedback page.

nbgrader's feedback shows each test cell as the autograded notebook holds it: hidden tests (and the quiz keys in
them) verbatim, and tracebacks that quote them. HideHiddenTests, run after nbgrader's GetGrades, keeps of each
test cell only its visible part and the grader's diagnosis (the cell's error, whose wording reveals no hidden
input or value), drops its other outputs (the student's code may print the hidden inputs it was called with), and
withholds any output elsewhere that quotes a hidden test line. It also gives every graded cell the exercise's
title (source/'s, as autograded.stamp() records it; else the last heading above the cell, see docs/authoring.md) and puts what the page says in
resources["autograder"]. feedback.FeedbackExporter applies it to every page it renders; listing it in
c.GenerateFeedback.preprocessors as well changes nothing.
"""
import ast
import re
import textwrap

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

from .report import clean

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"   # nbgrader's delimiters, as ClearHiddenTests matches them
RECORD = "__autograder_record__"   # rewrite.RECORD: only a kernel's copy of a test cell holds it
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")   # a terminal escape sequence, as a student's output may hold
MIN_LINE = 13   # characters: a hidden line at least this long is withheld wherever an output quotes it
WITHHELD = "(This output is not shown: it quotes a hidden test.)"
STATUS_WORDS = {
    "timeout": "One of your cells ran longer than the time limit and was stopped. The cells after it still ran "
               "and were scored, unless the whole notebook ran out of time: a test that did not run scores 0.",
    "memory": "One of your cells used more memory than the limit and was stopped. The cells after it still ran "
              "and were scored, unless the whole notebook ran out of time: a test that did not run scores 0.",
    "crashed": "Python stopped partway through your notebook (a crash), so the tests after that point did not "
               "run, and they score 0.",
    "invalid notebook": "Your file could not be read as a notebook, so nothing in it was graded: {reason}.",
    "missing notebook": "Your submission has no {notebook}.ipynb, so nothing was graded.",
    "tampered": "Your notebook changed a test while it ran (that test scores 0), or tagged a cell to be skipped "
                "(it ran anyway). Every test is run as it was released.",
}


def visible(source):
    """source without its hidden test regions; an unclosed region hides everything after its start."""
    kept, hiding = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            hiding = True
        elif END in line and hiding:
            hiding = False
        elif not hiding:
            kept.append(line)
    return "\n".join(kept)


def hidden_lines(nb):
    """The lines of every hidden test, as written and as a kernel's copy prints them (ast.unparse)."""
    lines = set()
    for cell in nb.cells:
        if utils.is_grade(cell):
            for region in _regions(cell.source):
                lines.update(line.strip() for line in region.splitlines())
                try:
                    lines.update(line.strip() for line in ast.unparse(ast.parse(textwrap.dedent(region))).splitlines())
                except (SyntaxError, ValueError):   # a region that is not a whole block: its lines as written
                    pass
    return {line for line in lines if len(line) >= MIN_LINE} | {RECORD, BEGIN}


def _regions(source):
    """The text of each hidden region of source, as visible() finds them."""
    regions, hiding = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            regions.append([])
            hiding = True
        elif END in line and hiding:
            hiding = False
        elif hiding:
            regions[-1].append(line)
    return ["\n".join(region) for region in regions]


def quotes(output, lines):
    """Whether any text of output holds one of lines."""
    texts = [output.get("text", ""), output.get("evalue", ""), *output.get("traceback", [])]
    texts += [v if isinstance(v, str) else "".join(v) for v in output.get("data", {}).values()
              if isinstance(v, (str, list))]
    text = "\n".join(str(t) for t in texts)
    return any(line in text for line in lines)


def titles(nb):
    """{grade_id: title} of each graded or solution cell: the last heading above it (docs/authoring.md)."""
    found, heading = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not utils.is_grade(cell):
            heads = [m.group(1) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", cell.source, flags=re.M)]
            heading = clean(heads[-1].replace("`", ""), one_line=True) if heads else heading
        elif utils.is_grade(cell) or utils.is_solution(cell):
            found[cell.metadata["nbgrader"]["grade_id"]] = heading
    return found


class HideHiddenTests(NbGraderPreprocessor):
    """Keep of each test cell its visible part and its diagnosis; withhold every output that quotes a hidden
    test; title every graded cell; put the page's words in resources["autograder"]."""

    def preprocess(self, nb, resources):
        if resources.get("autograder", {}).get("safe"):   # already run: listed in the config, too
            return nb, resources
        # source/'s titles where autograder grade stamped them; else the headings of the notebook at hand
        names = {**titles(nb), **nb.metadata.get("autograder", {}).get("titles", {})}
        lines, exercises = hidden_lines(nb), []
        for cell in nb.cells:
            cell.metadata.pop("feedback", None)   # the page's own words, never the student's
            if utils.is_grade(cell) or utils.is_solution(cell):
                said = _graded(cell, names.get(cell.metadata["nbgrader"].get("grade_id")), lines)
                if "anchor" in said:
                    exercises.append(said)
                    said["anchor"] = f"exercise-{len(exercises)}"
                cell.metadata["feedback"] = said
            cell.source = clean(cell.source)
            if cell.cell_type == "code":
                cell.outputs = [_stream(WITHHELD) if quotes(o, lines) else _plain(o) for o in cell.outputs]
        resources["autograder"] = _page(nb, resources, exercises)
        return nb, resources


def _graded(cell, title, lines):
    """What the page says at a graded or solution cell; a test cell keeps its visible part, and its error
    (the grader's diagnosis) moves out of its outputs."""
    meta = cell.metadata["nbgrader"]
    said = {"title": title or "Exercise", "comment": clean(meta.get("comment") or "")}
    if not utils.is_grade(cell):
        return said
    said.update(anchor="", score=meta.get("score"), points=meta.get("points"), result=_result(meta))
    if cell.cell_type == "code" and not utils.is_solution(cell):
        error = next((o for o in cell.outputs if o.get("output_type") == "error"), None)
        cell.source, cell.outputs = visible(cell.source), []
        if error is not None:
            said["diagnosis"] = WITHHELD if quotes(error, lines) else clean(str(error.get("evalue", "")))
    return said


def _result(meta):
    score, points = meta.get("score"), meta.get("points")
    if score is None:
        return "not graded yet"
    return "passed" if score >= points else ("failed" if score == 0 else "partial credit")


def _plain(output):
    """output without control characters (ANSI escapes, carriage returns): none reaches the page."""
    for key in ("text", "evalue"):
        if isinstance(output.get(key), str):
            output[key] = clean(ANSI.sub("", output[key]))
    if "traceback" in output:
        output["traceback"] = [clean(ANSI.sub("", str(line))) for line in output["traceback"]]
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") and isinstance(value, (str, list)):
            output["data"][mime] = clean(ANSI.sub("", "".join(value)))
    return output


def _stream(text):
    import nbformat
    return nbformat.v4.new_output("stream", name="stdout", text=text + "\n")


def _page(nb, resources, exercises):
    """The page's own words: its title, the score, what happened to the notebook, and the exercise list."""
    stamp, grades = nb.metadata.get("autograder", {}), resources.get("nbgrader", {})
    notebook = grades.get("notebook", "")
    words = STATUS_WORDS.get(stamp.get("status"), "")
    note = words.format(notebook=notebook, reason=clean(str(stamp.get("reason", "")), one_line=True).rstrip("."))
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    heading = re.search(r"^#\s+(.+?)\s*$", first, flags=re.M)
    title = stamp.get("title") or (heading.group(1) if heading else notebook)
    return {"safe": True, "title": clean(str(title), one_line=True),
            "notes": [note] if note else [], "exercises": exercises, "score": grades.get("score"),
            "max_score": grades.get("max_score"), "late_penalty": grades.get("late_penalty") or 0}
