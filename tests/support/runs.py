"""A small stored run for the app tests: invented drafts on four channels, one hostile page.

The drafts go through the real engine and the real store, so the app reads exactly what an
audit run would have written.
"""

from __future__ import annotations

from pathlib import Path

from audit import Engine, Piece, Section, Store

HOSTILE_SOURCE = "https://evil.example/hostile"
HOSTILE_TEXT = ('Request a demo <script>window.__pwned=1</script> now. '
                'Our procurement team <img src=x onerror="window.__pwned=1"> awaits your sign-off.')

DRAFTS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("https://shop.example/", "landing", [
        ("title", "Invoicing for one-person businesses"),
        ("hero", "Start free and send your first invoice in minutes."),
        ("body", "No sales calls, no contracts. Pay monthly and cancel anytime. Set it up yourself."),
        ("cta", "Start free")]),
    ("https://shop.example/enterprise", "landing", [
        ("title", "Enterprise governance platform"),
        ("hero", "Streamline stakeholder alignment across your organisation."),
        ("body", "Request a demo with our solutions team. We support procurement, security review "
                 "and sign-off workflows for large teams."),
        ("cta", "Contact sales")]),
    ("https://shop.example/pricing", "landing", [
        ("title", "Pricing"),
        ("body", "Lowest price guaranteed! Use coupon code SAVE50 for half price. "
                 "Rock-bottom prices, no questions asked refunds."),
        ("cta", "Grab the deal")]),
    ("https://shop.example/blog/quick-start", "blog", [
        ("title", "Send your first invoice today"),
        ("body", "Set it up yourself in minutes. Start free, no credit card needed. "
                 "Works with the tools you already use.")]),
    ("https://shop.example/blog/compliance", "blog", [
        ("title", "Our compliance framework"),
        ("body", "Our SOC 2 and ISO 27001 certified platform passes every vendor security review. "
                 "Procurement teams get a dedicated account manager and a master services agreement.")]),
    ("mail/welcome.eml", "email", [
        ("subject", "We noticed you looked at our pricing page, {{first_name}}"),
        ("body", "Hurry, only 2 left! This offer ends tonight. We saw you were browsing from Leeds.")]),
    ("mail/tips.eml", "email", [
        ("subject", "Three ways to get paid faster"),
        ("body", "Send invoices from your phone. Start free and cancel anytime.")]),
    ("ads.csv#1", "ad", [
        ("headline", "Cheapest invoicing app. Massive price cuts"),
        ("description", "Coupon stacking allowed. Free forever plan, lowest price anywhere.")]),
    ("ads.csv#2", "ad", [
        ("headline", "Request a demo today"),
        ("description", "Enterprise-grade compliance and governance for your stakeholders.")]),
    (HOSTILE_SOURCE, "landing", [
        ("title", "Hostile <b>page</b>"),
        ("body", HOSTILE_TEXT)]),
]


def fill_store(db: Path, engine: Engine | None = None, name: str = "sample run",
               drafts: list[tuple[str, str, list[tuple[str, str]]]] | None = None) -> str:
    """Check the drafts with the real engine and store them as a finished run; return its id."""
    engine = engine or Engine()
    pieces = [Piece(source=src, channel=ch, sections=[Section(r, t) for r, t in secs])
              for src, ch, secs in (drafts or DRAFTS)]
    with Store(db) as store:
        run_id = store.create_run(name=name, sources=[p.source for p in pieces], config={},
                                  personas=[p.to_dict() for p in engine.personas],
                                  profile=engine.profile, model=engine.pipeline.model,
                                  target=engine.config.target)
        for piece, result in zip(pieces, engine.check_pieces(pieces, n_process=1), strict=True):
            store.add_result(run_id, result.to_dict(), sections=piece.sections)
        store.add_error(run_id, "https://shop.example/gone", "HTTP 404")
        store.set_progress(run_id, total=len(pieces) + 1, done=len(pieces), failed=1, skipped=0)
        store.finish_run(run_id, "done")
    return run_id


#: Last month's run: fewer pages, and the home page still spoke to Beth (it improved since).
OLD_DRAFTS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("https://shop.example/", "landing", [
        ("title", "Invoicing platform for growing organisations"),
        ("hero", "Request a demo and our team will walk your stakeholders through it."),
        ("cta", "Contact sales")]),
    *DRAFTS[1:6],
]


def add_running_run(db: Path, engine: Engine | None = None, name: str = "nightly crawl") -> str:
    """A run still going (as a crawl in another process would leave it), with its progress.
    The test process claims it as a crawl does its own: a run that no live process holds
    counts as interrupted once its progress is a minute old, and a slow test module outlived
    that minute."""
    from audit.runs.lock import RunLock

    engine = engine or Engine()
    with Store(db) as store:
        run_id = store.create_run(name=name, sources=["https://shop.example/sitemap.xml"], config={},
                                  personas=[p.to_dict() for p in engine.personas],
                                  profile=engine.profile, model=engine.pipeline.model,
                                  target=engine.config.target)
        store.set_progress(run_id, total=400, done=120, failed=3, skipped=1, rate=4.2, eta=66)
        RunLock(store, run_id).acquire()
    return run_id
