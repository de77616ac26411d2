"""Where a finding is, as review tools want it: a path relative to the working directory.

Code-scanning and review bots match findings to the files of a checkout by relative path
(GitHub code scanning resolves a SARIF ``uri`` against the repository root, reviewdog compares
``location.path`` with the diff). A crawled page is a URL and stays one: it is never turned into
something that looks like a file of the repository.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath
from urllib.parse import quote, urlsplit

#: Source name of standard input in reports.
STDIN = "<stdin>"
#: What a URI path may hold unescaped (RFC 3986 pchar and "/"); a backslash is not among them.
_URI_SAFE = "/!$&'()*+,;=:@~-._"


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def relative_path(source: str, cwd: Path | None = None) -> str:
    """The file's path relative to ``cwd`` (default: the working directory), ``..`` when it is
    outside; absolute only when there is no relative way (another Windows drive). Separators
    are the system's: on POSIX a backslash is part of a file name and stays one."""
    cwd = cwd or Path.cwd()
    path = Path(source)
    absolute = path if path.is_absolute() else cwd / path
    try:
        return os.path.relpath(absolute, cwd)
    except ValueError:
        return str(absolute)


def artifact_uri(source: str, cwd: Path | None = None) -> str:
    """A SARIF artifact URI: relative to ``cwd`` for a file inside it, a ``file://`` URI for one
    outside, the URL itself for a crawled page."""
    if is_url(source):
        return source
    rel = relative_path(source, cwd)
    if not rel.startswith(".." + os.sep) and rel != ".." and not PurePath(rel).is_absolute():
        uri = quote(PurePath(rel).as_posix(), safe=_URI_SAFE)
        # a first segment with a colon would read as a scheme ("a:b.md")
        return "./" + uri if ":" in uri.split("/", 1)[0] else uri
    absolute = Path(source) if Path(source).is_absolute() else (cwd or Path.cwd()) / source
    posix = Path(os.path.normpath(absolute)).as_posix()
    if re.match(r"[A-Za-z]:/", posix):  # a Windows drive
        posix = "/" + posix
    return "file://" + quote(posix, safe=_URI_SAFE)
