"""Pieces analysed with a warning, one line each in every text output (check, report's table,
the end of an audit).

A warning is not a failure: the piece was read and scored (an email whose body was lost to a
MIME boundary mismatch still has its subject audited), so it is told after the results, apart
from the sources that could not be read, and never changes an exit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

from ..termsafe import safe


def warning_text(warning: Mapping[str, Any]) -> str:
    """``SOURCE: TEXT``, without terminal control sequences (sources and texts come from file
    names and emails)."""
    return safe(f"{warning.get('source', '')}: {warning.get('warning', '')}")


def warning_line(warning: Mapping[str, Any]) -> Text:
    """``warning: SOURCE: TEXT`` for a rich console."""
    line = Text("warning: ", style="bold yellow")
    line.append(warning_text(warning))
    return line


def render_warnings(warnings: Iterable[Mapping[str, Any]], console: Console) -> None:
    """One line per warning (nothing when there are none)."""
    for warning in warnings:
        console.print(warning_line(warning), soft_wrap=True)
