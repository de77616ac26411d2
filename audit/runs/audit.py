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

import contextlib
import itertools
import shlex
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config, channel_for_url
from ..crawl.results import FetchSettings
from ..engine.engine import PARALLEL_MIN_CHARS
from ..errors import AntipersonaError, InputError
from ..models import CHROME_ROLES, InputProblem, Piece, Section
from ..sources.ads import read_ad_csv
from ..sources.emails import iter_emails
from ..store.store import Store
from .fetching import PageFeed
from .lock import RunLock
from .planning import Plan, _guard, _read_html_file, plan_sources

if TYPE_CHECKING:
    from ..engine.engine import Engine

#: The copy on a typical web page, in characters: a guess at a run's size from its URL count.
PAGE_CHARS = 4_000


@dataclass(slots=True)
class Progress:
    """Counts a run reports to the terminal and to the store (the app polls them)."""

    total: int | None = None
    done: int = 0
    failed: int = 0
    skipped: int = 0
    resumed: int = 0
    #: Pieces analysed with a warning (a lost email body): counted apart from failures.
    warned: int = 0
    started: float = field(default_factory=time.monotonic)
    #: The run's id once it is stored (so an interrupted run can be named when resumed).
    run_id: str | None = None
    #: False when the run read nothing and was not kept (see ``keep_empty``).
    kept: bool = True

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
                "skipped": self.skipped, "resumed": self.resumed, "warnings": self.warned,
                "rate": round(self.rate, 2),
                "eta": None if eta is None else round(eta, 1)}


class AuditRun:
    """One audit run from plan to stored results. ``run()`` returns the run id."""

    def __init__(self, sources: list[str], *, store: Store, engine: Engine | Callable[[], Engine],
                 config: Config | None = None, fetch: FetchSettings | None = None,
                 name: str | None = None, resume: str | None = None, channel: str | None = None,
                 fetch_overrides: Mapping[str, Any] | None = None,
                 on_progress: Callable[[Progress], None] | None = None,
                 on_problem: Callable[[InputProblem], None] | None = None,
                 on_warning: Callable[[str, str], None] | None = None,
                 keep_empty: bool = True) -> None:
        """``engine`` may be a function that builds one: fetching then starts while it loads.
        ``fetch``: the whole fetch settings; ``fetch_overrides``: only the settings the user
        gave, laid over the defaults, or over the resumed run's own settings.
        ``keep_empty=False``: a new run that finishes having read nothing (every source failed
        or was skipped, each told to ``on_problem``) is deleted rather than left behind empty;
        ``progress.kept`` then says so. A resumed or interrupted run is always kept."""
        self.store = store
        self.keep_empty = keep_empty
        self.resumed = bool(resume)
        self._engine = engine
        self.config = config or (engine.config if not callable(engine) else Config())
        self.channel = channel
        self.name = name
        self._lock: RunLock | None = None
        self.on_progress = on_progress
        self.on_problem = on_problem
        self.on_warning = on_warning
        self.progress = Progress()
        self._last_push = 0.0
        self.run_id: str | None = None
        if resume:
            self.run_id = store.resolve_run(resume)
            header = store.run(self.run_id)
            stored = resumed_settings(header)
            self.fetch = fetch or replace(stored.fetch, **dict(fetch_overrides or {}))
            self.channel = channel or stored.channel
            self.sources = sources or list(header.get("sources") or [])
            # Failures are tried again (a host may be back, a flag may now allow them); pages
            # skipped by robots.txt or the address policy too when those settings changed.
            changed = (self.fetch.robots, self.fetch.allow_private) != \
                (stored.fetch.robots, stored.fetch.allow_private)
            self.done = store.done_sources(self.run_id, retry_failed=True, retry_skipped=changed)
            self.progress.resumed = len(self.done)
            self._lock = RunLock(store, self.run_id)
        else:
            self.fetch = fetch or FetchSettings(**dict(fetch_overrides or {}))
            self.sources = sources
            self.done = set()
        if not self.sources:
            raise InputError("audit", "no sources given (URL lists, sitemaps, page URLs, .eml/"
                             ".mbox, ad CSV exports or HTML files)")
        self.plan = plan_sources(self.sources)
        self._feed = PageFeed(self.plan, done=self.done, config=self.config, fetch=self.fetch,
                              channel=channel, on_problem=self._problem)

    @property
    def engine(self) -> Engine:
        if callable(self._engine) and not hasattr(self._engine, "check_pieces"):
            self._engine = self._engine()
        return self._engine  # type: ignore[return-value]

    def _config_dict(self) -> dict[str, Any]:
        cfg = self.config
        return {"target": cfg.target, "thresholds": asdict(cfg.thresholds),
                "section_weights": cfg.section_weights, "model": cfg.model,
                "config_file": cfg.source, "fetch": asdict(self.fetch), "channel": self.channel,
                "stage_rules": [r.to_dict() for r in cfg.stage_rules]}

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

    def _warned(self, source: str, warning: str) -> None:
        self.progress.warned += 1
        if self.on_warning:
            self.on_warning(source, warning)

    # -- the run -------------------------------------------------------------------------

    def run(self) -> str:
        if self._lock is not None:
            self._lock.acquire()  # resumed: refused before a page is fetched if another has it
        if self._has_urls():
            self._feed.start()  # pages arrive while the engine loads
        try:
            engine = self.engine
            if self.run_id is None:
                self.run_id = self.store.create_run(
                    name=self.name, sources=self.sources, config=self._config_dict(),
                    personas=[p.to_dict() for p in engine.personas], profile=engine.profile,
                    model=engine.model, target=engine.config.target)
                self._lock = RunLock(self.store, self.run_id)
                self._lock.acquire()
            else:  # resumed: running again only once the engine is there
                self.store.finish_run(self.run_id, "running")
            self.progress.run_id = self.run_id
        except BaseException:
            self._feed.stop()
            if self._lock is not None:
                self._lock.release()
            raise
        status = "failed"
        try:
            for p in self.plan.problems:
                self._problem(p.source, p.error)
            for p in self.plan.skipped:
                self._problem(p.source, p.error, kind="skipped")
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
            self._feed.stop()
            drop = (status == "done" and not self.keep_empty and not self.resumed
                    and not self.progress.done)
            self.progress.kept = not drop
            self._push(force=True)
            if drop:
                self.store.delete_run(self.run_id)  # nothing read: no empty run left behind
            else:
                self.store.finish_run(self.run_id, status)
            if self._lock is not None:
                self._lock.release()
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
        for piece in itertools.chain(self._local_pieces(), self._feed.pieces()):
            # A warning (a body lost to a MIME boundary, a list's channel that looks misspelt)
            # is stored with the piece (from its meta); it is told here, as it is found.
            if piece is not None:
                for warning in piece.meta.get("warnings", ()):
                    self._warned(piece.source, warning)
            yield piece

    def _local_pieces(self) -> Iterator[Piece]:
        readers: list[Iterator[Piece | InputProblem]] = []
        readers += [iter_emails(p) for p in self.plan.emails]
        readers += [_guard(read_ad_csv, p) for p in self.plan.ads]
        # A local copy of a site is filed as the same site served would be: the URL rules
        # (/blog -> blog, /help -> docs) read each page's path below the folder named.
        readers += [_read_html_file(p, channel_for_url(self.plan.site_paths.get(p, p.name),
                                                       self.config.channel_rules))
                    for p in self.plan.html]
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


