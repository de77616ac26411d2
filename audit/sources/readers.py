"""Files and stdin for ``antipersona check``: txt, md, mdx, html, eml -> Piece, or one clear error.

Every failure is an :class:`InputError` naming the file (missing, a folder, unreadable, empty,
too large, binary, undecodable), so the CLI prints one line and goes on with the next input.
Mail is known by its header lines, on stdin too; what ``audit`` reads and ``check`` does not
(a mailbox of several messages, an ad export, a URL list) is refused with the command to use.
"""

from __future__ import annotations

import io
import os
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError, NoCopy, NotADraft
from ..extract.textsplit import looks_like_markdown, split_markdown, split_plain
from ..models import Piece
from .decode import decode_bytes, looks_binary
from .folders import walk_folder

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdx"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
EMAIL_SUFFIXES = {".eml"}
CHECKABLE = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | EMAIL_SUFFIXES
#: Given by name, these are not drafts: a mailbox is read when it holds one message, and an ad
#: export or URL list is sent to ``audit`` (see piece_from_bytes).
MBOX_SUFFIXES = {".mbox"}
TABLE_SUFFIXES = {".csv", ".tsv"}
_PLATFORMS = {"google": "Google Ads", "meta": "Meta Ads Manager",
              "linkedin": "LinkedIn Campaign Manager"}


def _size(n: int) -> str:
    """A file size as people read it: "820 bytes", "14.2 KB", "25.0 MB"."""
    if n < 1000:
        return f"{n:,} bytes"
    return f"{n / 1e3:.1f} KB" if n < 1_000_000 else f"{n / 1e6:.1f} MB"


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        if path.is_dir():
            try:
                with os.scandir(path) as entries:
                    next(entries, None)
            except PermissionError as exc:
                raise InputError(str(path), "permission denied (a folder)") from exc
            raise InputError(str(path), "is a folder with no .txt, .md, .html or .eml files in it")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(str(path), f"file is {_size(size)}, over the {_size(max_bytes)} limit")
        with path.open("rb") as fh:
            return fh.read(max_bytes + 1)
    except FileNotFoundError as exc:
        if str(path).startswith(("http:/", "https:/")):  # the path has lost a slash by now
            raise InputError(str(path).replace(":/", "://", 1), "check reads files and drafts; "
                             "audit a web page with `antipersona audit URL`") from exc
        raise InputError(str(path), "no such file") from exc
    except PermissionError as exc:
        raise InputError(str(path), "permission denied") from exc
    except IsADirectoryError as exc:
        raise InputError(str(path), "is a folder") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from exc


def piece_from_bytes(data: bytes, source: str, *, channel: str | None, kind: str = "auto",
                     max_bytes: int = 20_000_000) -> Piece:
    """Turn raw bytes into a piece; ``kind`` is text, markdown, mdx, html, eml, mbox, table
    (a .csv/.tsv) or auto (sniffed: a mailbox or an email by its header lines, else by its
    text)."""
    if len(data) > max_bytes:
        raise InputError(source, f"input is over the {max_bytes / 1e6:.0f} MB limit")
    if not data.strip():
        raise InputError(source, "empty input, nothing to check")
    if looks_binary(data):
        # decode_bytes names the kind of binary (PDF, PNG...) in its message.
        decode_bytes(data, source)
        raise InputError(source, "binary file, not text")
    if kind in ("auto", "eml"):  # an .eml that is a whole mailbox is one too
        kind = sniff_bytes(data, default=kind)
    if kind == "mbox":
        data = _lone_message(data, source)
        kind = "eml"
    if kind == "eml":
        from .emails import eml_to_piece

        piece = eml_to_piece(data, source)
        if channel:
            piece.channel = channel
        return piece
    if kind == "table":
        _refuse_audit_table(data, source)
        kind = "text"
    text = decode_bytes(data, source)
    if not text.strip():
        raise InputError(source, "empty input, nothing to check")
    if kind == "auto":
        kind = sniff(text)
    if kind in ("text", "markdown"):
        from .lists import looks_like_url_list  # with lxml, for sitemaps: not for every draft

        if looks_like_url_list(text):
            raise _not_a_draft(source, "a URL list", "the pages it lists")
    if kind == "html":
        from ..extract.html import html_to_piece

        piece = html_to_piece(text, source, channel=channel or "landing")
    elif kind in ("markdown", "mdx"):
        piece = Piece(source=source, sections=split_markdown(text, mdx=kind == "mdx"),
                      channel=channel or "draft")
    else:
        piece = Piece(source=source, sections=split_plain(text), channel=channel or "draft")
    if not any(s.text.strip() for s in piece.sections):
        raise NoCopy(source, "no readable copy found in it")
    return piece


def sniff_bytes(data: bytes, default: str = "auto") -> str:
    """"mbox" or "eml" for mail, told by its first lines whatever its name (stdin, a .txt),
    else ``default``."""
    from .emails import looks_like_email
    from .mbox import starts_with_separator

    if starts_with_separator(data):
        return "mbox"
    return "eml" if looks_like_email(data) else default


