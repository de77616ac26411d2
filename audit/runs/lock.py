"""One process per run: a second ``audit --resume`` of a run that is still being worked on is
refused, instead of fetching every remaining page twice; deleting it is refused too (from the
CLI or the app), so a run is never pulled from under the process writing it.

The owner (pid and host) is written into the run's progress record (see
:mod:`audit.store.liveness`); a claim is refused while the owner is alive. A run whose process
was killed (kill -9, a power cut) is free again at once on the same machine.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from ..errors import AntipersonaError
from ..store.liveness import held
from ..store.store import Store


class RunBusy(AntipersonaError):
    """Another process is working on the run."""


def _owner() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname()}


class RunLock:
    """Claim a run for this process for the length of its work."""

    def __init__(self, store: Store, run_id: str) -> None:
        self.store = store
        self.run_id = run_id
        self.owned = False

    def acquire(self) -> None:
        other = self.store.claim_run(self.run_id, _owner(), held)
        if other is not None:
            raise RunBusy(f"run {self.run_id} is being worked on by another process (pid "
                          f"{other.get('pid')} on {other.get('host')}); wait for it to finish, "
                          "or stop it first")
        self.owned = True

    def release(self) -> None:
        if self.owned:
            self.owned = False
            self.store.release_run(self.run_id)


def delete_run(store: Store, run_id: str) -> None:
    """Delete a stored run with everything in it, unless a live process is still writing it
    (:class:`RunBusy` names that process)."""
    other = store.delete_run(run_id, unless_held=held)
    if other is not None:
        raise RunBusy(f"run {run_id} is still being written by another process (pid "
                      f"{other.get('pid')} on {other.get('host')}); stop it or wait for it to "
                      "finish, then delete the run")
