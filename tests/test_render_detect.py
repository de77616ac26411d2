"""Client-rendered pages are never scored as if read: the shell detector flags script-driven
shells only (not server-rendered framework pages, not thin pages without scripts), copy in
Next.js server data is used before any browser, and a flagged page shows up in every report
as "client-rendered: copy not read" (or an error beginning ``client-rendered``)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from audit import Config, Engine, FetchSettings, Store, run_audit
from audit.extract.datablob import next_data_sections
from audit.extract.html import html_to_piece
from audit.extract.shell import check_shell
from audit.report.render import export
from tests.support.sitesrv import SiteServer

FAST = FetchSettings(allow_private=True, delay=0, retries=1, backoff=0.01, timeout=5)

STATIC = """<!doctype html><html lang="en"><head><title>Invoices in two minutes</title></head>
<body><main><h1>Invoices in two minutes</h1>
<p>Built for freelancers and one-person shops. Send your first invoice from your phone while the
kettle boils, get paid by card, and see who still owes you at a glance.</p>
<p>Start free with no card. One flat price after that, and you can cancel from your settings
whenever you like.</p><a class="btn" href="/signup">Start free</a></main></body></html>"""

SHELL = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/app.css"></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root"></div>
<script src="/static/js/main.8f3a.js"></script></body></html>"""

SHELL_WITH_TITLE = SHELL.replace(
    '<meta charset="utf-8">',
    '<meta charset="utf-8"><title>Ledger</title><meta name="description" content="Books for '
    'small shops.">').replace('<noscript>You need to enable JavaScript to run this app.</noscript>',
                              "")

SERVER_RENDERED = """<!doctype html><html><head><title>Plans</title></head><body>
<div id="__next"><main><h1>One price, no surprises</h1>
<p>Pick the plan that fits the way you work today. Every plan has invoices, payment links,
reminders and receipts, and you can switch or cancel at any time from your account page.</p>
<p>Set it up yourself in minutes. If you get stuck, reply to any email and a real person
answers the same day.</p><a href="/signup">Start free</a></main></div>
<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}},"page":"/plans"}</script>
<script src="/_next/static/chunks/main.js" defer></script></body></html>"""

THIN = """<!doctype html><html><head><title>Soon</title></head>
<body><h1>Coming soon</h1><p>Back in a week.</p></body></html>"""

NEXT_SHELL = """<!doctype html><html><head><title>Enterprise</title></head><body>
<div id="__next"></div>
<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"hero":{
"headline":"Enterprise-grade governance for the modern organisation",
"subtitle":"SAML SSO, SCIM provisioning and a security review before procurement signs off.",
"image":"/img/hero.png","id":"hero-7f3a"},
"features":[{"title":"Approval chains","text":"Route every purchase through your steering committee."}],
"cta":{"label":"Request a demo","href":"/demo"}}},"page":"/enterprise","buildId":"x1"}</script>
<script src="/_next/static/chunks/main.js"></script></body></html>"""


def flagged(html: str, source: str = "https://x.test/") -> bool:
    return check_shell(html, html_to_piece(html, source).sections).needs_render


def test_only_the_script_shell_is_flagged() -> None:
    assert flagged(SHELL) and flagged(SHELL_WITH_TITLE)
    assert not flagged(STATIC)
    assert not flagged(SERVER_RENDERED)  # framework markers, but its copy is in the HTML
    assert not flagged(THIN)  # thin, but no script to write more


@pytest.mark.parametrize(("html", "sign"), [
    (SHELL, "#root mount point"),
    ("<html><body><noscript><p>Please turn on JavaScript.</p></noscript><div class=x></div>"
     "<script>boot()</script></body></html>", "noscript notice"),
    ("<html><body><div class='wrap'>Loading</div>" + "<script>" + "x=1;" * 2000 + "</script>"
     "</body></html>", "KB of HTML"),
    ('<html><body><div id="___gatsby"></div><script src="/app.js"></script></body></html>',
     "#___gatsby"),
])
def test_each_sign_of_a_shell(html: str, sign: str) -> None:
    check = check_shell(html, html_to_piece(html, "https://x.test/").sections)
    assert check.needs_render and sign in check.reason


