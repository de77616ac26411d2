"""What the crawler is given and gives back: its settings, and one result per URL."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_USER_AGENT = "antipersona/0.1 (+content audit; respects robots.txt)"

HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")

#: What sitemaps are served as in the wild (gzip files often as octet-stream).
SITEMAP_TYPES: tuple[str, ...] = (
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "text/plain",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
)


@dataclass
class FetchSettings:
    """Crawl politeness, limits and safety. The CLI flags map 1:1 onto these fields."""

    concurrency: int = 8
    per_host: int = 2
    delay: float = 1.0
    jitter: float = 0.25
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_bytes: int = 5_000_000
    robots: bool = True
    allow_private: bool = False
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 120.0
    max_redirects: int = 10
    #: URLs of one host failing in a row (overload, network trouble, timeouts) after which the
    #: rest of that host's URLs fail at once; 0 never gives up on a host.
    host_failures: int = 5
    #: Client-rendered pages in Chromium: never, auto (pages flagged as shells), always.
    render: str = "never"

    def __post_init__(self) -> None:
        problems = [
            msg
            for bad, msg in (
                (self.concurrency < 1, "concurrency must be at least 1"),
                (self.per_host < 1, "per-host must be at least 1"),
                (self.delay < 0, "delay cannot be negative"),
                (not 0 <= self.jitter < 1, "jitter must be between 0 and 1"),
                (self.timeout <= 0, "timeout must be positive"),
                (self.connect_timeout <= 0, "connect timeout must be positive"),
                (self.read_timeout <= 0, "read timeout must be positive"),
                (self.max_bytes < 1, "max-bytes must be positive"),
                (self.retries < 0, "retries cannot be negative"),
                (self.backoff < 0, "backoff cannot be negative"),
                (self.max_retry_after < 0, "max Retry-After cannot be negative"),
                (self.max_redirects < 0, "max redirects cannot be negative"),
                (self.host_failures < 0, "host failures cannot be negative"),
                (not self.user_agent.strip(), "user agent cannot be empty"),
                (any(c in self.user_agent for c in "\r\n"), "user agent must be one line"),
                (self.render not in ("never", "auto", "always"),
                 "render must be never, auto or always"),
            )
            if bad
        ]
        if problems:
            raise ValueError("; ".join(problems))

@dataclass
class Hop:
    """One redirect response on the way to the final one."""

    url: str
    status: int

@dataclass
class FetchResult:
    """What happened to one URL. ``error`` means it failed; ``skipped`` means we chose not to."""

    url: str
    final_url: str | None
    status: int | None
    redirects: list[Hop]
    content_type: str | None
    charset: str | None
    body: bytes | None
    elapsed: float
    attempts: int
    error: str | None = None
    skipped: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The run's fetch log entry: JSON-able, without the body or the headers."""
        return {"url": self.url, "final_url": self.final_url, "status": self.status,
                "redirects": [asdict(h) for h in self.redirects], "content_type": self.content_type,
                "charset": self.charset, "elapsed": round(self.elapsed, 4),
                "attempts": self.attempts, "error": self.error, "skipped": self.skipped}

    @property
    def ok(self) -> bool:
        """True when a body we asked for arrived: no error and not skipped."""
        return self.error is None and self.skipped is None and self.body is not None

@dataclass
class Outcome:
    """What one HTTP request produced, before retries and redirects are decided."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    charset: str | None = None
    body: bytes | None = None
    location: str | None = None
    error: str | None = None
    skipped: str | None = None
    retryable: bool = False
    retry_after: float | None = None
    #: The host looks unwell (overload status, network trouble, a timeout): counts toward its
    #: circuit breaker, whether or not another try could help.
    trouble: bool = False

def failed(url: str, message: str, elapsed: float) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=None,
        status=None,
        redirects=[],
        content_type=None,
        charset=None,
        body=None,
        elapsed=elapsed,
        attempts=0,
        error=message,
    )
