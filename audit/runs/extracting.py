"""`extract` as a library call: what the tool reads on a page, section by section.

Answers "why did it say that about this page?" (which text was read as copy, which as site
chrome) and makes extraction measurable against other extractors. Files are read as ``check``
reads them; URLs are fetched as ``audit`` fetches them (robots.txt, address checks, size and
time limits). A bad input is one entry in ``errors``; the others are still read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from ..config import Config, channel_for_url
from ..crawl.fetcher import Fetcher
from ..crawl.results import FetchSettings
from ..errors import InputError
from ..extract.html import html_to_piece
from ..models import CHROME_ROLES, InputProblem, Piece
from ..sources.decode import decode_bytes_info
from ..sources.readers import expand_paths, read_input


def is_url(arg: str) -> bool:
    return arg.lower().startswith(("http://", "https://"))


def piece_sections(piece: Piece) -> dict[str, Any]:
    """One piece as the ``extract`` JSON shape: its sections with role and chrome flag."""
    return {"source": piece.source, "channel": piece.channel,
            "sections": [{"role": s.role, "text": s.text, "chrome": s.role in CHROME_ROLES}
                         for s in piece.sections]}


def extract_inputs(args: Iterable[str], config: Config, *, fetch: FetchSettings | None = None,
                   channel: str | None = None,
                   on_error: Callable[[InputProblem], None] | None = None) -> dict[str, Any]:
    """Files, folders, '-' and http(s) URLs -> ``{"pieces": [...], "errors": [...],
    "warnings": [...]}``, in the order given. A warning (an email whose body was lost) goes
    with a piece that was read all the same."""
    args = list(args)
    pieces: list[dict[str, Any]] = []
    errors: list[InputProblem] = []
    warnings: list[dict[str, str]] = []

    def problem(source: str, message: str) -> None:
        p = InputProblem(source, message)
        errors.append(p)
        if on_error:
            on_error(p)

    urls = [a for a in args if is_url(a)]
    fetched = _fetch_all(urls, config, fetch or FetchSettings(), channel) if urls else {}
    for arg in args:
        if is_url(arg):
            got = fetched[arg]
            if isinstance(got, Piece):
                pieces.append(piece_sections(got))
            else:
                problem(arg, got)
            continue
        for item in expand_paths([arg]):
            try:
                piece = read_input(item, channel=channel, max_bytes=config.max_file_bytes)
            except InputError as exc:
                problem(exc.source, exc.message)
                continue
            pieces.append(piece_sections(piece))
            warnings += piece.warning_entries()
    return {"pieces": pieces, "errors": [e.to_dict() for e in errors], "warnings": warnings}


def _fetch_all(urls: list[str], config: Config, settings: FetchSettings,
               channel: str | None) -> dict[str, Piece | str]:
    """Each URL as a piece, or the reason it is not one."""

    async def run() -> dict[str, Piece | str]:
        out: dict[str, Piece | str] = {}
        async with Fetcher(settings) as fetcher:
            async for result in fetcher.iter_fetch(urls):
                if result.skipped or not result.ok or result.body is None:
                    out[result.url] = result.skipped or result.error or "no content"
                    continue
                try:
                    decoded = decode_bytes_info(result.body, result.url, declared=result.charset)
                except InputError as exc:
                    out[result.url] = exc.message
                    continue
                ch = channel or channel_for_url(result.final_url or result.url,
                                                config.channel_rules)
                piece = html_to_piece(decoded.text, result.url, channel=ch)
                out[result.url] = piece if piece.sections else "no readable copy on the page"
        return out

    found = asyncio.run(run())
    return {u: found.get(u, "not fetched") for u in urls}
