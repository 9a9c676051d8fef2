"""Text from documents made safe to show: nothing in it may act on the terminal or the eye.

A document, a file name or a record's title can hold terminal escape sequences (``ESC[2J``
clears the screen, ``ESC]0;…BEL`` retitles the window, others remap keys on some terminals),
other control characters, and Unicode bidirectional controls: ``evil\\u202etxt.exe`` is shown
as "evilexe.txt" by anything that honours the right-to-left override. Every string from a
document goes through ``visible`` (or ``markup`` for rich) before the CLI prints it, and the
workbench's templates pass every value through it (``web/templating.py``).

    visible("red \\x1b[31m")          -> 'red ␛[31m'
    visible("evil\\u202etxt.exe")     -> 'evil⟨RLO⟩txt.exe'
    visible("two\\nlines.txt")        -> 'two␤lines.txt'
    visible("two\\nlines", multiline=True) -> 'two\\nlines'
"""

from __future__ import annotations

import re

# Bidirectional formatting characters (Unicode's "Bidi_Control"), by their usual names.
BIDI = {
    "\u061c": "ALM",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
_OTHER = {
    "\u2028": "LSEP",  # line and paragraph separators: some terminals break the line
    "\u2029": "PSEP",
    "\ufeff": "BOM",
}

# C0 controls, DEL, C1 controls, the bidi controls and the separators above.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(BIDI) + "".join(_OTHER) + "]")


def _shown(char: str, multiline: bool) -> str:
    if multiline and char in "\n\t":
        return char
    if char == "\t":
        return " "
    if char in BIDI:
        return f"⟨{BIDI[char]}⟩"
    if char in _OTHER:
        return f"⟨{_OTHER[char]}⟩"
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode's control pictures: ␛ ␇ ␍ ␤ ...
    if code == 0x7F:
        return "␡"
    return f"⟨{code:02X}⟩"  # C1 controls have no pictures


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control character and bidi control shown as a visible symbol.
    Newlines and tabs are kept with ``multiline``; otherwise a newline shows as ␤ and a tab
    as a space, so one value stays on one line. (A lone ``\\n`` as ␤ is U+2424.)"""
    if not _UNSAFE.search(text):
        return text
    if not multiline:
        text = text.replace("\r\n", "\n")
    return _UNSAFE.sub(lambda m: _shown(m.group(0), multiline), text).replace("␊", "␤")


def markup(text: str, *, multiline: bool = True) -> str:
    """``visible`` text escaped for rich's console markup (``[red]`` printed as it is)."""
    from rich.markup import escape

    return escape(visible(text, multiline=multiline))


def has_unsafe(text: str) -> bool:
    return bool(_UNSAFE.search(text))


def line(text: str) -> str:
    """One line of rich markup: ``visible`` text (newlines as ␤), rich's markup escaped."""
    return markup(text, multiline=False)
