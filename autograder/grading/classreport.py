"""reports/ASSIGNMENT/index.html: what to reteach. The class's score histogram, each exercise's pass rate,
and for each exercise the mistakes the grader diagnosed most often, with counts ("transposed: 34%").

The mistakes are read from each failed item's message: the diagnoses that diagnose.py writes name a
pattern ("the opposite sign", "transposed?", "is the 1/m factor missing?"), and MISTAKES maps each to a
short label. A failure whose message names no pattern counts as "wrong values, no pattern found".
"""
import base64
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# (pattern in the message, label), first match wins: the specific causes before the generic shape or error.
MISTAKES = (
    (r"^not attempted", "not attempted"),
    (r"^not run", "not run (the notebook stopped earlier)"),
    (r"transposed\?", "transposed"),
    (r"1/m factor missing", "missing 1/m"),
    (r"m times too small", "1/m applied twice (or a mean for a sum)"),
    (r"opposite sign", "opposite sign"),
    (r"twice too large", "twice too large"),
    (r"half the right size", "half the right size"),
    (r"keepdims", "keepdims"),
    (r"batch axis|wrong axis", "summed over the wrong axis"),
    (r"all zeros", "all zeros"),
    (r"contains (NaN|inf)", "NaN or inf (overflow)"),
    (r"\bis None\b", "returns None"),
    (r"off by the same factor", "off by a constant factor"),
    (r"has shape|does not have (the|its)", "wrong shape"),
    (r"not the right answer", "wrong quiz answer"),
    (r"changed while it ran|refutes", "tampered"),
    (r"^(\w+(Error|Exception))\b", None),   # None: the exception's own name is the label
)
NOT_COUNTED = ("missing notebook", "invalid student id", "error", "missing")   # nothing of theirs was graded


def mistake(message):
    """The short label of a failed item's message."""
    for pattern, label in MISTAKES:
        found = re.search(pattern, message, re.M)
        if found:
            return label or found.group(1)
    return "wrong values, no pattern found"


@dataclass
class Exercise:
    """One graded test cell across the class."""
    notebook: str
    grade_id: str
    attempts: int = 0
    passed: int = 0
    mistakes: Counter = field(default_factory=Counter)

    @property
    def pass_rate(self):
        return self.passed / self.attempts if self.attempts else 0.0

    def top(self, n=5):
        """[(label, count, share of attempts)] of the n most common mistakes."""
        return [(label, count, count / self.attempts) for label, count in self.mistakes.most_common(n)]


def exercises(results, order):
    """[Exercise] in notebook order; order: {notebook: [test grade_ids in the notebook's order]}."""
    table = {(nb, gid): Exercise(nb, gid) for nb, gids in order.items() for gid in gids}
    for r in results:
        if r.status in NOT_COUNTED:
            continue
        for item in r.items:
            ex = table.setdefault((r.notebook, item.grade_id), Exercise(r.notebook, item.grade_id))
            ex.attempts += 1
            if item.score == item.points:
                ex.passed += 1
            else:
                ex.mistakes[mistake(item.message)] += 1
    return list(table.values())


def totals(results):
    """{student: percent of the assignment's points}, raw scores (before late penalties), of the students who
    submitted something: one who submitted nothing (missing) is counted apart, not as a score of 0."""
    got, most = Counter(), Counter()
    for r in (r for r in results if r.status != "missing"):
        got[r.student] += r.score
        most[r.student] += r.max_score
    return {s: 100 * got[s] / most[s] if most[s] else 0.0 for s in most}


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def charts(percents, table):
    """The histogram of scores and the bar chart of pass rates, as data: URLs (the page is one file)."""
    from matplotlib.figure import Figure   # no pyplot: no global state, no display needed
    hist = Figure(figsize=(6, 3))
    ax = hist.subplots()
    ax.hist(list(percents.values()), bins=range(0, 105, 5), color="#4a7ab5", edgecolor="white")
    ax.set(xlabel="score (% of the assignment's points)", ylabel="students", xlim=(0, 100))
    bars = Figure(figsize=(6, 0.35 * len(table) + 1))
    ax = bars.subplots()
    labels = [f"{ex.notebook}: {ex.grade_id}" for ex in table]
    ax.barh(labels[::-1], [100 * ex.pass_rate for ex in table][::-1], color="#5a9e6f")
    ax.set(xlabel="passed (% of submissions)", xlim=(0, 100))
    return _png(hist), _png(bars)


def render(assignment, results, order):
    """The page as HTML text."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    table, percents = exercises(results, order), totals(results)
    histogram, pass_rates = charts(percents, table)
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    late = sorted((r for r in results if r.seconds_late > 0), key=lambda r: (r.student, r.notebook))
    missing = sorted({r.student for r in results if r.status == "missing"} - set(percents))
    return env.get_template("class_report.html.j2").render(
        assignment=assignment, students=len(percents), missing=missing, exercises=table, histogram=histogram,
        pass_rates=pass_rates, late=late, statuses=Counter(r.status for r in results).most_common())


def write(assignment, results, order, folder):
    """folder/index.html; return its path."""
    path = Path(folder) / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(assignment, results, order), encoding="utf-8")
    return path
