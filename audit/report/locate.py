"""Where a phrase of a piece's analysed text is in the original file, as line and column.

Evidence offsets refer to the piece's analysed text (its sections joined), not to the file, so
the phrase is looked up in the file again. Only the parts of the file that are analysed count:
HTML comments, scripts, styles and tags (but their alt/content/value texts), Markdown code,
comments and link targets, and an email's other headers and unused MIME parts are skipped; the
words may be split by markup (``<b>request</b> a demo``). The k-th time a phrase occurs in the
analysed text maps to its k-th occurrence in those parts of the file. When that cannot be found
there is no region (an email subject: the Subject header's line) rather than a wrong line.
Phrases are matched as the engine reads them, after typography is normalised: ``don't`` in
the evidence finds ``don’t`` (or ``don&rsquo;t``) in the file, and soft hyphens or zero-width
characters inside a word do not hide it. Columns are UTF-16 code units (see
sarif.COLUMN_KIND); :meth:`SourceFile.utf8_position` gives reviewdog's UTF-8 byte columns.
"""

from __future__ import annotations

import email
import email.policy
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html.entities import html5
from pathlib import Path
from typing import Any

from ..analyze.typography import TABLE as _TYPOGRAPHY
from ..extract.frontmatter import copy_values
from ..extract.mdx import mdx_spans
from ..extract.textsplit import CODE_FENCE, FRONT_MATTER, MD_COMMENT

#: Between two words of a phrase: what the reader dropped or turned into a single space.
_SEPARATORS = {
    "text": r"\s+",
    "markdown": r"(?:\s|\]\([^()\s]*\)|[*_~`\[\]]|<[^<>]*>)+",
    "html": r"(?:\s|<[^<>]*>|&(?:nbsp|#0*160|#x0*a0);)+",
    # an email body: HTML or plain text, maybe quoted-printable (soft line breaks)
    "eml": r"(?:\s|<[^<>]*>|&(?:nbsp|#0*160|#x0*a0);|=\n)+",
}
_ALNUM_BEFORE = r"(?<![^\W_])"
_ALNUM_AFTER = r"(?![^\W_])"