@dataclass(frozen=True, slots=True)
class StoredSettings:
    """What a run was started with, as its resume reuses it."""

    fetch: FetchSettings
    channel: str | None


def resumed_settings(header: Mapping[str, Any]) -> StoredSettings:
    """The fetch settings and channel stored with a run (defaults for what older runs lack)."""
    config = header.get("config") or {}
    stored = config.get("fetch") or {}
    known = {f.name for f in fields(FetchSettings)}
    try:
        fetch = FetchSettings(**{k: v for k, v in stored.items() if k in known})
    except (TypeError, ValueError):
        fetch = FetchSettings()
    channel = config.get("channel")
    return StoredSettings(fetch, channel if isinstance(channel, str) else None)


def follow_up(args: list[str], db: Path | None, default_db: Path) -> str:
    """An ``antipersona`` command to print as a hint, with ``--db`` when the store is not the
    default one, so that it works as pasted."""
    parts = ["antipersona", *args]
    if db is not None and Path(db).resolve() != Path(default_db).resolve():
        parts += ["--db", str(db)]
    return shlex.join(parts)


def resume_command(run_id: str, db: Path | None, default_db: Path) -> str:
    """The command that carries on a run, to print when one is interrupted: it names the run
    (not "latest", which another run may become) and the store when it is not the default."""
    return follow_up(["audit", "--resume", run_id], db, default_db)


def run_audit(sources: list[str], *, db: Path, config: Config, fetch: FetchSettings | None = None,
              name: str | None = None, resume: str | None = None, channel: str | None = None,
              fetch_overrides: Mapping[str, Any] | None = None,
              engine: Engine | None = None,
              on_progress: Callable[[Progress], None] | None = None,
              on_problem: Callable[[InputProblem], None] | None = None,
              on_warning: Callable[[str, str], None] | None = None,
              keep_empty: bool = True) -> str:
    """Run an audit into the store at ``db`` and return the run id. ``on_problem`` hears
    of each source that failed; ``on_warning`` (source, text) of each piece analysed with a
    warning; ``keep_empty=False`` deletes a new run that read nothing (as :class:`AuditRun`)."""
    def build() -> Engine:
        from ..engine.engine import Engine

        return Engine(config)

    with Store(db) as store:
        job = AuditRun(sources, store=store, engine=engine or build, config=config, fetch=fetch,
                       name=name, resume=resume, channel=channel,
                       fetch_overrides=fetch_overrides, on_progress=on_progress,
                       on_problem=on_problem, on_warning=on_warning, keep_empty=keep_empty)
        return job.run()


__all__ = ["AntipersonaError", "AuditRun", "Plan", "Progress", "plan_sources", "run_audit"]
