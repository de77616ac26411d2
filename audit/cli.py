"""The `antipersona` command line. It parses options, calls the library and prints; the
checking, auditing and reporting logic all live in the library."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO, cast

import typer

from . import __version__
from .config import Config, load_config
from .errors import AntipersonaError, InputError, LexiconError
from .models import InputProblem
from .report.words import plural
from .termsafe import safe

app = typer.Typer(
    name="antipersona",
    help="Find the copy that attracts the customers you do not want.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
personas_app = typer.Typer(help="The persona packs in use: list, show, lint; learn proposes one.",
                           no_args_is_help=True)
app.add_typer(personas_app, name="personas")
outcomes_app = typer.Typer(help="Per-page outcomes (GA4, Search Console, url,metric,value CSV) "
                           "joined to a stored run.", no_args_is_help=True)
app.add_typer(outcomes_app, name="outcomes")
runs_app = typer.Typer(help="The stored runs: list them, delete one.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")

if TYPE_CHECKING:
    from rich.console import Console


@cache
def err() -> Console:
    """The stderr console, made on first use: importing rich takes ~30 ms, which a large
    check would otherwise spend before its worker processes start (they never print)."""
    return console(stderr=True, soft_wrap=True)


def console(**options: bool) -> Console:
    from rich.console import Console

    return Console(highlight=False, **options)

ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Config file (antipersona.toml "
                                                "or pyproject.toml). Default: the nearest one.")]
PersonasOpt = Annotated[list[Path] | None, typer.Option("--personas", help="Folder or YAML file "
                                                        "of persona packs (repeatable).")]
TargetOpt = Annotated[str | None, typer.Option("--target", help="Target persona id.")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="fast, trained, auto or a spaCy "
                                              "package name.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one plain line to stderr and return the Exit to raise."""
    err().print(safe("antipersona: " + message), markup=False, highlight=False)
    return typer.Exit(code)


def check_output(path: Path) -> None:
    """Refuse an output file that cannot be written before any work is done: a folder, or a
    file in a folder that does not exist or may not be entered."""
    try:
        is_dir, parent_is_dir = path.is_dir(), path.parent.is_dir()
    except OSError as exc:
        raise fail(f"{path}: cannot write ({exc.strerror or exc})") from exc
    if is_dir:
        raise fail(f"{path}: is a folder, not a file; name the file to write")
    if not parent_is_dir:
        raise fail(f"{path}: cannot write: the folder {path.parent} does not exist")


def write_output(path: Path, text: str) -> None:
    """Write an output file, or say in one line why it cannot be written (exit 2)."""
    check_output(path)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"{path}: cannot write ({exc.strerror or exc})") from exc


def settings(config: Path | None, personas: list[Path] | None, target: str | None,
             model: str | None) -> Config:
    cfg = load_config(config)
    return cfg.with_overrides(personas=tuple(personas) if personas else None, target=target,
                              model=model)


