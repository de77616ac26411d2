"""Text from pages, emails, file names and packs, made safe to print on a terminal.

A page title or email subject can carry terminal control sequences: clear the screen, set the
window title, plant an OSC 8 hyperlink that shows one address and opens another, or reverse the
text with bidi overrides. Every terminal renderer (check's text output, report's table, the
progress lines, the CLI's messages) passes untrusted text through :func:`safe` (or the whole
report through :func:`safe_tree`): escape sequences are dropped whole, other C0/C1 controls and
bidi controls are dropped, and line breaks and tabs become spaces unless the caller keeps them.
"""

from __future__ import annotations

import re
from typing import Any

#: ESC sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings and
#: two-character escapes; also their 8-bit forms (CSI U+009B, OSC U+009D ...).
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
)
#: Controls other than tab and line feed, DEL, C1, and the bidi marks, embeddings, overrides
#: and isolates (U+061C, U+200E/F, U+202A-E, U+2066-9).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LAYOUT = re.compile(r"[\t\n]")


def safe(text: object, *, keep_layout: bool = False) -> str:
    """``text`` as a string without terminal controls. ``keep_layout`` keeps tabs and line
    feeds (for multi-line output the renderer laid out itself); otherwise they become spaces."""
    out = str(text)
    if out.isprintable():  # the common case: nothing to do
        return out
    out = _CONTROL.sub("", _SEQUENCE.sub("", out))
    return out if keep_layout else _LAYOUT.sub(" ", out)


def safe_tree(value: Any) -> Any:
    """A copy of a report (dicts, lists, strings, numbers) with every string made :func:`safe`."""
    if isinstance(value, str):
        return safe(value)
    if isinstance(value, dict):
        return {safe_tree(k): safe_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [safe_tree(v) for v in value]
    return value