def _audit_hint(source: str) -> str:
    """How to give this input to ``audit`` instead, as a command to paste."""
    if source == "<stdin>":
        return "save it to a file and run `antipersona audit FILE`"
    return f"run `antipersona audit {shlex.quote(source)}`"


def _not_a_draft(source: str, what: str, audited: str) -> NotADraft:
    return NotADraft(source, f"{what}, not a draft: to audit {audited}, {_audit_hint(source)}")


def _lone_message(data: bytes, source: str) -> bytes:
    """The one message of a mailbox; a mailbox of several is refused (``check`` reports one
    piece per input, ``audit`` one per message)."""
    from .emails import MAX_MESSAGE
    from .mbox import MessageTooLarge, split_mbox_lines

    count = 0
    first = b""
    try:
        for count, message in enumerate(split_mbox_lines(io.BytesIO(data),
                                                         max_message=MAX_MESSAGE), start=1):
            if count == 1:
                first = message
    except MessageTooLarge as exc:
        raise InputError(source, str(exc)) from None
    if count == 0:
        raise InputError(source, "the mailbox holds no messages, nothing to check")
    if count > 1:
        raise InputError(source, f"a mailbox of {count} messages, not one email: to audit "
                                 f"every message, {_audit_hint(source)}")
    return first


def table_kind(data: bytes, source: str) -> tuple[str, str] | None:
    """What ``audit`` reads a .csv/.tsv as: ("ads", platform) for an ad export (its "Final
    URL" column is not a list of pages to fetch), ("urls", "") for a URL list, by the columns
    the list reader takes URLs from, or None for neither. InputError when it cannot be
    decoded."""
    from .ads import export_layout
    from .lists import has_url_column

    layout = export_layout(data, source)
    if layout is not None:
        return "ads", _PLATFORMS[layout.platform]
    return ("urls", "") if has_url_column(decode_bytes(data, source)) else None


def _refuse_audit_table(data: bytes, source: str) -> None:
    """An ad export or a URL list is refused, naming the command that reads it; any other
    .csv is read as text."""
    try:
        kind = table_kind(data, source)
    except InputError:
        return  # the text reader names the problem
    if kind is not None and kind[0] == "ads":
        raise _not_a_draft(source, f"an ad export ({kind[1]} layout)", "each ad in it")
    if kind is not None:
        raise _not_a_draft(source, "a URL list", "the pages it lists")


def sniff(text: str) -> str:
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head):
        return "html"
    if looks_like_markdown(text):
        return "markdown"
    return "text"


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in MBOX_SUFFIXES or path.name.lower() == "mbox":
        return "mbox"
    if suffix in TABLE_SUFFIXES:
        return "table"
    if suffix == ".mdx":
        return "mdx"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in EMAIL_SUFFIXES:
        return "eml"
    return "auto"


def read_piece(path: Path, *, channel: str | None = None, max_bytes: int = 20_000_000) -> Piece:
    data = _read_bytes(path, max_bytes)
    ch = channel or ("email" if path.suffix.lower() == ".eml" else None)
    return piece_from_bytes(data, str(path), channel=ch, kind=kind_of(path), max_bytes=max_bytes)


def read_stdin(*, channel: str | None = None, max_bytes: int = 20_000_000) -> Piece:
    data = sys.stdin.buffer.read(max_bytes + 1)
    return piece_from_bytes(data, "<stdin>", channel=channel, max_bytes=max_bytes)


def read_input(item: Path | str, *, channel: str | None = None,
               max_bytes: int = 20_000_000) -> Piece:
    """A file or '-' (stdin) as a piece; InputError naming it for anything unreadable,
    including markup or MIME parts nested thousands of levels deep."""
    try:
        if item == "-":
            return read_stdin(channel=channel, max_bytes=max_bytes)
        return read_piece(Path(item), channel=channel, max_bytes=max_bytes)
    except RecursionError:
        raise InputError("<stdin>" if item == "-" else str(item),
                         "nested too deeply to read (thousands of levels of parts or "
                         "elements)") from None


def expand_paths(args: list[str]) -> Iterator[Path | str]:
    """Files as given; folders walked for checkable files (sorted); '-' stays as stdin."""
    for arg in args:
        if arg == "-":
            yield "-"
            continue
        path = Path(arg)
        try:
            is_dir = path.is_dir()
        except OSError:
            is_dir = False  # reading it says why it cannot be read
        if is_dir:
            walk = walk_folder(path, CHECKABLE - {""})
            if not walk.files and not walk.unreadable:
                yield path  # reported as "a folder with nothing to check"
            # what could not be read is read again, in order, so it is named like any bad file
            yield from sorted([*walk.files, *(Path(p.source) for p in walk.unreadable)])
        else:
            yield path