@app.command()
def check(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE...", help="Files or folders (txt, md, html, eml), or - for stdin.")],
    channel: Annotated[str | None, typer.Option("--channel", "-c", help="Channel of the pieces "
                                                "(landing, blog, email, ad, social, docs, draft).")]
    = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json, sarif or rdjson "
                                     "(reviewdog).")] = "text",
    fail_on: Annotated[list[str] | None, typer.Option("--fail-on", help="Exit 1 when a piece gets "
                                                      "this verdict: wrong-audience, mixed, risk "
                                                      "(repeatable or comma-separated).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show every cue.")] = False,
    config: ConfigOpt = None,
    personas: PersonasOpt = None,
    target: TargetOpt = None,
    model: ModelOpt = None,
) -> None:
    """Check drafts and files: which phrases pull in an anti-persona, and what to write instead.

    Example: antipersona check examples/drafts/*.md --fail-on wrong-audience,risk
    """
    from .runs.check import check_inputs

    _LEAVE_AT_ONCE[0] = True
    if fmt not in ("text", "json", "sarif", "rdjson"):
        raise fail(f"unknown --format '{fmt}' (use text, json, sarif or rdjson)")
    triggers = {v.strip() for item in (fail_on or []) for v in item.split(",") if v.strip()}
    bad = triggers - {"wrong-audience", "mixed", "risk"}
    if bad:
        raise fail(f"unknown --fail-on value {', '.join(sorted(bad))} "
                   "(use wrong-audience, mixed or risk)")
    cfg = settings(config, personas, target, model)
    if channel is not None and channel not in cfg.channels:
        raise fail(f"unknown channel '{channel}' (known: {', '.join(cfg.channels)}; add yours "
                   "under channels in antipersona.toml)")
    from .report.build import write_json

    compact = fmt == "json" and not sys.stdout.isatty()
    try:
        outcome = check_inputs(files, cfg, channel=channel, on_error=_report_problem,
                               encode=compact)
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None
    report = outcome.report
    if fmt == "json":
        write_json(sys.stdout, report, pretty=not compact, encoded_pieces=outcome.encoded)
    elif fmt == "sarif":
        from .report.sarif import build_sarif

        sarif = build_sarif(report, outcome.originals)
        sys.stdout.write(json.dumps(sarif, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "rdjson":
        from .report.rdjson import build_rdjson

        rdjson = build_rdjson(report, outcome.originals)
        sys.stdout.write(json.dumps(rdjson, indent=2, ensure_ascii=False) + "\n")
    else:
        from .report.text import render_text

        render_text(report, console(soft_wrap=True), verbose=verbose)
    from .report.tripped import tripped_lines

    tripped = tripped_lines(report, triggers, outcome.encoded)
    for line in tripped:  # which pieces fail the CI job, and why, the way every error line is
        fail("--fail-on: " + line)
    if outcome.errors:
        raise typer.Exit(2)
    if tripped:
        raise typer.Exit(1)


@app.command("extract")
def extract(
    inputs: Annotated[list[str], typer.Argument(
        metavar="FILE...|URL...", help="Files or folders (html, md, eml, txt), - for stdin, or "
        "http(s) URLs.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    channel: Annotated[str | None, typer.Option("--channel", "-c", help="Channel of the pieces "
                                                "(default: from the URL or file).")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow loopback and "
                                                "private addresses (refused by default).")]
    = False,
    no_robots: Annotated[bool, typer.Option("--ignore-robots", help="Fetch pages robots.txt "
                                            "disallows (only for your own site).")] = False,
    config: ConfigOpt = None,
) -> None:
    """What the tool reads on a page: its sections with roles, site chrome marked.

    Answers "why did it say that about this page?". Example:
    antipersona extract https://example.com/pricing -f json
    """
    from .crawl.results import FetchSettings
    from .runs.extracting import extract_inputs

    if fmt not in ("text", "json"):
        raise fail(f"unknown --format '{fmt}' (use text or json)")
    cfg = load_config(config)
    if channel is not None and channel not in cfg.channels:
        raise fail(f"unknown channel '{channel}' (known: {', '.join(cfg.channels)})")
    fetch = FetchSettings(allow_private=allow_private, robots=not no_robots)
    try:
        result = extract_inputs(inputs, cfg, fetch=fetch, channel=channel,
                                on_error=_report_problem)
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None
    if fmt == "json":
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    else:
        from .report.sections import render_sections

        render_sections(result, sys.stdout, width=shutil.get_terminal_size((80, 24)).columns)
    if result["errors"]:
        raise typer.Exit(2)


def _report_problem(problem: InputProblem) -> None:
    fail(f"{problem.source}: {problem.error}")


DbOpt = Annotated[Path | None, typer.Option("--db", help="SQLite file with runs (default "
                                            "./antipersona.db or $ANTIPERSONA_DB).")]


@app.command("audit")
def audit_cmd(
    sources: Annotated[list[str] | None, typer.Argument(
        metavar="SOURCE...",
        help="URL lists (.txt, .csv), sitemap URLs or files, page URLs, .eml files or folders, "
             ".mbox, ad CSV exports, HTML files or folders.")] = None,
    db: DbOpt = None,
    name: Annotated[str | None, typer.Option("--name", help="A name for the run.")] = None,
    resume: Annotated[str | None, typer.Option("--resume", help="Carry on an interrupted run "
                                               "(id, prefix or 'latest').")] = None,
    channel: Annotated[str | None, typer.Option("--channel", "-c", help="File every piece under "
                                                "this channel.")] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", help="Requests at once, "
                                                    "in all [default: 8].")] = None,
    per_host: Annotated[int | None, typer.Option("--per-host", help="Requests at once per host "
                                                 "[default: 2].")] = None,
    delay: Annotated[float | None, typer.Option("--delay", help="Seconds between requests to "
                                                "one host, 0 turns it off [default: 1].")] = None,
    user_agent: Annotated[str | None, typer.Option("--user-agent", help="User-Agent header, "
                                                   "also the robots.txt agent.")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="Seconds per request in all "
                                                  "[default: 30].")] = None,
    max_bytes: Annotated[int | None, typer.Option("--max-bytes", help="Largest page body read, "
                                                  "in bytes after decompression [default: "
                                                  "5000000].")] = None,
    no_robots: Annotated[bool | None, typer.Option("--no-robots/--robots", help="Ignore "
                                                   "robots.txt (only for sites you own).",
                                                   show_default=False)] = None,
    allow_private: Annotated[bool | None, typer.Option(
        "--allow-private/--no-allow-private", help="Allow loopback and private addresses "
        "(internal sites, tests).", show_default=False)] = None,
    render: Annotated[str | None, typer.Option("--render", help="Read client-rendered pages in "
                                               "the system's Chromium: never, auto (pages "
                                               "flagged as script shells) or always [default: "
                                               "never].")] = None,
    config: ConfigOpt = None,
    personas: PersonasOpt = None,
    target: TargetOpt = None,
    model: ModelOpt = None,
) -> None:
    """Crawl and analyse sources into a stored run; progress on stderr, resumable.

    A resumed run keeps the settings it was started with; fetch options given with --resume
    replace them, and pages that failed (or were refused by a setting you changed) are tried
    again. Example: antipersona audit urls.csv https://example.com/sitemap.xml --name "May audit"
    """
    from .crawl.results import FetchSettings
    from .progress import ProgressPrinter
    from .runs.audit import follow_up, resume_command, run_audit
    from .store.store import db_path

    cfg = settings(config, personas, target, model)
    if channel is not None and channel not in cfg.channels:
        raise fail(f"unknown channel '{channel}' (known: {', '.join(cfg.channels)})")
    if not sources and not resume:
        raise fail("name at least one source, or --resume RUN")
    given = {"concurrency": concurrency, "per_host": per_host, "delay": delay,
             "user_agent": user_agent, "timeout": timeout, "max_bytes": max_bytes,
             "robots": None if no_robots is None else not no_robots,
             "allow_private": allow_private, "render": render}
    overrides = {k: v for k, v in given.items() if v is not None}
    try:
        FetchSettings(**overrides)  # a bad value is told before anything starts
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if render not in (None, "never"):
        from .crawl.render import RenderUnavailable, require_renderer

        try:
            require_renderer()
        except RenderUnavailable as exc:
            raise fail(str(exc)) from exc
    path = db_path(db)
    printer = ProgressPrinter(err())
    try:
        with printer:
            run_id = run_audit(list(sources or []), db=path, config=cfg, name=name,
                               resume=resume, channel=channel, fetch_overrides=overrides,
                               on_progress=printer.update, on_problem=printer.problem,
                               on_warning=printer.warning, keep_empty=False)
    except KeyboardInterrupt:
        stored = printer.last.done if printer.last else 0
        run = (printer.last.run_id if printer.last else None) or "latest"
        raise fail(f"interrupted; the {stored} piece(s) analysed so far are stored. Carry on "
                   f"with: {resume_command(run, path, db_path(None))}", 130) from None
    printer.summary(run_id, path)
    last = printer.last
    if last is not None and last.done == 0 and last.resumed == 0 and last.failed:
        raise typer.Exit(2)  # nothing could be read: every input was bad
    if last is not None and last.done == 0 and last.resumed == 0 and last.skipped:
        reasons = (f"see `{follow_up(['report', run_id], path, db_path(None))}` for each reason"
                   if last.kept else "each reason is above")
        raise fail(f"nothing was analysed: all {last.skipped} page(s) were skipped (robots.txt "
                   f"disallows them, or they are not HTML); {reasons}, or pass --no-robots for "
                   "a site you own")


