"""`antipersona report`: a stored run (and optionally another to compare with) in one format."""

from __future__ import annotations

import io
import json

from rich.console import Console

from ..store.store import Store
from .build import dump_json


def render_report(store: Store, run: str | None, *, fmt: str, diff: str | None = None,
                  width: int | None = None) -> str:
    run_id = store.resolve_run(run)
    report = store.report(run_id)
    changes = None
    if diff:
        from .diff import diff_reports

        changes = diff_reports(store.report(store.resolve_run(diff)), report)
        report["diff"] = changes
    if fmt == "json":
        return dump_json(report)
    if fmt == "csv":
        from .csv import render_csv

        return render_csv(report)
    if fmt == "html":
        from .html import render_html

        return render_html(report, diff=changes)
    if fmt == "sarif":
        from .sarif import build_sarif

        return json.dumps(build_sarif(report), indent=2, ensure_ascii=False) + "\n"
    buf = io.StringIO()
    console = Console(file=buf, width=width or 120, highlight=False, force_terminal=False)
    from .table import render_table

    render_table(report, console)
    if changes is not None:
        from .diff import render_diff_table

        render_diff_table(changes, console)
    return buf.getvalue()
