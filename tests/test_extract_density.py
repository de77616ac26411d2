"""Where the page's own copy is when class names mislead: text mass decides over class words,
a <main> around a breadcrumb trail is not trusted, a dated post's column is its copy, and lists
of links, captions, ads and comments inside the column are the site's furniture. Every page
here is our own."""

from __future__ import annotations

from audit.extract.classify import _class_info
from audit.extract.density import content_core, link_list, measure
from audit.extract.html import _SKIP_TAGS, html_to_piece, parse_html
from audit.models import CHROME_ROLES

PROSE = ("Our bakery started in a garage with one oven and a stubborn recipe for rye. "
         "Every loaf is still shaped by hand before dawn, proofed slowly in the cold, and "
         "baked on stone so the crust cracks when you press it. ")
STORY = "".join(f"<p>{PROSE} Paragraph {i} goes on about flour and patience.</p>" for i in range(6))
SIDEBAR = ('<div class="sidebar"><h3>Archive</h3><ul><li><a href="/a">March</a></li>'
           '<li><a href="/b">April</a></li><li><a href="/c">May</a></li></ul></div>')


def roles_of(html: str, needle: str) -> set[str]:
    piece = html_to_piece(html, "https://bakery.example/post")
    return {s.role for s in piece.sections if needle in s.text}


def copy_of(html: str) -> str:
    piece = html_to_piece(html, "https://bakery.example/post")
    return " ".join(s.text for s in piece.sections if s.role not in CHROME_ROLES)


def test_a_wrapper_named_like_a_widget_or_sidebar_holding_the_prose_is_copy() -> None:
    for cls in ("widget Blog", "has-double-sidebar", "entry-content no-share", "toc-content"):
        html = f'<html><body><div class="{cls}"><h1>Rye at dawn</h1>{STORY}</div>{SIDEBAR}</body></html>'
        assert roles_of(html, "stubborn recipe") <= {"body"}, cls
        assert roles_of(html, "Archive") <= CHROME_ROLES


def test_a_main_around_only_the_breadcrumbs_is_not_where_the_copy_is() -> None:
    html = ('<html><body><main><nav class="crumbs">Home / Blog</nav><p>Blog</p></main>'
            f'<div class="post">{STORY}</div></body></html>')
    assert roles_of(html, "stubborn recipe") == {"body"}


def test_a_dated_post_keeps_its_column_and_leaves_the_rest_to_the_site() -> None:
    html = ('<html><head><meta property="og:type" content="article"></head><body>'
            '<div class="top"><p>Bakery Journal, fresh every Friday, since the first loaf</p></div>'
            f'<div class="layout"><div class="col"><h1>Rye at dawn</h1><time>3 May</time>{STORY}</div>'
            '<div class="col2"><p>Opening hours are eight till four, closed on Mondays.</p></div>'
            '</div></body></html>')
    assert roles_of(html, "stubborn recipe") == {"body"}
    assert roles_of(html, "Rye at dawn") == {"headline"}
    assert roles_of(html, "Opening hours") <= CHROME_ROLES


def test_a_landing_page_keeps_its_closing_call_to_action() -> None:
    html = (f'<html><body><div class="content"><h1>Bread for your café</h1>{STORY}</div>'
            '<section class="band"><h2>Ready to stock real bread?</h2>'
            '<p>Order a tasting box for your counter this week.</p></section></body></html>')
    assert "Order a tasting box" in copy_of(html)


def test_lists_of_links_in_the_column_and_their_headings_are_navigation() -> None:
    html = (f'<html><body><main><article><h1>Rye at dawn</h1>{STORY}<h3>Read next</h3><ul>'
            '<li><a href="/1">Why we proof bread in the cold overnight</a></li>'
            '<li><a href="/2">A short history of the sourdough starter</a></li>'
            '<li><a href="/3">Ten loaves we got wrong this year</a></li></ul>'
            '<div class="actions"><a class="btn" href="/x">Order now</a> <a class="btn" href="/y">'
            'See prices</a> <a class="btn" href="/z">Visit us</a></div>'
            '</article></main></body></html>')
    assert roles_of(html, "history of the sourdough") == {"nav"}
    assert roles_of(html, "Read next") == {"nav"}
    assert roles_of(html, "Order now") == {"cta"}  # a row of buttons is not a link list


