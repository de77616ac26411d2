"""`antipersona extract`: the sections the tool reads, from files and from URLs served on
127.0.0.1, with chrome marked; bad inputs named on stderr while the rest is still read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.sitesrv import SiteServer

PAGE = (b"<html><head><title>Loafwise pricing</title></head><body>"
        b"<nav><a href='/'>Home</a> <a href='/p'>Pricing</a></nav>"
        b"<main><h1>Bread subscriptions for small cafes</h1>"
        b"<p>Pick a plan, change it any week, and pause when the shop closes.</p></main>"
        b"<footer>Loafwise Ltd, registered in nowhere</footer></body></html>")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audit", "extract", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_json_from_a_url_and_a_file_in_order(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text("# Spring menu\n\nOur rye is back, baked every morning.\n")
    with SiteServer() as srv:
        srv.page("/pricing", PAGE)
        proc = run(srv.url("/pricing"), str(draft), "--allow-private", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [p["source"] for p in out["pieces"]][1] == str(draft)
    page = out["pieces"][0]
    roles = {s["text"]: (s["role"], s["chrome"]) for s in page["sections"]}
    assert roles["Bread subscriptions for small cafes"] == ("headline", False)
    assert roles["Loafwise Ltd, registered in nowhere"] == ("footer", True)
    assert any(s["chrome"] and s["role"] == "nav" for s in page["sections"])
    assert out["errors"] == []


def test_bad_inputs_are_named_and_the_rest_is_read(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_bytes(PAGE)
    with SiteServer() as srv:
        srv.page("/pricing", PAGE)
        missing = srv.url("/gone")
        refused = srv.url("/pricing")  # loopback without --allow-private
        proc = run(str(tmp_path / "nope.html"), refused, str(good), "-f", "json")
        proc404 = run(missing, "--allow-private", "-f", "json")
    assert proc.returncode == 2
    out = json.loads(proc.stdout)
    assert [p["source"] for p in out["pieces"]] == [str(good)]
    assert {e["source"] for e in out["errors"]} == {str(tmp_path / "nope.html"), refused}
    assert "nope.html" in proc.stderr and "loopback" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc404.returncode == 2 and "404" in json.loads(proc404.stdout)["errors"][0]["error"]


def test_text_marks_chrome_and_strips_terminal_controls(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.replace(b"Loafwise pricing", b"Loafwise \x1b]0;owned\x07pricing"))
    proc = run(str(page))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout
    lines = proc.stdout.splitlines()
    assert any(line.lstrip().startswith("footer") and "~│" in line for line in lines)
    assert any(line.lstrip().startswith("headline") and " │" in line for line in lines)
    assert max(len(line) for line in lines if "│" in line) <= 80
