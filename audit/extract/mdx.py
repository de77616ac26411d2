"""MDX read like Markdown: what is code is not copy.

An MDX page is Markdown with JavaScript in it: ``import``/``export`` blocks, JSX tags with
their attributes (``<Pricing plan="enterprise" sso />``) and ``{expressions}``. None of that is
words a visitor reads, so it is blanked out (each character but line breaks turned into a
space) before the page is split like Markdown: offsets and lines stay where they were, a JSX
tag on its own line becomes a blank line (a paragraph break), and the text between a
component's tags (``<Callout>Start today</Callout>``) stays copy. The same spans are what
:mod:`audit.report.locate` skips in an ``.mdx`` file.
"""

from __future__ import annotations

import re

from .textsplit import CODE_FENCE, FRONT_MATTER

#: An import/export statement at the start of a line: runs to the next blank line (MDX's rule).
_ESM = re.compile(r"^(?:import|export)\b.*?(?=\n[ \t]*\n|\Z)", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"(`+)[^`].{0,2000}?\1", re.DOTALL)  # bounded: see textsplit
_TAG_START = re.compile(r"<(?=[A-Za-z/>])")


def _skip_quoted(text: str, i: int) -> int:
    """Index after the string literal that starts at i (its quote), or the end of the text."""
    quote = text[i]
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == quote:
            return j + 1
        j += 1
    return len(text)


def _expression_end(text: str, i: int) -> int:
    """Index after the ``{...}`` that starts at i, braces and string literals respected."""
    depth = 0
    j = i
    while j < len(text):
        c = text[j]
        if c in "\"'`":
            j = _skip_quoted(text, j)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return len(text)


def _tag_end(text: str, i: int) -> int:
    """Index after the JSX tag that starts at i (its ``<``): quotes and ``{...}`` attributes
    may hold a ``>``."""
    j = i + 1
    while j < len(text):
        c = text[j]
        if c in "\"'":
            j = _skip_quoted(text, j)
            continue
        if c == "{":
            j = _expression_end(text, j)
            continue
        if c == ">":
            return j + 1
        j += 1
    return len(text)


def mdx_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every import/export block, JSX tag and expression, in file order; code
    (fenced or inline) and the front matter are left alone, as Markdown reads them."""
    body = 0
    fm = FRONT_MATTER.match(text)
    if fm:
        body = fm.end()
    protected = [m.span() for m in CODE_FENCE.finditer(text, body)]
    protected += [m.span() for m in _INLINE_CODE.finditer(text, body)]
    protected.sort()
    spans = [m.span() for m in _ESM.finditer(text, body)
             if not any(a <= m.start() < b for a, b in protected)]
    esm_ends = {a: b for a, b in spans}
    k = 0  # next protected span
    i = body
    while i < len(text):
        while k < len(protected) and protected[k][1] <= i:
            k += 1
        if k < len(protected) and protected[k][0] <= i:
            i = protected[k][1]
            continue
        if i in esm_ends:
            i = esm_ends[i]
            continue
        c = text[i]
        if c == "{":
            end = _expression_end(text, i)
        elif c == "<" and _TAG_START.match(text, i) and not text.startswith("<!--", i):
            end = _tag_end(text, i)
        else:
            i += 1
            continue
        spans.append((i, end))
        i = end
    return sorted(spans)


def blank_mdx(text: str) -> str:
    """The text with its MDX code blanked (line breaks kept, so offsets and lines hold)."""
    parts: list[str] = []
    last = 0
    for a, b in mdx_spans(text):
        parts.append(text[last:a])
        parts.append(re.sub(r"[^\n]", " ", text[a:b]))
        last = b
    parts.append(text[last:])
    return "".join(parts)
