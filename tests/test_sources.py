"""URL lists and sitemaps: line numbers, bad lines, CSV columns, gzip, XXE."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from audit import InputError
from audit.models import InputProblem
from audit.sources.lists import (
    MAX_SITEMAP_BYTES,
    UrlEntry,
    is_sitemap_source,
    looks_like_sitemap,
    parse_sitemap,
    read_url_list,
    url_problem,
)

LISTS = Path(__file__).parent / "fixtures" / "lists"


def test_txt_list_with_comments_and_bad_lines() -> None:
    results = list(read_url_list(LISTS / "urls.txt"))
    entries = [r for r in results if isinstance(r, UrlEntry)]
    problems = [r for r in results if isinstance(r, InputProblem)]
    assert [(e.url, e.line) for e in entries] == [
        ("https://tallyfox.example/", 2),
        ("https://tallyfox.example/pricing", 4),  # trailing " # comment" removed
        ("https://tallyfox.example/blog/solo-pricing#intro", 6),  # a fragment is not a comment
        ("https://stratavault.example/platform", 11),
    ]
    assert entries[0].source == f"{LISTS / 'urls.txt'}:line 2"
    assert entries[0].channel is None
    assert [(p.source.rsplit(":", 1)[1], p.error) for p in problems] == [
        ("line 5", "not a web address: tallyfox.example/about (add https:// in front)"),
        ("line 7", "not a web address: ftp://files.tallyfox.example/brochure.pdf "
                   "(only http and https pages are audited)"),
        ("line 8", "not a web address: https://tallyfox.example/a page with spaces "
                   "(it contains spaces)"),
        ("line 10", "not a web address: http:///no-host (no host name)"),
    ]


def test_csv_list_with_channel_name_campaign() -> None:
    results = list(read_url_list(LISTS / "urls.csv"))
    first, second, bad, empty, last = results
    assert isinstance(first, UrlEntry) and isinstance(second, UrlEntry)
    assert (first.url, first.line, first.channel, first.name, first.campaign) == (
        "https://tallyfox.example/", 2, "landing", "Home", None,
    )
    assert (second.channel, second.campaign) == ("blog", "spring")
    assert isinstance(bad, InputProblem) and bad.source.endswith("urls.csv:line 4")
    assert bad.error.startswith("not a web address: not a url")
    assert isinstance(empty, InputProblem) and empty.error == "no URL in this row"
    assert isinstance(last, UrlEntry) and last.line == 6


def test_screaming_frog_export_address_column_and_bom() -> None:
    results = list(read_url_list(LISTS / "screaming_frog.csv"))
    assert [(r.url, r.line) for r in results if isinstance(r, UrlEntry)] == [
        ("https://tallyfox.example/", 2), ("https://tallyfox.example/pricing", 3),
    ]


def test_csv_without_url_column() -> None:
    with pytest.raises(InputError) as err:
        list(read_url_list(LISTS / "no_url_column.csv"))
    assert "columns found: Page, Owner" in err.value.message


def test_loc_column_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("loc;channel\nhttps://pebblepost.example/;email\n")
    [entry] = list(read_url_list(path))
    assert isinstance(entry, UrlEntry)
    assert (entry.url, entry.channel) == ("https://pebblepost.example/", "email")


def test_url_problem() -> None:
    assert url_problem("https://tallyfox.example/a?b=1#c") is None
    assert url_problem("HTTP://TALLYFOX.EXAMPLE") is None
    assert url_problem("https://tallyfox.example:99999/") == "malformed"
    assert url_problem("javascript:alert(1)") == "only http and https pages are audited"
    assert url_problem("tallyfox.example:8080/x") == "add https:// in front"
    assert url_problem("https://a.example/\x00") == "it contains control characters"


def test_missing_and_empty_list(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        list(read_url_list(tmp_path / "missing.txt"))
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        list(read_url_list(tmp_path / "empty.txt"))


EXPECTED = [
    "https://tallyfox.example/",
    "https://tallyfox.example/pricing",
    "https://tallyfox.example/blog/first-invoice?ref=a&b=2",
]


def test_sitemap_urlset() -> None:
    sitemap = parse_sitemap((LISTS / "sitemap.xml").read_bytes(), "sitemap.xml")
    assert sitemap.urls == EXPECTED and sitemap.sitemaps == []  # trimmed, de-duplicated
    assert sitemap.skipped == ["line 9: '/relative/ignored' (a relative address, and a sitemap "
                               "file has no web address to resolve it)"]


def test_relative_locs_resolve_against_the_sitemap_address() -> None:
    data = (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            b"<url><loc>/pricing</loc></url><url><loc>blog/hello</loc></url>"
            b"<url><loc>https://other.example/x</loc></url></urlset>")
    sitemap = parse_sitemap(data, "https://tallyfox.example/maps/sitemap.xml")
    assert sitemap.urls == ["https://tallyfox.example/pricing",
                            "https://tallyfox.example/maps/blog/hello", "https://other.example/x"]
    assert sitemap.skipped == []


def test_upper_case_sitemaps_are_read() -> None:
    data = (b"<?xml version='1.0'?><URLSET><URL><LOC>https://tallyfox.example/</LOC></URL>"
            b"<URL><LOC>https://tallyfox.example/pricing</LOC></URL></URLSET>")
    assert parse_sitemap(data, "s.xml").urls == EXPECTED[:2]
    index = b"<SitemapIndex><Sitemap><Loc>https://tallyfox.example/a.xml</Loc></Sitemap></SitemapIndex>"
    assert parse_sitemap(index, "i.xml").sitemaps == ["https://tallyfox.example/a.xml"]


def test_a_sitemap_without_pages_says_why() -> None:
    empty = parse_sitemap(b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'/>", "s")
    assert empty.empty_reason() == "sitemap lists no pages"
    junk = parse_sitemap(b"<urlset>\n<url><loc>mailto:hi@x.example</loc></url>\n</urlset>", "s")
    assert junk.empty_reason() == ("sitemap lists no pages that are web addresses (skipped "
                                   "line 2: 'mailto:hi@x.example' (only http and https pages "
                                   "are audited))")
    feed = parse_sitemap(b"<rss><channel><title>Quiet</title></channel></rss>", "f")
    assert feed.empty_reason() == "feed has no items with links"
    assert parse_sitemap((LISTS / "sitemap.xml").read_bytes(), "s").empty_reason() is None


@pytest.mark.parametrize("body", [
    b"<?xml version='1.0' encoding='UTF-8'?>\n<!-- generator -->\n<urlset>",
    b"\xef\xbb\xbf<?xml version='1.0'?><?xml-stylesheet href='s.xsl'?><sitemapindex>",
    b"<rss version='2.0'><channel>",
    b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
    b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>",
])
def test_sitemaps_and_feeds_are_recognised_by_their_content(body: bytes) -> None:
    assert looks_like_sitemap(body)


@pytest.mark.parametrize("body", [b"<!doctype html><html>", b"<html><body>rss feed</body>",
                                  b"<?xml version='1.0'?><svg>", b"https://x.example/\n"])
def test_pages_are_not_taken_for_sitemaps(body: bytes) -> None:
    assert not looks_like_sitemap(body)


def test_gzipped_sitemap() -> None:
    assert parse_sitemap((LISTS / "sitemap.xml.gz").read_bytes(), "s.xml.gz").urls == EXPECTED


def test_sitemap_without_namespace() -> None:
    assert parse_sitemap((LISTS / "sitemap_plain.xml").read_bytes(), "s").urls == [
        "https://pebblepost.example/", "https://pebblepost.example/pricing",
    ]


def test_sitemap_index_with_prefixed_namespace() -> None:
    sitemap = parse_sitemap((LISTS / "sitemap_index.xml").read_bytes(), "i.xml")
    assert sitemap.urls == []
    assert sitemap.sitemaps == [
        "https://tallyfox.example/sitemap-pages.xml",
        "https://tallyfox.example/sitemap-blog.xml.gz",
    ]


def test_text_sitemap() -> None:
    assert parse_sitemap((LISTS / "sitemap.txt").read_bytes(), "s.txt").urls == [
        "https://pebblepost.example/", "https://pebblepost.example/pricing",
    ]


def test_feeds_count_as_sitemaps() -> None:
    rss = (b"<rss version='2.0'><channel><link>https://pebblepost.example/</link>"
           b"<item><link>https://pebblepost.example/p/1</link></item></channel></rss>")
    assert parse_sitemap(rss, "feed").urls == ["https://pebblepost.example/p/1"]
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            b'<link href="https://pebblepost.example/p/2"/></entry></feed>')
    assert parse_sitemap(atom, "feed").urls == ["https://pebblepost.example/p/2"]


def test_xxe_is_refused() -> None:
    with pytest.raises(InputError, match="entities"):
        parse_sitemap((LISTS / "sitemap_xxe.xml").read_bytes(), "x.xml")


def test_external_dtd_is_not_fetched() -> None:
    sitemap = parse_sitemap((LISTS / "sitemap_external_dtd.xml").read_bytes(), "d.xml")
    assert sitemap.urls == ["https://tallyfox.example/"]


def test_billion_laughs_is_refused() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
            b"<urlset><url><loc>https://x.example/&b;</loc></url></urlset>")
    with pytest.raises(InputError):
        parse_sitemap(bomb, "b.xml")


def test_not_a_sitemap() -> None:
    with pytest.raises(InputError, match="root element is <note>"):
        parse_sitemap((LISTS / "not_a_sitemap.xml").read_bytes(), "n.xml")
    with pytest.raises(InputError, match="not valid XML"):
        parse_sitemap(b"<?xml version='1.0'?>\n<", "broken.xml")
    with pytest.raises(InputError, match="not a sitemap"):
        parse_sitemap(b"Dear diary,\nnothing here is a URL.\n", "notes.txt")


def test_recovers_from_stray_ampersands_and_sloppy_tags() -> None:
    data = b"<urlset><url><loc>https://x.example/?a=1&b=2&amp;c=3</loc></url></urlset>"
    assert parse_sitemap(data, "s").urls == ["https://x.example/?a=1&b=2&c=3"]
    sloppy = b"<urlset><url><loc>https://x.example/</url><url><loc>https://x.example/b</loc>"
    assert parse_sitemap(sloppy, "s").urls[0] == "https://x.example/"  # what parses is kept


def test_gzip_bomb_and_bad_gzip_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import audit.sources.lists

    assert MAX_SITEMAP_BYTES == 50 * 1024 * 1024
    monkeypatch.setattr(audit.sources.lists, "MAX_SITEMAP_BYTES", 64 * 1024)  # same code path, faster
    bomb = gzip.compress(b" " * (10 * 1024 * 1024))  # 10 KB that would inflate to 10 MB
    with pytest.raises(InputError, match="larger than 50 MB"):
        parse_sitemap(bomb, "bomb.xml.gz")
    with pytest.raises(InputError, match="larger than 50 MB"):
        parse_sitemap(b"<urlset>" + b" " * (65 * 1024) + b"</urlset>", "big.xml")
    with pytest.raises(InputError, match="gzip"):
        parse_sitemap(b"\x1f\x8b\x08\x00garbage", "bad.xml.gz")
    with pytest.raises(InputError, match="truncated"):
        parse_sitemap(gzip.compress(b"<urlset></urlset>")[:-12], "cut.xml.gz")


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("https://tallyfox.example/sitemap.xml", True),
        ("https://tallyfox.example/sitemap_index.xml", True),
        ("https://tallyfox.example/post-sitemap.xml.gz", True),
        ("https://tallyfox.example/feeds/pages.xml?page=2", True),
        ("sitemaps/tallyfox.txt", True),
        ("urls.txt", False),
        ("https://tallyfox.example/pricing", False),
        ("ads.csv", False),
    ],
)
def test_is_sitemap_source(arg: str, expected: bool) -> None:
    assert is_sitemap_source(arg) is expected
