"""Audit runs: sources in, a stored run out.

Sources are URL lists (.txt/.csv), sitemaps (URL or file, gzipped or not, indexes followed),
single page URLs, .eml files/folders/.mbox, ad CSV exports and local HTML files/folders.
Fetching and extraction run on an asyncio loop in a child process (a thread where fork is not
available); analysis runs here and in the engine's workers, storage here, fed through a bounded
queue, so memory stays flat however long the list. Every finished piece is committed at once:
a run killed with ``kill -9`` keeps what it had, and ``resume`` skips those sources without
fetching them again.
"""

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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config, channel_for_url
from ..crawl.fetcher import Fetcher
from ..crawl.results import FetchResult, FetchSettings
from ..crawl.urls import normalize_url
from ..engine.engine import PARALLEL_MIN_CHARS
from ..errors import AntipersonaError, InputError
from ..extract.html import html_to_piece
from ..models import CHROME_ROLES, InputProblem, Piece, Section
from ..sources.ads import read_ad_csv
from ..sources.decode import decode_bytes_info
from ..sources.emails import iter_emails
from ..sources.lists import UrlEntry, is_sitemap_source, parse_sitemap, read_url_list
from ..sources.readers import read_piece
from ..store.store import Store

if TYPE_CHECKING:
    from ..engine.engine import Engine

#: Sitemaps are followed this deep (index -> index -> urlset) and at most this many are read.
MAX_SITEMAP_DEPTH = 3
MAX_SITEMAPS = 1000
SITEMAP_MAX_BYTES = 50_000_000
#: The copy on a typical web page, in characters: a guess at a run's size from its URL count.
PAGE_CHARS = 4_000
#: Pages fetched ahead of analysis (the fetch side keeps going while the engine loads).
_QUEUE_SIZE = 1024


@dataclass(slots=True)
class Progress:
    """Counts a run reports to the terminal and to the store (the app polls them)."""

    total: int | None = None
    done: int = 0
    failed: int = 0
    skipped: int = 0
    resumed: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        return self.done + self.failed + self.skipped

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.finished / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        if self.total is None or self.rate <= 0:
            return None
        return max(self.total - self.finished - self.resumed, 0) / self.rate

    def as_dict(self) -> dict[str, Any]:
        eta = self.eta
        return {"total": self.total, "done": self.done, "failed": self.failed,
                "skipped": self.skipped, "resumed": self.resumed, "rate": round(self.rate, 2),
                "eta": None if eta is None else round(eta, 1)}


@dataclass(slots=True)
class Plan:
    """What the sources turned into: URLs to fetch (lists, sitemaps, pages) and local files."""

    lists: list[Path] = field(default_factory=list)
    sitemap_urls: list[str] = field(default_factory=list)
    sitemap_files: list[Path] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    emails: list[Path] = field(default_factory=list)
    ads: list[Path] = field(default_factory=list)
    html: list[Path] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)


def plan_sources(sources: list[str]) -> Plan:
    """Sort each command-line source into its kind, or a problem naming it."""
    plan = Plan()
    for src in sources:
        if src.startswith(("http://", "https://")) or "://" in src:
            if "://" in src and not src.startswith(("http://", "https://")):
                plan.problems.append(InputProblem(src, "only http and https addresses can be "
                                                       "audited"))
            elif is_sitemap_source(src):
                plan.sitemap_urls.append(src)
            else:
                plan.pages.append(src)
            continue
        path = Path(src)
        if not path.exists():
            plan.problems.append(InputProblem(src, "no such file or folder"))
        elif path.is_dir():
            _plan_folder(path, plan)
        else:
            _plan_file(path, plan)
    return plan


def _plan_folder(path: Path, plan: Plan) -> None:
    files = sorted(p for p in path.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))
    emails = [p for p in files if p.suffix.lower() in (".eml", ".mbox")]
    html = [p for p in files if p.suffix.lower() in (".html", ".htm")]
    if not emails and not html:
        plan.problems.append(InputProblem(str(path), "folder has no .eml, .mbox or .html files"))
    plan.emails.extend(emails)
    plan.html.extend(html)


def _plan_file(path: Path, plan: Plan) -> None:
    suffix = "".join(path.suffixes[-2:]).lower() if path.name.endswith(".gz") else \
        path.suffix.lower()
    if suffix in (".eml", ".mbox") or path.name.lower() == "mbox":
        plan.emails.append(path)
    elif suffix in (".html", ".htm"):
        plan.html.append(path)
    elif suffix in (".xml", ".xml.gz") or is_sitemap_source(path.name):
        plan.sitemap_files.append(path)
    elif suffix in (".txt", ".list", ""):
        plan.lists.append(path)
    elif suffix in (".csv", ".tsv"):
        (plan.lists if _csv_has_url_column(path) else plan.ads).append(path)
    else:
        plan.problems.append(InputProblem(str(path), "unknown kind of source (expected a URL "
                                          "list .txt/.csv, sitemap .xml, .eml/.mbox, ad export "
                                          ".csv or .html)"))


