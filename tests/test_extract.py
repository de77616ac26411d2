"""HTML -> Piece: roles, chrome separation, exclusions, hostile text, charsets, links."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.extract.html import chrome_key, extract_links, html_to_piece, non_chrome_text
from audit.models import CHROME_ROLES, ROLES, Piece
from audit.sources.decode import decode_bytes

PAGES = Path(__file__).parent / "fixtures" / "pages"


def load(name: str, source: str | None = None) -> Piece:
    data = (PAGES / name).read_bytes()
    return html_to_piece(decode_bytes(data, name), source or f"https://tallyfox.example/{name}")


def texts(piece: Piece, role: str) -> list[str]:
    return [s.text for s in piece.sections if s.role == role]


@pytest.fixture(scope="module")
def home() -> Piece:
    return load("tallyfox_home.html", "https://tallyfox.example/")


def test_every_role_is_known(home: Piece) -> None:
    assert {s.role for s in home.sections} <= set(ROLES)


def test_head_roles(home: Piece) -> None:
    assert texts(home, "title") == ["Tallyfox — invoicing for people who work alone"]
    assert texts(home, "meta") == [
        "Send a tidy invoice in two minutes and get paid without chasing."
    ]
    # og:title and twitter:description repeat title/meta and are dropped.
    assert texts(home, "og") == ["The invoice app that fits a one-person business."]
    assert home.title == "Tallyfox — invoicing for people who work alone"
    assert home.sections[0].role == "title"


def test_headline_hero_and_headings(home: Piece) -> None:
    assert texts(home, "headline") == ["Invoices done before your coffee cools"]
    assert texts(home, "hero") == [
        "Tallyfox is the invoicing app for freelancers and one-person shops. "
        "No setup call, no training, no contract."
    ]
    assert texts(home, "heading") == ["Built for a business of one", "What it does not do", "Plans"]


def test_ctas(home: Piece) -> None:
    assert texts(home, "cta") == ["Send your first invoice free", "Create my free account"]
    pricing = load("tallyfox_pricing.html")
    assert texts(pricing, "cta") == ["Choose Solo"]  # <a role="button">


def test_body_blocks_are_separate_sections(home: Piece) -> None:
    body = texts(home, "body")
    assert "Ready in five minutes, from any laptop." in body
    assert "Clear price: £7 a month, cancel any time." in body
    assert "£12 a month" in body  # table cell
    assert "I used to lose a Sunday a month to invoicing. Now it takes ten minutes." in body
    assert "Priya, wedding photographer" in body  # a quote's <footer> is copy, not chrome
    assert "Your email" in body  # form labels are fine
    assert "Questions? Read the help pages." in body  # inline links stay in their paragraph


def test_alt_text(home: Piece) -> None:
    assert texts(home, "alt") == ["The Tallyfox invoice editor with a half-filled invoice"]


def test_chrome_roles(home: Piece) -> None:
    assert texts(home, "banner") == [
        "We bake a few cookies to keep you signed in.",
        "Fine by me",
        "New: recurring invoices are here.",
    ]
    assert texts(home, "nav") == ["Features", "Pricing", "Blog", "Privacy Terms"]
    assert texts(home, "header") == ["Tallyfox home", "Start free"]
    assert texts(home, "footer") == ["© Tallyfox Ltd, a very small company in Leeds."]
    assert texts(home, "aside") == ["From the blog", "How to price your first freelance project"]


def test_document_order(home: Piece) -> None:
    roles = [s.role for s in home.sections]
    assert roles.index("headline") < roles.index("hero") < roles.index("cta")
    assert roles.index("cta") < roles.index("heading") < roles.index("body")


@pytest.mark.parametrize(
    "hidden",
    [
        "Hidden attribute text", "Display none paragraph", "Invisible paragraph",
        "Aria hidden decoration", "Visually hidden note", "Skip to content",
        "noscript text", "Template text", "Svg title text", "Svg body text", "JSONLD",
        "script text", "dataLayer", "a comment", "color:", "hidden input value",
        "you@example.com", "spacer", "wave-pattern",
    ],
)
def test_not_copy_is_excluded(home: Piece, hidden: str) -> None:
    assert hidden not in home.text


def test_meta_fields(home: Piece) -> None:
    assert home.meta["host"] == "tallyfox.example"
    assert home.meta["lang"] == "en-GB"
    assert home.meta["canonical"] == "https://tallyfox.example/"
    chrome = [s for s in home.sections if s.role in CHROME_ROLES]
    assert home.meta["chrome_keys"] == [chrome_key(s.role, s.text) for s in chrome]
    assert home.channel == "landing"


def test_caller_meta_and_channel_kept() -> None:
    piece = html_to_piece("<p>Hello there</p>", "drafts/a.html", channel="blog",
                          meta={"campaign": "spring"})
    assert piece.channel == "blog"
    assert piece.meta["campaign"] == "spring"
    assert "host" not in piece.meta
    assert piece.sections[0].text == "Hello there"


def test_same_chrome_on_three_pages_has_the_same_keys() -> None:
    pages = [load(n) for n in ("tallyfox_home.html", "tallyfox_pricing.html",
                               "tallyfox_about.html")]
    footer_keys = [
        {chrome_key(s.role, s.text) for s in p.sections if s.role in ("footer", "nav")}
        for p in pages
    ]
    shared = footer_keys[0] & footer_keys[1] & footer_keys[2]
    assert chrome_key("footer", "© Tallyfox Ltd, a very small company in Leeds.") in shared
    assert chrome_key("nav", "Privacy Terms") in shared
    for p in pages:
        assert set(p.meta["chrome_keys"]) >= shared


def test_chrome_key_ignores_case_and_spacing() -> None:
    assert chrome_key("footer", "About  Us\n") == chrome_key("footer", "about us")
    assert chrome_key("footer", "About us") != chrome_key("nav", "About us")


def test_article_header_is_content() -> None:
    about = load("tallyfox_about.html")
    assert texts(about, "headline") == ["Two people, one small app"]
    assert "We started Tallyfox after a year of freelancing and a spreadsheet that kept breaking." \
        in texts(about, "body")
    assert texts(about, "heading") == ["Why we stay small"]


def test_hostile_text_stays_text() -> None:
    piece = load("hostile.html")
    assert texts(piece, "title") == ["Tips & tricks <b>for</b> freelancers"]
    assert texts(piece, "headline") == ["Five <script>alert(1)</script> tips"]
    body = texts(piece, "body")
    assert body[0] == (
        "Paste this and nothing happens: <script>alert(1)</script> and "
        "<img src=x onerror=alert(1)> stay words."
    )
    assert body[1] == "A real image with a handler follows."  # the real <img> adds nothing
    assert "Quotes \"stay\" & ampersands & too: café €5 spaced out." in body
    assert texts(piece, "cta") == ["Not a real <button>"]
    # The real <script> element contributes nothing: alert(1) only occurs inside escaped text.
    assert piece.text.count("alert(1)") == 3
    assert "alert(2)" not in piece.text and "alert(3)" not in piece.text


def test_enterprise_page_without_main() -> None:
    piece = load("stratavault_enterprise.html")
    assert texts(piece, "banner") == [
        "Stratavault and its 214 partners process personal data in accordance with our Data "
        "Processing Addendum.",
        "Accept and continue",
    ]
    assert texts(piece, "nav") == ["Platform Solutions Resources"]
    assert "Contact sales" in texts(piece, "header")
    assert texts(piece, "headline") == [
        "Enterprise-grade spend governance for the modern procurement organisation"
    ]
    assert texts(piece, "hero")[0].startswith("Operationalise policy compliance")
    assert texts(piece, "cta") == ["Request a demo"]
    assert texts(piece, "heading") == ["Stakeholder alignment at scale", "SOC 2 Type II"]
    assert len(texts(piece, "body")) == 2  # the "has-sidebar" wrapper is not chrome
    assert texts(piece, "aside") == ["Analyst report",
                                     "Download the 48-page governance maturity study."]
    assert texts(piece, "footer")[0].startswith("Stratavault, Inc. All rights reserved.")


def test_text_outside_main_is_aside() -> None:
    html = ("<body><div class='promo'><p>Side note</p></div>"
            "<main><h1>Main title</h1><p>Main copy</p></main></body>")
    piece = html_to_piece(html, "x")
    assert [(s.role, s.text) for s in piece.sections] == [
        ("aside", "Side note"), ("headline", "Main title"), ("body", "Main copy"),
    ]


def test_hero_by_class_outside_main_and_second_h1() -> None:
    html = """<body><header class="site-header"><nav><a href="/">Home</a></nav>
      <div class="hero-banner"><h1>Big promise</h1><p>Small print of the promise</p></div>
      </header><main><h1>Another h1</h1><p>Copy</p><section class="hero">
      <p>Not a second hero</p></section></main></body>"""
    piece = html_to_piece(html, "x")
    assert texts(piece, "headline") == ["Another h1"]  # main's h1 is the page's h1
    assert texts(piece, "heading") == ["Big promise"]
    assert texts(piece, "hero") == ["Small print of the promise"]
    assert "Not a second hero" in texts(piece, "body")
    assert texts(piece, "nav") == ["Home"]


def test_site_header_holding_the_h1_is_the_hero() -> None:
    html = """<body><header><nav><a href="/a">Docs</a></nav><h1>Write less, ship more</h1>
      <p>The short pitch.</p><a class="btn" href="/go">Go</a></header>
      <div><p>Rest of the page</p></div><footer><p>Bye</p></footer></body>"""
    piece = html_to_piece(html, "x")
    assert [(s.role, s.text) for s in piece.sections] == [
        ("nav", "Docs"), ("headline", "Write less, ship more"), ("hero", "The short pitch."),
        ("cta", "Go"), ("body", "Rest of the page"), ("footer", "Bye"),
    ]


def test_dedupe_within_role_only() -> None:
    html = ("<main><h1>Same words</h1><ul><li>Same words</li><li>Same words</li>"
            "<li>Other</li></ul></main>")
    piece = html_to_piece(html, "x")
    assert [(s.role, s.text) for s in piece.sections] == [
        ("headline", "Same words"), ("body", "Same words"), ("body", "Other"),
    ]


def test_inline_markup_joins_and_blocks_split() -> None:
    html = ("<main><p>One <b>bold</b> <i>line</i><br>two</p><div>Card <span>A</span>"
            "<div>Nested</div> after</div></main>")
    piece = html_to_piece(html, "x")
    assert texts(piece, "body") == ["One bold line two", "Card A", "Nested", "after"]


def test_responsive_hidden_classes_stay_visible() -> None:
    html = ('<main><p class="hidden md:block">Desktop copy</p><p class="d-none d-lg-block">'
            'Large copy</p><p class="hidden">Gone</p></main>')
    assert texts(html_to_piece(html, "x"), "body") == ["Desktop copy", "Large copy"]


def test_button_variants_and_symbols() -> None:
    html = """<main><button type="button"><svg><title>icon</title></svg></button>
      <button>Get started <span class="sr-only">now</span></button>
      <input type="button" value="Try the demo"><a class="cta-link" href="/x">Talk to us</a>
      <a href="/y" style="display:inline-block;padding:8px 12px;">Book</a>
      <p>→ ✓ ·</p><p><img src="rocket.png" alt="🚀"> launch day</p></main>"""
    piece = html_to_piece(html, "x")
    assert texts(piece, "cta") == ["Get started", "Try the demo", "Talk to us", "Book"]
    assert texts(piece, "body") == ["🚀 launch day"]


def test_fragments_empty_and_xml_declared_input() -> None:
    assert html_to_piece("", "x").sections == []
    assert html_to_piece("   \n", "x").sections == []
    assert texts(html_to_piece("Just words, no tags", "x"), "body") == ["Just words, no tags"]
    doc = '<?xml version="1.0" encoding="utf-8"?><html><body><p>XHTML café</p></body></html>'
    assert texts(html_to_piece(doc, "x"), "body") == ["XHTML café"]


def test_deep_nesting_does_not_crash() -> None:
    html = "<div>" * 1500 + "<p>Deep copy</p>" + "</div>" * 1500 + "<p>After</p>"
    piece = html_to_piece(html, "x")
    assert texts(piece, "body") == ["Deep copy", "After"]
    html_to_piece("<b>" * 20000 + "soup", "x")  # beyond libxml2's limit: no crash


def test_decoded_charsets_end_to_end() -> None:
    assert texts(load("cp1252_meta.html"), "headline") == ["Facturé en deux minutes, payé à temps"]
    assert texts(load("utf16_bom.html"), "headline") == ["Plans that fit — naïvely simple"]
    assert texts(load("no_charset.html"), "headline") == ["Grüße aus Köln"]
    assert load("utf16_bom.html").meta["lang"] == "en"


def test_non_chrome_text(home: Piece) -> None:
    text = non_chrome_text(home.sections)
    assert "Invoices done before your coffee cools" in text
    assert "We bake a few cookies" not in text


def test_extract_links() -> None:
    html = """<html><head><base href="/sub/"></head><body>
      <a href="page">Page</a><a href="/abs#frag">Abs</a><a href="/abs">Again</a>
      <a href="https://other.example/x?q=1">Other</a><a href="mailto:a@b.example">Mail</a>
      <a href="javascript:alert(1)">JS</a><a href="#top">Top</a><a>No href</a>
      <a href="ftp://files.example/x">FTP</a><area href="map-target" alt="Map"></body></html>"""
    assert extract_links(html, "https://tallyfox.example/blog/post") == [
        "https://tallyfox.example/sub/page",
        "https://tallyfox.example/abs",
        "https://other.example/x?q=1",
        "https://tallyfox.example/sub/map-target",
    ]
    assert extract_links("", "https://x.example/") == []


def test_h1_outside_a_main_without_one() -> None:
    html = ("<body><div class='hero'><h1>Outside promise</h1><p>Pitch</p></div>"
            "<main><h2>Details</h2><p>More</p></main></body>")
    piece = html_to_piece(html, "x")
    assert texts(piece, "headline") == ["Outside promise"]
    assert texts(piece, "hero") == ["Pitch"]
    assert texts(piece, "heading") == ["Details"]


def test_page_builder_classes_are_layout_not_chrome() -> None:
    html = """<body><div class="elementor elementor-location-header"><p>Logo text</p></div>
      <div class="elementor-widget elementor-widget-text-editor"><div class="elementor-widget-container">
      <h1>Builder page</h1><p>Real copy in a widget.</p></div></div>
      <div class="elementor elementor-location-footer"><p>Footer words</p></div></body>"""
    piece = html_to_piece(html, "x")
    assert [(s.role, s.text) for s in piece.sections] == [
        ("header", "Logo text"), ("headline", "Builder page"), ("body", "Real copy in a widget."),
        ("footer", "Footer words"),
    ]


def test_unmarked_top_bar_with_navigation_is_header_and_link_rows_are_nav() -> None:
    html = """<body><div class="top"><a href="/">Brand</a><div role="navigation">
      <a href="/a">Alpha</a><a href="/b">Beta</a></div><a href="/in">Sign in</a></div>
      <section><h1>Promise</h1><p>Body copy.</p><p><a href="/x">One</a> · <a href="/y">Two</a></p>
      </section></body>"""
    piece = html_to_piece(html, "x")
    assert texts(piece, "header") == ["Brand", "Sign in"]
    assert texts(piece, "nav") == ["Alpha Beta", "One · Two"]
    assert texts(piece, "hero") == ["Body copy."]


def test_copy_after_nesting_deeper_than_the_parser_goes_is_kept() -> None:
    deep = 5000
    html = ("<html><head><title>Deep page</title></head><body>" + "<div>" * deep
            + "<p>Buried words</p>" + "</div>" * deep
            + "<p>The offer after the deep block.</p><script>var hidden = 1;</script></body></html>")
    piece = html_to_piece(html, "https://deep.example/")
    texts_read = [s.text for s in piece.sections]
    assert "The offer after the deep block." in texts_read
    assert "Buried words" in texts_read and "Deep page" in texts_read
    assert not any("hidden" in t for t in texts_read)
