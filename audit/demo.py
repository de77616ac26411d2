"""`make run`'s main job: serve the bundled example site on 127.0.0.1, audit it together with the
example emails, ads and URL list, and store the run where the Streamlit app will open it; then
print who each channel attracts, so the terminal answers the first question before the app opens.

The site's sitemap and URL list carry the placeholder ``{{ORIGIN}}``; the server fills in its
own address, so the example works on any free port.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rich.console import Console

from .config import load_config
from .crawl.results import FetchSettings
from .progress import ProgressPrinter
from .runs.audit import run_audit

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PLACEHOLDER = "{{ORIGIN}}"


class _Handler(SimpleHTTPRequestHandler):
    """Static files with the origin placeholder filled in (sitemap, robots, pages)."""

    origin = ""

    def log_message(self, format: str, *args: object) -> None:
        return

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix in (".xml", ".txt", ".html") and path.is_file():
            body = path.read_bytes().replace(PLACEHOLDER.encode(), self.origin.encode())
            self.send_response(200)
            ctype = {"xml": "application/xml", "txt": "text/plain"}.get(path.suffix[1:],
                                                                          "text/html")
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            import io

            return io.BytesIO(body)
        return super().send_head()


@contextlib.contextmanager
def serve_site(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) for the duration of the block."""
    handler = type("DemoHandler", (_Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    handler.origin = origin
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m audit.demo", description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(".antipersona-demo"),
                    help="folder for the demo run store")
    ap.add_argument("--examples", type=Path, default=EXAMPLES)
    args = ap.parse_args(argv)
    console = Console(stderr=True, highlight=False)
    args.out.mkdir(parents=True, exist_ok=True)
    db = args.out / "antipersona.db"
    ex = args.examples
    with serve_site(ex / "site") as origin, tempfile.TemporaryDirectory() as tmp:
        urls = Path(tmp) / "urls.csv"
        urls.write_text((ex / "urls.csv").read_text(encoding="utf-8").replace(PLACEHOLDER, origin),
                        encoding="utf-8")
        sources = [str(urls), f"{origin}/sitemap.xml", str(ex / "emails"),
                   *(str(p) for p in sorted((ex / "ads").glob("*.csv")))]
        console.print(f"serving the example site at {origin}; auditing it with the example "
                      "emails and ads", markup=False)
        fetch = FetchSettings(allow_private=True, delay=0.05, concurrency=8, per_host=4)
        with ProgressPrinter(console) as printer:
            run_id = run_audit(sources, db=db, config=load_config(), fetch=fetch,
                               name="Example site (demo)", on_progress=printer.update,
                               on_problem=printer.problem)
        printer.summary(run_id, db)
        import_demo_outcomes(db, run_id, ex / "outcomes", origin, Path(tmp), console)
    print_channels(db, run_id, console)
    return 0


def print_channels(db: Path, run_id: str, console: Console) -> None:
    """The run's channel summary (verdict shares per channel), as `antipersona report` opens."""
    from .report.table import render_channels
    from .store.store import Store

    with Store(db, readonly=True) as store:
        report = store.report(run_id)
    console.print()
    render_channels(report, console)
    console.print(f"the whole report: antipersona report {run_id} --db {db}", markup=False,
                  soft_wrap=True)


def import_demo_outcomes(db: Path, run_id: str, folder: Path, origin: str, tmp: Path,
                         console: Console) -> None:
    """Join the example's invented outcomes (a GA4 landing-page export, a Search Console
    export zipped as Google gives it, a shop's refunds and tickets) to the demo run, as
    `antipersona outcomes add` would, so the Report page shows associations at first launch."""
    import zipfile

    from .outcomes.importer import describe_result, import_outcomes
    from .store.store import Store

    files = []
    for name in ("ga4-landing-pages.csv", "shop-refunds-and-tickets.csv"):
        filled = tmp / name
        filled.write_bytes((folder / name).read_bytes().replace(PLACEHOLDER.encode(),
                                                               origin.encode()))
        files.append(filled)
    gsc = tmp / "search-console-performance.zip"
    with zipfile.ZipFile(gsc, "w", zipfile.ZIP_DEFLATED) as zf:
        for member in sorted((folder / "search-console").glob("*.csv")):
            zf.writestr(member.name, member.read_text(encoding="utf-8").replace(PLACEHOLDER,
                                                                                origin))
    files.append(gsc)
    with Store(db) as store:
        import_outcomes(store, run_id, files, site=origin,
                        on_result=lambda r: console.print("\n".join(describe_result(r)),
                                                          markup=False),
                        on_problem=lambda p: console.print(f"{p.source}: {p.error}",
                                                           markup=False))


if __name__ == "__main__":
    sys.exit(main())
