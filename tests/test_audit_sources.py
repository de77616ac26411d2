"""Sources that used to yield nothing without a word: upper-case and relative sitemaps, feeds
known only by their content, sitemaps served as HTML. Each now gives its pages, or an error
naming the source and saying why (and the CLI exits 2 when nothing could be read)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit import Config, Engine, FetchSettings, Store, run_audit
from tests.support.sitesrv import SiteServer

FAST = FetchSettings(allow_private=True, delay=0, retries=0, timeout=5)
PAGE = ("<!doctype html><html><head><title>{0}</title></head><body><main><h1>{0}</h1>"
        "<p>Send your first invoice in two minutes, free to start.</p></main></body></html>")
PATHS = ["/", "/pricing", "/blog/first-invoice"]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Config(), model="fast")


@pytest.fixture()
def srv() -> Iterator[SiteServer]:
    with SiteServer() as server:
        server.pages({p: PAGE.format(f"Page {p}") for p in PATHS})
        yield server


def audit(sources: list[str], tmp_path: Path, engine: Engine) -> tuple[set[str], dict[str, Any]]:
    """The sources audited: the pieces' sources and the errors by source."""
    db = tmp_path / "runs.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    run_id = run_audit(sources, db=db, config=Config(), fetch=FAST, engine=engine)
    with Store(db) as store:
        report = store.report(run_id)
    return ({p["source"] for p in report["pieces"]},
            {e["source"]: e["error"] for e in report["errors"]})


def test_an_upper_case_sitemap_gives_its_pages(srv: SiteServer, tmp_path: Path,
                                                engine: Engine) -> None:
    locs = "".join(f"<URL><LOC>{srv.url(p)}</LOC></URL>" for p in PATHS)
    srv.page("/sitemap.xml", f"<?xml version='1.0'?><URLSET>{locs}</URLSET>")
    pieces, errors = audit([srv.url("/sitemap.xml")], tmp_path, engine)
    assert pieces == {srv.url(p) for p in PATHS} and errors == {}


def test_relative_locs_are_resolved_against_the_sitemap(srv: SiteServer, tmp_path: Path,
                                                         engine: Engine) -> None:
    srv.page("/maps/sitemap.xml", "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             "<url><loc>/</loc></url><url><loc>../pricing</loc></url>"
             "<url><loc>/blog/first-invoice</loc></url><url><loc>tel:+100</loc></url></urlset>")
    pieces, errors = audit([srv.url("/maps/sitemap.xml")], tmp_path, engine)
    assert pieces == {srv.url(p) for p in PATHS}
    assert errors == {srv.url("/maps/sitemap.xml"): "1 entry not read as web addresses: line 1: "
                      "'tel:+100' (only http and https pages are audited)"}


@pytest.mark.parametrize("ctype", ["application/rss+xml; charset=UTF-8", "text/xml",
                                   "text/html; charset=utf-8"])
def test_a_wordpress_feed_url_is_read_as_a_feed(srv: SiteServer, tmp_path: Path,
                                                engine: Engine, ctype: str) -> None:
    items = "".join(f"<item><title>t</title><link>{srv.url(p)}</link></item>" for p in PATHS[1:])
    srv.page("/feed/", f"<?xml version='1.0' encoding='UTF-8'?>\n<rss version='2.0'><channel>"
             f"<title>Blog</title><link>{srv.url('/')}</link>{items}</channel></rss>",
             content_type=ctype)
    pieces, errors = audit([srv.url("/feed/")], tmp_path, engine)
    assert pieces == {srv.url(p) for p in PATHS[1:]} and errors == {}


def test_an_atom_feed_is_read_by_its_content(srv: SiteServer, tmp_path: Path,
                                             engine: Engine) -> None:
    srv.page("/news", '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/'
             'Atom"><title>News</title><entry><title>x</title><link rel="alternate" '
             'href="/pricing"/><link rel="replies" href="/comments"/></entry></feed>',
             content_type="application/atom+xml")
    pieces, errors = audit([srv.url("/news")], tmp_path, engine)
    assert pieces == {srv.url("/pricing")} and errors == {}


def test_a_sitemap_served_as_html_is_read(srv: SiteServer, tmp_path: Path,
                                          engine: Engine) -> None:
    locs = "".join(f"<url><loc>{srv.url(p)}</loc></url>" for p in PATHS)
    srv.page("/sitemap.xml", f"<?xml version='1.0'?><urlset>{locs}</urlset>",
             content_type="text/html; charset=utf-8")
    srv.page("/pages-index", f"<?xml version='1.0'?><urlset>{locs}</urlset>",
             content_type="text/html")  # named like a page, not like a sitemap
    for source in ("/sitemap.xml", "/pages-index"):
        pieces, errors = audit([srv.url(source)], tmp_path / source[1:], engine)
        assert pieces == {srv.url(p) for p in PATHS} and errors == {}
    srv.page("/sitemap-page", PAGE.format("Our sitemap"))
    pieces, errors = audit([srv.url("/sitemap-page")], tmp_path / "x", engine)
    assert pieces == set()
    assert errors == {srv.url("/sitemap-page"): "not a sitemap: an HTML page (text/html)"}


