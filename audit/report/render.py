"""`antipersona report`: a stored run (and optionally another to compare with) in one format."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console

from ..store.store import Store
from .build import dump_json


def render_report(store: Store, run: str | None, *, fmt: str, diff: str | None = None,
                  width: int | None = None, min_sessions: float | None = None) -> str:
    run_id = store.resolve_run(run)
    report = store.report(run_id, min_sessions=min_sessions)
    changes = None
    if diff:
        from .diff import diff_reports

        changes = diff_reports(store.report(store.resolve_run(diff, relative_to=run_id),
                                            min_sessions=min_sessions), report)
        report["diff"] = changes
    return export(report, fmt, diff=changes, width=width)


def export(report: dict[str, Any], fmt: str, *, diff: dict[str, Any] | None = None,
           width: int | None = None, pretty: bool | None = None) -> str:
    """A report (``Store.report``) in one format: json, csv, html, sarif or table."""
    changes = diff
    if fmt == "json":
        return dump_json(report, pretty=pretty)
    if fmt == "csv":
        from .csv import render_csv

        return render_csv(report)
    if fmt == "html":
        from .html import render_html

        return render_html(report, diff=changes)
    if fmt == "sarif":
        from .sarif import build_sarif

        return json.dumps(build_sarif(report), indent=2, ensure_ascii=False) + "\n"
    from ..termsafe import safe_tree

    # Names, titles, addresses and imported metric names: no terminal controls in any part.
    report = safe_tree(report)
    changes = safe_tree(changes) if changes is not None else None
    buf = io.StringIO()
    console = Console(file=buf, width=width or 120, highlight=False, force_terminal=False)
    from .table import render_table

    render_table(report, console)
    from .outcomes_view import render_outcome_moves, render_outcomes

    render_outcomes(report, console)
    if changes is not None:
        from .diff import render_diff_table

        render_diff_table(changes, console)
        render_outcome_moves(changes, console)
    return buf.getvalue()
