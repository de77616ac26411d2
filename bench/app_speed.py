"""Streamlit report speed: first render of a 10,000-piece run, server-side, within 3 s.

Builds a run store in a temp SQLite file with the store API: the fast engine checks a few
hundred recombined texts of our own (bench/corpus.py) filed under several channels, and those
results are stored again under new sources until the run holds 10,000 pieces (a smaller earlier
run is stored first, so the page also has a run to compare with). Then bench/app_probe.py times
``AppTest.from_file("app.py", default_timeout=60).run()`` with ANTIPERSONA_DB pointing at it,
each time in a fresh process (cold caches, the app's own imports included), median of 3.

    .venv/bin/python bench/app_speed.py [--quick] [--pieces 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from common import BENCH, PY, ROOT, Result, finish, log, median, run_process, spread, temp_dir

TARGET_S = 3.0
CHANNELS = ("landing", "blog", "email", "ad", "social", "docs")


def build_store(db: Path, n_pieces: int, n_base: int = 300) -> tuple[str, dict[str, float]]:
    """A run of ``n_pieces`` pieces (plus an earlier run of ``n_base``); returns the run id."""
    from corpus import make_documents

    from audit.config import Config
    from audit.engine.engine import Engine
    from audit.models import piece_id
    from audit.store.store import Store

    t0 = time.perf_counter()
    engine = Engine(Config(), model="fast")
    docs = make_documents(n_base, n_base * 220, seed=11)
    pieces = []
    for i, (head, paras) in enumerate(docs):
        channel = CHANNELS[i % len(CHANNELS)]
        text = f"# {head}\n\n" + "\n\n".join(paras)
        piece = engine.piece_from_text(text, channel=channel,
                                       source=f"https://www.bench.example/{channel}/page-{i}")
        piece.title = head
        pieces.append(piece)
    results = [(r.to_dict(), [(s.role, s.text) for s in r.piece.sections])
               for r in engine.check_pieces(pieces)]
    t1 = time.perf_counter()
    header = {"config": {"bench": True}, "personas": [p.to_dict() for p in engine.personas],
              "profile": engine.profile, "model": engine.pipeline.model,
              "target": engine.config.target}
    with Store(db) as store:
        earlier = store.create_run(name="bench earlier run", sources=["bench"], **header)
        for res, secs in results:
            store.add_result(earlier, res, sections=secs)
        store.finish_run(earlier, "done")
        time.sleep(1.1)  # run ids and "newest first" order go by the second
        run_id = store.create_run(name=f"bench {n_pieces:,} pieces", sources=["bench"], **header)
        for i in range(n_pieces):
            base, secs = results[i % len(results)]
            res = dict(base)
            channel = res.get("channel") or "landing"
            res["source"] = f"https://www.bench.example/{channel}/page-{i}"
            res["id"] = piece_id(res["source"])
            store.add_result(run_id, res, sections=secs)
        store.finish_run(run_id, "done")
    t2 = time.perf_counter()
    return run_id, {"analyse": t1 - t0, "store": t2 - t1}


def run(quick: bool = False, pieces: int | None = None, runs: int | None = None) -> Result:
    pieces = pieces or (1000 if quick else 10_000)
    runs = runs or (1 if quick else 3)
    res = Result("app", f"Streamlit report: first render of a {pieces:,}-piece run",
                 "python bench/app_speed.py" + (" --quick" if quick else ""))
    if not (ROOT / "app.py").exists():
        res.error = "app.py is missing"
        return res
    with temp_dir("app") as tmp:
        db = tmp / "runs.db"
        log(f"building a {pieces:,}-piece run in {db}")
        run_id, build = build_store(db, pieces)
        res.notes.append(f"Store built with audit.Store (create_run/add_result): "
                         f"{pieces:,} pieces from 300 engine results re-filed under new "
                         f"sources, plus an earlier 300-piece run; analysis {build['analyse']:.1f}"
                         f" s, storing {build['store']:.1f} s; file "
                         f"{db.stat().st_size / 1e6:.1f} MB.")
        env = dict(os.environ, ANTIPERSONA_DB=str(db))
        firsts: list[float] = []
        seconds: list[float] = []
        walls: list[float] = []
        info: dict = {}
        for i in range(runs):
            out = tmp / f"probe-{i}.json"
            wall = run_process([PY, str(BENCH / "app_probe.py"), str(out)], env=env, timeout=600)
            info = json.loads(out.read_text())
            firsts.append(info["first"])
            seconds.append(info["second"])
            walls.append(wall)
            log(f"  first render {info['first']:.2f} s, second {info['second']:.2f} s")
            if info["exceptions"]:
                res.error = "the app raised: " + " | ".join(info["exceptions"])[:800]
        shown = info.get("titles", [])
        if run_id and not info.get("exceptions"):
            res.notes.append(f"The page rendered: titles {shown}; metrics {info.get('metrics')}; "
                             f"{info.get('dataframes')} dataframes; errors {info.get('errors')}.")
        ok = median(firsts) <= TARGET_S and not res.error and "Report" in shown
        res.add("first render, server-side (AppTest, fresh process)", spread(firsts),
                f"<= {TARGET_S:g} s", ok)
        res.add("second render in the same session (warm caches)", spread(seconds))
        res.add("probe process wall time (Python + Streamlit imports included)", spread(walls))
        if "Report" not in shown:
            res.notes.append("The Report page was not what rendered; see titles above.")
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pieces", type=int)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--json", help="also write the result as JSON here (run_all.py)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    res = run(args.quick, args.pieces, args.runs)
    return finish(res, start, args.json)


if __name__ == "__main__":
    sys.exit(main())
