"""report.clean: the ASCII fast path removes exactly what the full Unicode rule removes."""
import unicodedata

from autograder.grading.report import clean


def slow(text):
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))


def test_every_ascii_character_is_kept_or_dropped_as_the_unicode_rule_says():
    for i in range(128):
        text = f"a{chr(i)}b"
        assert clean(text) == slow(text), i


def test_non_ascii_text_loses_bidi_overrides_and_escapes():
    assert clean("é\u202eevil\x1b[31m\u200b!") == "éevil[31m!"
    assert clean("a\r\nb\tc", one_line=True) == "a b c"


def test_csv_fields_that_a_spreadsheet_would_run_are_text():
    from autograder.grading.canvas import CanvasExport
    from autograder.grading.report import inert, to_csv
    from autograder.grading.result import Result
    for formula in ('=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", "\t=1"):
        assert inert(formula) == "'" + formula
    assert inert("alice") == "alice" and inert(3.0) == 3.0
    import csv
    import io
    text = to_csv([Result('=IMAGE("x")', "01-chain-rule", "graded", "-reason", 1.0, 2.0, [])])
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[0] == "'=IMAGE(\"x\")" and row[-1] == "'-reason"

    class Student:
        id, first_name, last_name = "=cmd|' /C calc'!A0", None, None
    assert all(not str(f).startswith(("=", "+", "-", "@")) for f in CanvasExport().identity(Student()))