def test_photo_credits_ads_and_comments_are_furniture_but_a_quote_attribution_is_copy() -> None:
    html = (f'<html><body><main><h1>Rye at dawn</h1>{STORY}'
            '<figure><img src="rye.jpg" alt="a loaf"><figcaption>Photo: Sam Baker</figcaption></figure>'
            '<figure><blockquote>Best rye in town.</blockquote><figcaption>Jo, a café owner</figcaption>'
            '</figure><div class="ad-slot">Cheap flights to Lisbon</div>'
            '<ol class="commentlist"><li>Lovely post, thanks for the recipe tips!</li></ol>'
            '</main></body></html>')
    assert roles_of(html, "Photo: Sam Baker") <= CHROME_ROLES
    assert roles_of(html, "Jo, a café owner") == {"body"}
    assert roles_of(html, "Cheap flights") <= CHROME_ROLES
    assert roles_of(html, "Lovely post") <= CHROME_ROLES


def test_text_mass_counts_prose_and_links_and_finds_the_core() -> None:
    root = parse_html(f'<html><body><div id="page"><div id="story">{STORY}</div>{SIDEBAR}</div>'
                      '<script>var x = "not text";</script></body></html>')
    body = root.find("body")
    mass = measure(body, _SKIP_TAGS)
    story = body.find(".//div[@id='story']")
    assert mass[story].links == 0 and mass[story].prose > 1000
    assert content_core(body, mass) is story
    ul = body.find(".//ul")
    assert link_list(ul, mass, button=lambda a: False)
    assert not link_list(story, mass, button=lambda a: False)


def test_deep_pages_are_measured_without_recursion() -> None:
    html = "<html><body>" + "<div>" * 3000 + STORY + "</div>" * 3000 + "</body></html>"
    root = parse_html(html)
    assert root is not None
    measure(root, _SKIP_TAGS)  # iterative: no RecursionError


def test_qualifiers_and_modifiers_are_not_purposes() -> None:
    for cls in ("report__section report__section--ads", "layout has-sidebar", "post is-sticky",
                "opinion commentary", "page show-comments"):
        html = (f'<html><body><main><div class="{cls}"><h1>Rye at dawn</h1>{STORY}</div>'
                "</main></body></html>")
        assert roles_of(html, "stubborn recipe") == {"body"}, cls


def test_class_strings_are_read_token_by_token() -> None:
    # a qualifier token says how a block looks, whichever qualifier it is and whatever else
    # the string holds; the first token naming a purpose wins; hidden unless shown on desktop
    assert _class_info("page show-comments").chrome is None
    assert _class_info("page show-comments no-ads").chrome is None
    assert _class_info("report__section--ads").chrome is None
    assert _class_info("block--field:node:field-advertising").chrome == "banner"
    info = _class_info("wrap site-footer sidebar")
    assert (info.chrome, info.word) == ("footer", "site-footer")
    assert _class_info("elementor-widget elementor-location-footer").chrome == "footer"
    assert _class_info("elementor-widget-text").chrome is None
    assert _class_info("btn hero-banner").cta and _class_info("btn hero-banner").hero
    assert _class_info("hidden").hidden and not _class_info("hidden md:block").hidden
    assert not _class_info("d-none d-md-block").hidden


def test_a_dated_post_reads_lone_links_as_teasers_but_a_listing_keeps_them() -> None:
    post = ('<html><head><meta property="og:type" content="article"></head><body><main>'
            f'<article><h1>Rye at dawn</h1>{STORY}<p><a href="/x">Why our ovens run on wood</a>'
            '</p></article></main></body></html>')
    assert roles_of(post, "ovens run on wood") == {"nav"}
    listing = ('<html><body><main>' + "".join(
        f'<article><time>{d} May</time><h2><a href="/{d}">Loaf number {d}</a></h2>'
        f'<p>{PROSE}</p></article>' for d in range(1, 5)) + "</main></body></html>")
    assert roles_of(listing, "Loaf number 2") == {"heading"}


