"""How an element reads, from its tag, ARIA role and class/id alone: site chrome (nav, footer,
cookie banner...), hero, call to action, hidden to every reader, or an alt text worth reading.
Class strings repeat across a page and a site, so what they say is worked out once each."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

# Class/id vocabulary. Words are matched at word edges ("nav" but not "canvas").
_ARIA_CHROME = {
    "navigation": "nav", "menu": "nav", "menubar": "nav", "contentinfo": "footer",
    "complementary": "aside", "banner": "header", "dialog": "banner", "alertdialog": "banner",
}
_TAG_CHROME = {"nav": "nav", "aside": "aside", "footer": "footer", "dialog": "banner"}
_W = r"(?<![a-z0-9])(?:{})(?![a-z])"
_CHROME_RE = re.compile(
    "|".join([
        r"(?P<banner>cookie|consent|gdpr|ccpa|announcement|promo-?bar|notice-?bar|"
        r"newsletter-(?:popup|modal|signup|inline|box)|subscribe-(?:popup|modal|box)|"
        r"inline-signup|exit-intent|opt-?in-(?:form|box)|chat-?(?:launcher|widget|bubble)|"
        r"intercom|livechat|paywall|newsletter|subscribe-?(?:form|box|cta|block)|"
        r"advert|adsense|ad-?(?:slot|unit|container|wrapper|banner)|sponsored|"
        + _W.format(r"popup|modal|lightbox|alert-bar|top-?banner") + ")",
        r"(?P<footer>" + _W.format(r"footer|site-?footer|colophon|copyright") + ")",
        r"(?P<aside>" + _W.format(
            r"sidebar|side-?bar|widget|widgets|widget-area|related|related-posts|"
            r"recommended|share|sharing|social-share|share-buttons|comments|author-box|"
            r"author-bio|breadcrumbs?|tags|tag-list|post-navigation|pagination|toc|"
            r"entry-meta|post-meta|article-meta|card-meta|meta|byline|posted-on|feedback|"
            r"was-this-helpful|related\w*|relatedposts|read-?next|next-?story|more-?stories|"
            r"post-ratings|wp-caption-text|(?:image|photo|img|figure)[-_]*caption|"
            r"credits?|photo-?credit|image-?credit|share\w*|social-?(?:links|icons|media|buttons)|"
            r"follow-?us|ad|ads|comments?(?:[-_]\w+)?|commentlist|disqus\w*|respond|reply"
        ) + ")",
        r"(?P<nav>" + _W.format(r"nav|navbar|navigation|menu|main-menu|mega-?menu|skip-link")
        + ")",
        r"(?P<header>" + _W.format(r"site-?header|global-?header|top-?bar|header-bar") + ")",
    ])
)
#: Page-builder class tokens ("elementor-widget", "wp-block-group", "w-container") describe
#: layout, not purpose; "widget" in them is not a sidebar widget.
_BUILDERS = ("elementor", "e-con", "wp-block", "et_pb", "et-", "fl-", "vc_", "sqs-", "framer-",
             "w-")
_BUILDER_CHROME: tuple[tuple[str, str], ...] = (
    ("elementor-location-header", "header"), ("elementor-location-footer", "footer"),
    ("elementor-location-popup", "banner"), ("elementor-nav-menu", "nav"),
    ("wp-block-navigation", "nav"), ("et_pb_menu", "nav"),
    ("w-nav", "nav"),
)
#: Qualifiers say how a block looks or what it lacks, not what it is: a BEM modifier
#: ("section--ads", "card--share"), and "has-sidebar", "no-share", "with-comments",
#: "is-sticky" tokens. They are dropped before class words are read for chrome.
_MODIFIER_RE = re.compile(r"--[\w-]*")
_QUALIFIERS = ("has-", "no-", "with-", "without-", "is-", "show-", "hide-", "enable-",
               "disable-", "allow-")
_HERO_RE = re.compile(_W.format(r"hero|jumbotron|masthead|banner-hero|hero-\w+|splash"))
_CTA_RE = re.compile(_W.format(r"btn|btn-\w+|button|button-\w+|cta|cta-\w+|call-to-action"))
_HIDDEN_CLASSES = frozenset({
    "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text", "screenreader-only",
    "a11y-hidden", "hidden", "d-none", "is-hidden", "hide", "u-hidden", "invisible",
})
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_RESPONSIVE_SHOW_RE = re.compile(r":(?:block|flex|grid|inline)")
_SHOW_FROM = ("d-sm-", "d-md-", "d-lg-", "d-xl-")
_GENERIC_ALT = frozenset({
    "image", "img", "photo", "picture", "logo", "icon", "graphic", "banner", "spacer", "pixel",
    "placeholder", "thumbnail", "avatar", "untitled",
})
_FILENAME_RE = re.compile(r"^[\w\-. ]+\.(?:png|jpe?g|gif|webp|svg|avif|bmp)$", re.IGNORECASE)
#: Longer strings are not cached, so hostile pages cannot fill memory through the caches.
_CACHE_KEY_MAX = 512
_CLASS_MAX = 1000


def _classes(attrib: Any) -> str:
    """Class and id of an element as one lower-case string ("" when it has neither)."""
    cls = attrib.get("class")
    ident = attrib.get("id")
    if cls is None and ident is None:
        return ""
    # Real class lists are short; a megabyte of them is an attack on the regexes below.
    return f"{(cls or '')[:_CLASS_MAX]} {(ident or '')[:200]}".lower()


def _is_hidden(attrib: Any, cls: str) -> bool:
    """Hidden to every reader: hidden attribute, aria-hidden, inline display:none, sr-only."""
    if not attrib:
        return False
    return _hidden_attribute(attrib) or (bool(cls) and _class_info(cls).hidden)


def _hidden_quick(attrib: Any) -> bool:
    """:func:`_is_hidden` that reads the class string (a cache lookup, a regex when new) only
    when one of its tokens names a hidden class: for the bulk of a page's elements."""
    if _hidden_attribute(attrib):
        return True
    cls = attrib.get("class")
    if not cls or _HIDDEN_CLASSES.isdisjoint(cls.lower().split()):
        return False
    return _class_info(_classes(attrib)).hidden