@app.command("report")
def report_cmd(
    run: Annotated[str | None, typer.Argument(metavar="RUN", help="Run id or unique prefix; 'latest' "
                                              "(default) or 'previous'.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv, html or sarif.")]
    = "table",
    diff: Annotated[str | None, typer.Option("--diff", help="Compare with another run (id, "
                                             "prefix, 'previous').")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file "
                                                "instead of standard output.")] = None,
    db: DbOpt = None,
    min_sessions: Annotated[float | None, typer.Option(
        "--min-sessions", metavar="N", help="Outcome associations count only pages with at "
        "least N sessions (needs an imported Sessions metric).", min=0)] = None,
) -> None:
    """Show a stored run as a table, JSON, CSV, standalone HTML or SARIF; --diff compares runs.

    Example: antipersona report latest --format html -o audit.html --diff previous
    """
    from .report.render import render_report
    from .store.store import Store, db_path, store_exists

    if fmt not in ("table", "json", "csv", "html", "sarif"):
        raise fail(f"unknown --format '{fmt}' (use table, json, csv, html or sarif)")
    if output is not None:
        check_output(output)
    path = db_path(db)
    if not store_exists(path):
        raise fail(f"{path}: no run store here yet; run `antipersona audit ...` first or pass --db")
    with Store(path, readonly=True) as store:
        rendered = render_report(store, run, fmt=fmt, diff=diff,
                                 width=None if output else err().width, min_sessions=min_sessions)
    if output is not None:
        write_output(output, rendered)
        err().print(safe(f"wrote {output}"), markup=False)
    else:
        sys.stdout.write(rendered)


