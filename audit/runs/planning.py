"""Source planning: each command-line source sorted into its kind (page URL, URL list, sitemap
URL or file, .eml/.mbox, ad export, HTML file or folder), or a problem naming it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..models import InputProblem, Piece
from ..sources.folders import audit_folder
from ..sources.lists import is_sitemap_source
from ..sources.readers import read_piece, table_kind


@dataclass(slots=True)
class Plan:
    """What the sources turned into: URLs to fetch (lists, sitemaps, pages) and local files."""

    lists: list[Path] = field(default_factory=list)
    sitemap_urls: list[str] = field(default_factory=list)
    sitemap_files: list[Path] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    emails: list[Path] = field(default_factory=list)
    ads: list[Path] = field(default_factory=list)
    html: list[Path] = field(default_factory=list)
    #: Each local HTML file's place on its site, as a URL path ("/blog/post/index.html": its
    #: path below the folder named), which the config's URL rules read for its channel.
    site_paths: dict[Path, str] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)
    #: Files passed by (a folder's drafts and exports), told as skipped, never a failure.
    skipped: list[InputProblem] = field(default_factory=list)


def plan_sources(sources: list[str]) -> Plan:
    """Sort each command-line source into its kind, or a problem naming it."""
    plan = Plan()
    for src in sources:
        if src.startswith(("http://", "https://")) or "://" in src:
            if "://" in src and not src.startswith(("http://", "https://")):
                plan.problems.append(InputProblem(src, "only http and https addresses can be "
                                                       "audited"))
            elif is_sitemap_source(src):
                plan.sitemap_urls.append(src)
            else:
                plan.pages.append(src)
            continue
        path = Path(src)
        try:
            exists, is_dir = path.exists(), path.is_dir()
        except OSError as exc:  # a folder on the way that may not be entered, a name too long
            plan.problems.append(InputProblem(src, f"cannot read ({exc.strerror or exc})"))
            continue
        if not exists:
            plan.problems.append(InputProblem(src, "no such file or folder"))
        elif is_dir:
            _plan_folder(path, plan)
        else:
            _plan_file(path, plan)
    return plan


def _plan_folder(path: Path, plan: Plan) -> None:
    found = audit_folder(path)
    plan.problems.extend(found.unreadable)
    if found.problem:
        plan.problems.append(InputProblem(str(path), found.problem))
    if found.skipped:
        plan.skipped.append(InputProblem(str(path), found.skipped))
    plan.emails.extend(found.emails)
    plan.html.extend(found.html)
    for page in found.html:
        plan.site_paths[page] = "/" + page.relative_to(path).as_posix()


def _plan_file(path: Path, plan: Plan) -> None:
    suffix = "".join(path.suffixes[-2:]).lower() if path.name.endswith(".gz") else \
        path.suffix.lower()
    if suffix in (".eml", ".mbox") or path.name.lower() == "mbox":
        plan.emails.append(path)
    elif suffix in (".html", ".htm"):
        plan.html.append(path)
        plan.site_paths[path] = "/" + path.name
    elif suffix in (".xml", ".xml.gz") or is_sitemap_source(path.name):
        plan.sitemap_files.append(path)
    elif suffix in (".txt", ".list", ""):
        plan.lists.append(path)
    elif suffix in (".csv", ".tsv"):
        (plan.lists if _csv_has_url_column(path) else plan.ads).append(path)
    else:
        plan.problems.append(InputProblem(str(path), "unknown kind of source (expected a URL "
                                          "list .txt/.csv, sitemap .xml, .eml/.mbox, ad export "
                                          ".csv or .html)"))


def _csv_has_url_column(path: Path) -> bool:
    """Whether a CSV goes to the URL list reader (see readers.table_kind); an ad export, or a
    CSV with neither layout, goes to the ad reader, which names what it expected."""
    try:
        head = path.read_bytes()[:16_384]
        # the same decoding as the readers: UTF-16 without a byte-order mark included
        kind = table_kind(head[: len(head) - len(head) % 2], str(path))
    except (OSError, InputError):
        return True  # read_url_list reports the problem with the file
    return (kind is not None and kind[0] == "urls") or not head.strip()


def _guard(reader: Callable[[Path], Iterator[Any]], path: Path) -> Iterator[Any]:
    """A reader whose whole-file failure (no url column, unknown ad layout) becomes a problem."""
    try:
        yield from reader(path)
    except InputError as exc:
        yield InputProblem(exc.source, exc.message)
    except OSError as exc:
        yield InputProblem(str(path), f"cannot read ({exc.strerror or exc})")


def _read_html_file(path: Path, channel: str = "landing") -> Iterator[Piece | InputProblem]:
    """A local HTML page, read as `check` reads it; a bad file becomes a problem."""
    try:
        yield read_piece(path, channel=channel)
    except InputError as exc:
        yield InputProblem(exc.source, exc.message)