def test_data_scripts_alone_do_not_count_as_scripts() -> None:
    html = ('<html><body><div id="app"></div><script type="application/ld+json">{"a": 1}'
            "</script></body></html>")
    assert not flagged(html)


def test_next_data_copy_is_read_plainly() -> None:
    sections = [(s.role, s.text) for s in next_data_sections(NEXT_SHELL)]
    assert ("headline", "Enterprise-grade governance for the modern organisation") in sections
    assert ("cta", "Request a demo") in sections
    assert ("body", "Route every purchase through your steering committee.") in sections
    assert not any("/img/" in text or "hero-7f3a" in text or text == "/demo"
                   for _, text in sections)


def test_audit_flags_shells_in_every_report(tmp_path: Path, engine: Engine) -> None:
    with SiteServer() as srv:
        srv.pages({"/static": STATIC, "/shell": SHELL, "/shell-titled": SHELL_WITH_TITLE,
                   "/ssr": SERVER_RENDERED, "/thin": THIN, "/next-shell": NEXT_SHELL})
        urls = tmp_path / "urls.txt"
        paths = ["/static", "/shell", "/shell-titled", "/ssr", "/thin", "/next-shell"]
        urls.write_text("\n".join(srv.url(p) for p in paths) + "\n", encoding="utf-8")
        db = tmp_path / "r.db"
        run_id = run_audit([str(urls)], db=db, config=Config(), fetch=FAST, engine=engine)
        url = srv.url
    with Store(db) as store:
        report = store.report(run_id)
    pieces = {p["source"]: p for p in report["pieces"]}
    errors = {e["source"]: e["error"] for e in report["errors"]}
    # no text at all: an error that says why
    assert errors[url("/shell")].startswith("client-rendered")
    assert url("/shell") not in pieces
    # a title and a description only: a piece, marked
    assert pieces[url("/shell-titled")]["needs_render"] is True
    for path in ("/static", "/ssr", "/thin"):
        assert "needs_render" not in pieces[url(path)], path
    # copy plainly in the server data: read, no browser needed
    nxt = pieces[url("/next-shell")]
    assert "needs_render" not in nxt and nxt["meta"]["copy_from"] == "__NEXT_DATA__"
    assert nxt["verdict"]["persona"] == "beth-bureaucrat"

    assert json.loads(export(report, "json"))["pieces"][[p["source"] for p in report["pieces"]]
                                                        .index(url("/shell-titled"))]["needs_render"]
    table = export(report, "table", width=200)
    assert f"{url('/shell-titled')}: client-rendered: copy not read" in table
    assert "client-rendered: copy not read" in export(report, "html")
    rows = {r["source"]: r for r in csv.DictReader(io.StringIO(export(report, "csv")))}
    assert rows[url("/shell-titled")]["reason"].startswith("client-rendered: copy not read")
    assert "client-rendered" not in rows[url("/static")]["reason"]
    # and the app's Report page, beside the headline figures
    with Store(db) as store:
        assert [p["source"] for p in store.unread_pieces(run_id)] == [url("/shell-titled")]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANTIPERSONA_DB", str(db))
        at = AppTest.from_function(_report_page, default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "1 page is client-rendered: copy not read" in warnings


def _report_page() -> None:
    from audit.ui.pages import report

    report.render()


def test_missing_chromium_is_one_clear_line(tmp_path: Path, cli_env: dict[str, str]) -> None:
    env = {**cli_env, "ANTIPERSONA_CHROMIUM": str(tmp_path / "no-such-chromium")}
    proc = subprocess.run([sys.executable, "-m", "audit", "audit", "https://example.test/",
                           "--render", "auto", "--db", str(tmp_path / "x.db")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("antipersona: ANTIPERSONA_CHROMIUM=") and "apt-get install chromium" in line


def test_render_mode_is_checked(tmp_path: Path, cli_env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "audit", "audit", "https://example.test/",
                           "--render", "sometimes"], capture_output=True, text=True, env=cli_env,
                          cwd=tmp_path)
    assert proc.returncode == 2 and "render must be never, auto or always" in proc.stderr
