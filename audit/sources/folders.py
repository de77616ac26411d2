"""The files under a folder the user named, for every command that walks one.

Hidden files and folders (a name starting with ".": .git, .DS_Store, .cache) are left out, but
only below the folder given: the path typed to reach it may well have dot parts of its own
(``..``, ``../inputs``, ``.github/content``), and those say nothing about the files in it.
"""

from __future__ import annotations

import errno
import os
import shlex
import stat
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..models import InputProblem


@dataclass(slots=True)
class Walk:
    """A folder walked: its files (sorted), and what under it could not be read (a folder
    that may not be listed, an entry that may not be looked at), each with the reason."""

    files: list[Path] = field(default_factory=list)
    unreadable: list[InputProblem] = field(default_factory=list)


def walk_folder(folder: Path, suffixes: Collection[str] | None = None) -> Walk:
    """The files under ``folder`` (recursive, sorted; symbolic links to folders not followed,
    as before), hidden ones below it left out; only those whose lower-cased suffix is in
    ``suffixes`` when it is given. A subfolder or file that cannot be read is named in
    ``unreadable`` rather than stopping the walk or vanishing from it."""
    walk = Walk()

    def refused(exc: OSError) -> None:
        walk.unreadable.append(InputProblem(str(exc.filename or folder),
                                            f"cannot read this folder ({_why(exc)})"))

    for root, dirs, names in os.walk(folder, onerror=refused):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            path = Path(root) / name
            if name.startswith(".") or (suffixes is not None
                                        and path.suffix.lower() not in suffixes):
                continue
            try:
                if not stat.S_ISREG(path.stat().st_mode):
                    continue
            except FileNotFoundError:
                continue  # a link to nothing, or gone since it was listed
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    continue  # a link that goes round in a circle leads to no file
                walk.unreadable.append(InputProblem(str(path), f"cannot read ({_why(exc)})"))
                continue
            walk.files.append(path)
    walk.files.sort()
    return walk


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def count_by_suffix(files: Iterable[Path]) -> str:
    """"2 .csv, 1 .md and 1 .txt files": how many files of each kind, in a few words."""
    counts = Counter(p.suffix.lower() or "(no extension)" for p in files)
    parts = [f"{n} {suffix}" for suffix, n in sorted(counts.items())]
    if not parts:
        return "no files"
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"{listed} file{'s' if sum(counts.values()) > 1 else ''}"


#: What ``audit`` reads in a folder: emails and pages.
AUDITED = {".eml": "emails", ".mbox": "emails", ".html": "html", ".htm": "html"}
#: Files ``audit`` passes by in a folder that another command reads, so a notice says so
#: (images, styles and scripts go unmentioned): drafts for ``check``, exports, lists and
#: sitemaps for ``audit`` given them by name.
_DRAFTS = {".txt", ".text", ".md", ".markdown", ".mdx", ".xhtml"}
_NAMED = {".csv", ".tsv", ".xml", ".gz"}


@dataclass(slots=True)
class AuditFolder:
    """A folder as ``audit`` reads it: its emails and pages, why it gives none (``problem``),
    and what in it was left out and how to read that instead (``skipped``)."""

    emails: list[Path] = field(default_factory=list)
    html: list[Path] = field(default_factory=list)
    #: Subfolders and files under it that could not be read, each named.
    unreadable: list[InputProblem] = field(default_factory=list)
    problem: str | None = None
    skipped: str | None = None


def audit_folder(folder: Path) -> AuditFolder:
    """Sort a folder's files for ``audit``: .eml and .mbox, .html and .htm; the drafts, exports,
    lists and sitemaps beside them are named, with the command that reads them."""
    found = AuditFolder()
    left: list[Path] = []
    walk = walk_folder(folder, AUDITED.keys() | _DRAFTS | _NAMED)
    found.unreadable = walk.unreadable
    for path in walk.files:
        kind = AUDITED.get(path.suffix.lower())
        if kind == "emails":
            found.emails.append(path)
        elif kind == "html":
            found.html.append(path)
        elif path.suffix.lower() in _DRAFTS | _NAMED:
            left.append(path)
    how = _how_to_read(folder, left)
    if not found.emails and not found.html and not found.unreadable:
        found.problem = "folder has no .eml, .mbox or .html files" + (
            f" (it holds {count_by_suffix(left)}: {how})" if left else "")
    elif left:
        found.skipped = (f"not audited: {count_by_suffix(left)} (a folder is audited for its "
                         f".eml, .mbox and .html files; {how})")
    return found


def _how_to_read(folder: Path, left: list[Path]) -> str:
    suffixes = {p.suffix.lower() for p in left}
    ways = []
    if suffixes & _DRAFTS:
        ways.append(f"check drafts with `antipersona check {shlex.quote(str(folder))}`")
    if suffixes & _NAMED:
        ways.append("name an ad export, URL list or sitemap on its own: "
                    "`antipersona audit FILE`")
    return "; ".join(ways)
