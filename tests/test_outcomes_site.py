"""The outcome loop end to end: a local site of 60 pages whose pull toward Beth the Bureaucrat
is planted to track a refund rate, audited over 127.0.0.1, GA4 and refund exports imported
with the CLI, and the report asked which persona travels with which outcome."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from audit import Config, Engine, FetchSettings, run_audit
from tests.support.sitesrv import SiteServer

FAST = FetchSettings(allow_private=True, delay=0, retries=1, backoff=0.01, timeout=5)
N_PAGES = 60
BETH = ["Request a demo with our enterprise sales team.",
        "We support SAML SSO and SCIM provisioning for every department.",
        "Our procurement team will complete your vendor security review.",
        "Stakeholder sign-off workflows keep your steering committee aligned.",
        "A dedicated account manager and a master services agreement come as standard.",
        "The platform is SOC 2 Type II and ISO 27001 certified."]
SUSIE = ["Start free with no credit card.", "Send your first invoice in two minutes.",
         "Built for freelancers and one-person businesses.", "Cancel anytime, no contracts."]
PAGE = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
        "<body><main><h1>{title}</h1>{paras}</main></body></html>")
GA4_HEAD = """\ufeff# ----------------------------------------
# Pages and screens: Page path and screen class
# Account: Tallybird (invented)
# Property: Tallybird web
# ----------------------------------------
#
# Start date: 20260101
# End date: 20260131
Page path and screen class,Views,Sessions,Bounce rate,Key events,Total revenue
"""


def plant(seed: int = 7) -> list[dict[str, object]]:
    """Each page: Beth level 0-5 (ten pages each), a random amount of Susie copy, and a refund
    rate that rises with the Beth level plus noise; GA4 metrics are pure noise."""
    rng = random.Random(seed)
    pages = []
    levels = [i % 6 for i in range(N_PAGES)]
    rng.shuffle(levels)
    for i, level in enumerate(levels):
        susie = rng.sample(SUSIE, rng.randint(1, 3))
        paras = [*BETH[:level], *susie]
        rng.shuffle(paras)
        pages.append({"path": f"/p/{i}", "level": level,
                      "html": PAGE.format(title=f"Invoicing page {i}",
                                          paras="".join(f"<p>{p}</p>" for p in paras)),
                      "refund_rate": round(0.02 + 0.012 * level + rng.gauss(0, 0.008), 4),
                      "sessions": rng.randint(40, 5000), "views": rng.randint(100, 9000),
                      "bounce": rng.uniform(0.2, 0.8), "events": rng.randint(0, 90),
                      "revenue": rng.uniform(0, 4000)})
    return pages


def ga4_csv(pages: list[dict[str, object]]) -> str:
    rows = ['"Grand total","123,456","98,765",51.3%,"1,234","£98,765.43"']
    for p in pages:
        rows.append(f'{p["path"]},"{p["views"]:,}","{p["sessions"]:,}",{p["bounce"] * 100:.1f}%,'
                    f'{p["events"]},"£{p["revenue"]:,.2f}"')
    # A second row for page 7 (a tracked link): merged, counts added, rates weighted.
    rows.append('/p/7?utm_source=newsletter&utm_medium=email,20,10,10.0%,1,£5.00')
    rows.append('(not set),"1,020",880,60.0%,3,£0.00')
    rows.append('/retired-page,55,40,70.0%,0,£0.00')
    return GA4_HEAD + "\n".join(rows) + "\n"


def refunds_csv(pages: list[dict[str, object]], origin: str) -> str:
    lines = ["url,metric,value"]
    for n, p in enumerate(pages):
        # The shop's own spelling of each address: trailing slash, tracking, host case.
        url = origin.replace("http://", "HTTP://") + p["path"] + ("/" if n % 2 else "") + \
            ("?utm_source=newsletter&fbclid=abc" if n % 3 == 0 else "")
        lines.append(f"{url},refund_rate,{p['refund_rate'] * 100:.2f}%")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("outcomes")
    pages = plant()
    with SiteServer() as srv:
        srv.pages({p["path"]: p["html"] for p in pages})
        urls = tmp / "urls.txt"
        urls.write_text("\n".join(srv.url(p["path"]) for p in pages) + "\n", encoding="utf-8")
        db = tmp / "runs.db"
        run_id = run_audit([str(urls)], db=db, config=Config(), fetch=FAST,
                           engine=Engine(Config(), model="fast"), name="planted")
        origin = srv.url("/").rstrip("/")
    ga4 = tmp / "ga4-pages.csv"
    ga4.write_text(ga4_csv(pages), encoding="utf-8")
    refunds = tmp / "refunds.csv"
    refunds.write_text(refunds_csv(pages, origin), encoding="utf-8")
    return {"db": db, "run": run_id, "origin": origin, "ga4": ga4, "refunds": refunds,
            "tmp": tmp, "pages": pages}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_planted_refund_rate_is_the_strongest_association(audited, cli_env) -> None:  # type: ignore[no-untyped-def]
    db = str(audited["db"])
    done = cli("outcomes", "add", "latest", str(audited["ga4"]), str(audited["refunds"]),
               "--site", audited["origin"], "--db", db, env=cli_env)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "GA4 export, 61 of 63 rows joined to 60 pages" in out, out
    assert "skipped 1 total row(s)" in out
    assert "(not set)" in out and "/retired-page" in out and "no page of this run" in out
    assert "url,metric,value CSV, 60 of 60 rows joined to 60 pages" in out

    report = json.loads(cli("report", "latest", "-f", "json", "--db", db, env=cli_env).stdout)
    outcomes = report["outcomes"]
    assert {m["metric"] for m in outcomes["metrics"]} >= {"refund_rate", "Sessions", "Bounce rate",
                                                          "Key events", "Total revenue"}
    first = outcomes["associations"][0]
    assert (first["persona"], first["metric"]) == ("beth-bureaucrat", "refund_rate"), \
        outcomes["associations"][:3]
    assert first["n"] == N_PAGES
    assert first["rho"] > 0.6 and first["ci"][0] > 0 and first["q"] < 0.01
    assert first["credible"]
    assert first["text"].startswith("pages that pull toward Beth the Bureaucrat have higher "
                                    "refund rate: rho ")
    # The GA4 metrics are noise: none of them is a credible association with Beth.
    noise = [a for a in outcomes["associations"]
             if a["persona"] == "beth-bureaucrat" and a["metric"] != "refund_rate"]
    assert noise and not any(a["credible"] for a in noise)
    # Reproducible: the bootstrap is seeded.
    again = json.loads(cli("report", "latest", "-f", "json", "--db", db, env=cli_env).stdout)
    assert again["outcomes"]["associations"] == outcomes["associations"]
    piece = next(p for p in report["pieces"] if p["source"].endswith("/p/0"))
    assert set(piece["outcomes"]) >= {"refund_rate", "Sessions"}
    assert piece["stage"] in ("awareness", "consideration", "decision", "retention")

    # --min-sessions: fewer pages count.
    few = json.loads(cli("report", "latest", "-f", "json", "--min-sessions", "2500", "--db", db,
                         env=cli_env).stdout)["outcomes"]
    expected = sum(1 for i, p in enumerate(audited["pages"])
                   if p["sessions"] + (10 if i == 7 else 0) >= 2500)
    beth = next(a for a in few["associations"]
                if (a["persona"], a["metric"]) == ("beth-bureaucrat", "refund_rate"))
    assert beth["n"] == expected < N_PAGES

    table = cli("report", "latest", "--db", db, env=cli_env).stdout
    assert "pages that pull toward Beth the Bureaucrat have higher refund rate" in table
    assert "not cause" in table
    html = cli("report", "latest", "-f", "html", "--db", db, env=cli_env).stdout
    assert "pages that pull toward Beth the Bureaucrat have higher refund rate" in html
    assert "<svg" in html and "<script src" not in html
