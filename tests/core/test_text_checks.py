"""One rule for text from outside: the API refuses what it cleans from LINE's text."""
from core.text_checks import clean_text, text_problem


def test_what_the_api_refuses_is_what_is_cleaned_from_lines_text():
    for raw in ("a\x00b", "a\x07b", "a\x1bb", "a\x7fb", "a\ud800b"):
        assert text_problem(raw) is not None
        assert text_problem(clean_text(raw)) is None
    assert clean_text("a\x00b\x7fc") == "abc" and clean_text("a\ud800") == "a\ufffd"


def test_free_text_keeps_its_line_breaks_a_single_line_does_not():
    assert clean_text("one\r\ntwo\tthree") == "one\r\ntwo\tthree"
    assert clean_text("one\r\ntwo\tthree", single_line=True) == "one two three"
    assert text_problem(clean_text("a\nb\x00", single_line=True), single_line=True) is None


def test_bidi_controls_go():
    assert clean_text("\u202eabc\u202c \u2066d\u2069\u202a") == "abc d"
