"""Split plain text and Markdown drafts into role-tagged sections.

Copywriters paste drafts without markup, so the first line is taken as a headline when it
looks like one (short, no closing full stop, followed by more text), "Subject:" and
"Preheader:" lines of a pasted email become their sections, and Markdown headings, button-like
links and bold one-line calls to action are recognised.
"""

from __future__ import annotations

import re

from ..models import Section

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK_ONLY = re.compile(r"^\s*(?:[-*]\s*)?\[([^\]]+)\]\([^)]*\)\s*(?:\{[^}]*\})?\s*$")
#: A link or image in body text, kept as its text; bounded so an unclosed "[" is read once.
_MD_LINK = re.compile(r"!?\[([^\]]{0,300})\]\([^)]{0,1000}\)")
#: Emphasis spans are short: bounded, a line of unclosed "*" or "_" is read once, not from each.
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.{1,300}?)(?<=\S)\1")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*$")
_FIELD = re.compile(r"^(subject|preheader|preview|headline|title|cta|call to action)\s*:\s*(.+)$",
                    re.IGNORECASE)
_FIELD_ROLE = {"subject": "subject", "preheader": "preheader", "preview": "preheader",
               "headline": "headline", "title": "title", "cta": "cta", "call to action": "cta"}
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_QUOTE = re.compile(r"^(?:>\s?)+")
_TASK_BOX = re.compile(r"^\[[ xX]\]\s+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
#: Markdown parts that are not copy (shared with report.locate, which skips them in files).
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
#: An unclosed fence or comment runs to the end of the text, as Markdown and HTML read it, so a
#: page of unclosed openers is read once rather than from each opener to the end (quadratic).
CODE_FENCE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
MD_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_CTA_WORDS = re.compile(
    r"^(start|get|try|book|join|sign up|create|download|request|schedule|buy|shop|claim|"
    r"contact|talk|see|learn more|subscribe|register|order|reserve|grab|upgrade)\b",
    re.IGNORECASE,
)


def looks_like_headline(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 14 and not line.rstrip().endswith((".", ",", ";", ":")) \
        and len(line) <= 120


def _clean_md(text: str) -> str:
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _MD_EMPHASIS.sub(lambda m: m.group(2), text)
    return " ".join(text.split())


#: A line this long that stops mid-sentence was wrapped by the writer's editor or mail client.
_WRAP_CHARS = 60


def _join_lines(lines: list[str]) -> str:
    """A plain paragraph's lines as one text. A line that goes on from the one before (that one
    ends in a comma or a colon, stops mid-sentence at wrapping width, or the line starts in lower
    case) is joined with a space; any other keeps its line break, so that lines pasted from a
    page's separate elements ("Avoid lock-in" / "Start free, upgrade later") are separate
    sentences, and a negation or a definition on one does not run into the next."""
    out: list[str] = []
    for line in lines:
        line = " ".join(line.split())
        if out:
            prev = out[-1]
            goes_on = prev.endswith((",", ":")) or line[:1].islower() or (
                len(prev) >= _WRAP_CHARS and not prev.endswith((".", "!", "?", "…")))
            out.append(" " if goes_on else "\n")
        out.append(line)
    return "".join(out)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def split_plain(text: str) -> list[Section]:
    """Paragraphs as body; leading Subject:/Preheader: fields; first line as headline if apt."""
    sections: list[Section] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Leading "Subject: ..." style fields of a pasted email or ad.
    while lines and (m := _FIELD.match(lines[0].strip())):
        sections.append(Section(_FIELD_ROLE[m.group(1).lower()], m.group(2).strip()))
        lines.pop(0)
    rest = "\n".join(lines).strip("\n")
    paras = _paragraphs(rest)
    if paras and not any(s.role in ("subject", "headline", "title") for s in sections):
        first_line, _, remainder = paras[0].partition("\n")
        if looks_like_headline(first_line) and (remainder.strip() or len(paras) > 1):
            sections.append(Section("headline", first_line.strip()))
            paras = ([remainder.strip()] if remainder.strip() else []) + paras[1:]
    for para in paras:
        sections.extend(_para_sections(para, markdown=False))
    return sections


def _para_sections(para: str, *, markdown: bool) -> list[Section]:
    out: list[Section] = []
    lines = [ln for ln in para.split("\n") if ln.strip()]
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            if markdown:
                out.append(Section("body", _clean_md(" ".join(buffer))))
            else:
                out.append(Section("body", _join_lines(buffer)))
            buffer.clear()

    for line in lines:
        stripped = line.strip()
        if markdown:
            stripped = _QUOTE.sub("", stripped)  # a quote's words are copy; its ">" is not
            if _TABLE_RULE.match(stripped):
                continue
            if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
                # A table row is a line of its own, its cells apart ("Team · SSO").
                flush()
                cells = [c.strip() for c in stripped[1:-1].split("|") if c.strip()]
                if cells:
                    out.append(Section("body", _clean_md(" · ".join(cells))))
                continue
        field = _FIELD.match(stripped)
        if field and field.group(1).lower() in ("cta", "call to action"):
            flush()
            out.append(Section("cta", field.group(2).strip()))
        elif markdown and (link := _LINK_ONLY.match(stripped)):
            flush()
            out.append(Section("cta", _clean_md(link.group(1))))
        elif markdown and (bold := _BOLD_LINE.match(stripped)) and _CTA_WORDS.match(bold.group(2)):
            flush()
            out.append(Section("cta", _clean_md(bold.group(2))))
        elif _LIST_ITEM.match(stripped):
            flush()
            item = _LIST_ITEM.sub("", stripped, count=1)
            out.append(Section("body", _clean_md(_TASK_BOX.sub("", item)) if markdown else item))
        else:
            buffer.append(stripped)
    flush()
    return out


def split_markdown(text: str, *, mdx: bool = False) -> list[Section]:
    """Markdown: front matter copy fields (see :mod:`.frontmatter`), headings (first H1 =
    headline), CTAs, body paragraphs. ``mdx``: imports, exports, JSX tags and expressions are
    blanked first (see :mod:`.mdx`)."""
    from .frontmatter import copy_values

    text = text.replace("\r\n", "\n")
    if mdx:
        from .mdx import blank_mdx

        text = blank_mdx(text)
    sections: list[Section] = []
    fm = FRONT_MATTER.match(text)
    if fm:
        sections += [Section(v.role, v.text) for v in copy_values(fm.group(1))]
        text = text[fm.end():]
    text = CODE_FENCE.sub("", text)  # code is not copy
    text = MD_COMMENT.sub("", text)
    seen_h1 = False
    block: list[str] = []

    def flush() -> None:
        if block:
            sections.extend(_para_sections("\n".join(block), markdown=True))
            block.clear()

    for line in text.split("\n"):
        heading = _HEADING.match(line.strip())
        if heading:
            flush()
            level = len(heading.group(1))
            role = "headline" if level == 1 and not seen_h1 else "heading"
            seen_h1 = seen_h1 or level == 1
            if heading.group(2).strip():
                sections.append(Section(role, _clean_md(heading.group(2))))
        elif not line.strip():
            flush()
        else:
            block.append(line)
    flush()
    return sections


#: A Markdown link, its text and target on one line and of bounded length: unbounded, every
#: "[" of a pasted page without a closing "]" would be read to the end of the text (quadratic).
_MD_LINK_LINE = re.compile(r"\[[^\]\n]{1,300}\]\([^)\n]{1,1000}\)")
_MD_HEADING = re.compile(r"^#{1,6}\s+\S", re.MULTILINE)


def looks_like_markdown(text: str) -> bool:
    return bool(_MD_HEADING.search(text) or _MD_LINK_LINE.search(text) or FRONT_MATTER.match(text))
