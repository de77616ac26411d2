"""Where an audit's URLs come from: URL lists (.txt, .csv) and sitemaps.

Lists are written by hand or exported from crawlers, so one bad line is reported with its
line number and the rest of the list goes on. Sitemaps are fetched from the open web, so they
are parsed as hostile XML: no entities, no network, no DTD, and a cap on gzip bombs.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..errors import InputError
from ..models import InputProblem
from .decode import decode_bytes, read_bytes

#: Sitemaps may not exceed 50 MB uncompressed (sitemaps.org); more is refused, not read.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
_URL_COLUMNS = ("url", "address", "loc", "pageurl", "finalurl", "landingpage")
_OPTIONAL_COLUMNS = ("channel", "name", "campaign")
_BARE_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:[/?#]|$)")
_BARE_AMP = re.compile(rb"&(?!(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][\w.-]*);)")
_TRAILING_COMMENT = re.compile(r"\s#")  # " # note" after a URL; "#frag" stays
#: The start of a sitemap or feed: BOM, XML declaration, comments and a doctype may come first.
_SITEMAP_ROOT = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*|<!DOCTYPE[^>]*>\s*)*"
    rb"<(?:[\w.-]+:)?(?:urlset|sitemapindex|rss|feed|rdf)\b",
    re.IGNORECASE | re.DOTALL,
)


@dataclass
class UrlEntry:
    """One URL to audit, with where it came from and the optional columns of its row."""

    url: str
    line: int
    channel: str | None = None
    name: str | None = None
    campaign: str | None = None
    source: str = ""


@dataclass
class Sitemap:
    """Page URLs and child sitemap URLs found in one sitemap document."""

    urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    #: Entries that were not web addresses, as "line N: what" (reported, not dropped silently).
    skipped: list[str] = field(default_factory=list)
    kind: str = "sitemap"  # sitemap | feed | list

    def empty_reason(self) -> str | None:
        """Why this document gives no pages, or None when it lists some."""
        if self.urls or self.sitemaps:
            return None
        what = "feed has no items with links" if self.kind == "feed" else "sitemap lists no pages"
        if self.skipped:
            return f"{what} that are web addresses ({_examples(self.skipped)})"
        return what


def url_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute http(s) address ("no host name", ...), or None."""
    if not value:
        return "empty"
    if any(ch.isspace() for ch in value):
        return "it contains spaces"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "it contains control characters"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "malformed"
    if parts.scheme.lower() not in ("http", "https"):
        if _BARE_HOST.match(value) and (not parts.netloc or "." in parts.scheme):
            return "add https:// in front"
        return "only http and https pages are audited"
    if not parts.hostname:
        return "no host name"
    return None


def read_url_list(path: Path) -> Iterator[UrlEntry | InputProblem]:
    """URLs of a .txt list (one a line, # comments) or a .csv with a url column."""
    path = Path(path)
    source = str(path)
    data = read_bytes(path)
    text = decode_bytes(data, source)
    if path.suffix.lower() in (".csv", ".tsv"):
        yield from _read_csv(text, source)
    else:
        yield from _read_txt(text, source)


def _entry_or_problem(
    value: str, line: int, source: str, **columns: str | None
) -> UrlEntry | InputProblem:
    where = f"{source}:line {line}"
    problem = url_problem(value)
    if problem:
        shown = value if len(value) <= 200 else value[:200] + "..."
        return InputProblem(where, f"not a web address: {shown} ({problem})")
    return UrlEntry(url=value, line=line, source=where, **columns)


def _entry_lines(text: str) -> Iterator[tuple[int, str]]:
    """The numbered lines of a .txt list that hold an entry: blank lines and comments (a line
    of its own, or after an entry) left out."""
    for number, raw in enumerate(io.StringIO(text, newline=None), start=1):
        comment = _TRAILING_COMMENT.search(raw)
        line = (raw[: comment.start()] if comment else raw).strip()
        if line and not line.startswith("#"):
            yield number, line


def _read_txt(text: str, source: str) -> Iterator[UrlEntry | InputProblem]:
    for number, line in _entry_lines(text):
        yield _entry_or_problem(line, number, source)


def looks_like_url_list(text: str) -> bool:
    """Whether a text is what the .txt reader takes as a list of pages: every entry a web
    address, and at least two of them (one link alone may be a draft's only line)."""
    count = 0
    for _, line in _entry_lines(text):
        if not line.lower().startswith(("http://", "https://")) or any(c.isspace() for c in line):
            return False
        count += 1
    return count >= 2


