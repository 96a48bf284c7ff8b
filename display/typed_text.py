"""One rule for every text a person types that Statboard keeps: meeting titles, attendees, notes, highlights,
actions and their updates, the follow-up, review answers, elimination notes.

What is kept is shown again, to other people: on the pages, in data books, in the follow-up e-mail, in CSV
downloads. So it must show as it was written. Refused, with the field, what was found (by its code point, never
the character itself: it is invisible or does damage where the message is shown) and where:

- control characters (C0, C1, DEL: a terminal's escapes among them), but a line break (`\\n`, or `\\r\\n`) and a
  tab in a text of several lines. A lone `\\r` is refused too: a terminal or a mail client goes back to the start
  of the line at it, and what follows is written over what came before;
- lone surrogates: half of a character, which no encoding can write (the store or the e-mail fails on it);
- bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C): they reorder what is shown,
  so `1 2 3` can be stored and `3 2 1` read;
- invisible format characters (category Cf: a zero-width space, a word joiner, a byte order mark, invisible
  operators, language tags ...), and the soft hyphen: two texts that look the same would differ, and an e-mail
  client or a terminal may show what the page hid. The soft hyphen is refused too, although it is harmless
  where it is shown as a hyphen: it is invisible everywhere else (a page shows it only where a line wraps),
  nobody types it, and what pastes it in (a word processor, a PDF) loses nothing by its going;
- the line and paragraph separators U+2028 and U+2029: a line break in some places (the follow-up, which
  splits lines at them) and none in others (a page), so the same text shows differently; `\\n` is the line break;
- in a one-line text (a title, an owner), any line break or tab.

The zero-width non-joiner and joiner (U+200C, U+200D) are kept where a writing system needs them: between two
letters, marks or symbols outside ASCII (Persian and Arabic words, Indic conjuncts after a virama, emoji
sequences such as a family, or a person at a laptop with a skin tone: the tone is a modifier symbol, Sk).
Anywhere else (at the start or end, by a space or an ASCII character, or doubled) they only hide something.

Standard library only, so that whatever keeps typed text may call it (reviews/instrument.py is pure).
"""
from __future__ import annotations

import re
import unicodedata

