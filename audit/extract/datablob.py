"""Copy a client-rendered page carries in its server data, read before any browser is started.

A Next.js page ships the props it renders from as JSON in ``<script id="__NEXT_DATA__"
type="application/json">``. When the served HTML is a shell, the strings under
``props.pageProps`` whose keys name copy (title, headline, description, body, cta ...) and that
read as prose are that page's copy, plainly: they are taken, with the role their key gives
them. Anything else in the blob (ids, URLs, class names, settings, markup-heavy strings) is
left alone; nothing in it is ever run.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..models import Section

_NEXT_DATA = re.compile(
    r"<script\b[^>]*\bid\s*=\s*[\"']__NEXT_DATA__[\"'][^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL)
#: Key (lower case, without _ or -) -> role of its string.
_KEY_ROLES: dict[str, str] = {
    "headline": "headline", "title": "heading", "heading": "heading", "subheading": "hero",
    "subtitle": "hero", "tagline": "hero", "kicker": "hero", "lede": "hero", "intro": "hero",
    "description": "body", "body": "body", "text": "body", "content": "body", "copy": "body",
    "paragraph": "body", "summary": "body", "blurb": "body", "excerpt": "body", "quote": "body",
    "question": "body", "answer": "body", "feature": "body", "features": "body",
    "bullets": "body", "items": "body", "cta": "cta", "ctalabel": "cta", "ctatext": "cta",
    "buttonlabel": "cta", "buttontext": "cta", "button": "cta", "label": "cta",
}
_MAX_BLOB = 2_000_000
_MAX_STRINGS = 2000
_MAX_DEPTH = 40
_URLISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#|\.{0,2}/)\S*$", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]")
_TAGS = re.compile(r"<[^>]{0,500}>")


def _prose(value: str) -> str | None:
    """The string as copy, or None when it is not prose (a URL, an id, markup, one word)."""
    text = " ".join(_TAGS.sub(" ", value).split())
    if not text or _URLISH.match(text) or len(_LETTERS.findall(text)) < 3:
        return None
    if " " not in text and len(text) > 30:  # a token, a hash
        return None
    return text


def next_data_sections(html: str) -> list[Section]:
    """Sections from a Next.js page's ``__NEXT_DATA__`` page props (empty when there are none)."""
    m = _NEXT_DATA.search(html)
    if m is None or len(m.group(1)) > _MAX_BLOB:
        return []
    try:
        data = json.loads(m.group(1))
    except ValueError:
        return []
    props = data.get("props", {}) if isinstance(data, dict) else {}
    page = props.get("pageProps") if isinstance(props, dict) else None
    if not isinstance(page, (dict, list)):
        return []
    out: list[Section] = []
    seen: set[str] = set()
    _walk(page, None, 0, out, seen)
    return out


def _walk(value: Any, role: str | None, depth: int, out: list[Section], seen: set[str]) -> None:
    if depth > _MAX_DEPTH or len(out) >= _MAX_STRINGS:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            norm = re.sub(r"[_\-\s]", "", str(key)).lower()
            _walk(item, _KEY_ROLES.get(norm, role if isinstance(item, list) else None),
                  depth + 1, out, seen)
    elif isinstance(value, list):
        for item in value:
            _walk(item, role, depth + 1, out, seen)
    elif isinstance(value, str) and role is not None:
        text = _prose(value)
        if text and text not in seen:
            seen.add(text)
            out.append(Section(role, text))