def has_url_column(text: str) -> bool:
    """Whether a CSV's header names a column the URL list reader takes URLs from."""
    lines = io.StringIO(text, newline="").readlines()[:20]
    try:
        header = next(csv.reader(lines, _dialect(lines)), None)
    except csv.Error:  # a header cell over the csv module's field limit: no list's header
        return False
    return header is not None and _url_column(header) is not None


def _dialect(lines: list[str]) -> type[csv.Dialect] | csv.Dialect:
    """The delimiter and quoting of a CSV, guessed from its first lines (Excel's by default)."""
    try:
        return csv.Sniffer().sniff("".join(lines[:20])[:8192], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _url_column(header: list[str]) -> int | None:
    names = _column_names(header)
    return next((names.index(c) for c in _URL_COLUMNS if c in names), None)


def _column_names(header: list[str]) -> list[str]:
    return [re.sub(r"[\W_]+", "", h.replace("\ufeff", "").lower()) for h in header]


def _read_csv(text: str, source: str) -> Iterator[UrlEntry | InputProblem]:
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines, _dialect(lines))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError(source, f"line 1: malformed CSV header: {exc}") from exc
    if header is None:
        raise InputError(source, "empty file")
    names = _column_names(header)
    url_col = _url_column(header)
    if url_col is None:
        found = ", ".join(h.strip() for h in header if h.strip()) or "none"
        raise InputError(
            source, f"no url column (looked for url, address or loc); columns found: {found}"
        )
    optional = {c: names.index(c) for c in _OPTIONAL_COLUMNS if c in names}
    last = reader.line_num
    while True:
        line = last + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a cell over the field limit: this row, not the whole run
            last = reader.line_num
            yield InputProblem(f"{source}:line {line}", f"malformed CSV row: {exc}")
            continue
        last = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        value = row[url_col].strip() if url_col < len(row) else ""
        if not value:
            yield InputProblem(f"{source}:line {line}", "no URL in this row")
            continue
        columns = {
            key: (row[i].strip() or None) if i < len(row) else None
            for key, i in optional.items()
        }
        yield _entry_or_problem(value, line, source, **columns)


# --- sitemaps ----------------------------------------------------------------------------


def is_sitemap_source(s: str) -> bool:
    """Does a CLI argument name a sitemap (by its name, not its content)?"""
    low = s.strip().lower()
    path = urlsplit(low).path if low.startswith(("http://", "https://")) else low
    return path.endswith((".xml", ".xml.gz")) or "sitemap" in low


def looks_like_sitemap(data: bytes) -> bool:
    """Does a body read as a sitemap, sitemap index or RSS/Atom feed, whatever it was served as?

    Servers label these text/html or text/xml as often as anything; WordPress serves its feed
    at ``/feed/`` with no extension to go by.
    """
    return _SITEMAP_ROOT.match(data[:4096]) is not None


def parse_sitemap(data: bytes, source: str, base: str | None = None) -> Sitemap:
    """Page and child-sitemap URLs of a sitemap (XML, gzipped, plain text, RSS/Atom feed).

    Relative addresses are resolved against ``base`` (default: ``source`` when it is a web
    address); those that still are not web addresses are listed in ``skipped``.
    """
    if base is None and source.startswith(("http://", "https://")):
        base = source
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, source)
    if len(data) > MAX_SITEMAP_BYTES:
        raise InputError(source, "sitemap is larger than 50 MB; refused")
    start = data.lstrip()[:1]
    if start == b"<" or data.startswith((b"\xef\xbb\xbf<", b"\xff\xfe", b"\xfe\xff")):
        return _parse_xml(data, source, base)
    return _parse_text(data, source)


def _gunzip(data: bytes, source: str) -> bytes:
    """Decompress with a hard cap, so a gzip bomb costs 50 MB at most."""
    stream = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = stream.decompress(data, MAX_SITEMAP_BYTES + 1)
    except zlib.error as exc:
        raise InputError(source, f"not a valid gzip file ({exc})") from exc
    if len(out) > MAX_SITEMAP_BYTES:
        raise InputError(source, "sitemap is larger than 50 MB uncompressed; refused")
    if not stream.eof:
        raise InputError(source, "gzip file is truncated")
    return out


def _safe_parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
        dtd_validation=False, remove_comments=True, remove_pis=True, recover=recover,
    )


