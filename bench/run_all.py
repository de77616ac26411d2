"""Run every benchmark (or some) and optionally write docs/benchmarks.md.

    .venv/bin/python bench/run_all.py [--only NAME ...] [--quick] [--write docs/benchmarks.md]

Benchmarks: check (bench/check_speed.py), crawl (bench/crawl_speed.py), app
(bench/app_speed.py), extract (bench/extract_bench.py), evalset (bench/extract_evalset.py, only
when TRAFILATURA_EVALSET names a copy of trafilatura's tests folder, kept outside the project).
Each runs in its own process, one after
the other, so none shares memory, caches or a GIL with another; a benchmark that crashes shows
up as an error in its section and the others still run. The sections of benchmarks not
run this time (``--only``, or evalset without its data) are kept as they were (each carries its own date, load
and command). The exit status is 1 when a target is missed or a benchmark failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, PY, ROOT, Result, fmt_load, log, machine, require_modules

BENCHMARKS = {
    "check": ("check_speed.py", "check speed: whole process vs bare spaCy and proselint, draft "
              "latency, trained profile"),
    "crawl": ("crawl_speed.py", "crawl speed vs Scrapy, 50,000 URLs in bounded memory, "
              "politeness"),
    "app": ("app_speed.py", "Streamlit report first render with 10,000 pieces"),
    "extract": ("extract_bench.py", "main-text extraction quality vs trafilatura"),
    "evalset": ("extract_evalset.py", "main text on trafilatura's 990-page evaluation set "
                "(only with TRAFILATURA_EVALSET set: the set is kept outside the project)"),
}
#: The reference tools each benchmark measures against (the `bench` extra of pyproject.toml).
REFERENCES = {"check": ["proselint"], "crawl": ["scrapy"], "extract": ["trafilatura"],
              "evalset": ["trafilatura"]}
#: Where trafilatura's evaluation set (its repository's tests/ folder) is, for "evalset".
EVALSET_ENV = "TRAFILATURA_EVALSET"
_BLOCK = re.compile(r"<!-- bench:(\w+) -->\n(.*?)<!-- /bench:\1 -->\n", re.DOTALL)
_DATA = re.compile(r"<!-- bench-data (.*?) -->", re.DOTALL)


def run_one(name: str, quick: bool) -> Result:
    script, _ = BENCHMARKS[name]
    if name == "extract":
        return run_extract(quick)
    if name == "evalset":
        return run_evalset(quick)
    with tempfile.TemporaryDirectory(prefix="antipersona-bench-json-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [PY, str(BENCH / script), "--json", str(out)] + (["--quick"] if quick else [])
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
        if out.exists():
            return Result.from_json(json.loads(out.read_text()))
        res = Result(name, BENCHMARKS[name][1], f"python bench/{script}"
                     + (" --quick" if quick else ""))
        res.error = f"exit {proc.returncode}, no result (see the log above)"
        res.seconds = time.perf_counter() - start
        return res


def _run_script(res: Result, script: str, *args: str) -> subprocess.CompletedProcess[str] | None:
    """Run a benchmark script that prints Markdown; time and load go into ``res``, and a
    failure into ``res.error`` (then None)."""
    start = time.perf_counter()
    proc = subprocess.run([PY, str(BENCH / script), *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    res.seconds = time.perf_counter() - start
    res.load_after = os.getloadavg()
    if proc.returncode != 0:
        res.error = f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}"
        return None
    return proc


def run_extract(quick: bool) -> Result:
    runs = "1" if quick else "5"
    res = Result("extract", "Extraction quality: main-text F1, ours vs trafilatura",
                 f"python bench/extract_bench.py --runs {runs}")
    proc = _run_script(res, "extract_bench.py", "--runs", runs)
    if proc is None:
        return res
    res.extra_md = "\n".join(line for line in proc.stdout.splitlines()
                             if not line.startswith("Command:"))
    mean = re.search(r"^\| \*\*mean\*\* \|(.*)$", proc.stdout, re.MULTILINE)
    if mean:
        cells = [c.strip().strip("*") for c in mean.group(1).split("|")]
        # KB | ours P | ours R | ours F1 | traf P | traf R | traf F1 | ours ms | traf ms
        if len(cells) >= 9:
            res.add("mean main-text F1, ours", cells[3])
            res.add("mean main-text F1, trafilatura", cells[6])
            res.add("mean time per page, ours / trafilatura", f"{cells[7]} ms / {cells[8]} ms")
    res.notes.append("No target is set for extraction quality; the figures are for tracking.")
    return res


def run_evalset(quick: bool) -> Result:
    rounds = "1" if quick else "3"
    res = Result("evalset", "Main text on trafilatura's evaluation set: ours vs trafilatura",
                 f"{EVALSET_ENV}=/path/to/trafilatura/tests python bench/extract_evalset.py "
                 f"--evalset ${EVALSET_ENV} --rounds {rounds}")
    proc = _run_script(res, "extract_evalset.py", "--evalset", os.environ[EVALSET_ENV],
                       "--rounds", rounds)
    if proc is None:
        return res
    res.extra_md = proc.stdout.strip()
    ours = re.search(r"^\| antipersona[^|]*\| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|", proc.stdout,
                     re.MULTILINE)
    theirs = re.search(r"^\| trafilatura \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|", proc.stdout,
                       re.MULTILINE)
    speed = re.search(r"\(median ([\d.]+)x\)", proc.stdout)
    chrome = re.search(r"lands in our chrome: (\d+)", proc.stdout)
    if ours and theirs:
        res.add("main-text F1, ours (P / R)", f"{ours[3]} ({ours[1]} / {ours[2]})", ">= 0.90",
                float(ours[3]) >= 0.90)
        res.add("main-text F1, trafilatura (P / R)", f"{theirs[3]} ({theirs[1]} / {theirs[2]})")
    if speed:
        res.add("speed: trafilatura time / ours", f"{speed[1]}x", ">= 2x", float(speed[1]) >= 2)
    if chrome:
        res.add("pages whose article lands in chrome", chrome[1], "<= 5", int(chrome[1]) <= 5)
    res.notes.append("Scored as trafilatura's tests/eval_common.py scores it (snippets that must "
                     "and must not appear, summed over pages); our main text is every non-chrome "
                     "section, title, meta description and alt text included. Measured on the set at "
                     "trafilatura's commit e90b0ef5 (fetched for measuring, not copied here).")
    res.notes.append("Not a held-out figure: the extraction rules since November were written "
                     "after reading this set's failures (general rules, each with a test page of "
                     "our own), and some thresholds were chosen on it: 25/12 words for a post's "
                     "furniture, 50 words for a paragraph beside <main>, 400 characters of prose "
                     "for the one marked article body that beats a heavier column, 300 for a "
                     "block named like a menu or TOC that is read as prose.")
    return res


def section(res: Result) -> str:
    # Enough for the summary table when a later --only run keeps this section as it is.
    keep = {k: v for k, v in res.to_json().items() if k in ("name", "title", "command", "rows",
                                                            "error", "started")}
    data = json.dumps(keep, ensure_ascii=False).replace("-", "\\u002d")
    return (f"<!-- bench:{res.name} -->\n{res.markdown()}\n<!-- bench-data {data} -->\n"
            f"<!-- /bench:{res.name} -->\n")


def old_sections(path: Path) -> dict[str, tuple[str, Result | None]]:
    if not path.exists():
        return {}
    out: dict[str, tuple[str, Result | None]] = {}
    for m in _BLOCK.finditer(path.read_text(encoding="utf-8")):
        found = _DATA.search(m.group(2))
        res = None
        if found:
            with contextlib.suppress(ValueError, TypeError, KeyError):
                res = Result.from_json(json.loads(found.group(1)))
        out[m.group(1)] = (m.group(0), res)
    return out


def page(results: dict[str, Result], kept: dict[str, tuple[str, Result | None]],
         argv: list[str]) -> str:
    info = machine()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Performance targets live here, not in timed unit tests. Every figure is a median of "
        "several runs, measured against a reference in the same run (bare spaCy, proselint, "
        "Scrapy, trafilatura), on loopback only, with corpora built from the project's own "
        "copy (bench/corpus.py). Regenerate every section with `make bench` "
        "(`.venv/bin/python bench/run_all.py --write docs/benchmarks.md`), or one with "
        "`--only NAME`; each section names its own command and date. Last written by:",
        "",
        "    .venv/bin/python " + " ".join(["bench/run_all.py", *argv]),
        "",
        f"Written {now} on {info['cores']} cores ({info['platform']}), Python {info['python']}, "
        f"spaCy {info['spacy']}; load average (1/5/15 min) at the end: {fmt_load(info['load'])}. "
        "Other processes may have been running: each section gives the load before and after "
        "it. Ratios compare runs made side by side, so they move less with load than the "
        "absolute times do.",
        "",
        "## Targets at a glance",
        "",
        "| benchmark | figure | value | target | result |",
        "|---|---|---:|---|---|",
    ]
    order = [n for n in BENCHMARKS if n in results or n in kept]
    for name in order:
        res = results.get(name) or kept[name][1]
        if res is None:
            continue
        if res.error:
            lines.append(f"| {name} | benchmark failed | `{res.error[:120]}` |  | **FAIL** |")
        for r in res.rows:
            if r.ok is not None:
                lines.append(f"| {name} | {r.figure} | {r.value} | {r.target} | **{r.verdict}** |")
    lines.append("")
    body = []
    for name in order:
        body.append(section(results[name]) if name in results else kept[name][0])
    return "\n".join(lines) + "\n" + "\n".join(body)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS),
                        help="run only this benchmark (repeatable)")
    parser.add_argument("--quick", action="store_true", help="smoke run with small sizes")
    parser.add_argument("--write", type=Path, help="write the Markdown page here")
    args = parser.parse_args(argv)
    names = [n for n in BENCHMARKS if not args.only or n in args.only]
    if "evalset" in names and not os.environ.get(EVALSET_ENV):
        names.remove("evalset")  # its section, if the page has one, is kept as it was
        log(f"=== evalset: skipped ({EVALSET_ENV} is not set; the set lives outside the project)")
    require_modules([m for n in names for m in REFERENCES.get(n, [])])
    results: dict[str, Result] = {}
    for name in names:
        log(f"=== {name}: {BENCHMARKS[name][1]}")
        results[name] = run_one(name, args.quick)
        status = {True: "PASS", False: "FAIL", None: "done"}[results[name].passed]
        log(f"=== {name}: {status} in {results[name].seconds:.0f} s")
    for res in results.values():
        print(res.markdown())
    if args.write:
        path = args.write if args.write.is_absolute() else ROOT / args.write
        kept = {k: v for k, v in old_sections(path).items() if k not in results
                and k in BENCHMARKS}
        shown = [a for a in argv]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(results, kept, shown), encoding="utf-8")
        log(f"wrote {path}")
    failed = any(r.passed is False for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
