"""Demo cells: locked plots, sliders and trainings that no verdict needs, skipped when grading.

An author tags a locked cell `demo` (docs/authoring.md). Grading runs every
notebook, the trusted run of source/ included, without those cells, which is
sound only if no later cell reads what a demo binds: `autograder build` checks
that statically (static_problems) and proves it by running the source notebook
both ways in the sandbox, comparing every record (prove).
"""
import ast
import functools

TAG = "demo"


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def demo_ids(source_nb):
    """grade_ids of the source notebook's demo cells (only locked cells can be demos: never the student's)."""
    return {_meta(c)["grade_id"] for c in source_nb.cells if TAG in c.get("metadata", {}).get("tags", [])
            and _meta(c).get("locked") and _meta(c).get("grade_id")}


def without_demos(nb, source_nb):
    """nb less the cells that source/ tags demo, matched by grade_id (a student's own tag counts for nothing).
    If one of the student's own cells reads a name that only a demo binds, nb keeps every cell: it runs
    whole, as nbgrader would run it, so that skipping demos can never cost a student a mark."""
    demos = demo_ids(source_nb)
    if not _problems(nb, demos):
        nb.cells = [c for c in nb.cells if _meta(c).get("grade_id") not in demos]
    return nb


def static_problems(source_nb):
    """Names a demo binds that a later cell which is not a demo reads."""
    return _problems(source_nb, demo_ids(source_nb))


def _problems(nb, demos):
    bound, problems = {}, []
    for cell in nb.cells:
        names = _names(cell.source) if cell.cell_type == "code" else None
        if names is None:   # markdown, or code that does not parse (it reads nothing)
            continue
        reads, binds = names
        gid = _meta(cell).get("grade_id")
        if gid in demos:
            bound.update({n: gid for n in binds})
            continue
        problems += [f"{gid or 'a cell'} reads `{n}`, which demo {bound[n]} binds: a graded run skips demos"
                     for n in sorted(reads & set(bound))]
        for name in binds:
            bound.pop(name, None)
    return problems


@functools.lru_cache(maxsize=1024)   # the locked cells are the same text in every student's notebook
def _names(source):
    """(the names the cell reads and never binds itself, the names it binds at top level), or None if
    it does not parse. A loop variable or a local of its own function is not read from outside; the
    runtime proof (prove) catches what this cheap test misses, such as `x = x + 1`."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    stored, read, args = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (stored if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, ast.arg):
            args.add(node.arg)
    binds = frozenset(_top_level_names(tree))
    return frozenset(read - stored - args - binds), binds


def _top_level_names(tree):
    names = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
        else:
            names |= {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def prove(source_nb, name, files=None, limits=None):
    """Run source_nb in the sandbox with and without its demos; return the problems (none if the records,
    expected and learner's values alike, are identical and every test passes)."""
    from .parallel import run_job
    from .plan import trusted_job
    from .sandbox import Limits
    limits = limits or Limits()
    full = run_job(trusted_job(source_nb, name, files or {}, demos=True), limits)
    skipped = run_job(trusted_job(source_nb, name, files or {}), limits)
    for run in (full, skipped):
        if "error" in run or not run.get("cells"):   # no run, no proof
            return [run.get("error") or "the notebook ran no test cell"]
    problems = [f"{gid}: the run without demos {'raised ' + c['error']['ename'] if c['error'] else 'differs'}"
                for gid, c in skipped.get("cells", {}).items()
                if c["error"] or c["records"] != full.get("cells", {}).get(gid, {}).get("records")]
    missing = set(full.get("cells", {})) - set(skipped.get("cells", {}))
    return problems + [f"{gid}: not run without demos" for gid in sorted(missing)] + \
        [f"{kind}: {why}" for kind, why in skipped.get("faults", [])]
