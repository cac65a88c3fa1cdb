"""The grader's verdict on one test cell, decided in the grader's own process.

The student's kernel runs each test cell with its expected values cut out
(rewrite.py): every check call there only records the learner's value `got`.
The trusted run of source/ gives, for the same cell, each check's expected
value and spec. An item passes iff its cell raised nothing, made exactly the
trusted run's checks in order, and every `got` passes diagnose() against the
trusted expected value. No expected value ever exists in the student's
kernel, so no code there can copy one: a record can only carry a value the
kernel computed. A cell that made fewer, more or other records than its own
was changed while it ran: tampered.
"""
from dataclasses import dataclass

from ..diagnose import diagnose
from ..records import MIME, decode

TIMED_OUT = "CellTimeoutError"   # sandbox.TIMED_OUT: the error nbclient reports for a cell it interrupted
MAX_ERROR = 300   # characters of a learner's error message shown in a report


@dataclass
class Item:
    """One graded test cell of one submission."""
    grade_id: str
    points: float
    score: float
    message: str
    tampered: bool = False


def cell_run(cell):
    """What a kernel reported for one cell: its check records, and its first error if any."""
    records, error = [], None
    for out in cell.get("outputs", []):
        if out.get("output_type") == "display_data" and MIME in out.get("data", {}):
            records.append(out["data"][MIME])   # checked by judge(): a kernel may display anything
        elif out.get("output_type") == "error" and error is None:
            error = {"ename": out.get("ename", ""), "evalue": str(out.get("evalue", ""))}
    return {"records": records, "error": error}


def judge(test, trusted, run):
    """The Item for test (a restore.GradedCell) given the trusted and the learner's cell runs."""
    if run is None:
        return Item(test.grade_id, test.points, 0.0, "not run: the notebook stopped before this cell")
    got, want = run["records"], trusted["records"]
    forged = _forged(got, want, run["error"])
    if forged:
        return _tampered(test, forged)
    failed = next((m for m in map(_diagnosis, got, want) if m), None)
    if failed:
        return Item(test.grade_id, test.points, 0.0, failed)
    if run["error"] is not None:
        return Item(test.grade_id, test.points, 0.0, _error_text(run["error"], want, len(got), test.source))
    return Item(test.grade_id, test.points, test.points, "passed")


def _forged(got, want, error):
    """Why the cell's records cannot be its own checks, or None."""
    if not all(isinstance(g, dict) and isinstance(g.get("name"), str) and isinstance(g.get("got"), dict)
               for g in got):
        return "the cell reported a check in a form the grader does not write: its code was changed while it ran"
    names, expected = [g["name"] for g in got], [w["name"] for w in want]
    if len(got) > len(want) or names != expected[:len(got)]:
        return "the cell reported other checks than its own: its code was changed while it ran"
    if error is None and len(got) < len(want):
        return (f"the cell finished without error but made {len(got)} of its {len(want)} checks: "
                "its code was changed while it ran")
    return None


def _tampered(test, message):
    return Item(test.grade_id, test.points, 0.0, message, tampered=True)


def _diagnosis(got, want):
    """None if the learner's record passes against the trusted one, else the message."""
    if got.get("name") != want["name"]:
        return f"expected a check of {want['name']}, but the kernel reported {got.get('name')!r}"
    try:
        value = decode(got["got"])
    except Exception:  # noqa: BLE001 - a forged record is a failed check, not a crash of the grader
        return f"{want['name']}: the value could not be read"
    try:
        return diagnose(want["name"], value, decode(want["expected"]), tol=want["tol"], m=want.get("m"),
                        like=want.get("like"), hint=want.get("hint"), hidden=want.get("hidden", False))
    except Exception as err:  # noqa: BLE001 - a value diagnose cannot describe still fails, it never passes
        return f"{want['name']} does not match the expected value ({type(err).__name__} while describing how)"


def _error_text(error, want, done, source):
    """The learner's own exception; its text is withheld if a hidden check was next, or if it quotes
    a hidden test (code in the kernel can read the cell it runs in)."""
    if error["ename"] == "NotImplementedError":
        return "not attempted: the exercise above still raises NotImplementedError"
    if error["ename"] in (TIMED_OUT, "KeyboardInterrupt"):   # the kernel reports the interrupt it was sent
        limit = error["evalue"] if error["ename"] == TIMED_OUT and error["evalue"] else "the per-cell time limit"
        return f"ran out of time ({limit}) and was stopped"
    if done < len(want) and want[done].get("hidden"):
        return f"{error['ename']} on an input the visible tests do not use"
    text = f"{error['ename']}: {error['evalue']}".strip().rstrip(":")
    if _quotes_test(text, source):
        return f"{error['ename']} (its message quotes the test cell, so it is not shown)"
    return text if len(text) <= MAX_ERROR else text[:MAX_ERROR] + " ... (cut)"


def _quotes_test(text, source):
    """True if text holds a line of the test cell, as written or as the kernel ran it."""
    from .rewrite import kernel_copy
    try:
        ran = kernel_copy(source)
    except SyntaxError:
        ran = ""
    lines = {line.strip() for line in (source + "\n" + ran).splitlines()}
    squeezed = "".join(text.split())
    return any(len(line) >= 8 and "".join(line.split()) in squeezed for line in lines)