def _hidden_attribute(attrib: Any) -> bool:
    if "hidden" in attrib:
        return True
    aria = attrib.get("aria-hidden")
    if aria and aria.strip().lower() == "true":
        return True
    style = attrib.get("style")
    return bool(style) and bool(_HIDDEN_STYLE_RE.search(style))


def _chrome_of(tag: str, attrib: Any, cls: str) -> str | None:
    """The chrome role an element opens by tag, ARIA role or class/id, if any."""
    role = attrib.get("role") if attrib else None
    if role:
        found = _ARIA_CHROME.get(role.strip().lower())
        if found:
            return found
    found = _TAG_CHROME.get(tag)
    if found:
        return found
    return _class_info(cls).chrome if cls else None


class _ClassInfo(NamedTuple):
    """What a class/id string says about an element, worked out once per distinct string."""

    chrome: str | None
    #: The class word that made it chrome, singular ("comment" for "comments").
    word: str | None
    hero: bool
    cta: bool
    hidden: bool


#: Class words that name a list of links: a block of prose carrying one is misnamed (an
#: anchor id like "toc_title_2" on a chapter of the article).
_LINK_LIST_WORDS = frozenset({"toc", "menu", "nav", "navbar", "navigation", "main-menu",
                             "breadcrumb", "pagination", "tag", "tag-list"})


def _class_info(cls: str) -> _ClassInfo:
    """Class strings repeat across a page and a site, so the regex work is cached."""
    return _cached_class_info(cls) if len(cls) <= _CACHE_KEY_MAX else _read_classes(cls)


@lru_cache(maxsize=16384)
def _cached_class_info(cls: str) -> _ClassInfo:
    return _read_classes(cls)


