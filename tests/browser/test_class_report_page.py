"""The class report opens in a browser: both charts are drawn, and each exercise's row shows its pass rate
and its most common mistakes."""
import pytest

from autograder.grading import classreport
from autograder.grading.result import Result
from autograder.grading.verdict import Item

pytestmark = pytest.mark.browser
SIGN = "dL_dW is wrong in 6 of 6 entries.\n  Every entry has the opposite sign."
TRANSPOSED = "dL_dW has shape (3, 2), but W is (2, 3): transposed? Check the order of the factors."


def a_class():
    """Ten students: four pass linear_backward, three transpose, two flip the sign, one is late."""
    results = []
    for n, message in enumerate(["passed"] * 4 + [TRANSPOSED] * 3 + [SIGN] * 2 + ["passed"]):
        score = 2.0 if message == "passed" else 0.0
        items = [Item("linear_backward_test", 2.0, score, message), Item("quiz_test", 1.0, 1.0, "passed")]
        results.append(Result(f"s{n}", "05-mlp-backprop", "graded", "", score + 1, 3.0, items))
    results[-1].seconds_late, results[-1].late_penalty = 7200.0, 3.0
    return results


def test_class_report_page_shows_charts_and_mistakes(page, tmp_path, artifact):
    path = classreport.write("05-mlp-backprop", a_class(), {"05-mlp-backprop": ["linear_backward_test", "quiz_test"]},
                             tmp_path)
    page.goto(path.as_uri())
    for chart in ("#histogram", "#pass-rates"):
        assert page.locator(chart).evaluate("img => img.complete && img.naturalWidth > 100")
    row = page.locator("tr.exercise[data-exercise='linear_backward_test']")
    assert "5 of 10 (50%)" in row.inner_text()
    assert row.locator("li").all_inner_texts() == ["transposed: 3 (30%)", "opposite sign: 2 (20%)"]
    assert "2.0" in page.locator("#late-table").inner_text()
    page.screenshot(path=artifact("class-report.png"), full_page=True)