def test_xml_that_is_neither_page_nor_sitemap_is_named(srv: SiteServer, tmp_path: Path,
                                                        engine: Engine) -> None:
    srv.page("/data", "<?xml version='1.0'?><prices><p>1</p></prices>",
             content_type="application/xml")
    pieces, errors = audit([srv.url("/data")], tmp_path, engine)
    assert pieces == set() and errors == {srv.url("/data"): "not HTML (application/xml), skipped"}


@pytest.mark.parametrize(("body", "why"), [
    ("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'></urlset>",
     "sitemap lists no pages"),
    ("<rss version='2.0'><channel><title>Quiet</title></channel></rss>",
     "feed has no items with links"),
])
def test_a_source_without_pages_says_why_and_exits_2(srv: SiteServer, tmp_path: Path,
                                                      cli_env: dict[str, str], body: str,
                                                      why: str) -> None:
    srv.page("/sitemap.xml", body)
    db = tmp_path / "x.db"
    r = subprocess.run([sys.executable, "-m", "audit", "audit", srv.url("/sitemap.xml"),
                        "--db", str(db), "--model", "fast", "--allow-private", "--delay", "0"],
                       capture_output=True, text=True, env=cli_env, cwd=tmp_path, timeout=120)
    assert r.returncode == 2, r.stderr
    assert f"antipersona: {srv.url('/sitemap.xml')}: {why}" in r.stderr
    assert "nothing was read (1 failed, 0 skipped), so no run was stored" in r.stderr
    with Store(db) as store:
        assert store.runs() == []  # no empty run left behind in `runs list`


def test_an_empty_url_list_says_so(tmp_path: Path, engine: Engine) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("# nothing yet\n\n", encoding="utf-8")
    pieces, errors = audit([str(urls)], tmp_path, engine)
    assert pieces == set() and errors == {str(urls): "no URLs in the list"}


def test_an_email_body_lost_to_its_boundary_is_a_warning_not_a_failure(tmp_path: Path,
                                                                         engine: Engine) -> None:
    mails = tmp_path / "mails"
    mails.mkdir()
    (mails / "lost.eml").write_bytes(
        b"From: hello@tallyfox.example\nSubject: Start free today\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=abc\n\nNo parts at all.\n")
    heard: list[tuple[str, str]] = []
    db = tmp_path / "runs.db"
    run_id = run_audit([str(mails)], db=db, config=Config(), fetch=FAST, engine=engine,
                       on_warning=lambda source, text: heard.append((source, text)))
    with Store(db) as store:
        report = store.report(run_id)
        (run,) = store.runs()
    why = ("body not read: the message is multipart but no part was found (its MIME boundary "
           "never appears); only the subject is audited")
    assert [p["source"] for p in report["pieces"]] == [str(mails / "lost.eml")]  # subject audited
    assert report["errors"] == [] and run["errors"] == 0  # not counted as a failure
    assert report["warnings"] == [{"source": str(mails / "lost.eml"), "warning": why}]
    assert run["warnings"] == 1 and heard == [(str(mails / "lost.eml"), why)]
    assert run["progress"]["warnings"] == 1 and run["progress"]["failed"] == 0


def test_a_utf16_url_list_without_a_byte_order_mark_is_a_url_list(tmp_path: Path) -> None:
    from audit.runs.planning import plan_sources

    listing = tmp_path / "pages.csv"
    listing.write_bytes("url,channel\nhttps://a.example/,landing\n".encode("utf-16-le"))
    plan = plan_sources([str(listing)])
    assert plan.lists == [listing] and plan.ads == []


