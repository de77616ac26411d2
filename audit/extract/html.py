"""HTML -> Piece: the page's copy as role-tagged sections, with site chrome kept apart.

A headline or a button label says more about who a page courts than its cookie banner, so
every block of text is tagged with the role it plays (DESIGN: roles carry weights). One pass
over the lxml tree does it: each element is classified once from its tag, ARIA role and
class/id, never with selector scans over the whole tree, to stay within a few milliseconds
a page. Page text is untrusted: it is only ever read as text, never interpreted.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

from ..models import CHROME_ROLES, Piece, Section
from .classify import (
    _CACHE_KEY_MAX,
    _LINK_LIST_WORDS,
    _TAG_CHROME,
    _buttonish_link,
    _chrome_of,
    _class_info,
    _classes,
    _hidden_quick,
    _is_hidden,
    _useful_alt,
)
from .density import content_core, link_list, measure
from .flat import flat_tree

#: Subtrees that never hold copy a reader sees.
_SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "select", "textarea", "datalist", "head", "title", "meta",
    "link", "base", "map", "param", "source", "track", "frameset", "frame",
})
#: Subtrees the text-mass pass skips: what no reader sees, and navigation and footers, which
#: are chrome by their tag whatever they hold (the pass costs a sixth of extraction).
_UNMEASURED = _SKIP_TAGS | {"nav", "footer"}
#: Elements that start a new block of text (one section each).
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol",
    "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "ul",
    "summary", "legend", "option", "optgroup",
})
_CTA_TAGS = frozenset({"a", "button", "input"})
_LEAF_TAGS = frozenset({"br", "img", "input"})
#: Tags that can open a zone without any attribute.
_ZONE_TAGS = frozenset({"main", "article", "header", "footer", "nav", "aside", "dialog",
                        "figcaption"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Blocks that can be a list of links inside the content column.
#: On a dated post: a paragraph of prose has at least this many words; blocks shorter than
#: _SHORT_WORDS before the first or after the last such paragraph are furniture (see
#: _post_furniture). Chosen on trafilatura's evaluation set (docs/benchmarks.md).
_PROSE_WORDS = 25
_SHORT_WORDS = 12
_LEADING_FURNITURE = frozenset({"body", "alt", "hero"})
_TRAILING_FURNITURE = frozenset({"body", "heading", "alt"})
#: A paragraph of at least this many words, with at most _OUTSIDE_LINKS links, is copy even
#: beside <main> or the article (a <main> that leaves out part of the article).
_OUTSIDE_WORDS = 50
_OUTSIDE_LINKS = 2
_LIST_BLOCKS = frozenset({"ul", "ol", "div", "section", "table", "p", "dl", "menu"})
#: Blocks that can be a teaser: one link to another article, on a dated post.
_TEASER_BLOCKS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6", "div", "dd"})

#: Invisible characters dropped from copy (email preview padding, soft hyphens); ZWJ is kept
#: because emoji sequences need it. A regex, not a str.translate table: translate looks every
#: character up in a dict and cost a twentieth of extraction on non-English pages.
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff\u034f\u00ad\u180e]")
_MAX_DEPTH = 180
#: Chrome zones read by :meth:`_Walker.walk_light` (a site header can still hold a hero).
_LIGHT_ZONES = frozenset({"nav", "footer", "aside", "banner"})
#: Characters of prose a marked article body needs to be taken for the page's copy.
_ARTICLE_PROSE = 400
#: Characters of prose (with at most a tenth of link text) that show a block named like a list
#: of links ("toc", "menu") is misnamed.
_MISNAMED_PROSE = 300
_WORDY_RE = re.compile(r"[^\W_]")
#: Marks a link's edges; becomes a space only where it would otherwise glue two words.
_SOFT = "\ue000"
_SOFT_GLUE = re.compile("(?<=[^\\W_])\ue000+(?=[^\\W_])")

_local = threading.local()


def _parser(deep: bool = False) -> etree.HTMLParser:
    """One parser per thread: lxml parsers are not safe to share between threads.

    The plain etree parser, not lxml.html's: its per-element class lookup costs a third of
    the extraction time and nothing here needs the HtmlElement helpers. ``deep`` lifts
    libxml2's nesting limit (256) to 2048 for tag soup that never closes its tags.
    """
    name = "deep_parser" if deep else "parser"
    parser = getattr(_local, name, None)
    if parser is None:
        parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
            huge_tree=deep,
        )
        setattr(_local, name, parser)
    return parser


def parse_html(html: str) -> Any | None:
    """Parse ``html`` into an lxml tree (root element), or None when there is no markup."""
    if not html or not html.strip():
        return None
    data = html.encode("utf-8", "replace")
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
        if _too_deep(parser):
            deep = _parser(deep=True)
            root = etree.fromstring(data, deep)
            if _too_deep(deep):  # beyond ~2,048 levels libxml2 keeps nothing after the limit
                return flat_tree(html)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including NBSP) and drop invisible characters."""
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def chrome_key(role: str, text: str) -> str:
    """Stable key for a chrome block, so shared chrome is counted once per site.

    Cached: the same footer comes back on every page of a site.
    """
    return _cached_chrome_key(role, text) if len(text) <= _CACHE_KEY_MAX else _key(role, text)


