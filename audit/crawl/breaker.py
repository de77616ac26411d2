"""Per-host circuit breaker: a host that keeps failing, or asks for a wait longer than we will
give it, has the rest of its URLs fail at once with the reason, so one slow or hostile host
costs a few requests and seconds rather than hours of retries and timeouts."""

from __future__ import annotations

from dataclasses import dataclass

from .wording import seconds


@dataclass(slots=True)
class _HostRecord:
    failures: int = 0
    last_error: str = ""
    reason: str | None = None  # set once tripped: every later URL of the host fails with it


class HostBreaker:
    """Counts failures in a row per host (overload, network trouble, timeouts); any answer
    that is not trouble resets the count. ``threshold`` 0 turns the counting off."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self._hosts: dict[str, _HostRecord] = {}

    def reason(self, host: str) -> str | None:
        """Why ``host`` is skipped, or None while it may still be tried."""
        record = self._hosts.get(host)
        return record.reason if record is not None else None

    def success(self, host: str) -> None:
        record = self._hosts.get(host)
        if record is not None and record.reason is None:
            record.failures = 0

    def failure(self, host: str, error: str) -> None:
        """One URL (after its retries) failed with host trouble ``error``."""
        record = self._hosts.setdefault(host, _HostRecord())
        if record.reason is not None:
            return
        record.failures += 1
        record.last_error = error
        if self.threshold and record.failures >= self.threshold:
            record.reason = f"host skipped after {record.failures} failures in a row: {error}"

    def too_long_a_wait(self, host: str, wait: float, limit: float, error: str) -> None:
        """The host asked for a Retry-After beyond ``limit``: it will not serve us this run."""
        record = self._hosts.setdefault(host, _HostRecord())
        if record.reason is None:
            record.reason = (f"host skipped: it asked for a wait of {seconds(wait)} ({error}), "
                             f"longer than the {seconds(limit)} limit")