def test_a_local_copy_of_a_site_gets_the_channels_of_the_site_served(tmp_path: Path,
                                                                      engine: Engine) -> None:
    """The config's URL rules (/blog -> blog, /help -> docs) read a local page's path below
    the folder named, so a site's build folder is filed as the same site crawled (every local
    page was filed as landing)."""
    paths = {"/index.html": "Home", "/blog/first-invoice/index.html": "Your first invoice",
             "/help/export/index.html": "Export your data", "/pricing/index.html": "Pricing"}
    site = tmp_path / "public"
    for path, title in paths.items():
        (site / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (site / path.lstrip("/")).write_text(PAGE.format(title), encoding="utf-8")

    def channels(sources: list[str], db: Path) -> dict[str, str]:
        run_id = run_audit(sources, db=db, config=Config(), engine=engine, fetch=FAST)
        with Store(db) as store:
            return {p["title"]: p["channel"] for p in store.report(run_id)["pieces"]}

    local = channels([str(site)], tmp_path / "local.db")
    with SiteServer() as srv:
        srv.pages({path: PAGE.format(title) for path, title in paths.items()})
        served = channels([srv.url(path) for path in paths], tmp_path / "served.db")
    assert local == served
    assert local["Your first invoice"] == "blog" and local["Export your data"] == "docs"
    one_page = channels([str(site / "blog" / "first-invoice" / "index.html")],
                        tmp_path / "one.db")
    assert one_page == {"Your first invoice": "landing"}  # named alone: no folder around it


def test_a_list_channel_in_another_case_is_the_configured_channel(srv: SiteServer,
                                                                  tmp_path: Path,
                                                                  engine: Engine) -> None:
    """A spreadsheet's "Blog" or "LANDING" is the configured blog or landing channel (it made a
    channel of its own in every report, beside the real one, and missed the stage rules);
    a channel that is configured in no case is kept as written."""
    listing = tmp_path / "urls.csv"
    listing.write_text(f"url,channel\n{srv.url('/')},LANDING\n{srv.url('/pricing')},landing\n"
                       f"{srv.url('/blog/first-invoice')}, Blog \n", encoding="utf-8")
    db = tmp_path / "runs.db"
    run_id = run_audit([str(listing)], db=db, config=Config(), fetch=FAST, engine=engine)
    with Store(db) as store:
        report = store.report(run_id)
    assert {p["source"]: p["channel"] for p in report["pieces"]} == {
        srv.url("/"): "landing", srv.url("/pricing"): "landing",
        srv.url("/blog/first-invoice"): "blog"}
    assert sorted(c["channel"] for c in report["channels"]) == ["blog", "landing"]
    assert Config(channels=("landing", "Partner")).channel_named("partner") == "Partner"
    assert Config().channel_named("newsletter") == "newsletter"


def test_a_list_channel_that_looks_misspelt_is_kept_with_a_warning(srv: SiteServer,
                                                                    tmp_path: Path,
                                                                    engine: Engine) -> None:
    """A spreadsheet's "landng" made a channel of its own in silence, beside "landing"; it is
    still filed as written (a new channel may be meant), with a warning naming the close one.
    A channel close to none ("webinar") is a new channel without a word."""
    listing = tmp_path / "urls.csv"
    listing.write_text(f"url,channel\n{srv.url('/')},landng\n{srv.url('/pricing')},webinar\n",
                       encoding="utf-8")
    db = tmp_path / "runs.db"
    told: list[tuple[str, str]] = []
    run_id = run_audit([str(listing)], db=db, config=Config(), fetch=FAST, engine=engine,
                       on_warning=lambda source, text: told.append((source, text)))
    with Store(db) as store:
        report = store.report(run_id)
        stored = store.warnings(run_id)
    assert {p["source"]: p["channel"] for p in report["pieces"]} == {
        srv.url("/"): "landng", srv.url("/pricing"): "webinar"}
    message = ("channel 'landng' is not one of the configured channels; filed as written "
               "(did you mean 'landing'?)")
    assert told == [(srv.url("/"), message)]
    assert [(w["source"], w["warning"]) for w in stored] == told
    assert Config().misspelt_channel("Landing") is None
    assert Config().misspelt_channel("emial") is not None


def test_a_list_row_over_the_csv_field_limit_is_that_row_not_the_run(srv: SiteServer,
                                                                     tmp_path: Path,
                                                                     engine: Engine) -> None:
    """A cell over the csv module's 128 KB field limit (a pasted page in a spreadsheet cell)
    stopped the whole fetch side ("fetching stopped"), the lists after it unread and the run
    failed; `check` of such a file raised a traceback. Now it is one error naming the line."""
    huge = '"' + "x" * 200_000 + '"'
    first = tmp_path / "first.csv"
    first.write_text(f"url,channel\n{srv.url('/')},landing\n{huge},blog\n"
                     f"{srv.url('/pricing')},landing\n", encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text(f"url\n{srv.url('/blog/first-invoice')}\n", encoding="utf-8")
    pieces, errors = audit([str(first), str(second)], tmp_path, engine)
    assert pieces == {srv.url(p) for p in PATHS}
    assert list(errors) == [f"{first}:line 3"]
    assert "field larger than field limit" in errors[f"{first}:line 3"]

    headed = tmp_path / "headed.csv"
    headed.write_text(f"url\n{huge}\n{srv.url('/')}\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "audit", "check", str(headed), "--model",
                           "fast"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("antipersona:") == 1 and "headed.csv" in proc.stderr
