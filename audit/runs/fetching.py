"""The fetch side of an audit run: the plan's URLs (lists, pages, sitemaps followed) fetched and
extracted on an asyncio loop in a child process (a thread where fork is not available), handed
to the run through a bounded queue as pieces, or as problems with their fetch log entry."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..config import Config, channel_for_url
from ..crawl.body import looks_like_html
from ..crawl.fetcher import Fetcher
from ..crawl.results import HTML_TYPES, SITEMAP_TYPES, FetchResult, FetchSettings
from ..crawl.urls import normalize_url
from ..crawl.wording import not_accepted
from ..errors import AntipersonaError, InputError
from ..extract.html import html_to_piece
from ..models import InputProblem, Piece
from ..report.unread import NOT_READ
from ..sources.decode import decode_bytes_info
from ..sources.lists import UrlEntry, looks_like_sitemap, parse_sitemap, read_url_list
from .planning import Plan, _guard
from .rendering import mark_shell

#: Sitemaps are followed this deep (index -> index -> urlset) and at most this many are read.
MAX_SITEMAP_DEPTH = 3
MAX_SITEMAPS = 1000
SITEMAP_MAX_BYTES = 50_000_000
#: Messages (mostly lists of pages, see _Sender) fetched ahead of analysis: the fetch side keeps
#: going while the engine loads, about a thousand pages ahead on a fast crawl.
_QUEUE_SIZE = 128
#: Pages that wait for the consuming side in one list at most (see _Sender).
_BATCH_MAX = 32
#: How long the first page of a list waits for others to join it, in seconds.
_BATCH_WAIT = 0.01
#: Page URLs also take feeds and XML: WordPress's /feed/ and sitemaps without .xml are sniffed.
PAGE_TYPES = (*HTML_TYPES, "application/rss+xml", "application/atom+xml", "application/xml",
              "text/xml")
#: Pages rendered in Chromium at once (``--render``): each is a browser tab's memory.
RENDER_POOL = 2


class PageFeed:
    """Fetched pages for one run. ``pieces()`` yields them as they arrive (None: none waiting
    just now) and reports each page that gave none through ``on_problem``."""

    def __init__(self, plan: Plan, *, done: set[str], config: Config, fetch: FetchSettings,
                 channel: str | None, on_problem: Callable[..., None]) -> None:
        self.plan = plan
        self.done = done
        self.config = config
        self.fetch = fetch
        self.channel = channel
        self._on_problem = on_problem
        self._fetching: tuple[Any, Any] | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        """Start the fetch side. Fetching and extraction run in a child process where fork is
        available (so that they do not share this process's interpreter lock with storing and
        dispatch), else in a thread."""
        if self._fetching is not None:
            return
        if "fork" in mp.get_all_start_methods():
            ctx = mp.get_context("fork")
            outbox: Any = ctx.Queue(maxsize=_QUEUE_SIZE)
            worker: Any = ctx.Process(target=_fetch_process, args=(self, outbox, os.getpid()),
                                      name="antipersona-fetch", daemon=True)
        else:
            outbox = queue.Queue(maxsize=_QUEUE_SIZE)
            worker = threading.Thread(target=self._fetch_thread, args=(outbox,),
                                      name="antipersona-fetch", daemon=True)
        # The child inherits this process's objects (a loaded engine among them): keep its
        # garbage collector off them, or every collection there walks (and copies) them all.
        gc.freeze()
        try:
            worker.start()
        finally:
            gc.unfreeze()
        self._fetching = (outbox, worker)

    def stop(self) -> None:
        if self._fetching is None:
            return
        outbox, worker = self._fetching
        self._fetching = None
        if isinstance(worker, threading.Thread):
            self._stop.set()
            with contextlib.suppress(queue.Empty):
                while True:
                    outbox.get_nowait()
            worker.join(timeout=10)
        else:
            if worker.is_alive():
                worker.terminate()
            worker.join(timeout=10)
            outbox.close()
            outbox.cancel_join_thread()

    def pieces(self) -> Iterator[Piece | None]:
        """Pages as the fetch side delivers them (None: none waiting just now)."""
        self.start()
        assert self._fetching is not None
        outbox, worker = self._fetching
        try:
            while True:
                try:
                    item = outbox.get_nowait()
                except queue.Empty:
                    yield None  # nothing fetched yet: let the engine finish what it holds
                    item = self._next(outbox, worker)
                if isinstance(item, _Done):
                    break
                if isinstance(item, _Failure):
                    raise AntipersonaError(f"fetching stopped: {item.message}")
                for one in item if isinstance(item, list) else (item,):
                    if isinstance(one, InputProblem):
                        self._on_problem(one.source, one.error)
                    elif isinstance(one, _PageProblem):
                        self._on_problem(one.source, one.error, kind=one.kind, fetch=one.fetch)
                    else:
                        yield one
        finally:
            self.stop()

    @staticmethod
    def _next(outbox: Any, worker: Any) -> Any:
        """The next item, waiting; a fetch process that died without a word is an error."""
        while True:
            try:
                return outbox.get(timeout=1.0)
            except queue.Empty:
                if not worker.is_alive():
                    with contextlib.suppress(queue.Empty):
                        return outbox.get(timeout=0.5)
                    return _Failure(f"the fetch process ended unexpectedly "
                                    f"(exit code {getattr(worker, 'exitcode', None)})")

    def _page_piece(self, result: FetchResult, entry: UrlEntry | None,
                    rendered: str | None = None) -> Piece | _PageProblem | _FoundSitemap:
        """A fetched page as a piece, or the reason it is not one, or the sitemap or feed it
        turned out to be (runs on the fetch side). ``rendered``: the page's HTML as Chromium
        left it, read instead of the body."""
        fetch = result.to_dict()
        source = result.url
        if result.skipped:
            return _PageProblem(source, result.skipped, "skipped", fetch)
        if not result.ok or result.body is None:
            return _PageProblem(source, result.error or "no content", "failed", fetch)
        media = result.content_type
        if looks_like_sitemap(result.body):
            return _FoundSitemap(source, result.final_url or source, result.body, fetch)
        if media not in HTML_TYPES and not looks_like_html(result.body):
            return _PageProblem(source, not_accepted(media or "no content type", HTML_TYPES),
                                "skipped", fetch)
        try:
            decoded = decode_bytes_info(result.body, source, declared=result.charset)
        except InputError as exc:
            return _PageProblem(source, exc.message, "failed", fetch)
        fetch["charset"] = decoded.encoding
        html = decoded.text if rendered is None else rendered
        channel = self.channel or (self.config.channel_named(entry.channel)
                                   if entry and entry.channel else None) or \
            channel_for_url(result.final_url or source, self.config.channel_rules)
        meta: dict[str, Any] = {"fetch": fetch}
        if not self.channel and entry is not None and entry.channel:
            typo = self.config.misspelt_channel(entry.channel)
            if typo:
                meta["warnings"] = [typo]
        if entry is not None:
            meta.update({k: v for k, v in (("name", entry.name), ("campaign", entry.campaign),
                                           ("list", entry.source)) if v})
        piece = html_to_piece(html, source, channel=channel, meta=meta)
        if rendered is not None:
            piece.meta["rendered"] = True
            if not piece.sections:
                return _PageProblem(source, f"{NOT_READ} (no copy after rendering)", "failed",
                                    fetch)
            return piece
        shell = mark_shell(piece, html)
        if not piece.sections:
            if shell is not None:
                return _PageProblem(source, shell, "failed", fetch)
            return _PageProblem(source, "no readable copy on the page", "failed", fetch)
        return piece

    def _wants_render(self, item: Piece | _PageProblem) -> bool:
        """Whether ``--render`` sends this page to the browser."""
        if isinstance(item, _PageProblem):
            return self.fetch.render != "never" and item.error.startswith(NOT_READ)
        return self.fetch.render == "always" or (self.fetch.render == "auto"
                                                 and bool(item.meta.get("needs_render")))

    async def _render_page(self, renderer: Any, result: FetchResult, entry: UrlEntry | None,
                           item: Piece | _PageProblem, put: Callable[..., bool]) -> None:
        """Render one page in Chromium and hand on what it gave (or the page as served, with
        why rendering failed)."""
        done = await renderer.render(result.final_url or result.url)
        if done.html is not None:
            item = self._page_piece(result, entry, rendered=done.html)
        elif isinstance(item, _PageProblem):
            item = _PageProblem(item.source, f"{item.error}; {done.error}", item.kind, item.fetch)
        else:
            item.meta["render_error"] = done.error
        if not put(item, False):
            await asyncio.to_thread(put, item)

    def _fetch_thread(self, outbox: Any) -> None:
        stop = self._stop

        def put(item: Any, block: bool = True) -> bool:
            """Hand an item to the consuming side; False if not blocking and it is full."""
            if not block:
                try:
                    outbox.put_nowait(item)
                    return True
                except queue.Full:
                    return False
            while not stop.is_set():
                try:
                    outbox.put(item, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False

        try:
            asyncio.run(self._fetch_all({}, put, stop))
        except BaseException as exc:  # surfaced on the consuming side
            put(_Failure(f"{type(exc).__name__}: {exc}"))
        finally:
            put(_Done())

    async def _fetch_all(self, entries: dict[str, UrlEntry], put: Callable[..., bool],
                         stop: threading.Event) -> None:
        found = _Found()
        rendering: Any = contextlib.nullcontext(None)
        if self.fetch.render != "never":
            from ..crawl.render import Renderer

            rendering = Renderer(self.fetch, pool=RENDER_POOL)
        async with Fetcher(self.fetch, accept=PAGE_TYPES) as fetcher, rendering as renderer:
            urls = self._urls(fetcher, entries, put, found)
            pending: set[asyncio.Task[None]] = set()
            sender = _Sender(put)
            try:
                async with contextlib.aclosing(fetcher.iter_fetch(urls)) as results:
                    async for result in results:
                        if stop.is_set():
                            break
                        entry = entries.pop(result.url, None)
                        item = self._page_piece(result, entry)
                        if isinstance(item, _FoundSitemap):
                            found.queue.put_nowait(item)
                        elif renderer is not None and self._wants_render(item):
                            task = asyncio.create_task(self._render_page(
                                renderer, result, entry, item, put))
                            pending.add(task)
                            task.add_done_callback(pending.discard)
                        else:
                            await sender.add(item)
                        found.finished()
            finally:
                await sender.close()
            if pending and not stop.is_set():
                await asyncio.gather(*pending)

    async def _urls(self, fetcher: Fetcher, entries: dict[str, UrlEntry],
                    put: Callable[..., bool], found: _Found) -> AsyncIterator[str]:
        """Every URL to fetch, once, skipping those a resumed run already has; then, until
        every page is back, the pages of feeds and sitemaps that page URLs turned out to be."""
        admitted: set[str] = set()

        def admit(entry: UrlEntry) -> str | None:
            try:
                url = normalize_url(entry.url)
            except ValueError as exc:
                put(InputProblem(entry.source or entry.url, str(exc)))
                return None
            if url in self.done or url in admitted:
                return None
            admitted.add(url)
            entries[url] = entry
            found.pending += 1
            return url

        for page in self.plan.pages:
            if (url := admit(UrlEntry(page, 0, source=page))) is not None:
                yield url
        for path in self.plan.lists:
            listed = 0
            for item in _guard(read_url_list, path):
                listed += 1
                if isinstance(item, InputProblem):
                    put(item)
                elif (url := admit(item)) is not None:
                    yield url
            if not listed:
                put(InputProblem(str(path), "no URLs in the list"))
        budget = [MAX_SITEMAPS]
        for path in self.plan.sitemap_files:
            try:
                sitemap = parse_sitemap(path.read_bytes(), str(path))
            except (InputError, OSError) as exc:
                put(InputProblem(str(path), getattr(exc, "message", str(exc))))
                continue
            async for url in self._sitemap_urls(fetcher, sitemap, str(path), 1, budget, admit,
                                                put):
                yield url
        for sm_url in self.plan.sitemap_urls:
            async for url in self._fetch_sitemap(fetcher, sm_url, 0, budget, admit, put):
                yield url
        while (item := await found.next()) is not None:
            try:
                sitemap = parse_sitemap(item.body, item.source, base=item.base)
            except InputError as exc:
                put(_PageProblem(item.source, exc.message, "failed", item.fetch))
                continue
            async for url in self._sitemap_urls(fetcher, sitemap, item.source, 1, budget, admit,
                                                put):
                yield url

    async def _fetch_sitemap(self, fetcher: Fetcher, url: str, depth: int, budget: list[int],
                             admit: Callable[[UrlEntry], str | None],
                             put: Callable[..., bool]) -> AsyncIterator[str]:
        if budget[0] <= 0:
            put(InputProblem(url, f"sitemap not read: more than {MAX_SITEMAPS} sitemaps"))
            return
        budget[0] -= 1
        result = await fetcher.fetch_bytes(url, SITEMAP_TYPES + HTML_TYPES,
                                           max_bytes=SITEMAP_MAX_BYTES)
        if not result.ok or result.body is None:
            put(InputProblem(url, f"sitemap: {result.error or result.skipped or 'no content'}"))
            return
        if result.content_type in HTML_TYPES and not looks_like_sitemap(result.body):
            put(InputProblem(url, f"not a sitemap: an HTML page ({result.content_type})"))
            return
        try:
            sitemap = parse_sitemap(result.body, url, base=result.final_url or url)
        except InputError as exc:
            put(InputProblem(url, exc.message))
            return
        async for page in self._sitemap_urls(fetcher, sitemap, url, depth + 1, budget, admit,
                                             put):
            yield page

    async def _sitemap_urls(self, fetcher: Fetcher, sitemap: Any, source: str, depth: int,
                            budget: list[int], admit: Callable[[UrlEntry], str | None],
                            put: Callable[..., bool]) -> AsyncIterator[str]:
        reason = sitemap.empty_reason()
        if reason:
            put(InputProblem(source, reason))
        elif sitemap.skipped:
            put(InputProblem(source, f"{len(sitemap.skipped)} entr"
                             f"{'y' if len(sitemap.skipped) == 1 else 'ies'} not read as web "
                             f"addresses: " + "; ".join(sitemap.skipped[:3])))
        for n, page in enumerate(sitemap.urls, 1):
            if (url := admit(UrlEntry(page, n, source=source))) is not None:
                yield url
        for child in sitemap.sitemaps:
            if depth >= MAX_SITEMAP_DEPTH:
                put(InputProblem(child, f"sitemap nested deeper than {MAX_SITEMAP_DEPTH} "
                                        "levels, not followed"))
                continue
            async for url in self._fetch_sitemap(fetcher, child, depth, budget, admit, put):
                yield url


class _Sender:
    """Hands pages to the consuming side in lists: those extracted within ``_BATCH_WAIT`` of
    the first one (responses come in one per event-loop turn, so readiness alone grouped 1.5
    pages a list; the wait makes it about 8 on a fast crawl). One message per page cost the
    fetch process a queue hand-off, a feeder-thread wake-up and a pickle header each, a sixth
    of its time. A full queue is waited on off the event loop; pages pile up here only to
    ``_BATCH_MAX``, then the fetch loop waits too."""

    def __init__(self, put: Callable[..., bool]) -> None:
        self._put = put
        self._items: list[Any] = []
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._closed = False
        self._task = asyncio.create_task(self._run())

    async def add(self, item: Any) -> None:
        self._items.append(item)
        self._wake.set()
        if len(self._items) >= _BATCH_MAX:
            self._room.clear()
            await self._room.wait()

    async def close(self) -> None:
        """Send what is left (unless the run is stopping) and end."""
        self._closed = True
        self._wake.set()
        await self._task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._items:
                if self._closed:
                    return
                continue
            if len(self._items) < _BATCH_MAX and not self._closed:
                await asyncio.sleep(_BATCH_WAIT)  # let a few more pages join this list
            items, self._items = self._items, []
            self._room.set()
            if not self._put(items, False):  # the queue is full: wait off the event loop
                await asyncio.to_thread(self._put, items)
            self._wake.set()  # look again: more may have come in meanwhile


@dataclass(slots=True)
class _PageProblem:
    """A fetched URL that gave no piece, and why (stored as the run's error)."""

    source: str
    error: str
    kind: str
    fetch: dict[str, Any]


@dataclass(slots=True)
class _FoundSitemap:
    """A page URL that served a sitemap or an RSS/Atom feed: its pages are audited instead."""

    source: str
    base: str
    body: bytes
    fetch: dict[str, Any]


class _Found:
    """Sitemaps and feeds found among the fetched pages, handed back to the URL generator,
    which waits for them until every URL it gave out has come back."""

    def __init__(self) -> None:
        self.pending = 0  # URLs given out whose result has not been handled yet
        self.queue: asyncio.Queue[_FoundSitemap | None] = asyncio.Queue()

    def finished(self) -> None:
        self.pending -= 1
        if self.pending <= 0:
            self.queue.put_nowait(None)  # wake the generator to see that nothing is out

    async def next(self) -> _FoundSitemap | None:
        while self.pending > 0 or not self.queue.empty():
            item = await self.queue.get()
            if item is not None:
                return item
        return None


@dataclass(slots=True)
class _Failure:
    message: str


class _Done:
    """The fetch side has nothing more."""


def _fetch_process(feed: PageFeed, outbox: Any, parent: int) -> None:
    """Body of the fetch process: fetch and extract, hand pieces and problems to the parent."""
    def watch() -> None:  # a parent killed with kill -9 leaves no one to read: leave too
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    # Ctrl-C and stopping are the parent's: it ends this process with SIGTERM, which must not
    # run the CLI's handler (a KeyboardInterrupt traceback) inherited by the fork.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=watch, daemon=True).start()
    feed._fetch_thread(outbox)
