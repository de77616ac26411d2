"""Is this page a client-rendered shell? A cheap check run on every fetched page.

A page whose copy is written by JavaScript arrives as a mount point (``<div id="root">``) and
scripts. Read as served it is nearly blank, and scoring it would give a quiet low score for
copy that was never read. So a page is flagged when its own copy (head and site chrome aside)
is thin *and* scripts are there to write it, with one sign of a shell: an app mount point
(``#root``, ``#app``, ``#__next``, ``#___gatsby``, ``#svelte`` ...), a noscript notice asking
for JavaScript, or a lot of HTML for very little text. A server-rendered framework page (a
``#__next`` holding its copy) has plenty of copy and is not flagged; a thin page without
scripts is just thin.

Regular expressions over the markup, not a second parse: this runs on every page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import CHROME_ROLES, Section

#: Copy below this many words (outside the head and site chrome) is "thin".
THIN_WORDS = 40
#: "A lot of HTML for very little text": at least this many bytes of markup per character of
#: copy, on a page of at least MIN_HEAVY_BYTES.
HEAVY_RATIO = 40
MIN_HEAVY_BYTES = 4096
#: Roles read from the head, not the page body.
_HEAD_ROLES = frozenset({"title", "meta"})

_MOUNT_IDS = ("root", "app", "__next", "___gatsby", "svelte", "__nuxt", "q-app", "react-root",
              "app-root", "main-app", "application", "__docusaurus", "ember-app", "__remix")
_MOUNT = re.compile(
    r"<[a-z][\w-]*\b[^>]*?\bid\s*=\s*[\"']?(" + "|".join(map(re.escape, _MOUNT_IDS)) +
    r")[\"'\s>/]"
    r"|<(app-root|ng-app)\b|\bdata-reactroot\b|\bng-version\s*=|\bdata-server-rendered\b",
    re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_NOSCRIPT = re.compile(r"<noscript\b[^>]*>(.*?)</noscript\s*>", re.IGNORECASE | re.DOTALL)
_JS_NOTICE = re.compile(
    r"\b(?:enable|turn on|activate|allow)\s+(?:\w+\s+){0,2}javascript\b"
    r"|\bjavascript\s+(?:is\s+)?(?:required|disabled|needed|must be enabled)\b"
    r"|\b(?:requires?|needs?)\s+(?:\w+\s+){0,2}javascript\b",
    re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class ShellCheck:
    """What the check found: whether the page needs a browser to be read, and why."""

    needs_render: bool
    reason: str = ""
    #: Words of copy, counted up to THIN_WORDS (a page with more is not thin).
    words: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"needs_render": self.needs_render, "reason": self.reason, "words": self.words}


def copy_words(sections: Iterable[Section], enough: int | None = None) -> int:
    """Words of the page's own copy: not the head's title and description, not chrome.
    Counting stops once ``enough`` is reached: every fetched page is checked, and the count
    only matters for a thin one."""
    total = 0
    for s in sections:
        if s.role not in _HEAD_ROLES and s.role not in CHROME_ROLES:
            total += len(_WORD.findall(s.text))
            if enough is not None and total >= enough:
                break
    return total


def check_shell(html: str, sections: Iterable[Section]) -> ShellCheck:
    """Whether ``html`` (whose extracted ``sections`` are given) is a script-driven shell."""
    sections = list(sections)
    words = copy_words(sections, THIN_WORDS)
    if words >= THIN_WORDS:
        return ShellCheck(False, words=words)
    scripts = [m.group(1) for m in _SCRIPT.finditer(html)]
    if not any(_runs(attrs) for attrs in scripts):
        return ShellCheck(False, words=words)  # thin, but nothing would write more copy
    signs: list[str] = []
    mount = _MOUNT.search(html)
    if mount:
        name = mount.group(1) or mount.group(2)
        signs.append(f"#{name} mount point" if mount.group(1)
                     else f"<{name}> app element" if name else "framework mount point")
    notices = [_TAGS.sub(" ", m.group(1)) for m in _NOSCRIPT.finditer(html)]
    if any(_JS_NOTICE.search(n) for n in notices):
        signs.append("noscript notice asks for JavaScript")
    chars = sum(len(s.text) for s in sections if s.role not in _HEAD_ROLES)
    if len(html) >= MIN_HEAVY_BYTES and len(html) >= HEAVY_RATIO * max(chars, 1):
        signs.append(f"{len(html) // 1024} KB of HTML for {words} words")
    if not signs:
        return ShellCheck(False, words=words)
    return ShellCheck(True, "; ".join(signs), words)


def _runs(attrs: str) -> bool:
    """A script element that runs (not a JSON or template data block)."""
    kind = re.search(r"\btype\s*=\s*[\"']?([^\"'\s>]+)", attrs, re.IGNORECASE)
    if kind is None:
        return True
    value = kind.group(1).lower()
    return value in ("module", "text/javascript", "application/javascript", "text/ecmascript",
                     "application/ecmascript", "text/babel")
