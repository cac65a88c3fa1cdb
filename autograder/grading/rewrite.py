"""The kernel's copy of a test cell: each check call becomes a record of (name, got), and nothing more.

The expected values, tolerances and reference functions of a check exist only
in the trusted run of source/. In the student's kernel the test cell computes
the learner's values on the test's inputs and hands them out; the comparison
happens in the grader's process. So code that runs before or inside the test
has no expected value to copy: forging a record means solving the exercise.

Bindings that only fed expected values (a reference forward pass, a precomputed
answer) are cut too. A binding that feeds them but cannot be cut safely (its
right-hand side calls something that may change shared state, such as a random
generator) is refused by `autograder build` (see autograder/authoring.py).
"""
import ast
import functools

# The checks a test cell may call, and the keyword of the learner's value: every other argument is the test's.
CHECKS = {"check_close": "got", "check_gradient": "got", "check_answer": "got", "check_true": "ok"}
RECORD = "__autograder_record__"
PRELUDE = f"from autograder.grading.kernel_side import record as {RECORD}\n"
PURE_MODULES = {"np", "numpy", "math"}
PURE_BUILTINS = {"abs", "float", "int", "len", "sum", "min", "max", "range", "list", "tuple", "dict", "zip",
                 "enumerate", "round", "sorted", "str", "bool"}
PURE_METHODS = {"copy", "astype", "reshape", "sum", "mean", "var", "std", "max", "min", "ravel", "item"}
# A draw from a random generator feeds a reference (a layer's weights), and it cannot be cut without changing
# every later draw; such a binding may stay in the kernel, since it is an input of the test, not its answer.
DRAWS = {"normal", "uniform", "integers", "random", "permutation", "choice", "standard_normal", "rand", "randn",
         "binomial", "default_rng"}


def check_kind(call):
    """The name of the check that call invokes, or None."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return name if name in CHECKS else None


def learner_parts(call):
    """(name, got) argument nodes of a check call; None where the call omits them."""
    kind = check_kind(call)
    keywords = {k.arg: k.value for k in call.keywords}
    name = call.args[0] if call.args else keywords.get("name")
    got = call.args[1] if len(call.args) > 1 else keywords.get(CHECKS[kind])
    return name, got


def test_parts(call):
    """Every argument of a check call that belongs to the test: expected values, tolerances, flags."""
    name, got = learner_parts(call)
    args = [a for a in call.args if a is not name and a is not got]
    return args + [k.value for k in call.keywords if k.value is not name and k.value is not got]


# Context managers of the test that take reference values (reuse.builds_on) only shape messages in the
# learner's own notebook; the kernel's copy runs their body alone.
WRAPPERS = {"builds_on"}


class _CutExpected(ast.NodeTransformer):
    def visit_With(self, node):
        self.generic_visit(node)
        calls = [item.context_expr for item in node.items]
        if all(isinstance(c, ast.Call) and getattr(c.func, "id", getattr(c.func, "attr", "")) in WRAPPERS
               for c in calls):
            return node.body
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if check_kind(node) is None:
            return node
        name, got = learner_parts(node)
        if name is None or got is None:
            raise SyntaxError(f"line {node.lineno}: a check call without its name or learner's value")
        if check_kind(node) == "check_true":
            got = ast.Call(ast.Name("bool", ast.Load()), [got], [])
        return ast.copy_location(ast.Call(ast.Name(RECORD, ast.Load()), [name, got], []), node)


def loaded_names(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def bound_names(stmt):
    """The names a definition or a plain assignment binds, or None for any other statement."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, ast.Assign):
        names = [n for t in stmt.targets for n in ast.walk(t)]
        if all(isinstance(n, (ast.Name, ast.Tuple, ast.List, ast.Store)) for n in names):
            return {n.id for n in names if isinstance(n, ast.Name)}
    return None


def is_pure(node, local=frozenset()):
    """True if evaluating node cannot change shared state: its calls are numpy's, math's, plain builtins',
    copies, or the test's own functions (local)."""
    for sub in _walk_outside_lambdas(node):
        if isinstance(sub, ast.Call) and not _pure_call(sub.func, local):
            return False
    return True


def draws(node):
    """True if node takes a draw from a random generator."""
    return any(isinstance(s, ast.Call) and isinstance(s.func, ast.Attribute) and s.func.attr in DRAWS
               for s in ast.walk(node))


def _pure_call(func, local):
    if isinstance(func, ast.Name):
        return func.id in PURE_BUILTINS or func.id in local
    if func.attr in PURE_METHODS:
        return True
    root, chain = func, []
    while isinstance(root, ast.Attribute):
        chain.append(root.attr)
        root = root.value
    return isinstance(root, ast.Name) and root.id in PURE_MODULES and "random" not in chain


def _walk_outside_lambdas(node):
    yield node
    if isinstance(node, ast.Lambda):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk_outside_lambdas(child)


def _removable(stmt, loaded, local):
    names = bound_names(stmt)
    if not names or names & loaded:
        return False
    return not isinstance(stmt, ast.Assign) or is_pure(stmt.value, local)


def prune(tree):
    """Drop definitions and pure assignments whose names nothing reads any more, until none is left."""
    local = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}   # the test's own functions
    while True:
        loaded, dropped = loaded_names(tree), False
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):   # methods are read as attributes, never as names
                continue
            for field in ("body", "orelse", "finalbody"):
                body = getattr(node, field, None)
                if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                    kept = [s for s in body if not _removable(s, loaded, local)]
                    dropped |= len(kept) < len(body)
                    setattr(node, field, kept or [ast.Pass()])
        if not dropped:
            return tree


def leftovers(source):
    """Names that only expected values read, but whose binding survives in the kernel's copy."""
    tree = ast.parse(source)
    expected = set()
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and check_kind(n)):
        expected |= {n.id for part in test_parts(call) for n in ast.walk(part) if isinstance(n, ast.Name)}
    kept = prune(_CutExpected().visit(ast.parse(source)))
    read = loaded_names(kept)
    bound = set().union(*[bound_names(s) or set() for s in ast.walk(kept)
                          if isinstance(s, ast.stmt) and not (isinstance(s, ast.Assign) and draws(s.value))])
    return sorted((expected & bound) - read)


@functools.lru_cache(maxsize=512)   # a test cell is restored from source/: every student's is the same text
def kernel_copy(source):
    """The test cell's source as the student's kernel runs it: records of (name, got), no expected values."""
    tree = prune(_CutExpected().visit(ast.parse(source)))
    return PRELUDE + ast.unparse(ast.fix_missing_locations(tree)) + "\n"