@lru_cache(maxsize=32768)
def _cached_chrome_key(role: str, text: str) -> str:
    return _key(role, text)


def _key(role: str, text: str) -> str:
    norm = normalize_space(text).casefold()
    return hashlib.sha1(f"{role}\x1f{norm}".encode("utf-8", "replace")).hexdigest()[:16]


def html_to_piece(
    html: str, source: str, *, channel: str = "landing", meta: dict[str, Any] | None = None
) -> Piece:
    """Extract a page's copy as role-tagged sections plus host/lang/canonical/chrome keys."""
    info: dict[str, Any] = dict(meta or {})
    parts = urlsplit(source) if source.startswith(("http://", "https://")) else None
    if parts and parts.hostname:
        info.setdefault("host", parts.hostname)
    root = parse_html(html)
    sections: list[Section] = []
    if root is not None:
        lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang and lang.strip():
            info["lang"] = lang.strip()
        head = _head_of(root)
        if head is not None:
            canonical = _canonical(head, source if parts else "")
            if canonical:
                info["canonical"] = canonical
        sections = sections_from_tree(root, include_head=True)
    info["chrome_keys"] = [chrome_key(s.role, s.text) for s in sections if s.role in CHROME_ROLES]
    return Piece(source=source, sections=sections, channel=channel, meta=info)


def sections_from_tree(root: Any, *, include_head: bool = True) -> list[Section]:
    """Role-tagged sections of a parsed document (emails reuse this without the head)."""
    walker = _Walker(root)
    if include_head:
        head = _head_of(root)
        if head is not None:
            walker.head(head)
    walker.body()
    sections = _label_headings(walker.sections)
    return _post_furniture(sections) if walker.post else sections


def _post_furniture(sections: list[Section]) -> list[Section]:
    """On a dated post, the short blocks before its first paragraph of prose and after its last
    (bylines, dates, share prompts, "more on this", a contact line, a copyright) are the site's
    furniture, not the article. Calls to action and the headline stay as they are."""
    prose = [i for i, s in enumerate(sections)
             if s.role == "body" and len(s.text.split()) >= _PROSE_WORDS]
    if not prose:
        return sections
    out = list(sections)
    for i, s in enumerate(sections):
        roles = _LEADING_FURNITURE if i < prose[0] else \
            _TRAILING_FURNITURE if i > prose[-1] else ()
        if s.role in roles and len(s.text.split()) < _SHORT_WORDS:
            out[i] = Section("aside", s.text)
    return out


def _label_headings(sections: list[Section]) -> list[Section]:
    """A short heading right before a list of links or a sidebar block ("Related posts",
    "Read more", "Share this") titles that block, not the page's copy."""
    out = list(sections)
    for i in range(len(out) - 1):
        here, after = out[i], out[i + 1]
        if here.role == "heading" and after.role in ("nav", "aside") and \
                len(here.text.split()) <= 6:
            out[i] = Section(after.role, here.text)
    return out


