"""Audit runs against a real local web server: lists, sitemaps, failures, chrome, storage,
kill -9 and resume, and the report command on what was stored."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit import Config, Engine, FetchSettings, Store, run_audit
from audit.runs.planning import plan_sources
from tests.support.sitesrv import SiteServer

#: Runs ``python -m audit ARGS`` with Ctrl-C at its default, as from a terminal: a test
#: runner started as a background job inherits SIGINT ignored, and so would the CLI here.
INTERRUPTIBLE = [sys.executable, "-c", "import os, signal, sys; "
                 "signal.signal(signal.SIGINT, signal.SIG_DFL); "
                 "os.execv(sys.executable, [sys.executable, '-m', 'audit', *sys.argv[1:]])"]

FAST = FetchSettings(allow_private=True, delay=0, retries=1, backoff=0.01, timeout=5)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="description" content="{desc}"></head><body>
<header><nav><a href="/">Home</a> <a href="/pricing">Pricing</a>
<a href="/enterprise">Enterprise</a></nav></header>
<main><section class="hero"><h1>{title}</h1><p>{hero}</p><a class="btn" href="/signup">{cta}</a></section>
<p>{body}</p></main>
<footer>Enterprise | Contact sales | SOC 2 | SSO | Privacy</footer></body></html>"""


def page(title: str, hero: str, body: str, cta: str = "Start free", desc: str = "") -> str:
    return PAGE.format(title=title, hero=hero, body=body, cta=cta, desc=desc or hero)


SOLO = page("Invoices in two minutes", "Built for freelancers and one-person businesses.",
            "Start free with no credit card. Cancel anytime. Send your first invoice today.")
BETH = page("Enterprise governance platform", "Request a demo with our enterprise sales team.",
            "SAML SSO, SCIM provisioning, a security review, procurement support and a "
            "dedicated account manager for stakeholder sign-off.", cta="Contact sales")
BARGAIN = page("Lowest prices, guaranteed", "Stack coupon codes for an extra 30% off.",
               "Free returns forever, no questions asked. We price match any competitor.",
               cta="Shop the sale")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Config(), model="fast")


@pytest.fixture()
def site():  # type: ignore[no-untyped-def]
    with SiteServer() as srv:
        srv.pages({"/": SOLO, "/enterprise": BETH, "/deals": BARGAIN, "/blog/post": SOLO})
        srv.page("/gone", "<h1>Not here</h1>", status=404)
        srv.redirect_chain("/old", 3, "/")  # /old0 -> /old1 -> /old2 -> /
        srv.binary("/brochure.pdf", "application/pdf", size=10_000)
        srv.robots("User-agent: *\nDisallow: /private\n")
        srv.page("/private/plans", SOLO)
        yield srv


def test_plan_sorts_sources(tmp_path: Path) -> None:
    (tmp_path / "urls.txt").write_text("https://a.test/\n", encoding="utf-8")
    (tmp_path / "ads.csv").write_text("Campaign,Headline 1,Description 1\nc,h,d\n",
                                      encoding="utf-8")
    (tmp_path / "list.csv").write_text("url,channel\nhttps://a.test/,blog\n", encoding="utf-8")
    (tmp_path / "mail.eml").write_text("Subject: hi\n\nhello\n", encoding="utf-8")
    plan = plan_sources([str(tmp_path / "urls.txt"), str(tmp_path / "ads.csv"),
                         str(tmp_path / "list.csv"), str(tmp_path / "mail.eml"),
                         "https://a.test/sitemap.xml", "https://a.test/page", "ftp://a.test/",
                         str(tmp_path / "missing.txt")])
    assert [p.name for p in plan.lists] == ["urls.txt", "list.csv"]
    assert [p.name for p in plan.ads] == ["ads.csv"]
    assert [p.name for p in plan.emails] == ["mail.eml"]
    assert plan.sitemap_urls == ["https://a.test/sitemap.xml"]
    assert plan.pages == ["https://a.test/page"]
    assert {p.source for p in plan.problems} == {"ftp://a.test/", str(tmp_path / "missing.txt")}


