"""A real local web server for crawler tests and benchmarks (127.0.0.1, random free port).

It runs an asyncio server in a background thread, so tests talk to it over real sockets with
real HTTP/1.1 keep-alive, and it holds a few thousand small requests per second. Every
misbehaviour the fetcher must survive can be set up from Python: redirect chains and loops,
slow and trickling responses, 429/500 then 200, a connection dropped mid-body, a gzip bomb,
a huge body, bad charsets, robots.txt, sitemaps (one gzipped), PDFs and images. Bodies that
are large are generated while they are sent, never held in memory. Each request is logged
with its arrival time (``time.monotonic``, same clock as the test) for politeness checks.

Usage::

    with SiteServer() as srv:
        srv.page("/", b"<html>...</html>")
        srv.redirect("/old", "/")
        url = srv.url("/old")

    with site_server(n_pages=500, seed=1) as srv:   # a synthetic marketing site + sitemap
        ...
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import inspect
import random
import ssl
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus


@dataclass
class Request:
    """What the handler sees of one request."""

    method: str
    target: str  # path with query, as sent
    path: str  # without query
    headers: dict[str, str]  # lower-case names
    time: float  # time.monotonic() at arrival


@dataclass
class Reply:
    """How to answer. ``body`` may be bytes or an iterable of chunks (sent as they come).

    ``content_length`` overrides the header; if fewer bytes follow, the connection is closed
    after them (a dropped connection). Streams without it are sent chunked.
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    delay: float = 0.0  # before the status line
    chunk_delay: float = 0.0  # between body chunks (trickle)
    content_length: int | None = None
    close: bool = False


Handler = Callable[[Request], "Reply | Awaitable[Reply]"]


@dataclass
class LogEntry:
    """One request as the server saw it."""

    time: float
    method: str
    path: str
    user_agent: str
    done: float | None = None
    bytes_sent: int = 0
    completed: bool = False  # the whole announced body went out


_TYPES = {
    ".xml": "application/xml",
    ".gz": "application/gzip",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".json": "application/json",
    ".css": "text/css",
    ".js": "text/javascript",
}


def guess_type(path: str) -> str:
    """Content type from the path's extension; pages without one are HTML."""
    name = path.split("?", 1)[0].rsplit("/", 1)[-1]
    for ext, ctype in _TYPES.items():
        if name.endswith(ext):
            return ctype
    return "text/html; charset=utf-8"


