"""The copy in a Markdown or MDX page's YAML front matter, and where each value is.

Static-site front matter mixes copy (title, description, summary, headings, a call to action)
with machinery (dates, slugs, layout, tags, image paths, draft flags). Only the copy fields
are read; the rest is never counted as words or cues. Values are found by line, with their
offsets, so that :mod:`audit.report.locate` can point at them in the file: ``key: value``,
``key: [a, b]`` and a block list of ``- item`` lines, quoted or not.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: Field -> the section role its value is read as.
COPY_FIELDS: dict[str, str] = {
    "title": "title", "headline": "headline", "subtitle": "hero", "subheading": "hero",
    "description": "meta", "summary": "meta", "excerpt": "meta", "subject": "subject",
    "heading": "heading", "headings": "heading", "cta": "cta",
}
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
_ITEM = re.compile(r"^[ \t]+-[ \t]+(.*?)[ \t]*$")
_FLOW_ITEM = re.compile(r"\"([^\"]*)\"|'([^']*)'|([^,\[\]\"']+)")


class FrontValue(NamedTuple):
    role: str
    text: str
    start: int  # offsets of the value (inside its quotes) in the whole file
    end: int


def _scalar(raw: str, at: int) -> tuple[str, int, int] | None:
    """A value without its quotes, and its offsets; None for an empty one or a block marker."""
    if not raw or raw in ("|", ">", "|-", ">-", "|+", ">+") or raw.startswith("#"):
        return None
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1], at + 1, at + len(raw) - 1
    raw = re.split(r"[ \t]+#", raw, maxsplit=1)[0]  # a trailing comment
    return raw, at, at + len(raw)


def copy_values(block: str, offset: int = 0) -> list[FrontValue]:
    """The copy fields' values in a front-matter block (the text between the ``---`` lines),
    which starts at ``offset`` in the file."""
    out: list[FrontValue] = []
    role: str | None = None  # the copy field whose block list may follow
    pos = 0
    for raw_line in block.split("\n"):
        at = offset + pos
        pos += len(raw_line) + 1
        line = raw_line.rstrip("\r")
        key = _KEY.match(line)
        if key:
            name = key.group(1).lower()
            role = COPY_FIELDS.get(name)
            if role is None:
                continue
            raw, vat = key.group(2), at + key.start(2)
            if raw.startswith("[") and raw.endswith("]"):
                for m in _FLOW_ITEM.finditer(raw, 1, len(raw) - 1):
                    g = next(i for i in (1, 2, 3) if m.group(i) is not None)
                    text = m.group(g).strip()
                    if text:
                        s = vat + m.start(g) + (len(m.group(g)) - len(m.group(g).lstrip()))
                        out.append(FrontValue(role, text, s, s + len(text)))
                role = None
            elif (value := _scalar(raw, vat)) is not None:
                out.append(FrontValue(role, *value))
                role = None
            continue
        item = _ITEM.match(line)
        if item and role is not None and (value := _scalar(item.group(1), at + item.start(1))):
            out.append(FrontValue(role, *value))
        elif line.strip() and not line[:1].isspace():
            role = None
    return [v for v in out if v.text.strip()]