def test_url_list_run_stores_results_errors_and_fetch_log(site: SiteServer, tmp_path: Path,
                                                          engine: Engine) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join([
        "# our pages", site.url("/"), site.url("/enterprise"), site.url("/deals"),
        site.url("/gone"), site.url("/old0"), site.url("/brochure.pdf"),
        site.url("/private/plans"), "not a url at all", site.url("/") + "#again",
    ]) + "\n", encoding="utf-8")
    db = tmp_path / "runs.db"
    run_id = run_audit([str(urls)], db=db, config=Config(), fetch=FAST, engine=engine,
                       name="test run")
    with Store(db) as store:
        report = store.report(run_id)
        run = store.runs()[0]
        log = {e["url"]: e for e in store.fetch_log(run_id)}
    assert run["status"] == "done" and run["name"] == "test run"
    verdicts = {p["source"]: p["verdict"] for p in report["pieces"]}
    assert verdicts[site.url("/")]["label"] == "on-target"
    assert verdicts[site.url("/enterprise")] == {**verdicts[site.url("/enterprise")],
                                                 "label": "wrong-audience",
                                                 "persona": "beth-bureaucrat"}
    assert verdicts[site.url("/deals")]["persona"] == "bargain-hunter"
    assert verdicts[site.url("/old0")]["label"] == "on-target", "redirects are followed"
    assert len(site.hits("/")) == 2, "the list's duplicate is fetched once (plus the redirect)"
    errors = {e["source"]: e for e in report["errors"]}
    assert errors[site.url("/gone")]["error"] == "HTTP 404 Not Found"
    assert errors[site.url("/brochure.pdf")]["kind"] == "skipped"
    assert "robots.txt" in errors[site.url("/private/plans")]["error"]
    assert any(src.endswith("line 9") and "not a web address" in e["error"]
               for src, e in errors.items()), errors
    hops = log[site.url("/old0")]["redirects"]
    assert len(hops) == 3 and all(h["status"] == 301 for h in hops)
    assert log[site.url("/")]["status"] == 200


