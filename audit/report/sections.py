"""`extract` as text: each piece's sections in reading order, with their roles, chrome marked.

Plain lines that read at 80 columns: a role column, then the text wrapped under itself, so a
user can see at a glance which words were read as the page's copy and which as site chrome.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any, TextIO

from ..termsafe import safe
from .warned import warning_text

_ROLE_WIDTH = 10


def render_sections(result: Mapping[str, Any], out: TextIO, *, width: int = 80) -> None:
    """Write every piece of an ``extract`` result as role-tagged, wrapped lines."""
    text_width = max(20, width - _ROLE_WIDTH - 5)
    for i, piece in enumerate(result.get("pieces", [])):
        sections = piece.get("sections", [])
        chrome = sum(1 for s in sections if s.get("chrome"))
        if i:
            out.write("\n")
        out.write(f"{safe(piece.get('source', ''))}  [{safe(piece.get('channel', ''))}]  "
                  f"{len(sections)} sections, {chrome} chrome (not counted as the page's copy)\n")
        for sec in sections:
            mark = "~" if sec.get("chrome") else " "
            lines = textwrap.wrap(safe(sec.get("text", "")), text_width) or [""]
            role = safe(sec.get("role", ""))[:_ROLE_WIDTH]
            out.write(f"  {role:<{_ROLE_WIDTH}}{mark}│ {lines[0]}\n")
            for line in lines[1:]:
                out.write(f"  {'':<{_ROLE_WIDTH}}{mark}│ {line}\n")
    if result.get("pieces"):
        out.write("\n~ marks site chrome (navigation, header, footer, sidebars, banners):\n"
                  "  it counts little, and once per site.\n")
    for warning in result.get("warnings", ()):
        out.write(f"warning: {warning_text(warning)}\n")
