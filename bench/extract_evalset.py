"""Main-text extraction on trafilatura's own evaluation set: ours vs trafilatura, side by side.

The set (990 real pages with snippets that must and must not appear in the main text) lives in
the trafilatura repository: ``tests/evaldata.json`` with the pages in ``tests/cache`` and
``tests/eval``. It is not copied into this project: point ``--evalset`` at a checkout's
``tests`` folder kept elsewhere. Scoring follows that repository's evaluation: per page, a
"with" snippet found in the output (whitespace-normalised substring) is a true positive, a
"without" snippet found is a false positive; counts are summed over all pages. Our main text is
every non-chrome section joined (what the packs score). trafilatura runs with the options its
own benchmark uses (fast, no comments, tables, no formatting). Times cover decoding and
extraction from the raw bytes, interleaved page by page over several rounds; the median round
is reported.

    .venv/bin/python bench/extract_evalset.py --evalset /path/to/trafilatura/tests [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from audit.extract.html import html_to_piece, non_chrome_text  # noqa: E402
from audit.models import CHROME_ROLES, Section  # noqa: E402
from audit.sources.decode import decode_bytes  # noqa: E402

_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def load(evalset: Path) -> list[tuple[dict, bytes]]:
    data = json.loads((evalset / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(data):
        item = data[url]
        for sub in ("cache", "eval"):
            path = evalset / sub / item["file"]
            if path.is_file():
                pages.append((item, path.read_bytes()))
                break
    return pages


def ours(raw: bytes) -> list[Section]:
    """The page's sections; its main text is :func:`non_chrome_text` of them."""
    return html_to_piece(decode_bytes(raw, "page"), "https://example.org/").sections


def theirs_fn() -> Callable[[bytes], str]:
    from trafilatura import extract

    def run(raw: bytes) -> str:
        return extract(raw, fast=True, include_comments=False, include_tables=True,
                       include_formatting=False) or ""
    return run


def counts(pages: list[tuple[dict, bytes]], outputs: list[str]) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for (item, _), out in zip(pages, outputs, strict=True):
        text = norm(out)
        hit = sum(1 for w in item["with"] if norm(w) in text)
        tp += hit
        fn += len(item["with"]) - hit
        fp += sum(1 for w in item["without"] if norm(w) in text)
    return tp, fp, fn


def in_chrome(pages: list[tuple[dict, bytes]], extracted: list[list[Section]]) -> int:
    """Pages whose article landed in chrome: no "with" snippet in our copy, at least two of
    them read as chrome."""
    n = 0
    for (item, _), sections in zip(pages, extracted, strict=True):
        copy = norm(" ".join(s.text for s in sections if s.role not in CHROME_ROLES))
        chrome = norm(" ".join(s.text for s in sections if s.role in CHROME_ROLES))
        missed = [w for w in item["with"] if norm(w) not in copy]
        if len(missed) >= 2 and len(missed) == len(item["with"]) and \
                all(norm(w) in chrome for w in missed):
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--evalset", type=Path, required=True,
                        help="trafilatura's tests folder (evaldata.json, cache/, eval/)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.evalset / "evaldata.json").is_file():
        print(f"extract_evalset: {args.evalset}/evaldata.json not found", file=sys.stderr)
        return 2
    pages = load(args.evalset)
    theirs = theirs_fn()
    rounds: list[tuple[float, float]] = []
    outputs: dict[str, list[str]] = {}
    sections: list[list[Section]] = []
    for _ in range(args.rounds):
        t_ours = t_theirs = 0.0
        mine, other = [], []
        sections = []
        for _item, raw in pages:
            start = time.perf_counter()
            sections.append(ours(raw))
            mine.append(non_chrome_text(sections[-1]))
            t_ours += time.perf_counter() - start
            start = time.perf_counter()
            other.append(theirs(raw))
            t_theirs += time.perf_counter() - start
        rounds.append((t_ours, t_theirs))
        outputs = {"ours": mine, "trafilatura": other}
    ratios = sorted(b / a for a, b in rounds)
    print(f"| extractor | precision | recall | F1 | seconds for {len(pages)} pages (median of "
          f"{args.rounds}) |")
    print("|---|---:|---:|---:|---:|")
    for name, idx in (("antipersona (non-chrome sections)", 0), ("trafilatura", 1)):
        tp, fp, fn = counts(pages, outputs["ours" if idx == 0 else "trafilatura"])
        p, r = tp / (tp + fp), tp / (tp + fn)
        secs = statistics.median(rnd[idx] for rnd in rounds)
        print(f"| {name} | {p:.3f} | {r:.3f} | {2 * p * r / (p + r):.3f} | {secs:.1f} |")
    print(f"\nSpeed: trafilatura time / ours, per round: {', '.join(f'{x:.2f}x' for x in ratios)} "
          f"(median {statistics.median(ratios):.2f}x). Pages whose article lands in our chrome: "
          f"{in_chrome(pages, sections)}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