def _csv_has_url_column(path: Path) -> bool:
    """A URL list names a url/address/loc column; an ad export names headlines and texts."""
    try:
        head = path.read_bytes()[:4096]
    except OSError:
        return True  # read_url_list reports the problem with the file
    for enc in ("utf-8-sig", "utf-16", "latin-1"):
        try:
            first = head.decode(enc).splitlines()[0].lower()
            break
        except (UnicodeDecodeError, IndexError):
            continue
    else:
        return True
    cells = {c.strip().strip('"') for c in first.replace("\t", ",").replace(";", ",").split(",")}
    return bool(cells & {"url", "address", "loc", "page", "page url"})


def _fetch_dict(result: FetchResult) -> dict[str, Any]:
    return {"url": result.url, "final_url": result.final_url, "status": result.status,
            "redirects": [asdict(h) for h in result.redirects], "content_type":
            result.content_type, "charset": result.charset, "elapsed": round(result.elapsed, 4),
            "attempts": result.attempts, "error": result.error, "skipped": result.skipped}


class AuditRun:
    """One audit run from plan to stored results. ``run()`` returns the run id."""

    def __init__(self, sources: list[str], *, store: Store, engine: Engine | Callable[[], Engine],
                 config: Config | None = None, fetch: FetchSettings | None = None,
                 name: str | None = None, resume: str | None = None, channel: str | None = None,
                 on_progress: Callable[[Progress], None] | None = None,
                 on_problem: Callable[[InputProblem], None] | None = None) -> None:
        """``engine`` may be a function that builds one: fetching then starts while it loads."""
        self.store = store
        self._engine = engine
        self.config = config or (engine.config if not callable(engine) else Config())
        self.fetch = fetch or FetchSettings()
        self.channel = channel
        self.name = name
        self.on_progress = on_progress
        self.on_problem = on_problem
        self.progress = Progress()
        self._last_push = 0.0
        self._fetching: tuple[Any, Any] | None = None
        self._stop = threading.Event()
        self.run_id: str | None = None
        if resume:
            self.run_id = store.resolve_run(resume)
            header = store.run(self.run_id)
            self.sources = sources or list(header.get("sources") or [])
            self.done = store.done_sources(self.run_id)
            self.progress.resumed = len(self.done)
        else:
            self.sources = sources
            self.done = set()
        if not self.sources:
            raise InputError("audit", "no sources given (URL lists, sitemaps, page URLs, .eml/"
                             ".mbox, ad CSV exports or HTML files)")
        self.plan = plan_sources(self.sources)

    @property
    def engine(self) -> Engine:
        if callable(self._engine) and not hasattr(self._engine, "check_pieces"):
            self._engine = self._engine()
        return self._engine  # type: ignore[return-value]

    def _config_dict(self) -> dict[str, Any]:
        cfg = self.config
        return {"target": cfg.target, "thresholds": asdict(cfg.thresholds),
                "section_weights": cfg.section_weights, "model": cfg.model,
                "config_file": cfg.source, "fetch": asdict(self.fetch), "channel": self.channel}

    # -- bookkeeping ---------------------------------------------------------------------

    def _push(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_push >= 0.5:
            self._last_push = now
            self.store.set_progress(self.run_id, **self.progress.as_dict())
            if self.on_progress:
                self.on_progress(self.progress)

    def _problem(self, source: str, error: str, *, kind: str = "failed",
                 fetch: dict[str, Any] | None = None) -> None:
        self.store.add_error(self.run_id, source, error, fetch=fetch, kind=kind)
        if kind == "skipped":
            self.progress.skipped += 1
        else:
            self.progress.failed += 1
        if self.on_problem:
            self.on_problem(InputProblem(source, error))
        self._push()

    # -- the run -------------------------------------------------------------------------

    def run(self) -> str:
        if self._has_urls():
            self._start_fetching()  # pages arrive while the engine loads
        try:
            engine = self.engine
            if self.run_id is None:
                self.run_id = self.store.create_run(
                    name=self.name, sources=self.sources, config=self._config_dict(),
                    personas=[p.to_dict() for p in engine.personas], profile=engine.profile,
                    model=engine.model, target=engine.config.target)
            else:  # resumed: running again only once the engine is there
                self.store.finish_run(self.run_id, "running")
        except BaseException:
            self._stop_fetching()
            raise
        status = "failed"
        try:
            for p in self.plan.problems:
                self._problem(p.source, p.error)
            self.progress.total = self._count_known()
            seen_chrome = self._chrome_counted()
            # Results that were ready together are stored in one transaction (group commit):
            # nothing waits for a group to fill, and a commit per page cost a third of storing.
            for group in engine.check_groups(self._pieces(), chrome_seen=seen_chrome,
                                             expect_chars=self._expected_chars()):
                self.store.add_results(self.run_id, [
                    (result.to_dict(), [(s.role, s.text) for s in result.piece.sections],
                     result.piece.meta.pop("fetch", None))
                    for result in group])
                self.progress.done += len(group)
                self._push()
            status = "done"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            self._stop_fetching()
            self._push(force=True)
            self.store.finish_run(self.run_id, status)
        return self.run_id

    def _chrome_counted(self) -> set[str]:
        """Chrome already counted on a stored page of its site: a resumed run does not count
        a footer again on the next page it analyses."""
        seen: set[str] = set()
        if not self.done or self.run_id is None:
            return seen
        from ..engine.engine import chrome_key, site_of

        for source, meta, role, text in self.store.sections_of_role(self.run_id, CHROME_ROLES):
            seen.add(chrome_key(site_of(Piece(source, [], meta=meta)), Section(role, text)))
        return seen

    def _has_urls(self) -> bool:
        plan = self.plan
        return bool(plan.pages or plan.lists or plan.sitemap_urls or plan.sitemap_files)

    def _expected_chars(self) -> int:
        """About how much copy the run will analyse, so that a large one starts the analysis
        workers at once (they load spaCy while the first pages are fetched): a sitemap lists
        a site, a URL counts as a typical page, local files by their size."""
        plan = self.plan
        if plan.sitemap_urls or plan.sitemap_files:
            return PARALLEL_MIN_CHARS
        urls = len(plan.pages)
        for path in plan.lists:
            with contextlib.suppress(OSError):
                urls += path.stat().st_size // 40  # a line of a URL list, about
        local = 0
        for path in (*plan.emails, *plan.ads, *plan.html):
            with contextlib.suppress(OSError):
                local += path.stat().st_size if path.is_file() else PARALLEL_MIN_CHARS
        return urls * PAGE_CHARS + local

    def _count_known(self) -> int | None:
        """Total work when it is known up front (lists and local files; not sitemaps)."""
        if self.plan.sitemap_urls or self.plan.sitemap_files or self.plan.emails or self.plan.ads:
            return None
        total = len(self.plan.pages) + len(self.plan.html)
        for path in self.plan.lists:
            try:
                with path.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip() and not line.lstrip()
                                 .startswith(b"#"))
            except OSError:
                return None
        return total

    def _pieces(self) -> Iterator[Piece | None]:
        """Local pieces first, then fetched pages as they arrive (None: none waiting just now);
        problems go to the store."""
        yield from self._local_pieces()
        yield from self._fetched_pieces()

    def _local_pieces(self) -> Iterator[Piece]:
        readers: list[Iterator[Piece | InputProblem]] = []
        readers += [iter_emails(p) for p in self.plan.emails]
        readers += [_guard(read_ad_csv, p) for p in self.plan.ads]
        readers += [_read_html_file(p) for p in self.plan.html]
        for reader in readers:
            for item in reader:
                if isinstance(item, InputProblem):
                    self._problem(item.source, item.error)
                elif item.source in self.done:
                    continue
                else:
                    if self.channel:
                        item.channel = self.channel
                    yield item

    def _start_fetching(self) -> None:
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

    def _stop_fetching(self) -> None:
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

    def _fetched_pieces(self) -> Iterator[Piece | None]:
        """Pages as the fetch side delivers them (None: none waiting just now)."""
        self._start_fetching()
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
                if isinstance(item, InputProblem):
                    self._problem(item.source, item.error)
                elif isinstance(item, _PageProblem):
                    self._problem(item.source, item.error, kind=item.kind, fetch=item.fetch)
                else:
                    yield item
        finally:
            self._stop_fetching()

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

    def _page_piece(self, result: FetchResult, entry: UrlEntry | None) -> Piece | _PageProblem:
        """A fetched page as a piece, or the reason it is not one (runs on the fetch side)."""
        fetch = _fetch_dict(result)
        source = result.url
        if result.skipped:
            return _PageProblem(source, result.skipped, "skipped", fetch)
        if not result.ok or result.body is None:
            return _PageProblem(source, result.error or "no content", "failed", fetch)
        try:
            decoded = decode_bytes_info(result.body, source, declared=result.charset)
        except InputError as exc:
            return _PageProblem(source, exc.message, "failed", fetch)
        fetch["charset"] = decoded.encoding
        channel = self.channel or (entry.channel if entry and entry.channel else None) or \
            channel_for_url(result.final_url or source, self.config.channel_rules)
        meta: dict[str, Any] = {"fetch": fetch}
        if entry is not None:
            meta.update({k: v for k, v in (("name", entry.name), ("campaign", entry.campaign),
                                           ("list", entry.source)) if v})
        piece = html_to_piece(decoded.text, source, channel=channel, meta=meta)
        if not piece.sections:
            return _PageProblem(source, "no readable copy on the page", "failed", fetch)
        return piece

    # -- fetching (child process or background thread) ---------------------------------------

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
        async with Fetcher(self.fetch) as fetcher:
            urls = self._urls(fetcher, entries, put)
            async with contextlib.aclosing(fetcher.iter_fetch(urls)) as results:
                async for result in results:
                    if stop.is_set():
                        break
                    item = self._page_piece(result, entries.pop(result.url, None))
                    if not put(item, False):  # the queue is full: wait off the event loop
                        await asyncio.to_thread(put, item)

    async def _urls(self, fetcher: Fetcher, entries: dict[str, UrlEntry],
                    put: Callable[..., bool]) -> AsyncIterator[str]:
        """Every URL to fetch, once, skipping those a resumed run already has."""

        def admit(entry: UrlEntry) -> str | None:
            try:
                url = normalize_url(entry.url)
            except ValueError as exc:
                put(InputProblem(entry.source or entry.url, str(exc)))
                return None
            if url in self.done or url in entries:
                return None
            entries[url] = entry
            return url

        for page in self.plan.pages:
            if (url := admit(UrlEntry(page, 0, source=page))) is not None:
                yield url
        for path in self.plan.lists:
            for item in _guard(read_url_list, path):
                if isinstance(item, InputProblem):
                    put(item)
                elif (url := admit(item)) is not None:
                    yield url
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

    async def _fetch_sitemap(self, fetcher: Fetcher, url: str, depth: int, budget: list[int],
                             admit: Callable[[UrlEntry], str | None],
                             put: Callable[..., bool]) -> AsyncIterator[str]:
        if budget[0] <= 0:
            put(InputProblem(url, f"sitemap not read: more than {MAX_SITEMAPS} sitemaps"))
            return
        budget[0] -= 1
        result = await fetcher.fetch_bytes(url, max_bytes=SITEMAP_MAX_BYTES)
        if not result.ok or result.body is None:
            put(InputProblem(url, f"sitemap: {result.error or result.skipped or 'no content'}"))
            return
        try:
            sitemap = parse_sitemap(result.body, url)
        except InputError as exc:
            put(InputProblem(url, exc.message))
            return
        async for page in self._sitemap_urls(fetcher, sitemap, url, depth + 1, budget, admit,
                                             put):
            yield page

    async def _sitemap_urls(self, fetcher: Fetcher, sitemap: Any, source: str, depth: int,
                            budget: list[int], admit: Callable[[UrlEntry], str | None],
                            put: Callable[..., bool]) -> AsyncIterator[str]:
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


