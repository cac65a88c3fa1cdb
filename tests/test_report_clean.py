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