# An e-mail address as the follow-up can carry it (a meeting's attendees, a contract's contacts and manager):
# dot-separated, no empty part before the @ (a..b, .a) nor an empty or hyphen-edged label after it (x..gov, -x.gov)
_LOCAL = r"[^@\s<>,;\".]+(?:\.[^@\s<>,;\".]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"^(?=[^@]{{1,64}}@)(?=.{{1,254}}$){_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$")
PERSON = re.compile(r"(.*?)\s*<([^<>]*)>")  # Name <address>

BIDI_CONTROLS = {
    "\u202a": "a left-to-right embedding", "\u202b": "a right-to-left embedding",
    "\u202c": "a pop directional formatting", "\u202d": "a left-to-right override",
    "\u202e": "a right-to-left override", "\u2066": "a left-to-right isolate", "\u2067": "a right-to-left isolate",
    "\u2068": "a first strong isolate", "\u2069": "a pop directional isolate", "\u200e": "a left-to-right mark",
    "\u200f": "a right-to-left mark", "\u061c": "an Arabic letter mark",
}
# Named here for their messages; any other character of category Cf is refused as "a format character".
INVISIBLE = {
    "\u200b": "a zero-width space", "\u2060": "a word joiner", "\ufeff": "a byte order mark",
    "\u180e": "a Mongolian vowel separator", "\u2061": "an invisible function application",
    "\u2062": "an invisible times", "\u2063": "an invisible separator", "\u2064": "an invisible plus",
}
JOINERS = {"\u200c": "a zero-width non-joiner", "\u200d": "a zero-width joiner"}
# Unicode's Default_Ignorable_Code_Point characters that are not of category Cf (DerivedCoreProperties.txt):
# shown as nothing, whatever their category (a combining grapheme joiner, Hangul fillers, Khmer inherent vowels,
# Mongolian free variation selectors, variation selectors, unassigned ignorables).
IGNORABLE = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
             (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
             (0xE0000, 0xE0FFF))
# A variation selector is kept right after the one kind of character it chooses a form of: text or emoji
# presentation (U+FE0E, U+FE0F) after a symbol; an ideographic variant (U+E0100-E01EF) after a CJK ideograph.
EMOJI_SELECTORS = ("\ufe0e", "\ufe0f")
IDEOGRAPHIC_SELECTORS = (0xE0100, 0xE01EF)
CJK = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
SEPARATORS = {"\u2028": "a line separator", "\u2029": "a paragraph separator"}
# In a one-line text: what each is, and what to do.
ONE_LINE_BREAKS = {"\n": ("a line break", "write it on one line"), "\r": ("a line break", "write it on one line"),
                   "\t": ("a tab", "write a space instead")}

WITHOUT = "write it without it"


def text_problem(field: str, value: str, *, one_line: bool) -> str | None:
    """What is wrong with `value`, typed into `field` (named as the message's subject: "the title"), in a
    sentence that says what to do; None when it may be kept. Only the first character refused is named."""
    for at, char in enumerate(value):
        # Every character refused is one Python calls unprintable (categories C and Z but the space): a cheap
        # first look, as a follow-up runs to 50,000 characters.
        found = _refused(value, at, one_line) if not char.isprintable() or _within(ord(char), IGNORABLE) else None
        if found is not None:
            what, why, advice = found
            return f"{field} holds {what} (U+{ord(char):04X}) at character {at + 1}{why}: {advice}"
    return None


def _refused(value: str, at: int, one_line: bool) -> tuple[str, str, str] | None:
    """(what the character at `at` is, why it may not stay, what to do), or None when it may stay."""
    char = value[at]
    if char in ONE_LINE_BREAKS and one_line:
        what, advice = ONE_LINE_BREAKS[char]
        return what, "", advice
    if char in ("\n", "\t") or (char == "\r" and value[at + 1:at + 2] == "\n"):
        return None
    category = unicodedata.category(char)
    if category == "Cc":
        return "a control character", "", WITHOUT
    if category == "Cs":
        return "a broken character", " (a lone surrogate, half of a pair that makes one character)", WITHOUT
    if char in BIDI_CONTROLS:
        return BIDI_CONTROLS[char], ", which changes the order text is shown in", WITHOUT
    if char in SEPARATORS:
        return SEPARATORS[char], ", which breaks the line in some places and not in others", (
            "write it on one line" if one_line else "break the line with Enter instead")
    if char in JOINERS:
        if 0 < at < len(value) - 1 and _joinable(value[at - 1]) and _joinable(value[at + 1]):
            return None
        return JOINERS[char], (", which is invisible and only belongs between two letters of a script such as "
                               "Persian or Devanagari, or inside an emoji"), WITHOUT
    if char == "\u00ad":
        return "a soft hyphen", ", which shows only where a line wraps", WITHOUT
    if char in INVISIBLE or category == "Cf":
        return INVISIBLE.get(char, "a format character"), ", which cannot be seen", WITHOUT
    if _within(ord(char), IGNORABLE):
        if at > 0 and _selects(value, at):
            return None
        return "an invisible character", ", which cannot be seen", WITHOUT
    return None


def _within(code: int, ranges) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _selects(value: str, at: int) -> bool:
    """The variation selector at `at` chooses a form of the character before it: an emoji's (a symbol, or a
    keycap's digit, # or * when U+20E3 follows) or a CJK ideograph's. One only: a second one follows a selector,
    not a base, and is refused."""
    base, selector = value[at - 1], value[at]
    if selector in EMOJI_SELECTORS:
        return unicodedata.category(base) in ("So", "Sk") or (base in "0123456789#*"
                                                               and value[at + 1:at + 2] == "\u20e3")
    return _within(ord(selector), (IDEOGRAPHIC_SELECTORS,)) and _within(ord(base), CJK)


def _joinable(char: str) -> bool:
    """A neighbour a zero-width (non-)joiner may stand by: a letter, mark or symbol outside ASCII."""
    category = unicodedata.category(char)
    return ord(char) > 0x7F and (category[0] in "LM" or category in ("So", "Sk"))