class SiteServer:
    """The server. Configure routes before or while it runs; read ``log`` afterwards."""

    def __init__(
        self,
        pages: Mapping[str, bytes | str | tuple[int, Mapping[str, str], bytes]] | None = None,
        *,
        host: str = "127.0.0.1",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.ssl_context = ssl_context
        self.port = 0
        self.routes: dict[str, Handler] = {}
        self.log: list[LogEntry] = []
        self.active = 0
        self.max_active = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[asyncio.Task[None]] = set()
        if pages:
            self.pages(pages)

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def start(self) -> SiteServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                server = loop.run_until_complete(
                    asyncio.start_server(self._serve, self.host, 0, backlog=4096, ssl=self.ssl_context)
                )
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                return
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            try:
                loop.run_forever()
            finally:
                server.close()
                for task in list(self._conns):
                    task.cancel()
                loop.run_until_complete(asyncio.sleep(0))
                with contextlib.suppress(Exception):
                    loop.run_until_complete(asyncio.gather(*self._conns, return_exceptions=True))
                loop.close()

        self._thread = threading.Thread(target=run, name="sitesrv", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = None
        self._thread = None

    # ------------------------------------------------------------------ configuration

    def route(self, path: str, handler: Handler) -> None:
        """Answer ``path`` (exact, or with any query string) with ``handler``."""
        self.routes[path] = handler

    def page(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """A static response. ``content_type=""`` sends no Content-Type at all."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        hdrs = dict(headers or {})
        ctype = guess_type(path) if content_type is None else content_type
        if ctype:
            hdrs.setdefault("Content-Type", ctype)
        self.route(path, lambda _req: Reply(status, hdrs, data))

    def pages(self, mapping: Mapping[str, bytes | str | tuple[int, Mapping[str, str], bytes]]) -> None:
        """Many static pages: path -> body, or path -> (status, headers, body)."""
        for path, spec in mapping.items():
            if isinstance(spec, tuple):
                status, headers, body = spec
                self.page(path, body, status=status, headers=headers)
            else:
                self.page(path, spec)

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        self.route(path, lambda _req: Reply(status, {"Location": to}, b"moved"))

    def redirect_chain(self, prefix: str, length: int, final: str, status: int = 301) -> str:
        """``prefix``0 -> 1 -> ... -> ``final`` in ``length`` redirects; returns the first path."""
        for i in range(length):
            target = f"{prefix}{i + 1}" if i + 1 < length else final
            self.redirect(f"{prefix}{i}", target, status)
        return f"{prefix}0"

    def redirect_loop(self, a: str, b: str) -> None:
        self.redirect(a, b)
        self.redirect(b, a)

    def sequence(self, path: str, replies: list[Reply]) -> None:
        """Answer successive requests with successive replies; the last one repeats."""
        state = {"n": 0}

        def handler(_req: Request) -> Reply:
            reply = replies[min(state["n"], len(replies) - 1)]
            state["n"] += 1
            return reply

        self.route(path, handler)

    def slow(self, path: str, delay: float, body: bytes = b"<html><p>late</p></html>") -> None:
        """Headers only after ``delay`` seconds."""
        html = {"Content-Type": "text/html"}
        self.route(path, lambda _req: Reply(200, html, body, delay=delay))

    def trickle(self, path: str, chunks: int, interval: float, chunk: bytes = b"<p>.</p>") -> None:
        """Headers at once, then one small chunk every ``interval`` seconds."""
        html = {"Content-Type": "text/html"}
        self.route(
            path,
            lambda _req: Reply(
                200, html, [chunk] * chunks, chunk_delay=interval, content_length=len(chunk) * chunks
            ),
        )

    def drop_mid_body(self, path: str, announced: int = 100_000, sent: int = 1_000) -> None:
        """Announce ``announced`` bytes, send ``sent``, close the connection."""
        html = {"Content-Type": "text/html"}
        self.route(
            path,
            lambda _req: Reply(200, html, [b"<html>" + b"x" * (sent - 6)], content_length=announced),
        )

    def gzip_bomb(self, path: str, decoded_size: int = 1 << 30) -> None:
        """Content-Encoding: gzip, about 1 KB per MB decoded, compressed while it is sent."""
        hdrs = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        self.route(path, lambda _req: Reply(200, hdrs, gzip_zeros(decoded_size)))

    def huge(self, path: str, size: int = 1 << 30, content_type: str = "text/html") -> None:
        """A body of ``size`` bytes with its Content-Length, generated while sent."""
        self.route(
            path,
            lambda _req: Reply(200, {"Content-Type": content_type}, filler(size), content_length=size),
        )

    def robots(self, text: str) -> None:
        self.page("/robots.txt", text, content_type="text/plain")

    def binary(self, path: str, content_type: str, size: int = 2_000_000) -> None:
        """A PDF/image-like file: a plausible header then padding, streamed."""
        magic = b"%PDF-1.4\n" if "pdf" in content_type else b"\x89PNG\r\n\x1a\n"

        def body() -> Iterator[bytes]:
            yield magic
            yield from filler(size - len(magic), b"\0")

        self.route(
            path,
            lambda _req: Reply(200, {"Content-Type": content_type}, body(), content_length=size),
        )

    def mount_site(self, n_pages: int, seed: int = 0) -> dict[str, bytes]:
        """Serve a synthetic site (see :func:`make_site`) with URLs pointing at this server."""
        site = make_site(n_pages, seed, base_url=self.base_url)
        self.pages(site)
        return site

    # ------------------------------------------------------------------ inspection

    def hits(self, path: str) -> list[float]:
        """Arrival times of requests to ``path`` (query ignored)."""
        return [e.time for e in list(self.log) if e.path == path]

    def entries(self, path: str) -> list[LogEntry]:
        return [e for e in list(self.log) if e.path == path]

    def reset_stats(self) -> None:
        self.log.clear()
        self.max_active = 0

    # ------------------------------------------------------------------ the server

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # The connection's work runs in its own task so stop() can cancel it; the task asyncio
        # created for the connection then ends normally instead of logging the cancellation.
        work = asyncio.ensure_future(self._converse(reader, writer))
        self._conns.add(work)
        try:
            await work
        except asyncio.CancelledError:
            pass
        finally:
            self._conns.discard(work)
            with contextlib.suppress(Exception):
                writer.close()

    async def _converse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(
            ConnectionError,
            ssl.SSLError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ):
            while await self._one_exchange(reader, writer):
                pass

    async def _one_exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; False when the connection should end."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False
        req, keep_alive = _parse_head(head)
        length = req.headers.get("content-length", "0")
        if length.isdigit() and int(length):
            await reader.readexactly(int(length))
        entry = LogEntry(req.time, req.method, req.path, req.headers.get("user-agent", ""))
        self.log.append(entry)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            reply = await self._reply_for(req)
            if reply.delay:
                await asyncio.sleep(reply.delay)
            ok = await _send(writer, req, reply, entry, keep_alive)
        finally:
            self.active -= 1
            entry.done = time.monotonic()
        return ok and keep_alive and not reply.close

    async def _reply_for(self, req: Request) -> Reply:
        handler = self.routes.get(req.target) or self.routes.get(req.path)
        if handler is None:
            return Reply(404, {"Content-Type": "text/html"}, b"<html><h1>Not found</h1></html>")
        reply = handler(req)
        if inspect.isawaitable(reply):
            reply = await reply
        return reply


def _parse_head(head: bytes) -> tuple[Request, bool]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = [*lines[0].split(" ", 2), "", ""][:3]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
    keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    req = Request(method, target, target.split("?", 1)[0], headers, time.monotonic())
    return req, keep_alive


def _status_line(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    return f"HTTP/1.1 {status} {phrase}\r\n"


async def _send(
    writer: asyncio.StreamWriter, req: Request, reply: Reply, entry: LogEntry, keep_alive: bool
) -> bool:
    """Write the reply; False if the connection must close (short body, client gone)."""
    body = reply.body
    streamed = not isinstance(body, bytes | bytearray)
    length = reply.content_length
    if length is None and not streamed:
        length = len(body)  # type: ignore[arg-type]
    lines = [_status_line(reply.status)]
    lines += [f"{k}: {v}\r\n" for k, v in reply.headers.items()]
    lines.append(f"Content-Length: {length}\r\n" if length is not None else "")
    lines.append("Transfer-Encoding: chunked\r\n" if length is None else "")
    if reply.close or not keep_alive:
        lines.append("Connection: close\r\n")
    head = "".join(lines).encode("latin-1") + b"\r\n"
    if req.method == "HEAD":
        writer.write(head)
        await writer.drain()
        entry.completed = True
        return True
    if not streamed and not reply.chunk_delay:
        writer.write(head + body)  # type: ignore[operator]
        await writer.drain()
        entry.bytes_sent = len(body)  # type: ignore[arg-type]
        entry.completed = length == len(body)  # type: ignore[arg-type]
        return entry.completed
    writer.write(head)
    chunks = [body] if not streamed else body
    sent = await _stream(writer, chunks, reply.chunk_delay, chunked=length is None, entry=entry)
    entry.completed = length is None or sent >= length
    return entry.completed


async def _stream(
    writer: asyncio.StreamWriter,
    chunks: Iterable[bytes],
    chunk_delay: float,
    *,
    chunked: bool,
    entry: LogEntry,
) -> int:
    sent = 0
    for i, chunk in enumerate(chunks):  # type: ignore[arg-type]
        if not chunk:
            continue
        if chunk_delay and i:
            await asyncio.sleep(chunk_delay)
        writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        await writer.drain()  # backpressure: a huge body is never queued in memory
        sent += len(chunk)
        entry.bytes_sent = sent
    if chunked:
        writer.write(b"0\r\n\r\n")
        await writer.drain()
    return sent


# ---------------------------------------------------------------------- body generators


def gzip_zeros(decoded_size: int, block: int = 1 << 20) -> Iterator[bytes]:
    """A gzip stream of ``decoded_size`` zero bytes, produced block by block.

    Zeros compress about 1000:1 at level 9, so a 1 GB bomb is about 1 MB on the wire and
    costs the server only the blocks a client actually reads.
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(block)
    left = decoded_size
    while left > 0:
        n = min(block, left)
        out = comp.compress(zeros if n == block else bytes(n))
        left -= n
        if out:
            yield out
    yield comp.flush()


def filler(size: int, unit: bytes = b"<p>filler text for a very long page</p>\n") -> Iterator[bytes]:
    """``size`` bytes in 64 KiB pieces."""
    piece = (unit * (65536 // len(unit) + 1))[:65536]
    left = size
    while left > 0:
        n = min(len(piece), left)
        yield piece[:n]
        left -= n


# ---------------------------------------------------------------------- synthetic site

_SYLLABLES = (
    "qui",
    "lo",
    "bre",
    "va",
    "tal",
    "mar",
    "plen",
    "wis",
    "or",
    "bi",
    "zu",
    "fen",
    "dra",
    "mo",
    "sel",
    "kin",
    "ra",
    "tho",
    "nu",
    "vex",
)
_NOUNS = (
    "invoices",
    "bookings",
    "client notes",
    "quotes",
    "payouts",
    "reminders",
    "receipts",
    "schedules",
    "proposals",
    "timesheets",
    "inventory lists",
    "newsletters",
)
_SIMPLE = (
    "Set it up yourself in the time it takes to brew a coffee.",
    "No credit card needed to get going.",
    "One flat price, and you can cancel whenever you like.",
    "Made for people who run the whole show on their own.",
    "Send your first {noun} in under five minutes.",
    "Plain buttons, plain words, nothing to configure.",
    "Your {noun} sync between laptop and phone without a setup call.",
    "Start free today and upgrade only if it earns its keep.",
)
_BUREAUCRAT = (
    "Our governance framework supports multi-level approval workflows across business units.",
    "Request a demo so our enterprise team can walk your stakeholders through procurement.",
    "Role-based access controls keep every {noun} aligned with your compliance posture.",
    "A dedicated account executive coordinates the security review and vendor onboarding.",
    "Centralised audit trails give your risk committee full visibility before sign-off.",
    "Implementation is scoped jointly with your IT department during a discovery phase.",
    "Volume licensing is available under a master services agreement.",
)
_BARGAIN = (
    "Lowest price on the market, or we pay back twice the difference.",
    "Stack this week's coupon on top of the seasonal discount.",
    "Free forever, and refunds with no questions asked.",
    "Cheaper than every rival we could find, and we checked all of them.",
)
_CREEPY = (
    "We noticed you were looking at {noun} late last night.",
    "Hi {{first_name}}, your cart has been waiting for you since Tuesday.",
    "Only 2 seats left at this price, and the offer ends in 9 minutes!",
    "People in your neighbourhood already switched; don't be the last one.",
)
_NEUTRAL = (
    "{brand} keeps your {noun} in one tidy list.",
    "Reports show what came in and what is still outstanding.",
    "Everything exports to a spreadsheet when you need it.",
    "Reminders go out on the day you choose.",
    "Templates cover the common cases, and you can edit every line.",
    "The mobile app works offline and catches up when you are back online.",
    "Search finds any {noun} by name, date or amount.",
)
_FLAVOURS = (
    ("simple", _SIMPLE, 5),
    ("bureaucrat", _BUREAUCRAT, 3),
    ("bargain", _BARGAIN, 1),
    ("creepy", _CREEPY, 1),
)
_HEADINGS = (
    "How it works",
    "Why teams pick {brand}",
    "Everything in one place",
    "Pricing that fits",
    "Security and control",
    "What customers say",
    "Questions, answered",
    "Get more done",
)
_SECTIONS = ("features", "solutions", "blog", "customers", "resources")


def _brand(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()


def _sentence(rng: random.Random, bank: tuple[str, ...], brand: str) -> str:
    return rng.choice(bank).replace("{brand}", brand).replace("{noun}", rng.choice(_NOUNS))


def _paragraph(rng: random.Random, bank: tuple[str, ...], brand: str) -> str:
    picks = [_sentence(rng, bank, brand) for _ in range(rng.randint(1, 2))]
    picks += [_sentence(rng, _NEUTRAL, brand) for _ in range(rng.randint(1, 3))]
    rng.shuffle(picks)
    return " ".join(picks)


def _site_paths(n_pages: int, rng: random.Random) -> list[str]:
    paths = ["/", "/pricing"][:n_pages]
    while len(paths) < n_pages:
        words = "-".join(rng.choice(_NOUNS).replace(" ", "-") for _ in range(2))
        paths.append(f"/{_SECTIONS[len(paths) % len(_SECTIONS)]}/{words}-{len(paths)}")
    return paths


def _chrome_header(brand: str) -> str:
    nav = "".join(f'<li><a href="/{s}">{s.capitalize()}</a></li>' for s in (*_SECTIONS, "pricing"))
    return (
        '<div class="cookie-banner" id="cookie-consent" role="dialog"><p>We use cookies to '
        "keep you signed in and to count visits. You can change this any time.</p>"
        '<button class="btn">Accept all</button> <button class="btn-link">Settings</button>'
        f'</div><header class="site-header"><a class="logo" href="/">{brand}</a>'
        f'<nav class="main-nav" aria-label="Main"><ul>{nav}</ul></nav>'
        '<a class="btn btn-small" href="/login">Log in</a> '
        '<a class="btn btn-primary btn-small" href="/signup">Start free</a></header>'
    )


def _chrome_footer(brand: str, year: int) -> str:
    links = ("Enterprise", "Contact sales", "SOC 2", "Security", "Careers", "Privacy", "Terms")
    items = " | ".join(f'<a href="/{w.lower().replace(" ", "-")}">{w}</a>' for w in links)
    return (
        f'<footer class="site-footer"><nav aria-label="Footer">{items}</nav>'
        f"<p>&copy; {year} {brand} Ltd. All rights reserved.</p></footer>"
    )


def _page_html(rng: random.Random, brand: str, path: str, flavour: tuple[str, ...]) -> str:
    title_core = _sentence(rng, flavour, brand).rstrip(".!")
    hero = _sentence(rng, flavour, brand)
    sections = []
    for _ in range(rng.randint(2, 5)):
        heading = rng.choice(_HEADINGS).replace("{brand}", brand)
        paras = "".join(f"<p>{_paragraph(rng, flavour, brand)}</p>" for _ in range(rng.randint(2, 4)))
        items = "".join(f"<li>{_sentence(rng, _NEUTRAL, brand)}</li>" for _ in range(rng.randint(0, 3)))
        listing = f"<ul>{items}</ul>" if items else ""
        sections.append(f"<section><h2>{heading}</h2>{paras}{listing}</section>")
    quote = _sentence(rng, _SIMPLE if rng.random() < 0.6 else _BUREAUCRAT, brand)
    cta = rng.choice(("Start free", "Try it now", "Book a demo", "Talk to sales", "Get the deal"))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title_core} | {brand}'
        f'</title><meta name="description" content="{hero}"><meta property="og:title" '
        f'content="{title_core}"><link rel="canonical" href="{path}"></head><body>'
        f"{_chrome_header(brand)}<main>"
        f'<section class="hero"><h1>{title_core}</h1><p class="lead">{hero}</p>'
        f'<a class="btn btn-primary" href="/signup">{cta}</a> '
        '<a class="btn btn-secondary" href="/demo">See how it works</a></section>'
        + "".join(sections)
        + f'<blockquote class="testimonial"><p>{quote}</p><cite>A customer</cite></blockquote>'
        f'<section class="cta-band"><h2>Ready when you are</h2>'
        f'<a class="btn btn-primary" href="/signup">{cta}</a></section></main>'
        f"{_chrome_footer(brand, 2020 + rng.randint(0, 5))}</body></html>"
    )


def _urlset(urls: Iterable[str]) -> bytes:
    body = "".join(
        f"<url><loc>{u}</loc><lastmod>2025-01-{(i % 28) + 1:02d}</lastmod></url>" for i, u in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n'
    ).encode()


def make_site(n_pages: int, seed: int = 0, base_url: str = "http://127.0.0.1") -> dict[str, bytes]:
    """A synthetic marketing site of ``n_pages`` HTML pages plus sitemaps and robots.txt.

    Pages carry realistic chrome (cookie banner, nav, footer with "Enterprise | Contact sales
    | SOC 2"), a hero, headings, paragraphs and CTAs, in copy written for this project that
    leans simple, bureaucratic, bargain or creepy page by page. Also returned:
    ``/sitemap.xml`` (all pages), ``/sitemap_index.xml`` pointing at ``/sitemaps/pages-1.xml``
    and the gzipped ``/sitemaps/pages-2.xml.gz``, and ``/robots.txt``. Deterministic per seed.
    """
    rng = random.Random(seed)
    brand = _brand(rng)
    names = [f[0] for f in _FLAVOURS]
    weights = [f[2] for f in _FLAVOURS]
    banks = {f[0]: f[1] for f in _FLAVOURS}
    site: dict[str, bytes] = {}
    paths = _site_paths(n_pages, rng)
    for path in paths:
        flavour = banks[rng.choices(names, weights)[0]]
        site[path] = _page_html(rng, brand, path, flavour).encode("utf-8")
    base = base_url.rstrip("/")
    urls = [base + p for p in paths]
    half = (len(urls) + 1) // 2
    site["/sitemap.xml"] = _urlset(urls)
    site["/sitemaps/pages-1.xml"] = _urlset(urls[:half])
    site["/sitemaps/pages-2.xml.gz"] = gzip.compress(_urlset(urls[half:]), mtime=0)
    children = "".join(
        f"<sitemap><loc>{base}{p}</loc></sitemap>"
        for p in ("/sitemaps/pages-1.xml", "/sitemaps/pages-2.xml.gz")
    )
    site["/sitemap_index.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>\n'
    ).encode()
    site["/robots.txt"] = f"User-agent: *\nDisallow:\n\nSitemap: {base}/sitemap.xml\n".encode()
    return site


@contextlib.contextmanager
def site_server(n_pages: int = 50, seed: int = 0) -> Iterator[SiteServer]:
    """A running server with a synthetic site mounted (handy for benchmarks and fixtures)."""
    with SiteServer() as srv:
        srv.mount_site(n_pages, seed)
        yield srv
