"""A preprocessor for `nbgrader generate_feedback` that keeps hidden tests out of the students' pages.

nbgrader's feedback shows each test cell as the autograded notebook holds it: hidden tests (and the quiz
keys in them) verbatim, and tracebacks that quote the hidden line that failed, arguments and all. This
preprocessor, listed in nbgrader_config.py, removes the hidden regions (nbgrader's own ClearHiddenTests)
and cuts each test cell's error down to its last line, which our checks word so that it reveals no hidden
input or value:

    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "autograder.grading.safe_feedback.HideHiddenTests",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]
"""
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests


class HideHiddenTests(ClearHiddenTests):
    """Remove hidden test regions, and every traceback frame, from the test cells of a feedback page."""

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if utils.is_grade(cell) and cell.cell_type == "code":
            for out in cell.outputs:
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename', '')}: {out.get('evalue', '')}"]
        return cell, resources