def test_fetching_in_a_thread_where_fork_is_missing(site: SiteServer, tmp_path: Path,
                                                    engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Where fork is not available the fetch side runs in a thread; the run is the same."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    urls = tmp_path / "u.txt"
    urls.write_text(f"{site.url('/')}\n{site.url('/enterprise')}\n{site.url('/gone')}\n",
                    encoding="utf-8")
    run_id = run_audit([str(urls)], db=tmp_path / "t.db", config=Config(), fetch=FAST,
                       engine=engine)
    with Store(tmp_path / "t.db") as store:
        report = store.report(run_id)
    assert {p["source"] for p in report["pieces"]} == {site.url("/"), site.url("/enterprise")}
    assert [e["source"] for e in report["errors"]] == [site.url("/gone")]


def test_the_engine_loads_while_pages_are_fetched(site: SiteServer, tmp_path: Path) -> None:
    """Given no engine, run_audit builds one itself; fetching has started by then."""
    urls = tmp_path / "u.txt"
    urls.write_text(f"{site.url('/')}\n", encoding="utf-8")
    run_id = run_audit([str(urls)], db=tmp_path / "e.db", config=Config(model="fast"),
                       fetch=FAST)
    with Store(tmp_path / "e.db") as store:
        run = store.run(run_id)
        pieces = store.pieces(run_id)
    assert run["profile"] == "fast" and len(pieces) == 1


def test_chrome_is_counted_once_per_site(site: SiteServer, tmp_path: Path, engine: Engine) -> None:
    urls = tmp_path / "u.txt"
    urls.write_text(f"{site.url('/')}\n{site.url('/blog/post')}\n", encoding="utf-8")
    run_id = run_audit([str(urls)], db=tmp_path / "r.db", config=Config(), fetch=FAST,
                       engine=engine)
    with Store(tmp_path / "r.db") as store:
        pieces = store.pieces(run_id)
    footer_hits = [sum(1 for e in p["evidence"] if e["section"] == "footer") for p in pieces]
    assert sorted(footer_hits)[0] == 0, "a second page of the site does not count the footer"
    assert all(p["verdict"]["label"] == "on-target" for p in pieces)


def test_a_resumed_run_does_not_count_chrome_again(site: SiteServer, tmp_path: Path,
                                                    engine: Engine) -> None:
    """The page that counted the footer is stored; the one analysed after resuming is not
    charged for the footer a second time, and scores as it did in one go."""
    urls = tmp_path / "u.txt"
    urls.write_text(f"{site.url('/')}\n{site.url('/blog/post')}\n", encoding="utf-8")
    db = tmp_path / "r.db"
    run_id = run_audit([str(urls)], db=db, config=Config(), fetch=FAST, engine=engine)
    with Store(db) as store:
        before = {p["source"]: p for p in store.pieces(run_id)}
    second = next(src for src, p in before.items()
                  if not any(e["section"] == "footer" for e in p["evidence"]))
    with sqlite3.connect(db) as con:  # as if the run had been stopped before the second page
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("DELETE FROM pieces WHERE run_id = ? AND source = ?", (run_id, second))
        con.execute("UPDATE runs SET status = 'interrupted' WHERE id = ?", (run_id,))
    assert run_audit([], db=db, config=Config(), fetch=FAST, engine=engine,
                     resume=run_id) == run_id
    with Store(db) as store:
        after = {p["source"]: p for p in store.pieces(run_id)}
    assert after.keys() == before.keys()
    assert not [e for e in after[second]["evidence"] if e["section"] == "footer"]
    assert after[second]["scores"] == before[second]["scores"]
    assert after[second]["meta"].get("chrome_sections_shared") == \
        before[second]["meta"].get("chrome_sections_shared")


def test_sitemap_index_with_gzipped_child_and_channel_rules(tmp_path: Path,
                                                             engine: Engine) -> None:
    with SiteServer() as srv:
        site = srv.mount_site(12, seed=3)
        run_id = run_audit([srv.url("/sitemap_index.xml")], db=tmp_path / "s.db",
                           config=Config(), fetch=FAST, engine=engine)
    pages = [p for p in site if "sitemap" not in p and not p.endswith(".txt")]
    with Store(tmp_path / "s.db") as store:
        stored = store.pieces(run_id)
        assert not store.errors(run_id)
    assert len(stored) == len(pages) == 12
    blog = [p for p in stored if "/blog" in p["source"]]
    assert all(p["channel"] == "blog" for p in blog)


def test_emails_and_ads_in_one_run(tmp_path: Path, engine: Engine) -> None:
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "a.eml").write_text("Subject: Hi {{first_name}}, we saw you looking\n"
                                "From: x@y.test\n\nWe noticed you viewed our pricing page.\n",
                                encoding="utf-8")
    ads = tmp_path / "ads.csv"
    ads.write_text("Campaign,Ad group,Headline 1,Headline 2,Description 1,Final URL\n"
                   "Spring,Deals,Lowest prices ever,Stack your codes,Extra 40% off everything,"
                   "https://x.test\n", encoding="utf-8")
    run_id = run_audit([str(mail), str(ads)], db=tmp_path / "m.db", config=Config(),
                       fetch=FAST, engine=engine)
    with Store(tmp_path / "m.db") as store:
        pieces = {p["channel"]: p for p in store.pieces(run_id)}
    assert pieces["email"]["verdict"]["label"] == "risk"
    assert pieces["ad"]["verdict"]["persona"] == "bargain-hunter"


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_cli_refuses_loopback_without_allow_private(site: SiteServer, tmp_path: Path,
                                                   cli_env: dict[str, str]) -> None:
    r = _cli(["audit", site.url("/"), "--db", str(tmp_path / "x.db"), "--model", "fast"],
             cli_env, tmp_path)
    assert r.returncode == 2, r.stderr  # the only input was refused
    assert "--allow-private" in r.stderr and "Traceback" not in r.stderr
    assert not site.hits("/"), "nothing was sent to the refused address"


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _outlived(pids: list[int], wait: float = 5.0) -> list[int]:
    """Those of ``pids`` still running after up to ``wait`` seconds."""
    gone_by = time.time() + wait
    while time.time() < gone_by and any(map(_running, pids)):
        time.sleep(0.1)
    return [p for p in pids if _running(p)]