def _parse_xml(data: bytes, source: str, base: str | None) -> Sitemap:
    head = data[:65536]
    if b"<!ENTITY" in head or b"<!entity" in head:
        raise InputError(source, "sitemap declares XML entities; refused as unsafe")
    try:
        root = etree.fromstring(data, _safe_parser(recover=False))
    except etree.XMLSyntaxError as exc:
        root = _parse_broken(data)
        if root is None:
            raise InputError(source, f"not valid XML: {exc}") from exc
    kind = etree.QName(root).localname.lower() if isinstance(root.tag, str) else ""
    if kind == "urlset":
        urls, skipped = _locs(root, "url", base)
        return Sitemap(urls=urls, skipped=skipped)
    if kind == "sitemapindex":
        sitemaps, skipped = _locs(root, "sitemap", base)
        return Sitemap(sitemaps=sitemaps, skipped=skipped)
    if kind in ("rss", "rdf", "feed"):
        urls, skipped = _feed_links(root, base)
        return Sitemap(urls=urls, skipped=skipped, kind="feed")
    raise InputError(source, f"not a sitemap: the root element is <{kind or '?'}>")


def _parse_broken(data: bytes) -> etree._Element | None:
    """Real sitemaps often carry a bare "&" in a URL; escape those, then recover what parses."""
    fixed = _BARE_AMP.sub(b"&amp;", data)
    for recover in (False, True):
        try:
            root = etree.fromstring(fixed, _safe_parser(recover=recover))
        except etree.XMLSyntaxError:
            continue
        if root is not None:
            return root
    return None


def _name(el: etree._Element) -> str:
    """Local tag name in lower case: real sitemaps come as <URLSET><URL><LOC> too."""
    return etree.QName(el).localname.lower() if isinstance(el.tag, str) else ""


def _children(el: etree._Element, name: str) -> Iterator[etree._Element]:
    for child in el:
        if _name(child) == name:
            yield child


def _absolute(value: str, base: str | None) -> tuple[str | None, str | None]:
    """(address, None) for a usable http(s) address, resolving a relative one against
    ``base``; (None, why) otherwise."""
    problem = url_problem(value)
    if problem is not None and base is not None and not urlsplit(value).scheme:
        resolved = urljoin(base, value)
        if url_problem(resolved) is None:
            return resolved, None
    if problem is not None:
        if base is None and value.startswith(("/", "./", "../")):
            problem = "a relative address, and a sitemap file has no web address to resolve it"
        shown = value if len(value) <= 80 else value[:80] + "..."
        return None, f"{shown!r} ({problem})"
    return value, None


class _Collector:
    """Addresses in document order without repeats, and the entries that were not ones."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.urls: list[str] = []
        self.skipped: list[str] = []
        self._seen: set[str] = set()

    def add(self, value: str, el: etree._Element) -> None:
        if not value:
            return
        url, why = _absolute(value, self.base)
        if url is None:
            self.skipped.append(f"line {el.sourceline}: {why}" if el.sourceline else str(why))
        elif url not in self._seen:
            self._seen.add(url)
            self.urls.append(url)


def _locs(root: etree._Element, entry: str, base: str | None) -> tuple[list[str], list[str]]:
    """<loc> of each <url>/<sitemap> entry, and the entries that are not web addresses."""
    found = _Collector(base)
    for item in _children(root, entry):
        for loc in _children(item, "loc"):
            found.add((loc.text or "").strip(), loc)
            break
    return found.urls, found.skipped


def _feed_links(root: etree._Element, base: str | None) -> tuple[list[str], list[str]]:
    """RSS <item><link> and Atom <entry><link href>, which search engines take as sitemaps."""
    found = _Collector(base)
    for el in root.iter():
        if _name(el) != "link":
            continue
        parent = el.getparent()
        if parent is None or _name(parent) not in ("item", "entry"):
            continue
        if el.get("rel") not in (None, "alternate"):
            continue  # Atom's rel="replies", "enclosure" ... are not the entry's page
        found.add((el.get("href") or el.text or "").strip(), el)
    return found.urls, found.skipped


def _examples(skipped: list[str]) -> str:
    more = f" and {len(skipped) - 2} more" if len(skipped) > 2 else ""
    return "skipped " + "; ".join(skipped[:2]) + more


def _parse_text(data: bytes, source: str) -> Sitemap:
    """A text sitemap: one URL a line; anything else there means it is not one."""
    text = decode_bytes(data, source)
    urls: list[str] = []
    seen: set[str] = set()
    other = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if url_problem(line) is None:
            if line not in seen:
                seen.add(line)
                urls.append(line)
        else:
            other += 1
    if not urls or other > len(urls):
        raise InputError(source, "not a sitemap: neither sitemap XML nor a list of URLs")
    return Sitemap(urls=urls, kind="list")
