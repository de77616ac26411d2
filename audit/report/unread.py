"""Client-rendered pages whose copy was not read, named in every report format.

Such a page's scores come from the little text its served HTML holds, so a report that only
listed scores would show a quietly low score. Each report names these pages instead with the
same words, "client-rendered: copy not read" (the JSON marks the piece ``needs_render``).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from rich.console import Console
from rich.text import Text

from .words import plural

NOT_READ = "client-rendered: copy not read"
SHOWN = 20


def unread_pieces(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in report.get("pieces", []) if p.get("needs_render")]


def why(piece: Mapping[str, Any]) -> str:
    """The one-line note for a piece: ``client-rendered: copy not read (#root mount point)``."""
    reason = (piece.get("meta") or {}).get("shell")
    return f"{NOT_READ} ({reason})" if reason else NOT_READ


def render_unread(report: Mapping[str, Any], console: Console) -> None:
    """The table report's list of unread pages (nothing when there are none)."""
    pieces = unread_pieces(report)
    if not pieces:
        return
    console.print(Text(f"{plural(len(pieces), 'page')} client-rendered: copy not read (audit them with "
                       "--render auto)", style="bold yellow"))
    for piece in pieces[:SHOWN]:
        console.print(Text(f"  {piece.get('source', '')}: {why(piece)}"), markup=False)
    console.print()


def unread_html(report: Mapping[str, Any]) -> str:
    """The HTML report's section for unread pages ("" when there are none)."""
    pieces = unread_pieces(report)
    if not pieces:
        return ""
    rows = "".join(f'<tr><td class="cell-src">{escape(str(p.get("source", "")))}</td>'
                   f'<td>{escape(why(p))}</td></tr>' for p in pieces[:SHOWN])
    return (f'<section><h2>Client-rendered: copy not read ({len(pieces)})</h2>'
            '<p class="muted">Their copy is written by JavaScript; audit them again with '
            '<code>--render auto</code>.</p><div class="scroll"><table class="data"><thead><tr>'
            f'<th>Source</th><th>Why</th></tr></thead><tbody>{rows}</tbody></table></div></section>')