def _slow_audit(srv: SiteServer, tmp_path: Path, env: dict[str, str], n: int,
                stored_at_least: int) -> tuple[subprocess.Popen[str], Path, int]:
    """`antipersona audit` of n pages fetched one at a time, 0.15 s apart, in a subprocess;
    returns once it has stored ``stored_at_least`` pieces: the process, its store, the count."""
    for i in range(n):
        srv.page(f"/p{i}", SOLO.replace("Invoices in two minutes", f"Invoices, page {i}"))
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(srv.url(f"/p{i}") for i in range(n)) + "\n", encoding="utf-8")
    db = tmp_path / "slow.db"
    args = ["audit", str(urls), "--db", str(db), "--allow-private", "--no-robots",
            "--delay", "0.15", "--per-host", "1", "--concurrency", "1", "--model", "fast"]
    proc = subprocess.Popen([*INTERRUPTIBLE, *args], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 90
    stored = 0
    while time.time() < deadline and stored < stored_at_least:
        time.sleep(0.2)
        if db.exists():
            with sqlite3.connect(db, timeout=10) as con:
                try:
                    stored = con.execute("SELECT count(*) FROM pieces").fetchone()[0]
                except sqlite3.OperationalError:
                    stored = 0
    return proc, db, stored


def test_kill_9_then_resume_loses_nothing_and_fetches_nothing_twice(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    n = 40
    with SiteServer() as srv:
        proc, db, stored = _slow_audit(srv, tmp_path, cli_env, n, 8)
        children = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert 8 <= stored < n, "killed mid-way"
        # The fetch process (and any engine worker) must not outlive a killed parent.
        assert not _outlived(children), "a child outlived kill -9"
        with Store(db) as store:
            run_id = store.resolve_run("latest")
            before = {p["source"] for p in store.pieces(run_id)}
            for piece in store.pieces(run_id):
                assert piece["verdict"]["label"] and piece["evidence"], "complete pieces only"
        assert len(before) >= stored
        hits_before = {f"/p{i}": len(srv.hits(f"/p{i}")) for i in range(n)}
        r = _cli(["audit", "--resume", run_id, "--db", str(db), "--allow-private", "--no-robots",
                  "--delay", "0", "--model", "fast"], cli_env, tmp_path)
        assert r.returncode == 0, r.stderr
        with Store(db) as store:
            after = {p["source"] for p in store.pieces(run_id)}
            assert store.run(run_id)["status"] == "done"
        assert after == {srv.url(f"/p{i}") for i in range(n)}
        for src in before:
            path = src.rsplit(":", 1)[1].split("/", 1)[1]
            assert len(srv.hits("/" + path)) == hits_before["/" + path] == 1, src


def test_ctrl_c_stops_an_audit_with_one_line_saying_how_to_carry_on(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    with SiteServer() as srv:
        proc, db, _ = _slow_audit(srv, tmp_path, cli_env, 40, 5)
        children = _children(proc.pid)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if "interrupted" in line]
    assert len(lines) == 1, stderr
    said = int(lines[0].split("the ", 1)[1].split(" ", 1)[0])
    assert not _outlived(children), "a child outlived Ctrl-C"
    with Store(db) as store:
        run_id = store.resolve_run("latest")
        assert store.run(run_id)["status"] == "interrupted"
        assert said == len(store.pieces(run_id)) >= 5
    command = lines[0].split("Carry on with: ", 1)[1]
    assert command == f"antipersona audit --resume {run_id} --db {db}"


def test_the_printed_resume_command_works_as_pasted_with_the_run_settings(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    """The run was started with --allow-private, --no-robots and a slow pace: pasted as
    printed, the resume reuses them (loopback is allowed again) and finishes every page."""
    with SiteServer() as srv:
        proc, db, _ = _slow_audit(srv, tmp_path, cli_env, 30, 4)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
        command = next(line for line in stderr.splitlines() if "Carry on with:" in line)
        args = shlex.split(command.split("Carry on with: ", 1)[1])[1:]
        r = _cli([*args, "--delay", "0", "--model", "fast"], cli_env, tmp_path)
        assert r.returncode == 0, r.stderr
        assert "loopback" not in r.stderr
        with Store(db) as store:
            run_id = store.resolve_run("latest")
            assert len(store.pieces(run_id)) == 30
            assert store.errors(run_id) == []


def test_resume_retries_pages_a_changed_setting_now_allows(
        site: SiteServer, tmp_path: Path, cli_env: dict[str, str]) -> None:
    db = tmp_path / "r.db"
    local = tmp_path / "home.html"  # read, so the run is kept with the refused page's error
    local.write_text(SOLO, encoding="utf-8")
    first = _cli(["audit", str(local), site.url("/"), "--db", str(db), "--model", "fast",
                  "--no-robots"], cli_env, tmp_path)
    assert first.returncode == 0 and "loopback" in first.stderr
    with Store(db) as store:
        run_id = store.runs()[0]["id"]
    again = _cli(["audit", "--resume", run_id, "--db", str(db), "--allow-private",
                  "--model", "fast"], cli_env, tmp_path)
    assert again.returncode == 0, again.stderr
    with Store(db) as store:
        assert sorted(p["source"] for p in store.pieces(run_id)) == sorted([str(local),
                                                                            site.url("/")])
        assert store.errors(run_id) == []
        assert store.run(run_id)["config"]["fetch"]["robots"] is False  # kept from the start


def test_two_resumes_of_one_run_at_once_are_refused(tmp_path: Path,
                                                    cli_env: dict[str, str]) -> None:
    with SiteServer() as srv:
        proc, db, _ = _slow_audit(srv, tmp_path, cli_env, 30, 2)
        try:
            with Store(db) as store:
                run_id = store.resolve_run("latest")
            second = _cli(["audit", "--resume", run_id, "--db", str(db), "--model", "fast"],
                          cli_env, tmp_path)
            assert second.returncode == 2
            assert "being worked on by another process" in second.stderr
            assert "Traceback" not in second.stderr
        finally:
            proc.kill()
            proc.wait()
        # the first process is gone (kill -9 leaves its claim behind): the run is free again
        third = _cli(["audit", "--resume", run_id, "--db", str(db), "--delay", "0",
                      "--model", "fast"], cli_env, tmp_path)
        assert third.returncode == 0, third.stderr


def test_ctrl_c_stops_a_check_with_exit_130(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """Standard input that never ends keeps `check` waiting until Ctrl-C."""
    proc = subprocess.Popen([*INTERRUPTIBLE, "check", "-", "--model", "fast"],
                            env=cli_env, cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None
    proc.stdin.write("Request a demo with our sales team.\n")
    proc.stdin.flush()
    wchan = Path(f"/proc/{proc.pid}/wchan")
    deadline = time.time() + 60
    while time.time() < deadline and "pipe_read" not in wchan.read_text():
        time.sleep(0.05)  # until it waits for more input
    proc.send_signal(signal.SIGINT)
    out, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert stderr.strip() == "antipersona: interrupted" and out == ""


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found |= {int(child), *_descendants(int(child))}
    return found


@pytest.mark.parametrize("how", ["ctrl-c to the group", "kill"])
def test_stopping_a_large_check_leaves_no_traceback_and_no_worker(
        tmp_path: Path, cli_env: dict[str, str], how: str) -> None:
    """A large check runs in analysis processes: Ctrl-C (which reaches them too) or a plain
    `kill` of the CLI stops it with one line, and takes the workers with it."""
    big = tmp_path / "big.txt"
    para = ("Request a demo with our sales team before procurement signs off. Start free "
            "today, no credit card needed, and send your first invoice in minutes.\n\n")
    big.write_text(para * 40_000, encoding="utf-8")  # about 6 MB: the workers are used
    proc = subprocess.Popen([*INTERRUPTIBLE, "check", str(big), "--model",
                             "fast", "--format", "json"], env=cli_env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.time() + 60
    workers: set[int] = set()
    while time.time() < deadline and len(workers) < 2 and proc.poll() is None:
        time.sleep(0.05)
        workers = _descendants(proc.pid)
    assert len(workers) >= 2, "the analysis processes started"
    if how == "kill":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert stderr.strip() == "antipersona: interrupted", stderr
    deadline = time.time() + 10
    while time.time() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()], "no worker left behind"


def test_report_command_formats_and_diff(site: SiteServer, tmp_path: Path,
                                         cli_env: dict[str, str]) -> None:
    db = tmp_path / "rep.db"
    urls = tmp_path / "u.txt"
    urls.write_text(f"{site.url('/')}\n{site.url('/enterprise')}\n", encoding="utf-8")
    base = ["--db", str(db), "--allow-private", "--delay", "0", "--model", "fast"]
    assert _cli(["audit", str(urls), *base, "--name", "first"], cli_env, tmp_path).returncode == 0
    urls.write_text(f"{site.url('/')}\n{site.url('/deals')}\n", encoding="utf-8")
    assert _cli(["audit", str(urls), *base, "--name", "second"], cli_env, tmp_path).returncode == 0
    r = _cli(["report", "--db", str(db), "--format", "json", "--diff", "previous"], cli_env,
             tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["run"]["name"] == "second" and len(report["pieces"]) == 2
    assert report["channels"] and "diff" in report
    table = _cli(["report", "--db", str(db)], cli_env, tmp_path)
    assert table.returncode == 0 and "landing" in table.stdout
    html_out = tmp_path / "r.html"
    h = _cli(["report", "latest", "--db", str(db), "-f", "html", "-o", str(html_out)], cli_env,
             tmp_path)
    assert h.returncode == 0 and "<html" in html_out.read_text(encoding="utf-8").lower()
    csv_out = _cli(["report", "--db", str(db), "-f", "csv"], cli_env, tmp_path)
    assert csv_out.returncode == 0 and csv_out.stdout.count("\n") >= 3
    sarif = json.loads(_cli(["report", "--db", str(db), "-f", "sarif"], cli_env, tmp_path).stdout)
    assert sarif["version"] == "2.1.0"
    missing = _cli(["report", "nope", "--db", str(db)], cli_env, tmp_path)
    assert missing.returncode == 2 and "nope" in missing.stderr and "Traceback" not in missing.stderr
    nodb = _cli(["report", "--db", str(tmp_path / "none.db")], cli_env, tmp_path)
    assert nodb.returncode == 2 and "no run store" in nodb.stderr


def test_progress_is_quiet_when_not_a_terminal(site: SiteServer, tmp_path: Path,
                                               cli_env: dict[str, str]) -> None:
    r = _cli(["audit", site.url("/"), "--db", str(tmp_path / "q.db"), "--allow-private",
              "--delay", "0", "--model", "fast"], cli_env, tmp_path)
    assert r.returncode == 0
    assert "━" not in r.stderr and "auditing" not in r.stderr
    assert "1 piece analysed" in r.stderr


def test_an_audit_that_robots_skipped_entirely_says_so_and_exits_2(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    with SiteServer() as srv:
        srv.robots("User-agent: *\nDisallow: /\n")
        srv.page("/a", SOLO)
        srv.page("/b", SOLO)
        r = _cli(["audit", srv.url("/a"), srv.url("/b"), "--db", str(tmp_path / "x.db"),
                  "--allow-private", "--model", "fast"], cli_env, tmp_path)
        assert not srv.hits("/a") and not srv.hits("/b")
    assert r.returncode == 2, r.stderr
    assert "nothing was analysed: all 2 page(s) were skipped" in r.stderr
    assert "Traceback" not in r.stderr
