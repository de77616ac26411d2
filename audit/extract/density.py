"""How much readable text each element of a page holds, and how much of it is link text.

Class names lie about purpose (an article wrapped in Blogger's ``widget Blog``, a
``has-double-sidebar`` flag on the page wrapper, a ``<main>`` around only the breadcrumbs);
text mass does not. The block that holds most of a page's prose is its own copy, whatever it is
called, and a block of short links is navigation wherever it sits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from lxml import etree


class Mass(NamedTuple):
    """Characters of visible text under an element, and how many of them sit inside links."""

    text: int
    links: int

    @property
    def prose(self) -> int:
        """Text that is not link text: what a reader reads rather than clicks."""
        return self.text - self.links


_SKIPPED = Mass(0, 0)


def measure(root: Any, skip: frozenset[str], keep: frozenset[str] | None = None
            ) -> dict[Any, Mass]:
    """The text mass of the elements under ``root`` (itself included) in one pass; ``skip``:
    tags whose subtrees hold nothing a reader sees (scripts, styles...); ``keep``: the tags
    whose mass is wanted (all when None; inline elements are counted into their blocks either
    way). Hidden elements are counted: testing every element for them would double the cost,
    and what they hide is mostly a duplicate menu, which weighs as links, not prose.
    Iterative: deep trees are safe."""
    out: dict[Any, Mass] = {}
    stack: list[list[int] | None] = []
    push, pop = stack.append, stack.pop
    make = Mass._make
    in_link = 0
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "start":
            tag = el.tag
            if tag.__class__ is not str or tag in skip:
                walker.skip_subtree()
                push(None)
                continue
            text = el.text
            n = len(text.strip()) if text else 0
            if tag == "a":
                in_link += 1
                push([n, n, 1])
            else:
                push([n, n if in_link else 0, 0])
            continue
        counts = pop()
        tail = el.tail
        n = len(tail.strip()) if tail else 0
        if counts is not None:
            if keep is None or el.tag in keep or el is root:
                out[el] = make(counts[:2])
            in_link -= counts[2]
        if not stack:
            break
        parent = stack[-1]
        if parent is None:
            continue
        if counts is not None:
            parent[0] += counts[0] + n
            parent[1] += counts[1] + (n if in_link else 0)
        else:
            parent[0] += n
            if in_link:
                parent[1] += n
    return out


def content_core(start: Any, mass: dict[Any, Mass], *, share: float = 0.6,
                 minimum: int = 400, aside: Callable[[Any], bool] = lambda el: False
                 ) -> Any | None:
    """The smallest element that still holds ``share`` of the prose of the element above it,
    walking down from ``start``; None when the page has too little prose to tell. ``aside``:
    blocks never taken for the core however much they hold (hidden panels, a consent dialog's
    small print, a comment thread), tested only along the way down."""
    here = mass.get(start)
    if here is None or here.prose < minimum:
        return None
    el = start
    while True:
        best, best_prose = None, 0
        # an aside's prose (a comment thread) is not the page's, so it does not count
        # against the share of the block that holds the copy
        total = mass[el].prose
        for child in el:
            if child.tag not in _CONTAINERS:
                continue
            m = mass.get(child)
            if m is None:
                continue
            if aside(child):
                total -= m.prose
            elif m.prose > best_prose:
                best, best_prose = child, m.prose
        if best is None or best_prose < share * total or best_prose < minimum:
            return el
        el = best


def link_list(el: Any, mass: dict[Any, Mass], *, button: Callable[[Any], bool],
              min_links: int = 3, density: float = 0.7, cards: bool = False) -> bool:
    """A block made of plain links ("Related posts", a tag cloud, a menu in the content
    column): at least ``min_links`` links, mostly link text, no link wrapping a whole card of
    blocks (on a landing page a card that is one big link is copy; ``cards`` allows them, for
    teasers to other articles on a post) and no button (a row of calls to action)."""
    m = mass.get(el)
    if m is None or m.text == 0 or m.links < density * m.text:
        return False
    links = 0
    for a in el.iter("a"):
        if button(a):
            return False
        if not cards:
            for inner in a.iter():
                if inner is not a and inner.tag in _CARD_TAGS:
                    return False
        links += 1
    return links >= min_links


#: Blocks that hold other blocks: the content core is one of these, never a single paragraph
#: or list item that happens to outweigh its siblings.
_CONTAINERS = frozenset({"div", "section", "article", "main", "td", "table", "tbody", "tr",
                         "center", "font", "form", "body", "aside", "dd", "blockquote"})
_CARD_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "ul"})