def test_on_a_post_teaser_cards_are_navigation_and_a_captioned_photo_is_furniture() -> None:
    card = ('<div class="more"><a href="/x"><img src="x.jpg" alt="a wood oven"><h3>Why our ovens '
            'run on wood</h3></a><a href="/y"><h3>Ten loaves we got wrong</h3></a>'
            '<a href="/z"><h3>Our flour, field by field</h3></a></div>')
    photo = ('<figure><img src="rye.jpg" alt="Sam shaping rye at dawn"><figcaption>Sam shaping '
             'rye at dawn. Photo: Jo</figcaption></figure>')
    post = ('<html><head><meta property="og:type" content="article"></head><body><main>'
            f'<article><h1>Rye at dawn</h1>{photo}{STORY}{card}</article></main></body></html>')
    assert roles_of(post, "Ten loaves we got wrong") == {"nav"}
    assert roles_of(post, "Sam shaping rye") <= CHROME_ROLES
    landing = post.replace('<meta property="og:type" content="article">', "")
    assert roles_of(landing, "Ten loaves we got wrong") == {"heading"}  # link cards are copy


def test_short_blocks_around_a_posts_prose_are_furniture_but_calls_to_action_stay() -> None:
    post = ('<html><head><meta property="og:type" content="article"></head><body><main>'
            '<article><h1>Rye at dawn</h1><p>By Sam, 3 May</p>'
            f'{STORY}<p>Share this story</p><p><a class="btn" href="/order">Order a loaf</a></p>'
            '</article></main></body></html>')
    assert roles_of(post, "By Sam, 3 May") <= CHROME_ROLES
    assert roles_of(post, "Share this story") <= CHROME_ROLES
    assert roles_of(post, "Order a loaf") == {"cta"}
    assert roles_of(post, "Rye at dawn") == {"headline"}
    landing = post.replace('<meta property="og:type" content="article">', "")
    assert roles_of(landing, "Share this story") == {"body"}  # a landing page keeps it


def test_a_long_paragraph_beside_main_is_copy_but_a_short_one_is_not() -> None:
    html = (f'<html><body><main><h1>Rye at dawn</h1>{STORY}</main>'
            f'<div class="more"><p>{PROSE} {PROSE}</p><p>Opening hours: eight till four.</p></div>'
            "</body></html>")
    assert roles_of(html, "Every loaf is still shaped") == {"body"}
    assert roles_of(html, "Opening hours") <= CHROME_ROLES


SHORT_POST = (f"<p>{PROSE}</p><p>We bake rye on Tuesdays and spelt on Fridays, and the oven "
              "rests on Sundays so the bakers can too.</p>")
WIDGETS = "".join(
    f'<div class="widget"><h3>Notes {i}</h3><p>{PROSE} Widget {i} talks about our shop hours, '
    "the farm that mills our flour and the market stall we run on Saturdays.</p></div>"
    for i in range(6))


def test_a_comment_thread_outweighing_a_short_post_is_not_the_copy() -> None:
    comments = "".join(f'<li class="comment"><p>{PROSE} Reader {i} agrees.</p></li>' for i in range(12))
    html = ('<html><head><meta property="og:type" content="article"></head><body><main>'
            f'<article><h1>Rye at dawn</h1><div class="entry__content paywall-container">'
            f'{STORY}</div></article><div id="comments"><ol>{comments}</ol></div>'
            "</main></body></html>")
    assert roles_of(html, "Paragraph 3 goes on") == {"body"}
    assert roles_of(html, "Reader 3 agrees") <= CHROME_ROLES


