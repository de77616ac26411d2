"""Run a command and report its memory: ``peak_rss.py OUT.json -- CMD ...``.

Writes {"exit": code, "wall": seconds, "maxrss_mb": ru_maxrss of RUSAGE_CHILDREN (the largest
single process among the command and the children it waited for), "hwm_mb": the command's own
VmHWM, "tree_pss_peak_mb": the largest sum of PSS over the command's process tree seen while
polling every 0.2 s (PSS splits pages shared by forked workers, so the sum is not inflated)}.
The command's stdout and stderr pass through.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _kb(path: str, key: str) -> int:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    cmd = argv[2:] if argv[1] == "--" else argv[1:]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    peak = {"pss": 0, "hwm": 0}
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            pss = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in _tree(proc.pid))
            peak["pss"] = max(peak["pss"], pss)
            peak["hwm"] = max(peak["hwm"], _kb(f"/proc/{proc.pid}/status", "VmHWM:"))
            done.wait(0.2)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        code = proc.wait()
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    out.write_text(json.dumps({
        "exit": code, "wall": wall, "maxrss_mb": usage.ru_maxrss / 1024,
        "hwm_mb": peak["hwm"] / 1024, "tree_pss_peak_mb": peak["pss"] / 1024,
    }))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