def extract_links(html: str, base_url: str) -> list[str]:
    """Absolute http(s) links of a page, fragment-free, in document order without repeats."""
    root = parse_html(html)
    if root is None:
        return []
    base = base_url
    for el in root.iter("base"):
        href = (el.get("href") or "").strip()
        if href:
            base = urljoin(base_url, href)
        break
    seen: set[str] = set()
    links: list[str] = []
    for el in root.iter("a", "area"):
        href = (el.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        try:
            parts = urlsplit(urljoin(base, href))
        except ValueError:
            continue
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        url = urlunsplit(parts._replace(fragment=""))
        if url not in seen:
            seen.add(url)
            links.append(url)
    return links


# --- internals ---------------------------------------------------------------------------


def _head_of(root: Any) -> Any | None:
    return _child(root, "head") if root.tag == "html" else None


def _child(root: Any, tag: str) -> Any | None:
    """A direct child by tag; ElementPath's find() costs tens of microseconds a call."""
    for child in root:
        if child.tag == tag:
            return child
    return None


def _canonical(head: Any, base: str) -> str | None:
    for el in head.iter("link"):
        rels = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rels and href:
            return urljoin(base, href) if base else href
    return None


def _text_of(el: Any) -> str:
    """Visible text of a subtree (buttons, very deep trees), skipping hidden parts.

    Iterative, so pathological nesting cannot exhaust the Python stack.
    """
    out: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = node.tag
        if event == "start":
            if node is not el:
                attrib = node.attrib
                if not isinstance(tag, str) or tag in _SKIP_TAGS or (
                    attrib and _is_hidden(attrib, _classes(attrib))
                ):
                    walker.skip_subtree()
                    continue
                if tag in _BLOCK_TAGS or tag == "br":
                    out.append(" ")
            if node.text:
                out.append(node.text)
        elif node is not el:
            if tag in _BLOCK_TAGS:
                out.append(" ")
            if node.tail:
                out.append(node.tail)
    return normalize_space("".join(out))


def _not_core(el: Any) -> bool:
    """A block that is never the page's main copy, however much text it holds: a hidden one
    (a consent panel's small print, a collapsed menu). Class words are not trusted here: they
    also name wrappers of the copy ("has-sidebar"), so text mass decides for those."""
    attrib = el.attrib
    if not attrib:
        return False
    cls = _classes(attrib)
    return _is_hidden(attrib, cls) or bool(_THREAD_RE.search(cls))


#: A reader comment thread by its usual names: it can outweigh a short post, and it is not the
#: page's copy. Whole tokens only: "live-comments" on a match report is the report itself.
_THREAD_RE = re.compile(r"(?:^|\s)(?:comments|comment-list|commentlist|comments-area|"
                        r"comment-section|comments-section|disqus_thread)(?:\s|$)")


_SINGLE_POST_RE = re.compile(r"(?:^|\s)(?:single-post|postid-\d+|single-format-\w+|"
                             r"blog-post|news-detail|article-page|page-article)(?:\s|$)")

#: Class tokens that name an article's own body in common CMS and news themes.
_ARTICLE_CLASSES = frozenset({
    "entry-content", "post-content", "article-content", "article-body", "article__body",
    "post-body", "story-body", "entry-body", "post-entry", "blog-post", "single-post",
    "article-text", "story-content", "post-text", "entry__content", "c-entry-content",
})


def _is_article(el: Any) -> bool:
    """An <article>, or a block marked as an article's body by schema.org or class."""
    return el.tag == "article" or _marked(el)


def _marked(el: Any) -> bool:
    """A block marked as an article's body by schema.org or class (an <article> tag alone
    also wraps each teaser of a listing)."""
    attrib = el.attrib
    if not attrib:
        return False
    prop = (attrib.get("itemprop") or "").lower()
    if prop in ("articlebody", "blogpost", "text") and el.tag != "span":
        return True
    cls = attrib.get("class")
    return bool(cls) and not _ARTICLE_CLASSES.isdisjoint(cls[:1000].lower().split())


def _scan_attributes(root: Any) -> tuple[list[tuple[Any, str]], int]:
    """ARIA landmarks (element, role) and the number of visible elements other than <time>
    marked as a publication date, in one pass: XPath attribute scans over the whole tree
    cost several times more (the date one alone was a twelfth of extraction)."""
    landmarks: list[tuple[Any, str]] = []
    dates = 0
    for el in root.iter():
        attrib = el.attrib
        if attrib:
            role = attrib.get("role")
            if role:
                landmarks.append((el, role.strip().lower()))
            prop = attrib.get("itemprop")
            if prop in _DATE_PROPS and el.tag not in ("time", "meta", "link"):
                dates += 1
    return landmarks, dates


_DATE_PROPS = frozenset({"datePublished", "dateCreated"})


def _captioned_photo(img: Any) -> bool:
    """An image in a <figure> with a caption (not a quote's attribution): the photo and its
    caption are the page's furniture, its alt text usually the caption again."""
    el = img.getparent()
    for _ in range(3):
        if el is None:
            return False
        if el.tag == "figure":
            return next(el.iter("figcaption"), None) is not None and \
                next(el.iter("blockquote", "q"), None) is None
        el = el.getparent()
    return False


def _ancestors(el: Any | None) -> set[Any]:
    out: set[Any] = set()
    while el is not None:
        out.add(el)
        el = el.getparent()
    return out


class _Walker:
    """One depth-first pass that emits sections in document order.

    Zones: "content" (the page's own copy), "outside" (beside <main> when a page has one,
    reported as aside), or a chrome role. The innermost chrome element decides.
    """

    def __init__(self, root: Any) -> None:
        self.root = root
        self.sections: list[Section] = []
        self.seen: set[tuple[str, str]] = set()
        self.landmarks, self.date_props = _scan_attributes(root)
        body = _child(root, "body") if root.tag == "html" else None
        self.start = body if body is not None else root
        self.mass = measure(self.start, _UNMEASURED, _BLOCK_TAGS)
        #: A dated post (news, blog, press release) rather than a landing page.
        self.post = self._dated()
        self.core = self._find_core()
        self.main = self._article_around_core(self._trusted_main(self._find_main()))
        self.h1 = self._find_h1()
        # Layout wrappers around the main content must not be taken for chrome by class.
        self.protected = _ancestors(self.main) | _ancestors(self.h1)
        # Nor can the block holding most of the prose, whatever its class says.
        self.dense = _ancestors(self.core)
        #: Blocks inside the core named by the chrome word in the core's own class: the core
        #: was chosen by its prose despite its name, and so are its parts.
        self.kin = self._core_kin()
        self.hero_fallback = self._hero_fallback()
        self.header_blocks = self._implicit_headers()
        self.special = {self.hero_fallback, *self.header_blocks}
        self.hero_done = False

    # -- setup ----------------------------------------------------------------------------

    def _find_main(self) -> Any | None:
        for el in self.root.iter("main"):
            if not self._hidden_path(el):
                return el
        for el, role in self.landmarks:
            if role == "main" and not self._hidden_path(el):
                return el
        return None

    def _find_core(self) -> Any | None:
        """The block holding most of the page's prose, unless that is a footer, a nav or a
        site header by tag or landmark (a thin page with long legal small print)."""
        core = content_core(self.start, self.mass, aside=_not_core)
        el = core
        while el is not None and el is not self.start:
            role = (el.get("role") or "").strip().lower()
            if el.tag in ("footer", "nav") or role in ("contentinfo", "navigation"):
                return None
            el = el.getparent()
        if core is not None and not any(_is_article(a) for a in _ancestors(core)):
            lone = self._lone_article(core)
            return core if lone is None else lone
        return core

    def _lone_article(self, core: Any) -> Any | None:
        """The one block marked as an article's body (by class or schema.org, or an <article>
        on a dated post) outside ``core``: a sidebar of widgets can outweigh a short post, but
        the page says which block is the article. None when there is not exactly one."""
        found = None
        for el, m in self.mass.items():  # inner blocks come before the blocks around them
            if m.prose < _ARTICLE_PROSE or el.tag in ("body", "html") or not (
                    _marked(el) or (el.tag == "article" and self.post)):
                continue
            if found is None or el in _ancestors(found):
                found = el  # the first, or a block around it
            elif found not in _ancestors(el):
                return None  # two separate article bodies: the page does not say which
        if found is None or found in _ancestors(core) or (
                core in _ancestors(found) and not self.post):
            return None  # a landing page's copy reaches beyond its marked body
        return None if self._hidden_path(found) else found

    def _core_kin(self) -> set[Any]:
        core = self.core
        cls = _classes(core.attrib) if core is not None and core.attrib else ""
        word = _class_info(cls).word if cls else None
        if word is None:
            return set()
        return {el for el in core.iter()
                if isinstance(el.tag, str) and el.attrib and (c := _classes(el.attrib))
                and (_class_info(c).word or "").startswith(word)}

    def _trusted_main(self, main: Any | None) -> Any | None:
        """A <main> that holds a small part of the prose while the bulk sits outside it
        (a <main> around a breadcrumb trail) is not where the page's copy is."""
        if main is None or self.core is None or main in _ancestors(self.core):
            return main
        core_prose = self.mass[self.core].prose
        main_mass = self.mass.get(main)
        return main if main_mass and main_mass.prose >= 0.5 * core_prose else None

    def _article_around_core(self, main: Any | None) -> Any | None:
        """The <article> (or article-body block) that holds the prose, inside the <main> if
        there is one: text outside it (site header, sidebars, related links, footer) is then
        the site's, as it is beside a <main>. Pages without one keep ``main``."""
        if self.core is None:
            return main
        el = self.core
        while el is not None and el is not self.start and el is not main:
            if _is_article(el):
                return el
            el = el.getparent()
        if main is not None:
            return main
        return self._column_around_core() if self.post else None

    def _dated(self) -> bool:
        """A dated post (news, blog, press release): og:type article, a published date or a
        <time> element. Its prose column is the copy and the rest is the site's; a landing
        page keeps every unmarked block as copy (a closing call to action below the content
        wrapper still counts)."""
        head = _head_of(self.root)
        if head is not None:
            for el in head.iter("meta"):
                key = (el.get("property") or el.get("name") or "").lower()
                if key == "og:type" and (el.get("content") or "").lower() == "article":
                    return True
                if key in ("article:published_time", "date", "pubdate"):
                    return True
        # CMS themes name a single post on the page itself ("single single-post postid-12")
        page_class = f"{self.root.get('class') or ''} {self.start.get('class') or ''}".lower()
        if _SINGLE_POST_RE.search(page_class):
            return True
        # One or two dates (published, updated) on a page that is not a list of articles: a
        # listing (a blog index, a news front) dates every teaser and is copy as a whole.
        dates = self.date_props + sum(1 for _ in self.start.iter("time"))
        return 1 <= dates <= 2 and sum(1 for _ in self.start.iter("article")) <= 1

    def _column_around_core(self) -> Any | None:
        """The core widened through the wrappers around it that add no prose and few links,
        stopping before a block that adds sidebars, menus or teasers."""
        assert self.core is not None
        core = self.mass[self.core]
        el = self.core
        while True:
            parent = el.getparent()
            if parent is None or parent is self.start:
                break
            m = self.mass.get(parent)
            if m is None or m.prose > core.prose or m.links > 0.3 * m.text:
                break
            el = parent
        return None if el is self.start else el

    def _find_h1(self) -> Any | None:
        """The page's main h1: first visible h1 in main, else the first outside chrome."""
        if self.main is not None:
            for el in self.main.iter("h1"):
                if not self._hidden_path(el):
                    return el
        fallback = None
        for el in self.root.iter("h1"):
            if self._hidden_path(el):
                continue
            if not self._chrome_path(el):
                return el
            fallback = fallback if fallback is not None else el
        return fallback

    def _hidden_path(self, el: Any) -> bool:
        while el is not None and el is not self.root:
            attrib = el.attrib
            if el.tag in _SKIP_TAGS or _is_hidden(attrib, _classes(attrib)):
                return True
            el = el.getparent()
        return False

    def _chrome_path(self, el: Any) -> bool:
        chain = []
        el = el.getparent()
        while el is not None and el.tag not in ("body", "html"):
            chain.append(el)
            el = el.getparent()
        in_article = any(a.tag == "article" for a in chain)
        for a in chain:
            if a.tag == "header" and not in_article:
                return True
            if a.tag != "header" and _chrome_of(a.tag, a.attrib, _classes(a.attrib)):
                return True
        return False

    def _hero_fallback(self) -> Any | None:
        """Without a hero class: the nearest <section>/<header> holding the main h1."""
        el = self.h1.getparent() if self.h1 is not None else None
        while el is not None and el is not self.main and el.tag not in ("body", "html"):
            if el.tag in ("section", "header"):
                return el
            el = el.getparent()
        return None

    def _implicit_headers(self) -> set[Any]:
        """Unmarked top bars: a block holding navigation that comes before the main h1.

        Many builders write the site header as plain divs; the navigation inside it and
        its position above the page's h1 give it away.
        """
        if self.h1 is None:
            return set()
        out: set[Any] = set()
        navs = list(self.root.iter("nav"))
        navs += [el for el, role in self.landmarks if role in ("navigation", "menubar", "menu")]
        for nav in navs:
            if nav in self.protected:
                continue
            branch, parent = nav, nav.getparent()
            while parent is not None and parent not in self.protected:
                branch, parent = parent, parent.getparent()
            if parent is None or branch is nav or branch.tag in ("body", "html", "main",
                                                                 "article"):
                continue
            on_path = next((c for c in parent if c in self.protected), None)
            if on_path is not None and parent.index(branch) < parent.index(on_path):
                out.add(branch)
        return out

    # -- head -----------------------------------------------------------------------------

    def head(self, head: Any) -> None:
        """title, meta description, then og/twitter texts that say something new."""
        title = meta = ""
        socials: list[str] = []
        for el in head:
            tag = el.tag
            if tag == "title" and not title:
                title = normalize_space("".join(el.itertext()))
            elif tag == "meta":
                key = (el.get("name") or el.get("property") or "").strip().lower()
                content = normalize_space(el.get("content") or "")
                if not content:
                    continue
                if key == "description" and not meta:
                    meta = content
                elif key in ("og:title", "og:description", "twitter:title",
                             "twitter:description"):
                    socials.append(content)
        self.emit("title", title)
        self.emit("meta", meta)
        for text in socials:
            if text not in (title, meta):
                self.emit("og", text)

    # -- body -----------------------------------------------------------------------------

    def body(self) -> None:
        zone = "outside" if self.main is not None else "content"
        buf: list[str] = []
        self.walk_children(self.start, zone, False, False, buf, 0)
        self.flush(buf, zone, False, None)

    def walk_children(
        self, el: Any, zone: str, hero: bool, article: bool, buf: list[str], depth: int
    ) -> None:
        if el.text:
            buf.append(el.text)
        walk = self.walk_light if zone in _LIGHT_ZONES else self.walk
        for child in el:
            if isinstance(child.tag, str):
                walk(child, zone, hero, article, buf, depth + 1)
            tail = child.tail
            if tail:
                buf.append(tail)

    def walk(
        self, el: Any, zone: str, hero: bool, article: bool, buf: list[str], depth: int
    ) -> None:
        tag = el.tag
        if tag in _SKIP_TAGS:
            return
        attrib = el.attrib
        cls = _classes(attrib) if attrib else ""
        if attrib and _is_hidden(attrib, cls):
            return
        if tag in _LEAF_TAGS and self.leaf(el, tag, attrib, zone, buf):
            return
        cta = (
            self.cta_text(el, tag, attrib, cls)
            if tag in _CTA_TAGS or (attrib and "role" in attrib) else None
        )
        if cta is not None:
            if buf:
                self.flush(buf, zone, hero, None)
            self.emit(_zone_role(zone) or "cta", cta)
            return
        if depth > _MAX_DEPTH:  # pathological nesting: keep the words, skip the structure
            buf.append(" " + _text_of(el) + " ")
            return
        if cls or tag in _ZONE_TAGS or el in self.special or el is self.main or (
                attrib and "role" in attrib):
            new_zone, new_hero, article = self.enter(el, tag, attrib, cls, zone, hero, article)
        else:
            new_zone, new_hero = zone, hero
        if new_zone == "content" and el not in self.dense and (
                (tag in _LIST_BLOCKS and link_list(el, self.mass, button=self._button_link,
                                                   cards=self.post))
                or (self.post and tag in _TEASER_BLOCKS
                    and link_list(el, self.mass, button=self._button_link, min_links=1,
                                  density=0.9, cards=True))):
            # related posts, tag clouds, menus inside the content column; on a dated post
            # also a lone link to another article ("Read also: ...")
            new_zone = "nav"
        elif el is self.h1 and zone == "outside":
            new_zone = "content"  # the headline above an <article> is still the page's own
        self.descend(el, tag, zone, hero, new_zone, new_hero, article, buf, depth)
        if new_hero and not hero:
            self.hero_done = True

    def descend(self, el: Any, tag: str, zone: str, hero: bool, new_zone: str, new_hero: bool,
                article: bool, buf: list[str], depth: int) -> None:
        """Walk ``el``'s children in ``new_zone``: a block gets sections of its own, a link
        is marked so that adjacent links in a menu do not glue into one word."""
        if tag in _BLOCK_TAGS or "-" in tag:
            if buf:
                self.flush(buf, zone, hero, None)
            inner: list[str] = []
            self.walk_children(el, new_zone, new_hero, article, inner, depth)
            if inner:
                self.flush(inner, new_zone, new_hero, el)
        elif tag == "a":
            buf.append(_SOFT)
            self.walk_children(el, new_zone, new_hero, article, buf, depth)
            buf.append(_SOFT)
        else:
            self.walk_children(el, new_zone, new_hero, article, buf, depth)

    def leaf(self, el: Any, tag: str, attrib: Any, zone: str, buf: list[str]) -> bool:
        """A line break or an image: read here, with nothing below it to walk."""
        if tag == "br":
            buf.append(" ")
            return True
        if tag == "img" or (tag == "input" and attrib.get("type", "").lower() == "image"):
            self.image(el, attrib, zone, buf)
            return True
        return False

    def walk_light(
        self, el: Any, zone: str, hero: bool, article: bool, buf: list[str], depth: int
    ) -> None:
        """Inside navigation, a footer, a sidebar or a banner. Nothing in there is the page's
        copy or leads back to it (the copy's ancestors are never chrome, and only a site header
        can hold a hero), so class words are not read: text, blocks, buttons, images and
        landmarks by tag or ARIA role are. Most of a page's elements sit in such zones, and
        reading a new class string costs a regex search or more."""
        tag = el.tag
        if tag in _SKIP_TAGS:
            return
        attrib = el.attrib
        if attrib and _hidden_quick(attrib):
            return
        if tag in _LEAF_TAGS and self.leaf(el, tag, attrib, zone, buf):
            return
        role = attrib.get("role") if attrib else None
        cta = None
        if tag == "button" or (role and role.strip().lower() == "button"):
            cta = _text_of(el)
        elif tag == "input" and attrib.get("type", "").lower() in ("submit", "button"):
            cta = normalize_space(attrib.get("value", ""))
        if cta is not None:
            if buf:
                self.flush(buf, zone, False, None)
            self.emit(zone, cta)
            return
        if depth > _MAX_DEPTH:
            buf.append(" " + _text_of(el) + " ")
            return
        inner_zone = (_chrome_of(tag, attrib, "") or zone) if role or tag in _TAG_CHROME else zone
        self.descend(el, tag, zone, False, inner_zone, False, article, buf, depth)

    def enter(
        self, el: Any, tag: str, attrib: Any, cls: str, zone: str, hero: bool, article: bool
    ) -> tuple[str, bool, bool]:
        """The zone, hero flag and article flag that hold inside ``el``."""
        if el is self.main:
            return "content", hero, True
        if el in self.header_blocks and zone in ("content", "outside"):
            return "header", False, article
        if tag == "article":
            article = True
        protected = el in self.protected
        if not self.hero_done and not hero and zone in ("content", "header", "outside") and (
            (cls and _class_info(cls).hero)
            or el is self.hero_fallback
            or (protected and tag == "header" and not article)
        ):
            return "content", True, article
        if not protected and el not in self.dense:
            chrome = self._chrome_here(el, tag, attrib, cls, zone, article)
            if chrome:
                return chrome, False, article
        return zone, hero, article

    def _chrome_here(
        self, el: Any, tag: str, attrib: Any, cls: str, zone: str, article: bool
    ) -> str | None:
        if tag == "header":
            inside = article or (zone == "content" and self.main is not None)
            return None if inside else "header"
        if tag == "footer":
            parent = el.getparent()
            if parent is not None and parent.tag in ("blockquote", "figure"):
                return None  # a quote's attribution is copy
        if tag == "figcaption":
            # a photo's caption or credit is the page's furniture; a quote's attribution is copy
            figure = el.getparent()
            if figure is not None and figure.tag == "figure" and \
                    next(figure.iter("blockquote", "q"), None) is None:
                return "aside"
        if not attrib and tag not in _TAG_CHROME:
            return None
        chrome = _chrome_of(tag, attrib, cls)
        if chrome is None or tag in _TAG_CHROME or not cls:
            return chrome
        word = _class_info(cls).word
        if word is None or chrome != _class_info(cls).chrome:
            return chrome  # an ARIA role said so
        if el in self.kin:
            return None  # one of the core's own parts ("live-comment" in "live-comments")
        if word in _LINK_LIST_WORDS:
            m = self.mass.get(el)
            if m is not None and m.prose >= _MISNAMED_PROSE and m.links <= 0.1 * m.text:
                return None  # prose, not a list of links, whatever its name says
        return chrome

    @staticmethod
    def _button_link(a: Any) -> bool:
        attrib = a.attrib
        return bool(attrib) and _buttonish_link(a, attrib, _classes(attrib))

    # -- leaves ---------------------------------------------------------------------------

    def cta_text(self, el: Any, tag: str, attrib: Any, cls: str) -> str | None:
        """Label of a button-like element, or None when ``el`` is not one."""
        if tag == "button":
            return _text_of(el)
        if tag == "input":
            if attrib.get("type", "").lower() not in ("submit", "button"):
                return None
            return normalize_space(attrib.get("value", ""))
        if not attrib:
            return None
        if attrib.get("role", "").lower() == "button" or (
            tag == "a" and _buttonish_link(el, attrib, cls)
        ):
            return _text_of(el)
        return None

    def image(self, el: Any, attrib: Any, zone: str, buf: list[str]) -> None:
        if attrib.get("role", "").lower() in ("presentation", "none"):
            return
        alt = normalize_space(attrib.get("alt", ""))
        if not alt:
            return
        if len(alt) <= 2 and not alt.isalnum():  # inline emoji images read as text
            buf.append(alt)
            return
        if _useful_alt(alt):
            self.emit(_zone_role(zone) or ("aside" if _captioned_photo(el) else "alt"), alt)

    def flush(self, buf: list[str], zone: str, hero: bool, el: Any | None) -> None:
        if not buf:
            return
        text = "".join(buf)
        buf.clear()
        if text.isspace():  # most flushes: the indentation between two blocks
            return
        role = self.role(zone, hero, el)
        if zone == "outside" and len(text.split()) >= _OUTSIDE_WORDS and \
                text.count(_SOFT) <= 2 * _OUTSIDE_LINKS:
            role = "body"  # a long paragraph of prose beside <main> is copy all the same
        if _SOFT in text:
            if role in ("body", "hero") and _only_links(text):
                role = "nav"  # a row of bare links is navigation, wherever it sits
            text = _SOFT_GLUE.sub(" ", text).replace(_SOFT, "")
        if text.isspace():
            return
        self.emit(role, text)

    def role(self, zone: str, hero: bool, el: Any | None) -> str:
        chrome = _zone_role(zone)
        if chrome:
            return chrome
        if el is not None and el.tag in _HEADINGS:
            return "headline" if el is self.h1 else "heading"
        return "hero" if hero else "body"

    def emit(self, role: str, text: str) -> None:
        text = normalize_space(text)
        if not _WORDY_RE.search(text):
            return
        key = (role, text)
        if key in self.seen:
            return
        self.seen.add(key)
        self.sections.append(Section(role, text))


def _only_links(text: str) -> bool:
    """Two or more links and no words outside them ("Home · Pricing · Blog")."""
    parts = text.split(_SOFT)
    links = [p for p in parts[1::2] if _WORDY_RE.search(p)]
    return len(links) >= 2 and not any(_WORDY_RE.search(p) for p in parts[0::2])


def _zone_role(zone: str) -> str | None:
    """The chrome role text in ``zone`` gets, None for the page's own copy."""
    if zone == "content":
        return None
    return "aside" if zone == "outside" else zone


def non_chrome_text(sections: Iterable[Section]) -> str:
    """The page's own copy (chrome left out), as the benchmark and previews read it."""
    return "\n".join(s.text for s in sections if s.role not in CHROME_ROLES)