#: A start tag, end tag, comment opener, doctype or processing instruction, quotes respected.
#: An unterminated one runs to the end of the file: every match that starts succeeds, so a
#: broken page costs one pass, not one pass per "<".
_TAG = re.compile(r"<[A-Za-z!/?](?:[^\"'>]++|\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z))*+(?:>|\Z)")
_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTR = re.compile(r"([^\s\"'<>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_TITLE = re.compile(r"<title\b[^>]*+>(.*?)</title\s*>", re.DOTALL | re.IGNORECASE)
_HEAD = re.compile(r"<head\b.*?(?:</head\s*>|\Z)", re.DOTALL | re.IGNORECASE)
_SOCIAL_META = ("og:title", "og:description", "twitter:title", "twitter:description")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_HTML_SKIPPED = re.compile(
    r"<(script|style|noscript|template|svg|math|iframe|object|textarea|select|datalist|canvas|"
    r"video|audio)\b[^>]*+(?:>.*?(?:</\1\s*>|\Z)|\Z)", re.DOTALL | re.IGNORECASE)
_MD_LINK_TARGET = re.compile(r"!?\[[^\]]*\](\([^)]*\))")
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_SUBJECT = re.compile(r"^subject[ \t]*:[ \t]*(.*(?:\n[ \t]+.*)*)", re.IGNORECASE | re.MULTILINE)


@dataclass(slots=True)
class SourceFile:
    """A piece's original file, ready to search: what is analysed, by zone."""

    text: str
    kind: str  # text | markdown | html | eml
    #: zone -> (start, end): "all", or for an email "subject" (the header's value) and "body".
    zones: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Sorted, merged (start, end) spans the reader never analyses.
    skipped: list[tuple[int, int]] = field(default_factory=list)
    #: The whole Subject header (name, value and folded lines) of an email.
    subject_header: tuple[int, int] | None = None
    line_starts: list[int] = field(default_factory=list)
    _found: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)

    def zone_of(self, section: str) -> str:
        if self.kind == "eml":
            return "subject" if section == "subject" else "body"
        return "all"

    def occurrences(self, phrase: str, zone: str) -> list[tuple[int, int]]:
        """Spans of the phrase in the zone's analysed text, in file order."""
        key = (zone, _phrase_key(phrase))
        found = self._found.get(key)
        if found is None:
            found = []
            pattern = _phrase_pattern(key[1], self.kind)
            span = self.zones.get(zone)
            if pattern is not None and span is not None:
                found = [(m.start(), m.end()) for m in pattern.finditer(self.text, *span)
                         if not self._is_skipped(m.start()) and not self._is_skipped(m.end() - 1)]
            self._found[key] = found
        return found

    def _is_skipped(self, i: int) -> bool:
        k = bisect_right(self.skipped, (i, float("inf"))) - 1
        return k >= 0 and i < self.skipped[k][1]

    def position(self, i: int) -> tuple[int, int]:
        """1-based line and column (in UTF-16 code units) of offset i."""
        line = bisect_right(self.line_starts, i)
        before = self.text[self.line_starts[line - 1]:i]
        return line, (len(before) if before.isascii() else len(before.encode("utf-16-le")) // 2) + 1

    def utf8_position(self, i: int) -> tuple[int, int]:
        """1-based line and column (in UTF-8 bytes, as reviewdog counts) of offset i."""
        line = bisect_right(self.line_starts, i)
        before = self.text[self.line_starts[line - 1]:i]
        return line, len(before.encode("utf-8", "surrogatepass")) + 1

    def region(self, start: int, end: int) -> dict[str, Any]:
        (l1, c1), (l2, c2) = self.position(start), self.position(end)
        return {"startLine": l1, "startColumn": c1, "endLine": l2, "endColumn": c2,
                "snippet": {"text": self.text[start:end]}}

    def line_region(self, start: int, end: int) -> dict[str, Any]:
        """Whole lines, for a header whose words are encoded (no columns to give)."""
        return {"startLine": self.position(start)[0], "endLine": self.position(end)[0],
                "snippet": {"text": self.text[start:end]}}


def _phrase_key(text: str) -> str:
    return " ".join(text.lower().split())


@lru_cache(maxsize=1024)
def _phrase_pattern(phrase: str, kind: str) -> re.Pattern[str] | None:
    words = phrase.split()
    if not words:
        return None
    entities = kind in ("html", "eml")
    body = _SEPARATORS[kind].join(_INVISIBLE.join(_char_pattern(c, entities) for c in w)
                                  for w in words)
    if words[0][0].isalnum():
        body = _ALNUM_BEFORE + body
    if words[-1][-1].isalnum():
        body += _ALNUM_AFTER
    return re.compile(body, re.IGNORECASE)


#: Normalised character -> the characters the engine folds into it (``'`` <- ``’``, ``ʼ`` ...).
_VARIANTS: dict[str, tuple[str, ...]] = defaultdict(tuple)
for _code, _folded in _TYPOGRAPHY.items():
    _VARIANTS[str(_folded)] += (chr(_code),)
#: Between two characters of a word: what the engine drops before matching (soft hyphens...).
_INVISIBLE = "[\u00ad\u200b\u200c\u200d\u2060\ufeff]*"


@lru_cache(maxsize=512)
def _char_pattern(c: str, entities: bool) -> str:
    """A character or a typographic variant of it, in HTML also any character reference that
    stands for one of them."""
    chars = (c, *_VARIANTS.get(c, ()))
    alternatives = [re.escape(ch) for ch in chars]
    if entities:
        refs: set[str] = set()
        for ch in chars:
            if ch.isascii() and ch not in "&'\"<>":
                continue
            refs.update({f"&#0*{ord(ch)};", f"&#x0*{ord(ch):x};"})
            refs.update("&" + re.escape(name) for name, value in html5.items() if value == ch)
        alternatives += sorted(refs, key=len, reverse=True)
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def prepare(source: str, text: str) -> SourceFile:
    f = SourceFile(text=text, kind=_kind(source, text))
    f.line_starts = [0, *(m.end() for m in re.finditer(r"\r\n?|\n", text))]
    skipped: list[tuple[int, int]] = []
    if f.kind == "eml":
        _prepare_email(f, skipped)
    else:
        f.zones["all"] = (0, len(text))
        if f.kind == "html":
            skipped += _html_skipped(text, 0, len(text))
        elif f.kind == "markdown":
            skipped += _markdown_skipped(text, mdx=Path(source).suffix.lower() == ".mdx")
    f.skipped = _merge(skipped)
    return f


def _kind(source: str, text: str) -> str:
    """How the reader read the file: by its name, else as it sniffs it (an email by its header
    lines, even in a .txt, as ``check`` reads one)."""
    from ..sources.readers import kind_of, sniff, sniff_bytes

    kind = kind_of(Path(source))
    if kind == "mdx":
        return "markdown"  # with its code skipped (see _markdown_skipped)
    if kind == "auto":
        mail = sniff_bytes(text[:65_536].encode("utf-8", "surrogatepass"), default="")
        return mail or sniff(text)
    return kind


def _html_skipped(text: str, lo: int, hi: int, *, head: bool = True) -> list[tuple[int, int]]:
    """What the HTML reader leaves out: comments, scripts and the like, and tags, except the
    attribute texts it reads (image alt, submit-button value, and in the head the meta
    description and social texts that say something new, as ``extract`` picks them).
    ``head=False``: an email's HTML, whose head is not read at all."""
    out = [m.span() for m in _HTML_COMMENT.finditer(text, lo, hi)]
    out += [m.span() for m in _HTML_SKIPPED.finditer(text, lo, hi)]
    if not head:
        out += [m.span() for m in _HEAD.finditer(text, lo, hi)]
    description: str | None = None
    socials: list[tuple[str, tuple[int, int]]] = []
    holes: dict[int, list[tuple[int, int]]] = defaultdict(list)
    tags = list(_TAG.finditer(text, lo, hi))
    for n, tag in enumerate(tags):
        name = _TAG_NAME.match(tag.group())
        if name is None or tag.group().startswith("</"):
            continue
        element = name.group(1).lower()
        if element not in ("img", "input", "meta"):
            continue
        attrs = _attributes(text, name.end() + tag.start(), tag.end())
        if element == "meta":
            key = (attrs.get("name") or attrs.get("property") or ("", (0, 0)))[0].strip().lower()
            content = attrs.get("content")
            if not head or content is None or not " ".join(content[0].split()):
                continue
            if key == "description" and description is None:
                description = " ".join(content[0].split())
                holes[n].append(content[1])
            elif key in _SOCIAL_META:
                socials.append((" ".join(content[0].split()), content[1]))
                holes[n].append(content[1])
            continue
        kind = (attrs.get("type") or ("", (0, 0)))[0].strip().lower()
        if "alt" in attrs and (element == "img" or kind == "image"):
            holes[n].append(attrs["alt"][1])
        if "value" in attrs and element == "input" and kind in ("submit", "button"):
            holes[n].append(attrs["value"][1])
    # Social texts that repeat the title or the description are not read again.
    title = _TITLE.search(text, lo, hi)
    seen = {" ".join(title.group(1).split()) if title else "", description or ""}
    repeated = {span for content, span in socials if content in seen}
    for n, tag in enumerate(tags):
        out += _minus(tag.span(), [h for h in holes.get(n, []) if h not in repeated])
    return out


def _attributes(text: str, lo: int, hi: int) -> dict[str, tuple[str, tuple[int, int]]]:
    """name -> (value, span of the value) of a tag's attributes, the first of each name."""
    attrs: dict[str, tuple[str, tuple[int, int]]] = {}
    for m in _ATTR.finditer(text, lo, hi):
        group = next((g for g in (2, 3, 4) if m.start(g) >= 0), None)
        value = (m.group(group), m.span(group)) if group else ("", (m.end(), m.end()))
        attrs.setdefault(m.group(1).lower(), value)
    return attrs


def _markdown_skipped(text: str, *, mdx: bool = False) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    body = 0
    fm = FRONT_MATTER.match(text)
    if fm:
        holes = [(v.start, v.end) for v in copy_values(fm.group(1), fm.start(1))]
        out += _minus(fm.span(), holes)
        body = fm.end()
    if mdx:
        out += mdx_spans(text)
    out += [m.span() for m in CODE_FENCE.finditer(text, body)]
    out += [m.span() for m in MD_COMMENT.finditer(text, body)]
    out += [m.span(1) for m in _MD_LINK_TARGET.finditer(text, body)]
    return out


def _prepare_email(f: SourceFile, skipped: list[tuple[int, int]]) -> None:
    """Zones of a message: the Subject header's value and the body part the reader used (the
    HTML alternative when there is one, as the email reader picks). A base64 body, or one that
    cannot be found in the file, gets no zone: nothing in it is pointed at."""
    text = f.text
    head_end = text.find("\n\n")
    head_end = len(text) if head_end < 0 else head_end
    subject = _SUBJECT.search(text, 0, head_end)
    if subject:
        f.zones["subject"] = subject.span(1)
        f.subject_header = subject.span()
    from ..sources.emails import pick_body  # the part the email reader analyses, chosen the same way

    try:
        msg = email.message_from_string(text, policy=email.policy.default)
        part = pick_body(msg)
        if part is None or "base64" in str(part.get("content-transfer-encoding", "")).lower():
            return
        payload = part.get_payload(decode=False)
        if not isinstance(payload, str) or not payload.strip():
            return
        start = text.find(payload, head_end)
    except Exception:  # an untrusted message the parser chokes on: no body zone
        return
    if start < 0:
        return
    end = start + len(payload)
    f.zones["body"] = (start, end)
    if part.get_content_subtype() == "html":
        skipped += _html_skipped(text, start, end, head=False)
    else:
        skipped += [m.span() for m in _QUOTED_LINE.finditer(text, start, end)]


def _minus(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, at = [], span[0]
    for a, b in sorted(holes):
        if a > at:
            out.append((at, a))
        at = max(at, b)
    if at < span[1]:
        out.append((at, span[1]))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def occurrence_ranks(evidence: list[dict[str, Any]], f: SourceFile) -> dict[tuple[str, str], list[int]]:
    """(zone, phrase) -> the distinct start offsets of that phrase in the analysed text, sorted.

    Every cue counts here (target-persona and negated ones too, which are not findings), so
    that a finding's rank among them is the rank of its occurrence in the analysed text."""
    ranks: dict[tuple[str, str], set[int]] = defaultdict(set)
    for ev in evidence:
        start = ev.get("start", -1)
        if ev.get("kind") == "tone" or start is None or start < 0 or not ev.get("text"):
            continue
        ranks[(f.zone_of(ev.get("section", "")), _phrase_key(ev["text"]))].add(start)
    return {key: sorted(starts) for key, starts in ranks.items()}


def span(f: SourceFile, ev: Mapping[str, Any], ranks: dict[tuple[str, str], list[int]]
         ) -> tuple[int, int] | None:
    """Offsets of the evidence's phrase in the file, or None when it cannot be placed for sure."""
    zone = f.zone_of(ev.get("section", ""))
    starts = ranks.get((zone, _phrase_key(ev["text"])), [])
    nth = bisect_left(starts, ev.get("start", -1))
    found = f.occurrences(ev["text"], zone)
    return found[nth] if nth < len(found) else None


def region(f: SourceFile, ev: Mapping[str, Any], ranks: dict[tuple[str, str], list[int]]
            ) -> dict[str, Any] | None:
    found = span(f, ev, ranks)
    if found is not None:
        return f.region(*found)
    zone = f.zone_of(ev.get("section", ""))
    if zone == "subject" and f.subject_header:
        return f.line_region(*f.subject_header)
    return None
