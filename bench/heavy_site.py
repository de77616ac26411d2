"""A heavier synthetic site, served by a threaded Python HTTP server in its own process.

Real marketing pages carry far more markup than copy. Each page here is about 20 KB: a 16 KB
inline ``<script>`` (an invented analytics and consent configuration), a 30-link header
navigation, a 40-link footer, and only three short copy sections (a hero and two sections of a
heading and a paragraph or two). The copy comes from tests/support/sitesrv.py's sentence banks,
written for this project. ``/robots.txt`` allows everything but ``/private/`` and names the
sitemap, so a crawler obeying robots.txt fetches and reads it; ``/sitemap.xml`` lists every page.

The server is ``http.server.ThreadingHTTPServer`` (a thread per connection, HTTP/1.1 keep-alive),
as a small real site behind a Python framework would be, rather than the asyncio server of the
light site. It prints one line ``PORT <port>`` and then reads the same commands on stdin as
bench/site_server.py (``log``, ``count``, ``reset``, ``quit``).

    .venv/bin/python bench/heavy_site.py --pages 2000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.sitesrv import (  # noqa: E402
    _BUREAUCRAT,
    _HEADINGS,
    _NEUTRAL,
    _NOUNS,
    _SIMPLE,
    _brand,
    _paragraph,
    _sentence,
    _urlset,
)

#: About this many bytes of inline script per page.
SCRIPT_BYTES = 16_000
NAV_LINKS = 30
FOOTER_LINKS = 40
_AREAS = ("product", "features", "solutions", "industries", "resources", "guides", "compare",
          "integrations", "company", "support")
_WORDS = ("billing", "quotes", "clients", "payouts", "calendar", "reports", "exports", "mobile",
          "templates", "reminders", "taxes", "teams", "receipts", "api", "status", "changelog",
          "partners", "press", "careers", "events", "webinars", "stories", "glossary", "help")
_JS_VERBS = ("track", "queue", "flush", "merge", "resolve", "observe", "defer", "hydrate",
             "measure", "sample", "persist", "restore")
_JS_NOUNS = ("consent", "session", "viewport", "event", "banner", "experiment", "segment",
             "beacon", "cookie", "layout", "scroll", "timing")


def _script(rng: random.Random, size: int) -> str:
    """Invented front-end code: a consent and analytics configuration and small functions."""
    parts = ["(function(w,d){'use strict';var cfg={"]
    n = 0
    while sum(len(p) for p in parts) < size * 0.45:
        key = f"{rng.choice(_JS_NOUNS)}{rng.choice(_JS_VERBS).capitalize()}{n}"
        val = rng.choice((f"'{rng.getrandbits(64):x}'", str(rng.randint(0, 99999)),
                          "true", "false", f"[{rng.randint(1, 9)},{rng.randint(10, 99)}]"))
        parts.append(f"{key}:{val},")
        n += 1
    parts.append("v:1};")
    while sum(len(p) for p in parts) < size - 40:
        verb, noun = rng.choice(_JS_VERBS), rng.choice(_JS_NOUNS)
        name = f"{verb}{noun.capitalize()}{n}"
        n += 1
        parts.append(
            f"function {name}(e,o){{var k='{noun}_'+(o&&o.id||{rng.randint(0, 999)});"
            f"if(!cfg.{noun}{verb.capitalize()}{rng.randint(0, n)}){{return w.__q.push([k,e]);}}"
            f"d.cookie=k+'='+encodeURIComponent(JSON.stringify(e))+';path=/;max-age="
            f"{rng.randint(60, 86400)}';return {rng.randint(0, 9)};}}")
    parts.append("w.__q=w.__q||[];})(window,document);")
    return "".join(parts)


def _links(rng: random.Random, n: int, prefix: str) -> str:
    out = []
    for i in range(n):
        area, word = _AREAS[i % len(_AREAS)], rng.choice(_WORDS)
        out.append(f'<li><a href="/{prefix}{area}/{word}-{i}">{word.capitalize()} '
                   f'{area}</a></li>')
    return "".join(out)


def heavy_page(rng: random.Random, brand: str, path: str) -> str:
    bank = _SIMPLE if rng.random() < 0.6 else _BUREAUCRAT
    title = _sentence(rng, bank, brand).rstrip(".!")
    hero = _sentence(rng, bank, brand)
    copy = []
    for _ in range(2):
        heading = rng.choice(_HEADINGS).replace("{brand}", brand)
        paras = "".join(f"<p>{_paragraph(rng, bank, brand)}</p>"
                        for _ in range(rng.randint(1, 2)))
        copy.append(f"<section><h2>{heading}</h2>{paras}</section>")
    cta = rng.choice(("Start free", "Try it now", "Book a demo", "Talk to sales"))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {brand}'
        f'</title><meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{hero}"><link rel="canonical" href="{path}">'
        f'<link rel="stylesheet" href="/static/site.css"><script>{_script(rng, SCRIPT_BYTES)}'
        f'</script></head><body><header class="site-header"><a class="logo" href="/">{brand}</a>'
        f'<nav class="main-nav" aria-label="Main"><ul>{_links(rng, NAV_LINKS, "")}</ul></nav>'
        f'<a class="btn btn-primary" href="/signup">Start free</a></header><main>'
        f'<section class="hero"><h1>{title}</h1><p class="lead">{hero}</p>'
        f'<a class="btn btn-primary" href="/signup">{cta}</a></section>{"".join(copy)}</main>'
        f'<footer class="site-footer"><nav aria-label="Footer"><ul>'
        f'{_links(rng, FOOTER_LINKS, "more/")}</ul></nav><p>&copy; 2025 {brand} Ltd. '
        f'{_sentence(rng, _NEUTRAL, brand)}</p></footer></body></html>'
    )


def make_heavy_site(n_pages: int, seed: int = 1, base_url: str = "http://127.0.0.1"
                    ) -> dict[str, bytes]:
    """``n_pages`` heavy pages plus /sitemap.xml and /robots.txt. Deterministic per seed."""
    rng = random.Random(seed)
    brand = _brand(rng)
    site: dict[str, bytes] = {}
    paths = ["/"]
    while len(paths) < n_pages:
        words = "-".join(rng.choice(_NOUNS).replace(" ", "-") for _ in range(2))
        paths.append(f"/{_AREAS[len(paths) % len(_AREAS)]}/{words}-{len(paths)}")
    for path in paths:
        site[path] = heavy_page(rng, brand, path).encode("utf-8")
    base = base_url.rstrip("/")
    site["/sitemap.xml"] = _urlset(base + p for p in paths)
    site["/robots.txt"] = (f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap.xml\n"
                           ).encode()
    return site


_TYPES = {".xml": "application/xml", ".txt": "text/plain; charset=utf-8"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as both crawlers use it
    server: _Server

    def do_GET(self) -> None:
        now = time.monotonic()
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.log.append((now, "GET", path))
        body = self.server.site.get(path)
        status = 200 if body is not None else 404
        if body is None:
            body = b"<html><h1>Not found</h1></html>"
        ctype = next((t for ext, t in _TYPES.items() if path.endswith(ext)),
                     "text/html; charset=utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, pages: int, seed: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.log: list[tuple[float, str, str]] = []
        self.site = make_heavy_site(pages, seed, f"http://127.0.0.1:{self.server_address[1]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tiny", type=int, default=0, help="ignored (site_server.py's option)")
    args = parser.parse_args(argv)
    srv = _Server(args.pages, args.seed)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        print(f"PORT {srv.server_address[1]}", flush=True)
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "log":
                with srv.lock:
                    entries = list(srv.log)
                print(json.dumps(entries), flush=True)
            elif cmd == "count":
                print(len(srv.log), flush=True)
            elif cmd == "reset":
                with srv.lock:
                    srv.log.clear()
                print("ok", flush=True)
            elif cmd == "quit":
                break
    finally:
        srv.shutdown()
        srv.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
