"""A synthetic site served from its own process (so it never shares a GIL with a crawler).

Starts tests/support/sitesrv.py's SiteServer on 127.0.0.1 with ``make_site(N, SEED)`` mounted and
prints one line ``PORT <port>``. Then it reads commands on stdin, one per line:

* ``log``   -- print one JSON line: [[monotonic time, method, path], ...] of every request;
* ``count`` -- print the number of requests served so far;
* ``reset`` -- forget the log;
* ``quit`` (or end of input) -- stop.

It also serves ``--tiny`` small pages ``/t/0``, ``/t/1``... Every page path also answers with
any query string (``/t/3?v=17``), which is how the bounded-memory benchmark makes 50,000
distinct URLs out of a few small pages.

    .venv/bin/python bench/site_server.py --pages 2000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.sitesrv import _NEUTRAL, _SIMPLE, SiteServer, _brand, _paragraph  # noqa: E402


def tiny_pages(n: int, seed: int) -> dict[str, bytes]:
    """``/t/0`` .. ``/t/{n-1}``: small pages (title, h1, two short paragraphs, a CTA)."""
    import random

    rng = random.Random(seed)
    brand = _brand(rng)
    pages = {}
    for i in range(n):
        head = rng.choice(_SIMPLE).replace("{noun}", "invoices").rstrip(".")
        paras = "".join(f"<p>{_paragraph(rng, _NEUTRAL, brand)}</p>" for _ in range(2))
        pages[f"/t/{i}"] = (
            f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{head} | "
            f"{brand}</title></head><body><main><h1>{head}</h1>{paras}"
            f"<a class=\"btn\" href=\"/signup\">Start free</a></main></body></html>"
        ).encode()
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tiny", type=int, default=50, help="small pages /t/0.. to serve")
    args = parser.parse_args(argv)
    srv = SiteServer().start()
    try:
        srv.mount_site(args.pages, args.seed)
        srv.pages(tiny_pages(args.tiny, args.seed))
        print(f"PORT {srv.port}", flush=True)
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "log":
                entries = [[e.time, e.method, e.path] for e in list(srv.log)]
                print(json.dumps(entries), flush=True)
            elif cmd == "count":
                print(len(srv.log), flush=True)
            elif cmd == "reset":
                srv.reset_stats()
                print("ok", flush=True)
            elif cmd == "quit":
                break
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