@outcomes_app.command("add")
def outcomes_add(
    run: Annotated[str, typer.Argument(metavar="RUN", help="Run id or unique prefix, 'latest' "
                                       "or 'previous' (as for report).")],
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE...", help="GA4 report exports (CSV), Search Console exports (Pages.csv "
        "or the zip), or url,metric,value CSV files.")],
    site: Annotated[str | None, typer.Option("--site", metavar="ORIGIN", help="Origin that "
                                             "turns page paths (GA4's Landing page, Page path) "
                                             "into addresses, e.g. https://www.example.com.")]
    = None,
    db: DbOpt = None,
) -> None:
    """Join per-page outcomes to a stored run; reports then show which persona scores travel
    with which outcomes. Each file says how many rows joined and which did not, and why.

    Example: antipersona outcomes add latest ga4-landing-pages.csv refunds.csv --site https://www.example.com
    """
    from .outcomes.importer import describe_result, import_outcomes
    from .outcomes.urls import check_site
    from .runs.audit import follow_up
    from .store.store import Store, db_path, store_exists

    if site is not None:
        try:
            site = check_site(site)
        except ValueError as exc:
            raise fail(f"--site {site}: {exc}") from exc
    path = db_path(db)
    if not store_exists(path):
        raise fail(f"{path}: no run store here yet; run `antipersona audit ...` first or pass --db")
    with Store(path) as store:
        run_id = store.resolve_run(run)
        results, problems = import_outcomes(
            store, run_id, files, site=site, on_problem=_report_problem,
            on_result=lambda r: print("\n".join(describe_result(r)), flush=True))
    if results:
        see = follow_up(["report", run_id], path, db_path(None))
        err().print(safe(f"imported {len(results)} file(s) into run {run_id}; see them with "
                         f"`{see}`"), markup=False)
    if problems:
        raise typer.Exit(2)


