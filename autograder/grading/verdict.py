"""The grader's verdict on one test cell, decided in the grader's own process.

The learner's kernel runs the test cells as nbgrader would (so a failing check
raises there, as in `nbgrader autograde`), and each check call also displays a
record of its name and the learner's `got`. The trusted run of source/ gives,
for the same cell, the expected values and each check's spec. An item passes iff
its cell raised nothing, made exactly the trusted checks, and every `got` passes
diagnose() against the trusted expected value, in the grader's own process.
Patching numpy or the checks inside the kernel cannot make a wrong `got` pass; a
cell that ran without error but made fewer or other checks, or whose pass the
grader refutes, was changed while it ran: tampered.
"""
from dataclasses import dataclass

from ..diagnose import diagnose
from ..records import MIME, decode


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
            records.append(dict(out["data"][MIME]))
        elif out.get("output_type") == "error" and error is None:
            error = {"ename": out.get("ename", ""), "evalue": str(out.get("evalue", ""))}
    return {"records": records, "error": error}


def judge(test, trusted, run):
    """The Item for test (a restore.GradedCell) given the trusted and the learner's cell runs."""
    if run is None:
        return Item(test.grade_id, test.points, 0.0, "not run: the notebook stopped before this cell")
    got, want = run["records"], trusted["records"]
    if run["error"] is None and [g.get("name") for g in got] != [w["name"] for w in want]:
        made = f"{len(got)} of its {len(want)} checks" if len(got) != len(want) else "other checks than its own"
        return _tampered(test, f"the cell finished without error but made {made}: its code was changed while it ran")
    failed = next((m for m in map(_diagnosis, got, want) if m), None)
    if run["error"] is not None:
        return Item(test.grade_id, test.points, 0.0, failed or _error_text(run["error"], want, len(got)))
    if failed:
        return _tampered(test, f"the kernel reported a pass that the grader's own check refutes: {failed}")
    return Item(test.grade_id, test.points, test.points, "passed")


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


def _error_text(error, want, done):
    """The learner's own exception; its text is withheld if a hidden check was next."""
    if error["ename"] == "NotImplementedError":
        return "not attempted: the exercise above still raises NotImplementedError"
    if done < len(want) and want[done].get("hidden"):
        return f"{error['ename']} on an input the visible tests do not use"
    return f"{error['ename']}: {error['evalue']}".strip().rstrip(":")
