"""`audit --render auto` in the system's Chromium: only the flagged shell is rendered, its copy is
audited (``rendered: true``), nothing else is fetched twice; requests the page makes go through
the fetcher's address policy."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from audit import Config, Engine, FetchSettings, Store, run_audit
from audit.crawl.render import Renderer, find_chromium
from tests.support.sitesrv import SiteServer
from tests.test_render_detect import SERVER_RENDERED, SHELL, STATIC, THIN

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="no Chromium (apt-get install chromium)"),
    pytest.mark.xdist_group("chromium"),
]

APP_JS = """
const root = document.getElementById("root");
root.innerHTML = "<h1>Enterprise-grade governance for the modern organisation</h1>" +
  "<p>Request a demo with our enterprise sales team. SAML SSO, SCIM provisioning, a security " +
  "review and procurement support come with a dedicated account manager for stakeholder " +
  "sign-off by your steering committee.</p><a class='btn' href='/demo'>Contact sales</a>";
"""


def settings(**kw: object) -> FetchSettings:
    return FetchSettings(**{"allow_private": True, "delay": 0, "retries": 1, "backoff": 0.01,
                            "timeout": 20, **kw})  # type: ignore[arg-type]


@pytest.fixture()
def site():  # type: ignore[no-untyped-def]
    with SiteServer() as srv:
        srv.pages({"/static": STATIC, "/shell": SHELL, "/ssr": SERVER_RENDERED, "/thin": THIN})
        srv.page("/static/js/main.8f3a.js", APP_JS, content_type="text/javascript")
        srv.page("/_next/static/chunks/main.js", "/* hydrate */", content_type="text/javascript")
        srv.page("/static/app.css", "body{}", content_type="text/css")
        yield srv


def test_render_auto_reads_only_the_shell(site: SiteServer, tmp_path: Path, engine: Engine) -> None:
    paths = ["/static", "/shell", "/ssr", "/thin"]
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(site.url(p) for p in paths) + "\n", encoding="utf-8")
    db = tmp_path / "r.db"
    run_id = run_audit([str(urls)], db=db, config=Config(), fetch=settings(render="auto"),
                       engine=engine)
    with Store(db) as store:
        report = store.report(run_id)
    pieces = {p["source"]: p for p in report["pieces"]}
    assert not report["errors"], report["errors"]
    shell = pieces[site.url("/shell")]
    assert shell["rendered"] is True and "needs_render" not in shell
    assert shell["verdict"] == {**shell["verdict"], "label": "wrong-audience",
                                "persona": "beth-bureaucrat"}
    for path in ("/static", "/ssr", "/thin"):
        assert "rendered" not in pieces[site.url(path)], path
        assert len(site.hits(path)) == 1, f"{path} was fetched again by the browser"
    assert len(site.hits("/shell")) == 2  # fetched, then loaded once in Chromium
    assert site.hits("/static/js/main.8f3a.js")


def test_the_browser_obeys_the_address_policy(site: SiteServer) -> None:
    async def go() -> tuple[str | None, str | None, int]:
        async with Renderer(settings(allow_private=False)) as renderer:
            refused = await renderer.render(site.url("/shell"))
        async with Renderer(settings()) as renderer:
            allowed = await renderer.render(site.url("/shell"))
        return refused.error, allowed.html, refused.refused

    error, html, refused = asyncio.run(go())
    assert error and "ERR_BLOCKED_BY_CLIENT" in error and refused >= 1
    assert html and "steering committee" in html
