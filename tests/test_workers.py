"""The worker processes behind large checks and audits (audit/engine/workers.py): real forked processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit import ConfigError
from audit.engine.workers import WorkerError, WorkerPool

ROOT = Path(__file__).resolve().parent.parent


def _loaded() -> dict[str, int]:
    return {"pid": os.getpid()}


def _double(state: dict[str, int], job: int) -> tuple[int, int, int]:
    time.sleep(0.002)
    return state["pid"], os.getpid(), job * 2


def _gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # our own child: reap it, else it lingers as a zombie
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        time.sleep(0.05)
    return False


def test_results_come_back_in_order_from_workers_sharing_one_load() -> None:
    with WorkerPool(_loaded, _double, 2) as pool:
        out = list(pool.imap(range(300)))
        pids = dict(pool._pids)
    assert [r[2] for r in out] == [2 * i for i in range(300)]
    loaded_in = {r[0] for r in out}
    assert len(loaded_in) == 1 and os.getpid() not in loaded_in, "loaded once, in a worker"
    assert {r[1] for r in out} == set(pids.values()) and len(pids) == 2, "both workers worked"
    assert all(_gone(pid) for pid in pids.values())


def test_results_waiting_after_the_workers_have_exited_are_all_read() -> None:
    """A slow consumer: every result and goodbye is in the pipe and both workers are gone by
    the time the caller reads on (the end of a crawl, while the last pages are stored)."""
    with WorkerPool(_loaded, _double, 2) as pool:
        results = pool.imap(range(40))
        first = next(results)
        time.sleep(1.5)
        rest = list(results)
    assert [r[2] for r in [first, *rest]] == [2 * i for i in range(40)]


def test_no_jobs_returns_at_once() -> None:
    start = time.monotonic()
    with WorkerPool(_loaded, _double, 2) as pool:
        assert list(pool.imap([])) == []
    assert time.monotonic() - start < 5


def test_an_exception_in_a_job_is_raised_here_with_the_worker_traceback() -> None:
    def work(state: dict[str, int], job: int) -> int:
        if job == 7:
            raise ValueError(f"bad job {job}")
        return job

    with pytest.raises(ValueError, match="bad job 7") as info, WorkerPool(_loaded, work, 2) as pool:
        list(pool.imap(range(20)))
    assert "in work" in str(info.value.__cause__)
    assert all(_gone(pid) for pid in pool._pids.values())


def test_a_failed_load_is_raised_here() -> None:
    def load() -> None:
        raise ConfigError("cannot load spaCy pipeline 'nope': not installed")

    with pytest.raises(ConfigError, match="nope"), WorkerPool(load, _double, 2) as pool:
        list(pool.imap(range(5)))


def test_an_error_in_the_job_stream_is_raised_here() -> None:
    def jobs():  # type: ignore[no-untyped-def]
        yield 1
        raise OSError("input went away")

    with pytest.raises(OSError, match="input went away"), WorkerPool(_loaded, _double, 2) as pool:
        list(pool.imap(jobs()))


def test_a_killed_worker_ends_the_run_instead_of_hanging() -> None:
    def work(state: dict[str, int], job: int) -> int:
        if job == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.01)
        return job

    start = time.monotonic()
    with pytest.raises(WorkerError, match="stopped unexpectedly"), \
            WorkerPool(_loaded, work, 2) as pool:
        list(pool.imap(range(50)))
    assert time.monotonic() - start < 30
    assert all(_gone(pid) for pid in pool._pids.values())


def test_stopping_early_stops_the_workers() -> None:
    with WorkerPool(_loaded, _double, 2) as pool:
        for result in pool.imap(range(10_000)):
            if result[2] >= 10:
                break
        pids = list(pool._pids.values())
    assert len(pids) == 2
    assert all(_gone(pid) for pid in pids)


@pytest.mark.parametrize("files", ["many", "one"])
def test_a_large_check_never_loads_spacy_in_the_calling_process(tmp_path: Path, files: str) -> None:
    """The caller reads files and writes the report; spaCy is loaded by the workers only. One
    long file is cut across workers and finished (weighed, scored) by the caller."""
    from audit.engine.engine import PARALLEL_MIN_CHARS

    para = ("Skip the procurement hoops: no sales calls, no SSO to set up. "
            "Our enterprise tier adds SAML, SCIM and a signed SLA. "
            "SOC 2 is defined as an attestation of a vendor's controls. ") * 20
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    count = PARALLEL_MIN_CHARS // len(para) + 20
    if files == "many":
        for i in range(count):
            (drafts / f"d{i}.txt").write_text(f"Draft {i}\n\n{para}\n", encoding="utf-8")
    else:
        (drafts / "long.txt").write_text("\n\n".join([para] * count * 2), encoding="utf-8")
    script = (
        "import sys, json\n"
        "from audit.runs.check import check_inputs\n"
        "from audit.config import Config\n"
        f"out = check_inputs([{str(drafts)!r}], Config(model='fast'))\n"
        "print(json.dumps({'spacy': 'spacy' in sys.modules, 'pieces': len(out.report['pieces']),"
        " 'errors': len(out.errors), 'words': sum(p['words'] for p in out.report['pieces'])}))\n"
    )
    # Packs are validated with spaCy when first read; the run below finds them cached.
    env = {**os.environ, "ANTIPERSONA_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", "from audit import load_packs; load_packs(None)"],
                   cwd=ROOT, env=env, timeout=300, check=True)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    import json

    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["spacy"] is False
    assert found["pieces"] == len(list(drafts.iterdir())) and found["errors"] == 0
    assert found["words"] > 20_000