@runs_app.command("list")
def runs_list(db: DbOpt = None) -> None:
    """The stored runs, newest first: id, created, status, pieces, errors, name.

    Runs without pieces are marked empty; `latest` and `previous` pass them by.
    """
    from .store.store import Store, db_path, store_exists

    path = db_path(db)
    if not store_exists(path):
        raise fail(f"{path}: no run store here yet")
    with Store(path, readonly=True) as store:
        runs = store.runs()
    if not runs:
        err().print(f"no runs in {safe(str(path))}", markup=False)
    for r in runs:  # a name is whatever the user typed: no terminal controls in it
        status = "empty" if r["empty"] else r["status"]
        cells = [r["id"], str(r["created"])[:16].replace("T", " "), status,
                 plural(r["pieces"], "piece"), plural(r["errors"], "error"), r["name"] or ""]
        sys.stdout.write("\t".join(safe(cell) for cell in cells) + "\n")


@runs_app.command("delete")
def runs_delete(
    runs: Annotated[list[str], typer.Argument(metavar="RUN...", help="Run ids, unique prefixes "
                                              "or names ('latest' and 'previous' too).")],
    db: DbOpt = None,
) -> None:
    """Delete stored runs with their pieces, errors and fetch log.

    A run another process is still writing (an audit going on) is not deleted (exit 2).
    Example: antipersona runs delete 20261122-2153
    """
    from .runs.lock import RunBusy, delete_run
    from .store.store import Store, db_path, store_exists

    path = db_path(db)
    if not store_exists(path):
        raise fail(f"{path}: no run store here yet")
    busy = False
    with Store(path) as store:
        ids = [store.resolve_run(ref) for ref in runs]  # all resolved before any is deleted
        counts = {r["id"]: r["pieces"] for r in store.runs()}
        for run_id in dict.fromkeys(ids):
            try:
                delete_run(store, run_id)
            except RunBusy as exc:
                fail(str(exc))
                busy = True
                continue
            err().print(safe(f"deleted run {run_id} ({plural(counts.get(run_id, 0), 'piece')})"),
                        markup=False, highlight=False)
    if busy:
        raise typer.Exit(2)


@app.command("eval")
def eval_cmd(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Labelled copy: JSONL or YAML "
                                         "items with text, label and optional channel (default "
                                         "draft), id, split; or the eval/labelled.yaml shape.")],
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", metavar="LABEL=VERDICT_OR_PERSONA,...",
        help="What your labels mean: on-target, neutral, mixed, wrong-audience, risk, or a pack "
             "id (the wrong-audience or risk verdict naming it). Labels that already are "
             "verdict names or pack ids need none. Repeatable or comma-separated.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    model: Annotated[str | None, typer.Option(
        "--model", "--profile", help="fast, trained, auto or a spaCy package name, as for check "
        "(default: the config's model; auto takes trained when installed). --profile is its "
        "older name.")] = None,
    group_by: Annotated[str | None, typer.Option("--group-by", metavar="FIELD",
                                                 help="Also show accuracy per value of this "
                                                 "field (a URL counts as its host), e.g. "
                                                 "source, channel, split.")] = None,
    config: ConfigOpt = None,
    personas: PersonasOpt = None,
    target: TargetOpt = None,
) -> None:
    """Measure the packs on your own labelled copy; --map says what your labels mean.

    Prints verdict macro-F1 and accuracy, per-label F1, per-persona AUC, the confusion table,
    the cue groups' false-positive rates and the misses (-f json: one object).

    Example: antipersona eval labelled.jsonl --map solo=on-target,enterprise=beth-bureaucrat
    """
    from .engine.engine import Engine
    from .evaluate import (
        check_items,
        evaluate,
        load_labelled,
        parse_map,
        render_text,
        to_json,
        unused_map_labels,
    )

    if fmt not in ("text", "json"):
        raise fail(f"unknown --format '{fmt}' (use text or json)")
    try:
        labels = parse_map(mapping or [])
    except ValueError as exc:
        raise fail(str(exc)) from exc
    cfg = settings(config, personas, target, model)
    items = load_labelled(file)
    engine = Engine(cfg)
    try:
        check_items(engine, items, labels, group_by)
    except ValueError as exc:
        raise fail(f"{file}: {exc}") from exc
    unused = unused_map_labels([it.label for it in items], labels)
    if unused:  # a typo, or a --map shared with other files: said, not fatal
        err().print(safe(f"antipersona: warning: {file}: --map names a label no item has: "
                         f"{', '.join(unused)} (the labels: "
                         f"{', '.join(dict.fromkeys(it.label for it in items))})"), markup=False,
                    highlight=False)
    res = evaluate(engine, items, labels, group_by=group_by)
    res = {"file": str(file), "profile": engine.profile, "target": cfg.target, **res}
    if fmt == "json":
        sys.stdout.write(to_json(res))
    else:
        sys.stdout.write(safe(render_text(res, title=f"{file} ({engine.profile} profile, target "
                                                     f"{cfg.target})"), keep_layout=True))


