"""Crawl speed, bounded memory and politeness against a local synthetic site.

The site (tests/support/sitesrv.py make_site: 2,000 pages with cookie banner, nav, footer, hero, CTAs)
is served by bench/site_server.py in its own process on 127.0.0.1, so the server never shares a
GIL with the crawler under test.

(a) ours end to end: ``python -m audit audit http://127.0.0.1:PORT/sitemap.xml --db TMP
    --allow-private --no-robots --delay 0 --concurrency 16 --per-host 16 --model fast``;
    pages/s = pages stored / wall time of the process (start-up included).
(b) Scrapy (bench/scrapy_spider.py via ``scrapy runspider``) fetching the same sitemap's pages
    and keeping each body's text, same concurrency, politeness off; pages/s = items / wall time.
    (a) and (b) interleaved, median of 3. Targets: ours >= Scrapy, ours >= 100 pages/s.
(c) 50,000 distinct URLs (small pages behind query-string variants) from a URL list, --delay 0,
    high concurrency: peak memory under 400 MB.
(d) ``--delay 0.5 --per-host 1`` on 10 pages: gaps between consecutive request arrivals in the
    server's log >= 0.5 * (1 - jitter 0.25) s.

    .venv/bin/python bench/crawl_speed.py [--quick] [--pages 2000] [--urls 50000]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from common import (
    BENCH,
    PY,
    ROOT,
    Result,
    finish,
    kill_tree,
    log,
    median,
    require_modules,
    run_process,
    short_cmd,
    spread,
    temp_dir,
)

PAGES_PER_S_TARGET = 100.0
RSS_TARGET_MB = 400.0
DELAY = 0.5
JITTER = 0.25  # audit.crawl.results.FetchSettings.jitter default
HEAVY_PER_HOST = 8
HEAVY_RATIO_TARGET = 1.2


class SiteProcess:
    """bench/site_server.py as a child process, driven over its stdin/stdout."""

    def __init__(self, pages: int, seed: int = 1, tiny: int = 50,
                 script: str = "site_server.py") -> None:
        self.proc = subprocess.Popen(
            [PY, str(BENCH / script), "--pages", str(pages), "--seed", str(seed),
             "--tiny", str(tiny)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
            start_new_session=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            kill_tree(self.proc)
            raise RuntimeError(f"site server did not start: {line!r}")
        self.port = int(line.split()[1])
        self.base = f"http://127.0.0.1:{self.port}"

    def ask(self, command: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline()

    def log(self) -> list[tuple[float, str, str]]:
        return [tuple(e) for e in json.loads(self.ask("log"))]

    def close(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError, ValueError):
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill_tree(self.proc)


@contextlib.contextmanager
def site(pages: int, seed: int = 1, tiny: int = 50,
         script: str = "site_server.py") -> Iterator[SiteProcess]:
    srv = SiteProcess(pages, seed, tiny, script)
    try:
        yield srv
    finally:
        srv.close()


def pieces_in(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as con:
        return int(con.execute("SELECT count(*) FROM pieces").fetchone()[0])


def ours_cmd(source: str, db: Path, *, delay: float = 0.0, concurrency: int = 16,
             per_host: int = 16, robots: bool = False) -> list[str]:
    return [PY, "-m", "audit", "audit", source, "--db", str(db), "--allow-private",
            *([] if robots else ["--no-robots"]), "--delay", f"{delay:g}",
            "--concurrency", str(concurrency), "--per-host", str(per_host), "--model", "fast"]


def scrapy_cmd(sitemap: str, out: Path, concurrency: int = 16, per_host: int | None = None,
               robots: bool = False) -> list[str]:
    return [PY, "-m", "scrapy", "runspider", str(BENCH / "scrapy_spider.py"), "-a",
            f"sitemap={sitemap}", "-O", f"{out}:jsonlines",
            "-s", f"CONCURRENT_REQUESTS={concurrency}",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={per_host or concurrency}",
            "-s", "DOWNLOAD_DELAY=0",
            "-s", f"ROBOTSTXT_OBEY={robots}", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "LOG_LEVEL=ERROR", "-s", "TELNETCONSOLE_ENABLED=False"]


def _interleaved(tmp: Path, sitemap: str, pages: int, runs: int, tag: str, *, per_host: int,
                 robots: bool, notes: list[str]) -> tuple[list[float], list[float],
                                                       list[float], list[float]]:
    """Ours and Scrapy on one site, one after the other in each round: rates and wall times."""
    ours_rate: list[float] = []
    scrapy_rate: list[float] = []
    ours_wall: list[float] = []
    scrapy_wall: list[float] = []

    def ours(db: Path) -> list[str]:
        return ours_cmd(sitemap, db, per_host=per_host, robots=robots)

    def scrapy(out: Path) -> list[str]:
        return scrapy_cmd(sitemap, out, per_host=per_host, robots=robots)

    # One untimed run of each first: cold disk caches and first imports would otherwise
    # count against whichever runs first.
    run_process(ours(tmp / f"{tag}-warm.db"), timeout=1800)
    run_process(scrapy(tmp / f"{tag}-warm.jsonl"), timeout=1800)
    for i in range(runs):
        db = tmp / f"{tag}-crawl-{i}.db"
        wall = run_process(ours(db), timeout=1800)
        stored = pieces_in(db)
        ours_wall.append(wall)
        ours_rate.append(stored / wall)
        log(f"  ours: {stored} pages in {wall:.1f} s = {stored / wall:.1f} pages/s")
        out = tmp / f"{tag}-scrapy-{i}.jsonl"
        wall = run_process(scrapy(out), timeout=1800)
        with out.open() as fh:
            items = sum(1 for line in fh if line.strip())
        scrapy_wall.append(wall)
        scrapy_rate.append(items / wall)
        log(f"  scrapy: {items} pages in {wall:.1f} s = {items / wall:.1f} pages/s")
        if stored < pages or items < pages:
            notes.append(f"{tag} run {i + 1}: ours stored {stored}, Scrapy kept {items} of "
                         f"{pages} pages")
    return ours_rate, scrapy_rate, ours_wall, scrapy_wall


def _shown(cmd: list[str], tmp: Path, base: str) -> str:
    show = short_cmd(cmd, 30).replace(str(tmp), "TMP")
    return show.replace(base, "http://127.0.0.1:PORT")


def speed(res: Result, tmp: Path, pages: int, runs: int) -> None:
    log(f"(a)/(b) crawl {pages} pages, ours vs Scrapy, {runs} runs")
    with site(pages) as srv:
        sitemap = srv.base + "/sitemap.xml"
        ours_rate, scrapy_rate, ours_wall, scrapy_wall = _interleaved(
            tmp, sitemap, pages, runs, "light", per_host=16, robots=False, notes=res.notes)
        res.notes.append(f"(a) `{_shown(ours_cmd(sitemap, tmp / 'run.db'), tmp, srv.base)}`")
        res.notes.append(f"(b) `{_shown(scrapy_cmd(sitemap, tmp / 'items.jsonl'), tmp, srv.base)}`")
    res.add(f"(a) ours, {pages:,}-page site: wall time", spread(ours_wall, "s", 1))
    res.add(f"(b) Scrapy, {pages:,}-page site: wall time", spread(scrapy_wall, "s", 1))
    res.add("(a) ours pages/s (median)", spread(ours_rate, "pages/s", 1),
            f">= {PAGES_PER_S_TARGET:g} pages/s", median(ours_rate) >= PAGES_PER_S_TARGET)
    res.add("(b) Scrapy pages/s (median)", spread(scrapy_rate, "pages/s", 1))
    ratio = median(ours_rate) / median(scrapy_rate)
    res.add("ours / Scrapy pages/s", f"{ratio:.2f}x", ">= 1", ratio >= 1)


def heavy_speed(res: Result, tmp: Path, pages: int, runs: int) -> None:
    """(e) the heavier pages of bench/heavy_site.py behind a threaded server, robots.txt obeyed
    by both crawlers, 16 requests at once and 8 per host."""
    log(f"(e) heavy site: {pages} pages of ~22 KB, ours vs Scrapy, robots on, {runs} runs")
    with site(pages, script="heavy_site.py") as srv:
        sitemap = srv.base + "/sitemap.xml"
        ours_rate, scrapy_rate, ours_wall, scrapy_wall = _interleaved(
            tmp, sitemap, pages, runs, "heavy", per_host=HEAVY_PER_HOST, robots=True,
            notes=res.notes)
        ours = ours_cmd(sitemap, tmp / "heavy.db", per_host=HEAVY_PER_HOST, robots=True)
        ref = scrapy_cmd(sitemap, tmp / "heavy.jsonl", per_host=HEAVY_PER_HOST, robots=True)
        res.notes.append(f"(e) `{_shown(ours, tmp, srv.base)}`; Scrapy: `{_shown(ref, tmp, srv.base)}`"
                         "; the site is bench/heavy_site.py (pages of ~22 KB: a 16 KB inline "
                         "script, a 30-link nav, a 40-link footer, three short copy sections) "
                         "behind http.server's ThreadingHTTPServer in its own process.")
    res.add(f"(e) heavy site ({pages:,} pages of ~22 KB, robots on, 16/8): ours wall time",
            spread(ours_wall, "s", 1))
    res.add("(e) heavy site: Scrapy wall time", spread(scrapy_wall, "s", 1))
    res.add("(e) heavy site: ours pages/s (median)", spread(ours_rate, "pages/s", 1))
    res.add("(e) heavy site: Scrapy pages/s (median)", spread(scrapy_rate, "pages/s", 1))
    ratios = [o / r for o, r in zip(ours_rate, scrapy_rate, strict=True)]
    ratio = median(ours_rate) / median(scrapy_rate)
    res.add("(e) heavy site: ours / Scrapy pages/s", f"{ratio:.2f}x (per-round "
            f"{min(ratios):.2f}-{max(ratios):.2f}x)", f">= {HEAVY_RATIO_TARGET:g}",
            ratio >= HEAVY_RATIO_TARGET)


def bounded_memory(res: Result, tmp: Path, n_urls: int, tiny: int = 50) -> None:
    log(f"(c) {n_urls:,} URLs, bounded memory")
    with site(10, tiny=tiny) as srv:
        urls = tmp / "urls.txt"
        with urls.open("w") as fh:
            for i in range(n_urls):
                fh.write(f"{srv.base}/t/{i % tiny}?v={i}\n")
        db = tmp / "big.db"
        stats = tmp / "rss.json"
        cmd = ours_cmd(str(urls), db, concurrency=64, per_host=64)
        run_process([PY, str(BENCH / "peak_rss.py"), str(stats), "--", *cmd], timeout=3600)
        info = json.loads(stats.read_text())
        stored = pieces_in(db)
    peak = max(info["tree_pss_peak_mb"], info["maxrss_mb"])
    res.add(f"(c) {n_urls:,}-URL list: pages stored", f"{stored:,} in {info['wall']:.0f} s "
            f"({stored / info['wall']:.0f} pages/s)", f"{n_urls:,}", stored == n_urls)
    res.add(f"(c) {n_urls:,}-URL list: peak memory", f"{peak:.0f} MB",
            f"< {RSS_TARGET_MB:g} MB", peak < RSS_TARGET_MB)
    res.add("(c) detail: largest single process ru_maxrss / main VmHWM / process-tree PSS",
            f"{info['maxrss_mb']:.0f} / {info['hwm_mb']:.0f} / {info['tree_pss_peak_mb']:.0f} MB")
    show = short_cmd(cmd, 20).replace(str(tmp), "TMP")
    res.notes.append(f"(c) `{show}` with {n_urls:,} URLs `/t/K?v=N` over {tiny} small pages "
                     "(each URL distinct); memory from bench/peak_rss.py: getrusage(RUSAGE_"
                     "CHILDREN).ru_maxrss and the process tree's summed PSS polled every 0.2 s; "
                     "the larger is the figure.")


def politeness(res: Result, tmp: Path, n_pages: int = 10, runs: int = 3) -> None:
    log(f"(d) politeness: --delay {DELAY} --per-host 1 on {n_pages} pages, {runs} runs")
    gaps: list[float] = []
    later: list[float] = []  # gaps after the first one of each run
    firsts: list[float] = []
    requests = 0
    with site(n_pages) as srv:
        urls = tmp / "polite.txt"
        urls.write_text("".join(f"{srv.base}{p}\n" for p in _site_paths(n_pages)))
        for i in range(runs):
            srv.ask("reset")
            cmd = ours_cmd(str(urls), tmp / f"polite-{i}.db", delay=DELAY, concurrency=8,
                           per_host=1)
            run_process(cmd, timeout=600)
            times = sorted(t for t, _m, _p in srv.log())
            requests += len(times)
            run_gaps = [b - a for a, b in itertools.pairwise(times)]
            log("  gaps: " + " ".join(f"{g:.3f}" for g in run_gaps))
            gaps += run_gaps
            later += run_gaps[1:]
            firsts += run_gaps[:1]
    floor = DELAY * (1 - JITTER)
    if not gaps:
        res.add("(d) politeness", f"only {requests} request(s) logged", f">= {floor:.3f} s",
                False)
        return
    below = sum(g < floor for g in gaps)
    res.add(f"(d) --delay {DELAY:g} --per-host 1: min gap between consecutive requests "
            f"({runs} runs, {requests} requests)", f"{min(gaps):.3f} s", f">= {floor:.3f} s",
            min(gaps) >= floor)
    res.add("(d) median gap; gaps under the floor", f"{statistics.median(gaps):.3f} s; "
            f"{below} of {len(gaps)}")
    res.add("(d) gaps more than 10 ms under the floor", f"{sum(g < floor - 0.01 for g in gaps)}"
            f" of {len(gaps)}")
    if later:
        res.add("(d) min gap leaving out each run's first gap", f"{min(later):.3f} s")
    res.add("(d) each run's first gap (first request opens the connection)",
            " ".join(f"{g:.3f}" for g in firsts) + " s")
    show = short_cmd(cmd, 20).replace(str(tmp), "TMP")
    res.notes.append(f"(d) `{show}` ({runs} runs); gaps between consecutive request arrivals "
                     f"in the server log (all requests to the host), floor = delay x "
                     f"(1 - jitter {JITTER}).")


def _site_paths(n: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from tests.support.sitesrv import make_site

    return [p for p in make_site(n, 1) if not p.endswith((".xml", ".gz", ".txt"))]


def run(quick: bool = False, pages: int | None = None, urls: int | None = None,
        runs: int | None = None, only: set[str] | None = None) -> Result:
    pages = pages or (300 if quick else 2000)
    urls = urls or (2000 if quick else 50_000)
    runs = runs or (1 if quick else 5)
    argv = ["--quick"] if quick else []
    res = Result("crawl", "Crawl speed, bounded memory, politeness",
                 " ".join(["python bench/crawl_speed.py", *argv]))
    parts = only or {"speed", "heavy", "memory", "polite"}
    with temp_dir("crawl") as tmp:
        if "speed" in parts:
            speed(res, tmp, pages, runs)
        if "heavy" in parts:
            heavy_speed(res, tmp, pages, runs)
        if "polite" in parts:
            politeness(res, tmp)
        if "memory" in parts:
            bounded_memory(res, tmp, urls)
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--urls", type=int)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--part", action="append", choices=("speed", "heavy", "memory", "polite"))
    parser.add_argument("--json", help="also write the result as JSON here (run_all.py)")
    args = parser.parse_args(argv)
    require_modules(["scrapy"])
    start = time.perf_counter()
    res = run(args.quick, args.pages, args.urls, args.runs, set(args.part or []) or None)
    return finish(res, start, args.json)


if __name__ == "__main__":
    sys.exit(main())
