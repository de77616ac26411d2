"""Retry policy: which answers are worth another try, and how long to wait (exponential
backoff with jitter, or the server's Retry-After, capped)."""

from __future__ import annotations

import asyncio
import email.utils
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from .politeness import Politeness
from .results import FetchSettings, Outcome
from .urls import host_of
from .wording import seconds

#: Statuses worth another try (Scrapy's list): overload, gateway trouble, timeouts.
RETRY_STATUSES: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504, 522, 524})


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def retry_wait(s: FetchSettings, out: Outcome, attempt: int) -> tuple[float, bool]:
    """Seconds before the next try and whether a Retry-After had to be capped."""
    if out.retry_after is not None:
        return min(out.retry_after, s.max_retry_after), out.retry_after > s.max_retry_after
    wait = s.backoff * (2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
    if out.status == 429:
        wait = max(wait, s.delay)
    return min(wait, s.max_retry_after), False


async def with_retries(send: Callable[[], Awaitable[Outcome]], url: str, s: FetchSettings,
                       politeness: Politeness) -> tuple[Outcome, int]:
    """One URL (``send`` makes one request), retried on overload and network trouble with
    backoff or Retry-After; the host is held back meanwhile. Returns the outcome and attempts."""
    note = ""
    attempt = 1
    while True:
        out = await send()
        if not out.retryable or attempt > s.retries:
            break
        wait, capped = retry_wait(s, out, attempt)
        if capped:
            note = (
                f"; Retry-After of {seconds(out.retry_after or 0)} was capped"
                f" at {seconds(s.max_retry_after)}"
            )
        politeness.hold(host_of(url), wait)
        await asyncio.sleep(wait)
        attempt += 1
    if out.retryable and out.error and attempt > 1:
        out.error = f"{out.error} (gave up after {attempt} attempts{note})"
    return out, attempt