@personas_app.command("list")
def personas_list(config: ConfigOpt = None, personas: PersonasOpt = None) -> None:
    """The packs in use with their kind, size and version."""
    from .packs.lexicon import load_packs

    cfg = settings(config, personas, None, None)
    out = console()
    for p in load_packs(cfg.personas or None):
        mark = " (target)" if p.id == cfg.target else ""
        mark += " (proposed)" if p.status == "proposed" else ""
        out.print(safe(f"{p.id:<24} {p.kind:<13} {len(p.cues):>2} groups {p.size:>4} cues  "
                       f"v{p.version}  {p.name}{mark}"), markup=False, soft_wrap=True)  # one line a pack


@personas_app.command("show")
def personas_show(
    persona_id: Annotated[str, typer.Argument(metavar="PERSONA_ID", help="Pack id, e.g. beth-bureaucrat.")],
    config: ConfigOpt = None,
    personas: PersonasOpt = None,
) -> None:
    """One pack: its groups, weights, terms, notes and suggestions."""
    from .packs.lexicon import load_packs

    cfg = settings(config, personas, None, None)
    packs = {p.id: p for p in load_packs(cfg.personas or None)}
    if persona_id not in packs:
        raise fail(f"no pack '{persona_id}' (in use: {', '.join(packs)})")
    p = packs[persona_id]
    out = console()

    def say(text: str, **style: str) -> None:  # pack text comes from users' files
        out.print(safe(text, keep_layout=True), markup=False, **style)

    say(f"{p.name} ({p.id}, {p.kind}, v{p.version})", style="bold")
    say(p.description)
    say(f"file: {p.path}", style="dim")
    for g in p.cues:
        say(f"\n{g.group}  weight {g.weight:g}  ({g.size} cues)", style="bold")
        if g.note:
            say(f"  why: {g.note}")
        if g.terms:
            say("  terms: " + ", ".join(g.terms))
        if g.acronyms:
            say("  acronyms: " + ", ".join(g.acronyms))
        if g.patterns:
            say(f"  patterns: {len(g.patterns)}")
        if g.regex:
            say("  regex: " + "  ".join(g.regex))
        if g.suggest:
            say("  try instead: " + "; ".join(g.suggest))
    for t in p.tone:
        say(f"tone: {t.describe()} (weight {t.weight:g})")


@personas_app.command("lint")
def personas_lint(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH...", help="Pack files or folders (default: the packs in use).")] = None,
    config: ConfigOpt = None,
    personas: PersonasOpt = None,
) -> None:
    """Validate packs; print every problem as file:line: message and exit 2 if there are any."""
    from .packs.lexicon import DEFAULT_LEXICON_DIR, lint_paths
    from .packs.locations import with_user_edits

    cfg = load_config(config)
    targets = [*(paths or []), *(personas or [])] or list(cfg.personas) or [DEFAULT_LEXICON_DIR]
    packs, problems = lint_paths(with_user_edits(targets) if not paths else targets)
    for line in problems:
        print(safe(line))
    if problems:
        err().print(f"{len(problems)} problem(s) in persona packs", markup=False)
        raise typer.Exit(2)
    print(f"ok: {len(packs)} pack(s), {sum(p.size for p in packs)} cues")


