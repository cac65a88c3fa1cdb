"""The grader's authoring rule: a test's expected value never depends on state the learner's code can change.

The grader computes every expected value once, in the trusted run of source/,
and compares the learner's values with it outside the learner's kernel. That
is only equal to what the test means if the expected value does not depend on
the learner: on a name a solution cell binds, on a value a learner's function
returned, or on an array that was handed to a learner's function (which may
change it in place). `autograder build` refuses a test cell that breaks this.

The analysis is a small taint flow over each cell's AST, in notebook order:
solution cells taint every name they bind; an assignment from a tainted value
taints its target, and one from clean values cleans it; a call of tainted code
(a learner's function, a method of a learner's object, or a test helper that
reads either) taints every name passed to it. It over-approximates: `x.copy()`
passed to the learner keeps x clean, a bare `x` does not.
"""
import ast

from .grading.rewrite import check_kind, learner_parts, leftovers, test_parts


class Flow:
    """What the analysis knows at one point of the notebook."""

    def __init__(self):
        self.tainted = set()     # names whose value the learner's code can change
        self.immutable = set()   # names bound to numbers, strings or tuples of them: no call can change them
        self.modules = set()     # imported names: calling np.sum changes neither np nor its arguments

    def fork(self):
        other = Flow()
        other.tainted, other.immutable, other.modules = set(self.tainted), set(self.immutable), self.modules
        return other


def violations(cells):
    """Messages for every check whose expected value could depend on the learner; cells: (meta, source)."""
    flow, found = Flow(), []
    trees = [(meta, source, ast.parse(source)) for meta, source in cells]
    flow.modules = {(a.asname or a.name).split(".")[0] for _, _, t in trees for n in ast.walk(t)
                    if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    binder = {}   # name -> the grade_id of the test cell that bound it last, or None for any other cell
    for meta, source, tree in trees:
        tainted = flow.tainted
        found += _borrowed(meta.get("grade_id"), tree, binder)
        for name in _bound_at_top(tree):
            binder[name] = meta.get("grade_id") if meta.get("grade") else None
        if meta.get("solution"):
            tainted |= _bound_at_top(tree)
        elif meta.get("grade"):
            found += [f"{meta.get('grade_id')}: {m}" for m in _test_cell(tree, flow.fork())]
            found += [f"{meta.get('grade_id')}: `{n}` feeds only expected values, but cannot be cut from the "
                      "kernel's copy (its right-hand side calls something that may change shared state); "
                      "compute it inside the check call, or from numpy alone" for n in leftovers(source)]
        else:
            _flow(tree.body, flow, [])
    return found


def _borrowed(grade_id, tree, binder):
    """No cell reads a name that only a test cell bound (the grader's copy of that cell keeps only what its
    own records need, and a restarted kernel may not have run it)."""
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    stored |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    stored |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arg) for a in [n]}
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - stored
    return [f"{grade_id or 'a cell'}: reads `{n}`, which only test cell {binder[n]} binds: each test cell "
            "must stand alone (the grader's copy of it keeps only what its own checks need)"
            for n in sorted(read) if binder.get(n) not in (None, grade_id)]


def _bound_at_top(tree):
    """The names a cell binds in the notebook's namespace (not the locals of its functions)."""
    names = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        else:
            names |= {n.id for n in _walk_skipping(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                           ast.Lambda), into_statements=True)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def _test_cell(tree, flow):
    problems = []
    _flow(tree.body, flow, problems)
    return problems