def _read_classes(cls: str) -> _ClassInfo:
    """Combines what each token says: the first chrome word wins (a page builder's own header
    or footer template before any), hidden unless a token shows it on larger screens."""
    infos = [info for token in cls.split() if (info := _token_info(token)) is not None]
    if not infos:
        return _NOTHING
    chrome = word = None
    if any(info.builder for info in infos):
        rank = min(info.builder_rank for info in infos)
        if rank < len(_BUILDER_CHROME):
            chrome = _BUILDER_CHROME[rank][1]
    if chrome is None:
        for info in infos:
            if info.chrome is not None:
                chrome, word = info.chrome, info.word
                break
    return _ClassInfo(
        chrome=chrome,
        word=word,
        hero=any(info.hero for info in infos),
        cta=any(info.cta for info in infos),
        # "hidden md:block" (Tailwind) and "d-none d-md-block" (Bootstrap) show on desktop.
        hidden=any(info.hidden for info in infos) and not any(info.shows for info in infos),
    )


class _TokenInfo(NamedTuple):
    """What one class token (or the id) says; ids make most class strings unique to their
    element, while tokens repeat across pages and sites, so this is what is worth caching."""

    chrome: str | None
    word: str | None
    hero: bool
    cta: bool
    hidden: bool
    #: A responsive "show from this screen size" token ("md:block", "d-md-block").
    shows: bool
    #: A page builder's layout token: its words say nothing about purpose.
    builder: bool
    #: Index in _BUILDER_CHROME of the first builder template it names (len when none).
    builder_rank: int


_TOKEN_CACHE_MAX = 64
_SAYS_NOTHING = _TokenInfo(None, None, False, False, False, False, False, len(_BUILDER_CHROME))


_NOTHING = _ClassInfo(chrome=None, word=None, hero=False, cta=False, hidden=False)


def _token_info(token: str) -> _TokenInfo | None:
    """None for the common token that says nothing (a layout or utility class)."""
    return _cached_token(token) if len(token) <= _TOKEN_CACHE_MAX else _read_token(token)


@lru_cache(maxsize=32768)
def _cached_token(token: str) -> _TokenInfo | None:
    return _read_token(token)


def _read_token(token: str) -> _TokenInfo | None:
    # string tests before regexes: this runs for most distinct tokens of every page
    plain = "" if token.startswith(_QUALIFIERS) else \
        _MODIFIER_RE.sub(" ", token) if "--" in token else token
    builder = plain.startswith(_BUILDERS)
    match = None if builder or not plain else _CHROME_RE.search(plain)
    info = _TokenInfo(
        chrome=match.lastgroup if match else None,
        word=match.group().rstrip("s") if match else None,
        hero=not builder and bool(plain) and bool(_HERO_RE.search(plain)),
        cta=bool(_CTA_RE.search(token)),
        hidden=token in _HIDDEN_CLASSES,
        shows=(":" in token and bool(_RESPONSIVE_SHOW_RE.search(token)))
        or token.startswith(_SHOW_FROM),
        builder=builder,
        builder_rank=next((i for i, (pattern, _) in enumerate(_BUILDER_CHROME)
                           if pattern in plain), len(_BUILDER_CHROME)) if builder
        else len(_BUILDER_CHROME),
    )
    return None if info == _SAYS_NOTHING else info


def _useful_alt(alt: str) -> bool:
    """Alt text worth reading: not a file name, not a generic word like "logo"."""
    low = alt.lower().strip(" .")
    return bool(low) and low not in _GENERIC_ALT and not _FILENAME_RE.match(alt)


def _buttonish_link(el: Any, attrib: Any, cls: str) -> bool:
    """A link dressed as a button: button classes, button styling, or a lone coloured cell."""
    if cls and _class_info(cls).cta:
        return True
    style = attrib.get("style")
    if style:
        low = style.lower()
        if "background" in low or "border-radius" in low or (
            "padding" in low and "inline-block" in low
        ):
            return True
    parent = el.getparent()
    if parent is not None and parent.tag == "td" and len(parent) == 1:
        pstyle = parent.get("style") or ""
        return bool(parent.get("bgcolor") or "background" in pstyle.lower()) and not (
            (parent.text or "").strip() or (el.tail or "").strip()
        )
    return False
