"""In a learner's run, test cells only record the learner's values; expected values are never computed there.

The checks take (name, got, expected-or-reference, ...). Inside the learner's
kernel anything can be patched or inspected (a check's stack frame included), so
an expected value computed there could be copied into the record. Each check call
of a test cell is therefore rewritten to `__autograder_record__(name, got)`: the
reference arguments are never evaluated, and the grader compares `got` with the
trusted run's expected value in its own process.
"""
import ast

import nbformat

CHECKS = {"check_close", "check_gradient", "check_true", "check_answer"}
RECORDER = "__autograder_record__"
RECORDER_CELL = f'''\
def {RECORDER}(name, got):
    """Hand (name, got) to the grader; the verdict is decided outside this kernel."""
    from IPython.display import display
    from autograder.records import MIME, encode
    display({{MIME: {{"name": name, "got": encode(got)}}}}, raw=True)
'''


class _RecordOnly(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if called not in CHECKS:
            return node
        kwargs = {k.arg: k.value for k in node.keywords}
        args = list(node.args[:2]) + [kwargs.get(k) for k in ("name", "got" if called != "check_true" else "ok")
                                      if k in kwargs]
        return ast.copy_location(ast.Call(ast.Name(RECORDER, ast.Load()), args[:2], []), node)


def record_only(source):
    """The cell source with every check call reduced to a record of (name, got)."""
    tree = _RecordOnly().visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree))


def rewrite(nb, test_ids):
    """Rewrite the test cells test_ids of nb in place, and define the recorder in a first cell."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in test_ids:
            cell.source = record_only(cell.source)
    nb.cells.insert(0, nbformat.v4.new_code_cell(RECORDER_CELL, id="autograder-recorder"))
    return nb
