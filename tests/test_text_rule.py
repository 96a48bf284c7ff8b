"""The one rule for text people type and Statboard keeps (display/typed_text.py), as properties: whatever holds a
control character, a lone surrogate, a bidirectional control, an invisible format character or a line separator
is refused, naming the field and the code point; whatever holds none (and joiners only between letters that
need them) is kept. Each place that stores typed text is tested where it is stored (test_meetings.py,
test_case_reviews.py, test_reviews_pick.py)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from display.typed_text import IGNORABLE, text_problem

# The characters the rule refuses by name, as the review listed them: written out here, not read from the module.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u2060\ufeff\u180e\u2061\u2062\u2063\u2064\u00ad"
JOINERS = "\u200c\u200d"
SEPARATORS = "\u2028\u2029"
PERSIAN = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
PROPERTIES = settings(max_examples=300, deadline=None, derandomize=True, database=None)

FIELD = st.sampled_from(["the title", "the note", "highlights", "item 1 (Timely response): the rationale"])
ONE_LINE = st.booleans()
# Text that shows as it is: no control, surrogate, format or separator character but a line break and a tab.
def _visible(char: str) -> bool:
    return not any(low <= ord(char) <= high for low, high in IGNORABLE)


# (and no default-ignorable character of another category: a Hangul filler, a variation selector ...)
VISIBLE = st.characters(exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp")).filter(_visible)
SHOWN = st.text(VISIBLE | st.sampled_from("\n\t"), max_size=40)
ONE_LINE_SHOWN = st.text(VISIBLE, max_size=40)
# Invisible characters of other categories than Cf (Unicode's Default_Ignorable_Code_Point), with no base before
# them that a variation selector could choose a form of.
IGNORED = st.sampled_from([chr(c) for low, high in IGNORABLE for c in range(low, min(high, low + 40) + 1)
                           if not 0xFE00 <= c <= 0xFE0F])


@pytest.mark.parametrize("text, kept", [
    ("\u2764\ufe0f", True), ("1\ufe0f\u20e3", True), ("\u6f22\U000E0100", True),  # emoji, keycap, CJK variant
    ("a\ufe00", False), ("1\ufe0f", False), ("a\U000E0100", False), ("\u2764\ufe0f\ufe0f", False),  # no base, doubled
    ("Caseload\u034f down", False), ("x\u3164", False), ("\ufe0fstart", False)])
def test_a_variation_selector_is_kept_only_after_what_it_chooses_a_form_of(text, kept):
    assert (text_problem("the title", text, one_line=True) is None) is kept
REFUSED = st.one_of(
    st.sampled_from(BIDI), st.sampled_from(ZERO_WIDTH), st.sampled_from(SEPARATORS),
    st.characters(categories=("Cc",)).filter(lambda c: c not in "\n\t\r"),  # \r: see the CR LF test below
    st.characters(categories=("Cs",)),
    st.characters(categories=("Cf",)).filter(lambda c: c not in JOINERS), IGNORED)


def _clean(message: str) -> bool:
    """A message fit to show: itself one line that the rule keeps."""
    return text_problem("the message", message, one_line=True) is None


@PROPERTIES
@given(field=FIELD, before=ONE_LINE_SHOWN, bad=REFUSED, after=SHOWN, one_line=ONE_LINE)
def test_any_text_holding_a_refused_character_is_refused_naming_the_field_the_code_point_and_where(
        field, before, bad, after, one_line):
    said = text_problem(field, before + bad + after, one_line=one_line)
    assert said is not None
    assert said.startswith(f"{field} holds ") and f"(U+{ord(bad):04X}) at character {len(before) + 1}" in said
    assert bad not in said and _clean(said)
    assert said.endswith(("write it without it", "write it on one line", "break the line with Enter instead"))


@PROPERTIES
@given(field=FIELD, text=SHOWN)
def test_any_text_without_them_is_kept(field, text):
    assert text_problem(field, text, one_line=False) is None


@PROPERTIES
@given(field=FIELD, text=ONE_LINE_SHOWN)
def test_any_one_line_text_without_them_is_kept_on_one_line(field, text):
    assert text_problem(field, text, one_line=True) is None


@PROPERTIES
@given(field=FIELD, text=st.text(max_size=40))
def test_a_one_line_text_that_breaks_into_lines_is_refused(field, text):
    if len(text.splitlines()) > 1 or "\t" in text:
        said = text_problem(field, text, one_line=True)
        assert said is not None and said.startswith(f"{field} holds ")


@PROPERTIES
@given(field=FIELD, text=st.text(st.characters(codec=None), max_size=40), one_line=ONE_LINE)
def test_no_message_echoes_what_it_refuses(field, text, one_line):
    said = text_problem(field, text, one_line=one_line)
    assert said is None or _clean(said)


PERSIAN_WORD = st.text(st.sampled_from(PERSIAN), min_size=1, max_size=6)


@PROPERTIES
@given(field=FIELD, words=st.lists(st.lists(PERSIAN_WORD, min_size=1, max_size=3), min_size=1, max_size=4),
       one_line=ONE_LINE)
def test_persian_with_a_non_joiner_between_its_letters_is_kept(field, words, one_line):
    text = " ".join("\u200c".join(parts) for parts in words)
    assert text_problem(field, text, one_line=one_line) is None


@PROPERTIES
@given(field=FIELD, word=PERSIAN_WORD, joiner=st.sampled_from(JOINERS),
       where=st.sampled_from(["start", "end", "space", "ascii", "double"]), one_line=ONE_LINE)
def test_a_joiner_anywhere_else_is_refused(field, word, joiner, where, one_line):
    text, at = {"start": (joiner + word, 1), "end": (word + joiner, len(word) + 1),
                "space": (word + joiner + " " + word, len(word) + 1),
                "ascii": (word + joiner + "a", len(word) + 1),
                "double": (word + joiner * 2 + word, len(word) + 1)}[where]
    said = text_problem(field, text, one_line=one_line)
    assert said is not None and f"(U+{ord(joiner):04X}) at character {at}" in said and _clean(said)


@pytest.mark.parametrize("text", [
    "می\u200cخواهم",                        # Persian: "I want", the prefix kept apart from the verb
    "क्\u200dष",                             # Devanagari: a half form, the joiner after a virama (a mark)
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a family: symbols joined
    "\U0001f469\U0001f3fd\u200d\U0001f4bb",  # a technologist with a skin tone (a modifier symbol, Sk)
    "\U0001f3f3\ufe0f\u200d\U0001f308",      # a rainbow flag: the variation selector is a mark
])
def test_joiners_that_a_script_or_an_emoji_needs_are_kept(text):
    assert text_problem("the note", text, one_line=True) is None


@pytest.mark.parametrize("text, one_line, said", [
    ("a\r\nb", False, None),  # a Windows line break, in a text of several lines
    ("a\rb", False, "the note holds a control character (U+000D) at character 2: write it without it"),
    ("a\r\nb", True, "the note holds a line break (U+000D) at character 2: write it on one line"),
    ("a\tb", True, "the note holds a tab (U+0009) at character 2: write a space instead"),
    ("a\u2028b", False, "the note holds a line separator (U+2028) at character 2, which breaks the line in some "
                        "places and not in others: break the line with Enter instead"),
    ("a\x1bb", False, "the note holds a control character (U+001B) at character 2: write it without it"),
    ("\ud800", False, "the note holds a broken character (U+D800) at character 1 (a lone surrogate, half of a pair "
                      "that makes one character): write it without it"),
    ("pay \u202e0001", True, "the note holds a right-to-left override (U+202E) at character 5, which changes the "
                             "order text is shown in: write it without it"),
    ("pass\u200bword", True, "the note holds a zero-width space (U+200B) at character 5, which cannot be seen: "
                             "write it without it"),
    ("re\u00adview", True, "the note holds a soft hyphen (U+00AD) at character 3, which shows only where a line "
                           "wraps: write it without it"),
    ("tag\U000e0041", True, "the note holds a format character (U+E0041) at character 4, which cannot be seen: "
                            "write it without it"),
])
def test_each_kind_is_said_in_words(text, one_line, said):
    assert text_problem("the note", text, one_line=one_line) == said


def test_only_the_first_refused_character_is_named():
    said = text_problem("the note", "a\u200bb\u202ec", one_line=False)
    assert re.findall(r"U\+[0-9A-F]{4}", said) == ["U+200B"]
