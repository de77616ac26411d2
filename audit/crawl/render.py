"""Client-rendered pages read in the system's Chromium, through Playwright (``audit --render``).

The browser is the one already installed (``$ANTIPERSONA_CHROMIUM``, else Debian's
``/usr/bin/chromium`` and the usual names on PATH); nothing is downloaded. The fetcher's safety
rules hold for every request the page makes: only http(s) (and inline ``data:``/``blob:``),
every host resolved and refused unless all its addresses are public (the same
:class:`~audit.crawl.netsafe.AddressPolicy`, so ``--allow-private`` works the same way),
WebSockets and service workers blocked, downloads refused, images, media and fonts not loaded
(they are not copy), at most ``MAX_REQUESTS`` requests a page, the fetcher's timeout for the
whole render and its ``max_bytes`` for the rendered HTML. Chromium resolves names again itself
when it connects; a name that answered with a public address to the check and then a private
one to the browser (rebinding) is the one gap the fetcher, which connects to the address it
checked, does not have. Each page gets a fresh browser context (no cookies or storage shared),
and at most ``pool`` render at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import AntipersonaError
from .netsafe import AddressPolicy, ResolveFailed, SystemResolver, UnsafeAddress, safe_addresses
from .results import FetchSettings

RENDER_MODES = ("never", "auto", "always")
CHROMIUM_ENV = "ANTIPERSONA_CHROMIUM"
_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
               "/usr/bin/google-chrome-stable")
_ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Requests one page may make (scripts, styles, API calls) before the rest are refused.
MAX_REQUESTS = 200
#: Resource types that are never copy: not loaded at all.
_SKIPPED_TYPES = frozenset({"image", "media", "font"})
#: After "load", how long to wait for the page's own requests to settle before reading it.
_SETTLE_MS = 3000
INSTALL_HINT = ("--render needs Playwright and a Chromium: pip install 'antipersona[render]' "
                "(or pip install playwright), then apt-get install chromium, or set "
                "ANTIPERSONA_CHROMIUM to a Chromium or Chrome binary")


class RenderUnavailable(AntipersonaError):
    """Playwright or Chromium is missing; the message says how to install them."""


def find_chromium() -> str | None:
    """The Chromium to use: ``$ANTIPERSONA_CHROMIUM``, else the usual places, else None."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named if Path(named).is_file() else None
    for candidate in _CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    for name in _ON_PATH:
        if (found := shutil.which(name)) is not None:
            return found
    return None


def require_renderer() -> str:
    """The Chromium path, or :class:`RenderUnavailable` with one line saying what to install."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError as exc:
        raise RenderUnavailable(f"Playwright is not installed. {INSTALL_HINT}") from exc
    chromium = find_chromium()
    if chromium is None:
        where = os.environ.get(CHROMIUM_ENV)
        missing = f"{CHROMIUM_ENV}={where} is not a file" if where else "no Chromium found"
        raise RenderUnavailable(f"{missing}. {INSTALL_HINT}")
    return chromium


@dataclass(slots=True)
class Rendered:
    """A page as the browser left it: its HTML, or why there is none."""

    url: str
    html: str | None = None
    error: str | None = None
    requests: int = 0
    refused: int = 0


class Renderer:
    """One headless Chromium for a run; ``await render(url)`` from any task."""

    def __init__(self, settings: FetchSettings, *, pool: int = 2, executable: str | None = None,
                 resolver: Any | None = None) -> None:
        self.settings = settings
        self.executable = executable or require_renderer()
        self.policy = AddressPolicy(allow_private=settings.allow_private)
        self.resolver = resolver or SystemResolver()
        self._slots = asyncio.Semaphore(max(1, pool))
        self._playwright: Any = None
        self._browser: Any = None

    async def __aenter__(self) -> Renderer:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--no-first-run", "--disable-extensions"])
        except Exception as exc:
            await self._playwright.stop()
            raise RenderUnavailable(f"Chromium ({self.executable}) did not start: "
                                    f"{str(exc).splitlines()[0]}. {INSTALL_HINT}") from exc
        return self

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            await self._browser.close()
        with contextlib.suppress(Exception):
            await self._playwright.stop()

    async def render(self, url: str) -> Rendered:
        async with self._slots:
            try:
                return await asyncio.wait_for(self._render(url), self.settings.timeout)
            except TimeoutError:
                return Rendered(url, error=f"rendering took over {self.settings.timeout:g} s")

    async def _render(self, url: str) -> Rendered:
        out = Rendered(url)
        context = await self._browser.new_context(
            user_agent=self.settings.user_agent, accept_downloads=False,
            service_workers="block", java_script_enabled=True)
        try:
            await context.route(re.compile(r".*"), lambda route: self._guard(route, out))
            with contextlib.suppress(AttributeError):  # Playwright < 1.48: no WebSocket routes
                # A handler that never connects to the server keeps every socket closed.
                await context.route_web_socket(re.compile(r".*"), lambda ws: None)
            page = await context.new_page()
            timeout_ms = self.settings.timeout * 1000
            try:
                response = await page.goto(url, wait_until="load", timeout=timeout_ms)
            except Exception as exc:
                out.error = f"rendering failed: {str(exc).splitlines()[0]}"
                return out
            if response is not None and response.status >= 400:
                out.error = f"rendering got HTTP {response.status}"
                return out
            with contextlib.suppress(Exception):
                await page.wait_for_load_state("networkidle", timeout=_SETTLE_MS)
            html = await page.content()
            if len(html.encode("utf-8", "replace")) > self.settings.max_bytes:
                out.error = (f"rendered page is over the {self.settings.max_bytes:,} byte limit")
                return out
            out.html = html
            return out
        finally:
            with contextlib.suppress(Exception):
                await context.close()

    async def _guard(self, route: Any, out: Rendered) -> None:
        """Let a request through only as the fetcher would: scheme, address, budget."""
        request = route.request
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            await route.continue_()
            return
        out.requests += 1
        reason = None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            reason = "scheme"
        elif request.resource_type in _SKIPPED_TYPES:
            reason = "not copy"
        elif out.requests > MAX_REQUESTS:
            reason = "too many requests"
        else:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            try:
                await safe_addresses(parts.hostname, port, self.policy, self.resolver)
            except (UnsafeAddress, ResolveFailed):
                reason = "address"
        if reason is None:
            await route.continue_()
            return
        out.refused += 1
        with contextlib.suppress(Exception):
            await route.abort("blockedbyclient")