def _immutable(node, flow):
    """True if node's value is a number, a string, or a tuple of them (nothing can change it in place)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in flow.immutable
    if isinstance(node, (ast.Tuple, ast.List)) and isinstance(node, ast.Tuple):
        return all(_immutable(e, flow) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("float", "int", "len"):
        return True   # a Python number, whatever it was made from
    if isinstance(node, ast.UnaryOp):
        return _immutable(node.operand, flow)
    if isinstance(node, ast.BinOp):
        return _immutable(node.left, flow) and _immutable(node.right, flow)
    return False


def _free_names(node):
    """Names node reads, less the parameters of the lambdas inside it."""
    params = {a.arg for lam in ast.walk(node) if isinstance(lam, ast.Lambda) for a in lam.args.args}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - params


def _flow(stmts, flow, problems):
    for stmt in stmts:
        _statement(stmt, flow, problems)


def _statement(stmt, flow, problems):
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        _definition(stmt, flow, problems)
        return
    _calls(stmt, flow, problems)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        _bind(targets, stmt.value, flow, keep=isinstance(stmt, ast.AugAssign))
    elif isinstance(stmt, (ast.For, ast.AsyncFor)):
        _bind([stmt.target], stmt.iter, flow, each=True)
        _flow(stmt.body, flow, [])   # a first pass sees what the loop body taints ...
        _flow(stmt.body, flow, problems)   # ... so that the second judges a later iteration
    for field in ("orelse", "finalbody") + (() if isinstance(stmt, (ast.For, ast.AsyncFor)) else ("body",)):
        _flow([s for s in getattr(stmt, field, []) if isinstance(s, ast.stmt)], flow, problems)


def _bind(targets, value, flow, keep=False, each=False):
    """Assignment: targets take value's taint; each=True binds the items of value (a for loop)."""
    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    dirty = bool(_free_names(value) & flow.tainted) or (keep and bool(names & flow.tainted))
    fixed = not keep and (all(_immutable(e, flow) for e in value.elts) if each and isinstance(
        value, (ast.List, ast.Tuple)) else not each and _immutable(value, flow))
    flow.tainted.difference_update(names)
    flow.immutable.difference_update(names)
    (flow.tainted if dirty else flow.immutable if fixed else set()).update(names)


def _definition(stmt, flow, problems):
    """A function the test defines is tainted if it reads a tainted name; checks inside it are checked."""
    bases = {b.id for b in getattr(stmt, "bases", []) if isinstance(b, ast.Name)}
    params = {a.arg for a in ast.walk(stmt.args) if isinstance(a, ast.arg)} if hasattr(stmt, "args") else set()
    if ((_free_names(stmt) - params) | bases) & flow.tainted:
        flow.tainted.add(stmt.name)
    if not isinstance(stmt, ast.ClassDef):
        inner = flow.fork()
        inner.tainted -= {a.arg for a in stmt.args.args}
        _flow(stmt.body, inner, problems)


def _calls(stmt, flow, problems):
    """Taint what learner calls may change, then judge each check's expected value."""
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    calls = [n for n in _walk_skipping(stmt, nested) if isinstance(n, ast.Call)]
    for call in calls:   # only the learner's code (or code that reads it) can change what it is handed
        if check_kind(call) is None and _free_names(call.func) & flow.tainted:
            flow.tainted.update(_passed_names(call, flow))
    for call in calls:
        if check_kind(call) is not None:
            problems += _expected_problems(call, flow.tainted)


def _walk_skipping(node, kinds, into_statements=False):
    """node and its expressions, without nested definitions or statements (those flow on their own)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, kinds) and (into_statements or not isinstance(child, ast.stmt)):
            yield from _walk_skipping(child, kinds, into_statements)


def _passed_names(call, flow):
    """Names handed to a call as they are (a bare name, or the object of a method call), which it may change."""
    names = {a.id for a in call.args if isinstance(a, ast.Name)}
    names |= {k.value.id for k in call.keywords if isinstance(k.value, ast.Name)}
    func = call.func
    while isinstance(func, ast.Attribute):
        func = func.value
    if isinstance(func, ast.Name) and func is not call.func:
        names.add(func.id)
    if isinstance(func, ast.Name) and func.id in flow.modules:
        return set()   # np.sum(x) changes neither np nor x
    return names - flow.immutable - flow.modules


def _expected_problems(call, tainted):
    name, _ = learner_parts(call)
    label = ast.unparse(name) if name is not None else "?"
    used = set().union(*[_free_names(part) for part in test_parts(call)] or [set()])
    return [f"the expected value of check {label} reads `{n}`, which the learner's code can change: copy it "
            "before the learner's function sees it, or build it from the test's own values" for n in sorted(used & tainted)]