@personas_app.command("learn")
def personas_learn(
    anti: Annotated[Path, typer.Argument(metavar="ANTI", help="Texts of the audience to model "
                                         "(e.g. refund requests): .txt with one document a "
                                         "line, .csv or .jsonl with a 'text' field, or a folder "
                                         "of .txt/.md files.")],
    against: Annotated[Path, typer.Option("--against", metavar="TARGET", help="Texts to compare "
                                          "with (e.g. happy customers), in the same forms.")],
    pack_id: Annotated[str, typer.Option("--id", help="Id of the new pack (lower-case letters, "
                                         "digits, hyphens).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Pack file to write "
                                                "(default ID.yaml; its name must be the id).")]
    = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name of the pack.")] = None,
    kind: Annotated[str, typer.Option("--kind", help="anti-persona, persona or risk.")]
    = "anti-persona",
    top: Annotated[int, typer.Option("--top", help="At most this many terms.", min=1)] = 40,
    min_df: Annotated[int, typer.Option("--min-df", help="A term must occur in at least this "
                                        "many ANTI documents.", min=1)] = 3,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Propose a pack from two sets of texts: the terms that lean most to ANTI against TARGET
    (log-odds ratio with an informative Dirichlet prior), marked status: proposed, each with
    its z-score, counts and examples. Review it, then lint and use it.

    Example: antipersona personas learn examples/learn/refund-requests.txt
    --against examples/learn/happy-customers.txt --id refund-seeker -o refund-seeker.yaml
    """
    from .packs.learn import check_pack_options, learn_pack

    try:
        check_pack_options(pack_id, kind)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    path = output or Path(f"{pack_id}.yaml")
    if path.suffix not in (".yaml", ".yml") or path.stem != pack_id:
        raise fail(f"{path}: a pack file is named after its id: {pack_id}.yaml")
    if path.exists() and not force:
        raise fail(f"{path}: already exists (use --force to overwrite)")
    check_output(path)
    import shlex

    command = "antipersona " + shlex.join(sys.argv[1:])
    try:
        text, proposal = learn_pack(anti, against, pack_id=pack_id, name=name, kind=kind,
                                    top=top, min_df=min_df, command=command)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    for warning in proposal.warnings:
        err().print(safe(f"antipersona: warning: {warning}"), markup=False)
    write_output(path, text)
    strongest = ", ".join(proposal.surface[s.term] for s in proposal.terms[:8])
    err().print(safe(f"wrote {path}: {len(proposal.terms)} proposed term(s) from "
                     f"{proposal.n_anti} vs {proposal.n_against} documents; strongest: "
                     f"{strongest}"), markup=False)


@app.command("app")
def run_app(
    db: Annotated[Path | None, typer.Option("--db", help="SQLite file with runs "
                                            "(default ./antipersona.db or $ANTIPERSONA_DB).")]
    = None,
    address: Annotated[str, typer.Option("--address", help="Address to listen on. The default "
                                         "is this machine only; anything else lets others on "
                                         "the network use the app, with no login.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port for the Streamlit server.")] = 8501,
    allow_private_from_app: Annotated[bool, typer.Option(
        "--allow-private-from-app", help="On an address other than loopback, keep the Run "
        "page's 'allow internal addresses' option (off there by default).")] = False,
    allow_pack_edits: Annotated[bool, typer.Option(
        "--allow-pack-edits", help="On an address other than loopback, keep the pack editor's "
        "Save (off there by default).")] = False,
    browser: Annotated[bool, typer.Option("--browser/--no-browser", help="Open a browser "
                                          "window too (otherwise the address is printed).")]
    = False,
) -> None:
    """Start the Streamlit report (same as `streamlit run app.py`) and print its address.

    It listens on 127.0.0.1 unless --address says otherwise.

    Example: antipersona app --db .antipersona-demo/antipersona.db
    """
    import subprocess

    from .ui.exposure import (
        ENV_ALLOW_PACK_EDITS,
        ENV_ALLOW_PRIVATE,
        app_policy,
        exposure_warning,
        listen_problem,
    )

    if not address.strip():
        raise fail("--address needs an address, e.g. 127.0.0.1 or 0.0.0.0")
    problem = listen_problem(address, port)
    if problem:
        raise fail(problem)
    from .store.store import check_store, db_path

    check_store(db_path(db))  # a store it could not read is told here, not in the browser
    script = Path(__file__).resolve().parent / "ui" / "app.py"  # installed with the package
    env = dict(os.environ)
    if db is not None:
        env["ANTIPERSONA_DB"] = os.path.abspath(db)  # resolve() may not enter a folder
    if allow_private_from_app:
        env[ENV_ALLOW_PRIVATE] = "1"
    if allow_pack_edits:
        env[ENV_ALLOW_PACK_EDITS] = "1"
    warning = exposure_warning(app_policy(address, env))
    if warning:
        err().print(safe("antipersona: " + warning), markup=False, highlight=False)
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", address,
           "--server.port", str(port),
           # Headless also skips Streamlit's first-run e-mail prompt, which would block.
           "--browser.gatherUsageStats", "false", "--server.headless", str(not browser).lower(),
           "--client.toolbarMode", "viewer"]
    raise typer.Exit(subprocess.call(cmd, env=env))


def version_callback(value: bool) -> None:
    if value:
        print(f"antipersona {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=version_callback,
                                          is_eager=True, help="Print the version.")] = False,
) -> None:
    """antipersona: audit marketing copy for who it attracts."""


class QuietPipe:
    """A standard stream that goes quiet when its reader has gone (`antipersona check ... |
    head -1`): the rest of the output goes to /dev/null, as Python's documentation advises
    (so the flush at exit cannot fail either), and the command carries on to the exit code it
    would have had, instead of a traceback or click's exit 1 (which is --fail-on's code)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._to_devnull()
            return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._to_devnull()

    def _to_devnull(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        finally:
            os.close(devnull)
        with contextlib.suppress(OSError):
            self._stream.flush()  # what the pipe refused, to /dev/null

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # `kill` or a CI timeout: stop as Ctrl-C does, workers included


#: Set by a command that leaves nothing behind once its output is written (check): its process
#: then ends without the interpreter's teardown, which frees a large report's objects one by
#: one (~40 ms of a check of 2,000 files). Not for commands that keep a database or a server.
_LEAVE_AT_ONCE: list[bool] = [False]


def _leave(code: object) -> None:
    """End the process now with ``code``, the standard streams flushed."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    os._exit(code if isinstance(code, int) else 0)


def main() -> None:
    """Entry point: user mistakes become one clear line and exit 2, never a traceback."""
    signal.signal(signal.SIGTERM, _terminated)
    if sys.stdout is not None:
        sys.stdout = cast(TextIO, QuietPipe(sys.stdout))
    if sys.stderr is not None:
        sys.stderr = cast(TextIO, QuietPipe(sys.stderr))
    try:
        app(standalone_mode=True)
    except SystemExit as exc:
        if _LEAVE_AT_ONCE[0] and (exc.code is None or isinstance(exc.code, int)):
            _leave(exc.code)
        raise
    except LexiconError as exc:
        for line in exc.problems:
            err().print(safe(line), markup=False, highlight=False)
        sys.exit(2)
    except InputError as exc:
        err().print(safe(f"antipersona: {exc}"), markup=False, highlight=False)
        sys.exit(2)
    except AntipersonaError as exc:
        err().print(safe(f"antipersona: {exc}", keep_layout=True), markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err().print("antipersona: interrupted", markup=False)
        sys.exit(130)


