"""Main-text extraction benchmark: audit.extract.html vs trafilatura against hand-written gold.

Each page in bench/pages/NAME.html has NAME.gold.txt: the copy a reader would call the page's
own (title, headings, hero, body, calls to action; no navigation, banners, sidebars or
footer). Scores are token-level precision/recall/F1 over lower-cased word tokens (multiset
overlap), so order and punctuation do not matter. Our text is every non-chrome section joined,
including the meta description, og text and alt text a reader does not see, which count
against our precision. Times are the median of N runs per page, after one warm-up run.

    .venv/bin/python bench/extract_bench.py [--pages bench/pages] [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from audit.extract.html import html_to_piece, non_chrome_text  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import require_modules  # noqa: E402

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class PageResult:
    name: str
    kilobytes: float
    ours: Score
    theirs: Score
    ours_ms: float
    theirs_ms: float


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def score(predicted: str, gold: str) -> Score:
    """Token-level P/R/F1 with multiset overlap (a word counted as often as it occurs)."""
    pred, ref = tokens(predicted), tokens(gold)
    overlap = sum((pred & ref).values())
    p = overlap / sum(pred.values()) if pred else 0.0
    r = overlap / sum(ref.values()) if ref else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def ours(html: str) -> str:
    return non_chrome_text(html_to_piece(html, "https://bench.example/").sections)


def trafilatura_text(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def median_ms(fn: Callable[[str], str], html: str, runs: int) -> float:
    fn(html)  # warm-up: imports, caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(html)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def run_page(path: Path, runs: int) -> PageResult:
    html = path.read_text(encoding="utf-8")
    gold = path.with_name(path.stem + ".gold.txt").read_text(encoding="utf-8")
    return PageResult(
        name=path.stem,
        kilobytes=len(html.encode("utf-8")) / 1024,
        ours=score(ours(html), gold),
        theirs=score(trafilatura_text(html), gold),
        ours_ms=median_ms(ours, html, runs),
        theirs_ms=median_ms(trafilatura_text, html, runs),
    )


def _fmt(s: Score) -> str:
    return f"{s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f}"


def markdown(results: list[PageResult], command: str, runs: int) -> str:
    import trafilatura

    head = (
        "| page | KB | ours P | ours R | ours F1 | traf. P | traf. R | traf. F1 "
        "| ours ms | traf. ms |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    rows = [
        f"| {r.name} | {r.kilobytes:.1f} | {_fmt(r.ours)} | {_fmt(r.theirs)} "
        f"| {r.ours_ms:.2f} | {r.theirs_ms:.2f} |"
        for r in results
    ]

    def mean(get: Callable[[PageResult], float]) -> float:
        return statistics.fmean(get(r) for r in results)

    rows.append(
        f"| **mean** | {mean(lambda r: r.kilobytes):.1f} "
        f"| {mean(lambda r: r.ours.precision):.3f} | {mean(lambda r: r.ours.recall):.3f} "
        f"| **{mean(lambda r: r.ours.f1):.3f}** "
        f"| {mean(lambda r: r.theirs.precision):.3f} | {mean(lambda r: r.theirs.recall):.3f} "
        f"| **{mean(lambda r: r.theirs.f1):.3f}** "
        f"| {mean(lambda r: r.ours_ms):.2f} | {mean(lambda r: r.theirs_ms):.2f} |"
    )
    kb = sum(r.kilobytes for r in results)
    per_kb = {name: sum(get(r) for r in results) / kb for name, get in (
        ("ours", lambda r: r.ours_ms), ("trafilatura", lambda r: r.theirs_ms))}
    notes = (
        f"\nThroughput: ours {per_kb['ours'] * 1000:.0f} µs/KB "
        f"(~{per_kb['ours'] * 30:.1f} ms for a 30 KB page), trafilatura "
        f"{per_kb['trafilatura'] * 1000:.0f} µs/KB (~{per_kb['trafilatura'] * 30:.1f} ms).  \n"
        f"Command: `{command}`  \n"
        f"{len(results)} pages; times are the median of {runs} runs per page on this machine "
        f"(Python {sys.version.split()[0]}, trafilatura {trafilatura.__version__}, "
        "`trafilatura.extract(html)` with its defaults)."
    )
    return "\n".join([head, *rows]) + "\n" + notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=Path, default=Path(__file__).parent / "pages")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    require_modules(["trafilatura"])
    pages = sorted(p for p in args.pages.glob("*.html")
                   if p.with_name(p.stem + ".gold.txt").exists())
    if not pages:
        print(f"no NAME.html + NAME.gold.txt pairs in {args.pages}", file=sys.stderr)
        return 2
    results = [run_page(p, args.runs) for p in pages]
    command = " ".join(["python", "bench/extract_bench.py", *(argv or sys.argv[1:])])
    print(markdown(results, command, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
