"""A page nested deeper than the HTML parser will go (libxml2 stops at about 2,048 levels and
keeps nothing), read as plain blocks of text instead of being lost.

The stdlib's streaming tokenizer has no depth limit and keeps no tree, so a hostile or broken
page costs time in proportion to its size. Structure is lost (no nav, footer or hero), which
is why this is only the fallback: every block of text is read as body copy.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from lxml import etree

#: Tags whose text no reader sees.
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "title",
                     "textarea", "select", "iframe", "object"})
#: Tags that end a block of text.
_BREAKS = frozenset({"p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4",
                     "h5", "h6", "br", "tr", "td", "th", "table", "header", "footer", "nav",
                     "main", "aside", "blockquote", "pre", "dd", "dt", "figcaption", "form"})


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title: list[str] = []
        self._buf: list[str] = []
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BREAKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BREAKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._hidden:
            self._buf.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf.clear()
        if text:
            self.blocks.append(text)

    def close(self) -> None:
        super().close()
        self._flush()


def flat_tree(html: str) -> Any:
    """An lxml tree of the page's title and text blocks (<html><head><title/></head><body>
    <p/>…</body></html>), built without parsing markup into a tree."""
    reader = _Blocks()
    reader.feed(html)
    reader.close()
    root = etree.Element("html")
    title = " ".join("".join(reader.title).split())
    if title:
        etree.SubElement(etree.SubElement(root, "head"), "title").text = title
    body = etree.SubElement(root, "body")
    for block in reader.blocks:
        etree.SubElement(body, "p").text = block
    return root
