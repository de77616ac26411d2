"""Worker processes for large checks and audits, which load spaCy once between them.

The first worker is forked from the caller and loads the pipeline and matcher (about a second
of start-up), then forks the others, which share what it built copy-on-write. Meanwhile the
caller reads the input and queues work on the other core, so loading and reading overlap; and
a caller that only reads input and writes the report never loads spaCy itself.

Results come back in job order, like ``multiprocessing.Pool.imap``. A job that raises raises
in the caller; a worker that dies (killed, out of memory) ends the run with
:class:`WorkerError` instead of a wait for results that will never come.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import pickle
import queue
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

S = TypeVar("S")  # what the first worker loads and the others share
J = TypeVar("J")
R = TypeVar("R")

#: Seconds an idle worker waits for work before checking that its caller is still running.
POLL_SECONDS = 1.0
#: The cyclic collector's thresholds in analysis workers (Python's default: 700, 10, 10).
GC_THRESHOLD = (20_000, 20, 20)


class WorkerError(RuntimeError):
    """A worker process stopped before it had sent back the work it took."""


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, chained to the one raised here."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else a RuntimeError naming it."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # any failure to round-trip means "send a description"
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


class WorkerPool(Generic[S, J, R]):
    """``processes`` workers running ``work(state, job)`` with ``state = load()`` loaded once,
    in the first worker, before it forks the rest. Use as a context manager, then
    :meth:`imap` once."""

    def __init__(self, load: Callable[[], S], work: Callable[[S, J], R], processes: int = 2) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        self._n = processes
        ctx = mp.get_context("fork")
        self._tasks: Any = ctx.Queue()
        self._results, results_w = ctx.Pipe(duplex=False)
        lock = ctx.Lock()
        # One pipe per worker that only that worker keeps open for writing: its read end here
        # turns readable (end of file) when the worker is gone, however it ended.
        lives = [os.pipe() for _ in range(processes)]
        self._lives = {r: index for index, (r, _) in enumerate(lives)}
        self._pids: dict[int, int] = {}
        self._said_bye: set[int] = set()
        self._stopping = False
        self._finished = False  # imap handed back every result
        self._wake_r, self._wake_w = os.pipe()
        self._first = ctx.Process(
            target=_first_worker, name="antipersona-worker-0", daemon=True,
            args=(load, work, self._tasks, results_w, lock, [w for _, w in lives], os.getpid()),
        )
        self._first.start()
        self._pids[0] = self._first.pid or 0
        # The workers get a process group of their own (the first worker sets it too: no
        # race), so stopping them reaches the ones it forked whose ids are not known here yet.
        with contextlib.suppress(OSError):
            os.setpgid(self._pids[0], self._pids[0])
        results_w.close()
        for _, w in lives:
            os.close(w)

    def __enter__(self) -> WorkerPool[S, J, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(abort=exc[0] is not None)

    def imap(self, jobs: Iterable[J]) -> Iterator[R]:
        """Each job's result, in job order. ``jobs`` is read in a thread of this process as
        fast as it yields, so reading input overlaps waiting for results."""
        total: list[int | None] = [None]
        failure: list[BaseException] = []

        def feed() -> None:
            n = 0
            try:
                for job in jobs:
                    if self._stopping:
                        break
                    self._tasks.put((n, job))
                    n += 1
            except BaseException as exc:  # raised again in the caller's thread
                failure.append(exc)
            finally:
                total[0] = n
                # Interrupted, close() may have closed the queue and the pipe already.
                with contextlib.suppress(ValueError, OSError):
                    for _ in range(self._n):
                        self._tasks.put(None)
                    os.write(self._wake_w, b"x")

        feeder = threading.Thread(target=feed, name="antipersona-feed", daemon=True)
        feeder.start()
        done: dict[int, R] = {}
        next_id = 0
        watching = [self._results, self._wake_r, *self._lives]
        try:
            while True:
                if failure:
                    raise failure[0]
                while next_id in done:
                    yield done.pop(next_id)
                    next_id += 1
                if total[0] is not None and next_id >= total[0]:
                    break
                for ready in wait(watching):
                    if ready == self._wake_r:
                        os.read(self._wake_r, 64)
                        continue
                    # A worker that has gone left its messages behind: read them first.
                    if self._results in watching and not self._drain(done):
                        watching.remove(self._results)  # every worker has closed its end
                    if ready is not self._results:
                        watching.remove(ready)
                        index = self._lives[ready]  # type: ignore[index]
                        if index not in self._said_bye:
                            raise WorkerError(
                                f"an analysis process stopped unexpectedly (worker {index}; "
                                "killed, or out of memory?)")
                if watching == [self._wake_r] and (  # every worker gone, all they sent read
                        total[0] is None or any(i not in done for i in range(next_id, total[0]))):
                    raise WorkerError("the analysis processes stopped before the work was done")
        finally:
            # Stopped early: the feeder may be waiting on its input; it is a daemon thread
            # and stops at its next job.
            self._stopping = True
        feeder.join()
        self._finished = True

    def _drain(self, done: dict[int, R]) -> bool:
        """Handle every message waiting; False once all workers have closed their end."""
        while self._results.poll():
            try:
                data = self._results.recv_bytes()
            except EOFError:
                return False
            kind, key, value = pickle.loads(data)
            if kind == "ok":
                done[key] = value
            elif kind == "hello":
                self._pids[key] = value
            elif kind == "bye":
                self._said_bye.add(key)
            else:  # "err": a job raised, or (key -1) loading failed
                exc, trace = value
                exc.__cause__ = RemoteTraceback(trace)
                raise exc
        return True

    def close(self, abort: bool = False) -> None:
        """Wait for the workers to exit once all work is back, else stop them at once."""
        self._stopping = True
        abort = abort or not self._finished
        if abort:
            with contextlib.suppress(OSError):
                os.killpg(self._pids[0], signal.SIGTERM)
            for pid in self._pids.values():
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGTERM)
            self._tasks.cancel_join_thread()
        self._first.join(timeout=None if not abort else 5)
        self._tasks.close()
        self._results.close()
        for fd in (self._wake_r, self._wake_w, *self._lives):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._lives = {}


def _first_worker(load: Callable[[], Any], work: Callable[[Any, Any], Any], tasks: Any,
                  results: Connection, lock: Any, lives: list[int], caller: int) -> None:
    """Load, fork the other workers (they share what was loaded), then work like them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the caller's "stop" (not its CLI's handler)
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)

    def send(message: tuple[str, int, Any]) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        # A worker stopped while sending leaves the lock taken: stop waiting for it once the
        # caller has gone.
        while not lock.acquire(timeout=POLL_SECONDS):
            if not pid_alive(caller):
                os._exit(1)
        try:
            results.send_bytes(data)
        finally:
            lock.release()

    # Loading (spaCy's import, the packs' matchers) makes objects that live as long as the
    # worker and next to no garbage: a full collection in the middle of it walked the whole
    # heap for nothing, about a fifth of the load.
    gc.disable()
    try:
        state = load()
    except BaseException as exc:  # reported to the caller, which raises it
        send(("err", -1, (_portable(exc), traceback.format_exc())))
        return
    finally:
        gc.enable()
    gc.freeze()  # what was loaded lives as long as the workers: the collector need not walk it
    # Analysis makes millions of short-lived tuples and lists and hardly any reference cycles
    # (reference counting frees them): with the default threshold the collector ran every 700
    # allocations, 5-10% of a worker's time.
    gc.set_threshold(*GC_THRESHOLD)
    children = []
    open_lives = dict(enumerate(lives))
    for index in range(1, len(lives)):
        pid = os.fork()
        if pid == 0:
            for other, fd in open_lives.items():
                if other != index:
                    os.close(fd)
            code = 0
            try:
                _serve(index, state, work, tasks, send, caller)
            except BaseException:  # the caller sees the missing goodbye
                code = 1
            finally:
                os._exit(code)
        os.close(open_lives.pop(index))
        children.append(pid)
    _serve(0, state, work, tasks, send, caller)
    for pid in children:
        os.waitpid(pid, 0)


def _serve(index: int, state: Any, work: Callable[[Any, Any], Any], tasks: Any,
           send: Callable[[tuple[str, int, Any]], None], caller: int) -> None:
    send(("hello", index, os.getpid()))
    while True:
        try:
            item = tasks.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not pid_alive(caller):
                return
            continue
        if item is None:
            break
        key, job = item
        try:
            message: tuple[str, int, Any] = ("ok", key, work(state, job))
        except Exception as exc:  # reported to the caller, which raises it
            message = ("err", key, (_portable(exc), traceback.format_exc()))
        send(message)
    send(("bye", index, None))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