@dataclass(slots=True)
class _PageProblem:
    """A fetched URL that gave no piece, and why (stored as the run's error)."""

    source: str
    error: str
    kind: str
    fetch: dict[str, Any]


@dataclass(slots=True)
class _Failure:
    message: str


class _Done:
    """The fetch side has nothing more."""


def _fetch_process(runner: AuditRun, outbox: Any, parent: int) -> None:
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
    runner._fetch_thread(outbox)


def _guard(reader: Callable[[Path], Iterator[Any]], path: Path) -> Iterator[Any]:
    """A reader whose whole-file failure (no url column, unknown ad layout) becomes a problem."""
    try:
        yield from reader(path)
    except InputError as exc:
        yield InputProblem(exc.source, exc.message)
    except OSError as exc:
        yield InputProblem(str(path), f"cannot read ({exc.strerror or exc})")


def _read_html_file(path: Path) -> Iterator[Piece | InputProblem]:
    """A local HTML page, read as `check` reads it; a bad file becomes a problem."""
    try:
        yield read_piece(path, channel="landing")
    except InputError as exc:
        yield InputProblem(exc.source, exc.message)


def run_audit(sources: list[str], *, db: Path, config: Config, fetch: FetchSettings | None = None,
              name: str | None = None, resume: str | None = None, channel: str | None = None,
              engine: Engine | None = None,
              on_progress: Callable[[Progress], None] | None = None,
              on_problem: Callable[[InputProblem], None] | None = None) -> str:
    """Run an audit into the store at ``db`` and return the run id."""
    def build() -> Engine:
        from ..engine.engine import Engine

        return Engine(config)

    with Store(db) as store:
        job = AuditRun(sources, store=store, engine=engine or build, config=config, fetch=fetch,
                       name=name, resume=resume, channel=channel, on_progress=on_progress,
                       on_problem=on_problem)
        return job.run()


__all__ = ["AntipersonaError", "AuditRun", "Plan", "Progress", "plan_sources", "run_audit"]
