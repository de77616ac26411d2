"""What an audit does with a client-rendered page (see :mod:`audit.extract.shell`).

A flagged page is never scored as if its copy were read. When its server data carries the copy
plainly (:mod:`audit.extract.datablob`), that copy is used and the page is analysed as usual;
otherwise the piece is marked ``needs_render`` (every report shows "client-rendered: copy not
read"), or, with nothing at all to read, becomes an error beginning ``client-rendered``.
"""

from __future__ import annotations

from ..extract.datablob import next_data_sections
from ..extract.shell import check_shell
from ..models import CHROME_ROLES, Piece
from ..report.unread import NOT_READ


def mark_shell(piece: Piece, html: str) -> str | None:
    """Check a fetched page; update ``piece`` (its meta, or its sections from server data).
    Returns the error text for a flagged page, which the caller uses when no text is left."""
    check = check_shell(html, piece.sections)
    if not check.needs_render:
        return None
    piece.meta["shell"] = check.reason
    blob = next_data_sections(html)
    if blob:
        head = [s for s in piece.sections if s.role in ("title", "meta")]
        chrome = [s for s in piece.sections if s.role in CHROME_ROLES]
        piece.sections = head + blob + chrome
        piece.meta["copy_from"] = "__NEXT_DATA__"
        return None
    piece.meta["needs_render"] = True
    return f"{NOT_READ} ({check.reason})"
