"""Whether the process working on a stored run is still alive.

The owner (pid and host) is written into the run's progress record, which the working process
updates every half second. On this machine the owner is alive while its pid exists; on another
machine sharing the file, while its progress moved in the last minute. A run still stored as
``running`` whose owner is gone (kill -9, a power cut, a closed laptop) was interrupted: it is
shown so, and ``audit --resume`` carries it on.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

from ..engine.workers import pid_alive

#: A run worked on from another machine counts as held while its progress is this recent.
STALE_AFTER_S = 60.0


def _age_s(stamp: str | None) -> float | None:
    if not stamp:
        return None
    try:
        return (datetime.now(UTC) - datetime.fromisoformat(stamp)).total_seconds()
    except (TypeError, ValueError):
        return None


def held(owner: dict[str, Any], updated: str | None) -> bool:
    """Whether ``owner`` still works on the run (its last progress at ``updated``)."""
    if owner.get("host") == socket.gethostname() and isinstance(owner.get("pid"), int):
        return pid_alive(owner["pid"])
    age = _age_s(updated)
    return age is not None and age < STALE_AFTER_S


def abandoned(status: str, progress: dict[str, Any], created: str | None) -> bool:
    """A run stored as running that no live process works on. A run just created has no owner
    for a moment, before its process claims it: without one it counts as abandoned only once
    neither it nor its progress has moved for STALE_AFTER_S."""
    if status != "running":
        return False
    owner = progress.get("owner")
    if isinstance(owner, dict):
        return not held(owner, progress.get("updated"))
    ages = [a for a in (_age_s(progress.get("updated")), _age_s(created)) if a is not None]
    return bool(ages) and min(ages) >= STALE_AFTER_S