def test_the_one_marked_article_body_beats_a_heavier_column_of_widgets() -> None:
    html = ('<html><body><div class="top"><h1>Rye Journal</h1></div>'
            '<div class="columns"><div class="main-column"><div class="widget Blog">'
            '<div class="post hentry"><h3>Rye at dawn</h3><div class="post-body entry-content">'
            f"<p>{PROSE}</p>"
            f'{SHORT_POST}</div></div></div></div><div class="side-column">{WIDGETS}</div></div>'
            "</body></html>")
    assert roles_of(html, "spelt on Fridays") == {"body"}
    assert roles_of(html, "Widget 2 talks") <= CHROME_ROLES
    # two marked bodies: the page does not say which one is the article, text mass decides
    two = html.replace('<div class="side-column">',
                       '<div class="side-column"><div class="entry-content">'
                       f"<p>Our second kitchen opened in May. {PROSE} {PROSE}</p></div>")
    assert roles_of(two, "Our second kitchen") == {"body"}
    # a dated post whose widgets hold about as much text as the post: no column holds most of
    # the prose, and the marked body inside the wrapper is the article
    notes = "".join(f'<div class="widget"><p>{PROSE}</p></div>' for _ in range(2))
    post = ('<html><head><meta property="og:type" content="article"></head><body>'
            '<div class="top"><h1>Rye Journal</h1></div><div class="columns">'
            '<div class="main-column"><div class="widget Blog"><div class="post-body entry-content">'
            f'<p>{PROSE}</p>{SHORT_POST}</div></div></div><div class="side-column">{notes}</div>'
            "</div></body></html>")
    assert roles_of(post, "spelt on Fridays") == {"body"}


def test_a_section_named_like_a_table_of_contents_but_made_of_prose_is_copy() -> None:
    chapters = "".join(f'<div class="chapter" id="toc_title_{i}"><h2>Step {i}</h2><p>{PROSE} {PROSE}</p>'
                       "</div>" for i in range(3))
    toc = ('<div class="toc"><a href="#toc_title_0">Step 0</a> <a href="#toc_title_1">Step 1</a>'
           ' <a href="#toc_title_2">Step 2</a></div>')
    html = f"<html><body><article><h1>Rye at dawn</h1>{toc}{chapters}</article></body></html>"
    assert roles_of(html, "stubborn recipe") == {"body"}
    assert roles_of(html, "Step 1") & CHROME_ROLES  # the real table of contents is still nav


def test_parts_of_a_core_named_like_chrome_share_its_name_and_stay_copy() -> None:
    entries = "".join(f'<div class="live-comment"><div class="live-comment-body"><p>{PROSE} '
                      f"Minute {i}: the dough rises.</p></div></div>" for i in range(8))
    html = (f'<html><body><main><h1>Bake-off, live</h1><div class="live-comments">{entries}'
            f"</div></main>{SIDEBAR}</body></html>")
    assert roles_of(html, "Minute 4: the dough rises") == {"body"}
    assert roles_of(html, "Archive") <= CHROME_ROLES


def test_inside_chrome_landmarks_buttons_and_hidden_parts_are_still_read() -> None:
    html = (f"<html><body><main><h1>Rye at dawn</h1>{STORY}</main>"
            '<footer><nav><a href="/a">About</a> <a href="/b">Jobs</a></nav>'
            '<p class="sr-only">Skip to the top</p><p style="display:none">Old phone line</p>'
            '<button>Join the bread club</button><img src="x.png" alt="Our bakery at night">'
            "<p>Baked in Leeds since 2009.</p></footer></body></html>")
    piece = html_to_piece(html, "https://bakery.example/post")
    roles = {s.text: s.role for s in piece.sections}
    assert roles["About Jobs"] == "nav"
    assert roles["Join the bread club"] == "footer"
    assert roles["Our bakery at night"] == "footer"
    assert roles["Baked in Leeds since 2009."] == "footer"
    assert not any("Skip to the top" in t or "Old phone line" in t for t in roles)
