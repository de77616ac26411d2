"""Emails (.eml, folders of them, .mbox) -> Pieces with subject, preheader, body and CTAs.

In an inbox the subject and the preview text do the selling before anyone opens the mail,
so they get their own roles. HTML parts go through the same extraction as web pages, so a
button in a newsletter counts like a button on a landing page.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email import errors
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..extract.html import normalize_space, parse_html, sections_from_tree
from ..models import CHROME_ROLES, InputProblem, Piece, Section
from .decode import decode_bytes, looks_binary
from .folders import walk_folder
from .mailchrome import mail_chrome
from .mailheader import body_charset, header_text
from .mbox import MessageTooLarge, split_mbox

#: One message of an mbox larger than this is refused (a body that big is not an email).
MAX_MESSAGE = 50_000_000

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_MAIL_HEADERS = ("from", "to", "subject", "date", "message-id", "mime-version", "received")
#: Headers that tell a message from text that only opens with "Subject:" (see looks_like_email).
_SNIFF_NAMES = frozenset({*_MAIL_HEADERS, "cc", "bcc", "reply-to", "sender", "return-path",
                          "delivered-to", "content-type", "content-transfer-encoding",
                          "list-unsubscribe", "list-id", "x-mailer", "user-agent",
                          "dkim-signature", "authentication-results", "x-original-to"})
_IDENTIFYING = frozenset({"from", "to", "subject", "date", "message-id"})
#: A header block longer than this many lines before its blank line is not sniffed as one.
_SNIFF_HEADERS = 400
_SNIFF_BYTES = 256 * 1024
#: Hidden preview text as email builders write it.
_PREHEADER_CLASS = re.compile(r"pre-?header|preview(?:-?text)?|preview|hidden-?preview")
_PREHEADER_STYLE = re.compile(
    r"display\s*:\s*none|max-height\s*:\s*0|opacity\s*:\s*0(?![.\d]*[1-9])|mso-hide\s*:\s*all|"
    r"visibility\s*:\s*hidden",
    re.IGNORECASE,
)
_PREHEADER_SCAN = 60
_PREHEADER_MAX = 400
_PREVIEW_MAX = 140
_BOUNDARY_LINE = re.compile(r"^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*\r?$", re.MULTILINE)
_BOUNDARY_PARAM = re.compile(rb'boundary\s*=\s*(?:"[^"\r\n]*"|[^\s;]+)', re.IGNORECASE)
_MBOX_FROM_RE = re.compile(r">+From ")
_C1_RE = re.compile("[\x80-\x9f]+")


def eml_to_piece(data: bytes, source: str) -> Piece:
    """Parse one RFC 822 message into a Piece (channel "email"); InputError if not an email."""
    _check_is_email(data, source)
    msg = email.message_from_bytes(data, policy=email.policy.default)
    msg, warnings = _mend_boundary(data, msg)
    fallback = body_charset(msg)
    headers = {name: _header(msg, name, fallback) for name in _MAIL_HEADERS}
    if not any(headers[h] for h in ("from", "to", "subject", "date", "message-id")):
        raise InputError(source, "not an email: no From, To, Subject or Date header")
    subject = normalize_space(headers["subject"])
    sections: list[Section] = [Section("subject", subject)] if subject else []
    body = _body_sections(msg, source)
    sections.extend(body)
    meta = _meta(msg, headers)
    warnings += _boundary_warnings(msg, bool(body))
    if not body and not warnings:  # a body lost to its MIME boundary is a warning instead
        raise InputError(source, _why_no_body(data))
    if warnings:
        meta["warnings"] = warnings
    return Piece(source=source, sections=sections, channel="email", title=subject, meta=meta)


def looks_like_email(data: bytes) -> bool:
    """Whether ``data`` is an RFC 822 message, for input that has no .eml name to go by
    (stdin, a .txt): it opens with a block of header lines, continuation lines allowed, up to
    a blank line or the end, naming at least two mail headers, one of them From, To, Subject,
    Date or Message-ID. A draft that starts "Subject: ..." and goes on with its copy stays a
    draft."""
    names: set[str] = set()
    head = data[:_SNIFF_BYTES].lstrip(b"\r\n")
    for count, line in enumerate(head.split(b"\n", _SNIFF_HEADERS), start=1):
        if not line.strip():
            break
        if count > _SNIFF_HEADERS:
            return False
        if line[:1] in (b" ", b"\t") and names:
            continue  # a folded header goes on
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.add(match.group().rstrip(b":").decode("ascii").lower())
    known = names & _SNIFF_NAMES
    return len(known) >= 2 and bool(known & _IDENTIFYING)


def iter_emails(path: Path) -> Iterator[Piece | InputProblem]:
    """Pieces from a .eml file, a folder of them (recursive, sorted, hidden files left out) or
    an mbox file.

    A broken message becomes an InputProblem naming the file (and message number in an
    mbox); the others carry on.
    """
    path = Path(path)
    if path.is_dir():
        walk = walk_folder(path, (".eml", ".mbox"))
        yield from walk.unreadable
        for file in walk.files:
            yield from _iter_file(file)
    elif path.is_file():
        yield from _iter_file(path)
    else:
        raise InputError(str(path), "no such file or folder")


# --- files -------------------------------------------------------------------------------


def _iter_file(path: Path) -> Iterator[Piece | InputProblem]:
    try:
        with path.open("rb") as fh:
            head = fh.read(5)
    except OSError as exc:
        yield InputProblem(str(path), f"cannot read the file: {exc.strerror or exc}")
        return
    if path.suffix.lower() == ".mbox" or head == b"From ":
        yield from _iter_mbox(path)
        return
    try:
        yield eml_to_piece(path.read_bytes(), str(path))
    except InputError as exc:
        yield InputProblem(str(path), exc.message)
    except OSError as exc:
        yield InputProblem(str(path), f"cannot read the file: {exc.strerror or exc}")
    except Exception as exc:  # untrusted input: one bad message must not stop the batch
        yield InputProblem(str(path), f"could not parse the message ({type(exc).__name__})")


def _iter_mbox(path: Path) -> Iterator[Piece | InputProblem]:
    number = 0
    try:
        for number, data in enumerate(split_mbox(path, max_message=MAX_MESSAGE), start=1):
            source = f"{path}:message {number}"
            try:
                yield eml_to_piece(data, source)
            except InputError as exc:
                yield InputProblem(source, exc.message)
            except Exception as exc:  # untrusted input: keep going with the next message
                yield InputProblem(source, f"could not parse the message ({type(exc).__name__})")
    except OSError as exc:
        yield InputProblem(str(path), f"cannot read the mbox: {exc.strerror or exc}")
        return
    except MessageTooLarge as exc:
        yield InputProblem(f"{path}:message {number + 1}", str(exc))
        return
    if number == 0:
        yield InputProblem(str(path), "the mbox holds no messages")


# --- one message -------------------------------------------------------------------------


def _check_is_email(data: bytes, source: str) -> None:
    """Refuse binaries and files that do not open with header lines."""
    if not data.strip():
        raise InputError(source, "empty file")
    if looks_binary(data):
        decode_bytes(data, source)  # raises with the binary format named
    first = data.lstrip(b"\r\n\t ").split(b"\n", 1)[0]
    if first.startswith(b"From "):  # mbox separator line left on a single message
        rest = data.lstrip().split(b"\n", 1)
        first = rest[1].split(b"\n", 1)[0] if len(rest) > 1 else b""
    if not _HEADER_LINE.match(first):
        raise InputError(source, "not an email: it does not start with mail headers")


def _why_no_body(data: bytes) -> str:
    """Why a message gave no body copy, as a user can check it: nothing after the headers, or
    no part that holds text."""
    ends = [i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0]
    if not ends or not data[min(ends):].strip():
        return "no readable body: the email has headers only, nothing to check"
    return ("no readable body: no text or HTML part with copy in it (attachments are not "
            "read), nothing to check")


def _header(msg: Message, name: str, fallback: str | None = None) -> str:
    """A header as text, as a mail client shows it (see :mod:`.mailheader`)."""
    return _fix_c1(header_text(msg, name, fallback))


def _fix_c1(text: str) -> str:
    """Mailers label cp1252 as ISO-8859-1; C1 controls then stand for dashes and quotes."""
    if not _C1_RE.search(text):
        return text
    return _C1_RE.sub(lambda m: m.group().encode("latin-1").decode("cp1252", "replace"), text)


def _mend_boundary(data: bytes, msg: Message) -> tuple[Message, list[str]]:
    """A multipart message whose declared boundary never appears, re-read with the boundary
    its body does use (mailers and hand edits get them out of step); else left as it is."""
    if not _has_defect(msg, errors.StartBoundaryNotFoundDefect):
        return msg, []
    payload = msg.get_payload()
    found = _BOUNDARY_LINE.search(payload) if isinstance(payload, str) else None
    if found is None or payload.count(f"--{found.group(1)}") < 2:
        return msg, []
    head_end = min((i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0),
                   default=-1)
    if head_end < 0:
        return msg, []
    guess = found.group(1).encode("utf-8", "surrogateescape")
    head = _BOUNDARY_PARAM.sub(b'boundary="' + guess.replace(b"\\", b"\\\\") + b'"',
                               data[:head_end], count=1)
    mended = email.message_from_bytes(head + data[head_end:], policy=email.policy.default)
    if not mended.is_multipart() or not mended.get_payload():
        return msg, []
    declared = msg.get_param("boundary") or "?"
    return mended, [f"the MIME boundary the message declares ({declared}) never appears; its "
                    f"parts were read by the boundary the body uses ({found.group(1)})"]


def _boundary_warnings(msg: Message, has_body: bool) -> list[str]:
    """Why part of the body may be lost to a MIME boundary mismatch, in plain words."""
    if msg.get_content_maintype() == "multipart" and not has_body and (
            not msg.is_multipart() or not msg.get_payload()):
        return ["body not read: the message is multipart but no part was found (its MIME "
                "boundary never appears); only the subject is audited"]
    if any(_has_defect(part, errors.CloseBoundaryNotFoundDefect) for part in msg.walk()):
        return ["the closing MIME boundary is missing: the body may be cut short or carry "
                "text that is not part of the email"]
    return []


def _has_defect(msg: Message, kind: type) -> bool:
    return any(isinstance(d, kind) for d in getattr(msg, "defects", ()))


def _meta(msg: Message, headers: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, name in (("from", "from"), ("to", "to"), ("message_id", "message-id")):
        if headers[name]:
            meta[key] = normalize_space(headers[name])
    if headers["date"]:
        meta["date"] = _iso_date(headers["date"])
    list_id = _header(msg, "list-id")
    if list_id:
        meta["list_id"] = normalize_space(list_id)
    return meta


def _iso_date(value: str) -> str:
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return normalize_space(value)


def _body_sections(msg: Message, source: str) -> list[Section]:
    """Preheader then body sections, from the HTML part when there is one."""
    part = pick_body(msg)
    if part is None:
        return []
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        return []
    try:
        text = decode_bytes(payload, source, declared=part.get_content_charset())
    except InputError:
        return []  # an undecodable body still leaves the subject to audit
    if part.get_content_subtype() == "html":
        return _html_sections(text)
    return _plain_sections(text)


def pick_body(msg: Message) -> Message | None:
    """The HTML alternative when there is one, else plain text (attachments ignored)."""
    if isinstance(msg, EmailMessage):
        try:
            body = msg.get_body(preferencelist=("html", "plain"))
        except Exception:
            body = None
        if body is not None:
            return body
    html = plain = None
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part.get_filename():
            continue
        if part.get_content_subtype() == "html" and html is None:
            html = part
        elif part.get_content_subtype() == "plain" and plain is None:
            plain = part
    return html or plain


def _html_sections(html: str) -> list[Section]:
    root = parse_html(html)
    if root is None:
        return []
    preheader = _hidden_preheader(root)
    sections = [_mail_role(s) for s in sections_from_tree(root, include_head=False)]
    if preheader:
        sections = [s for s in sections if s.text != preheader]
        return [Section("preheader", preheader), *sections]
    return _first_line_preheader(sections)


def _hidden_preheader(root: Any) -> str:
    """Text of the hidden preview element near the top of the body, or ""."""
    body = root.find("body") if root.tag == "html" else root
    if body is None:
        body = root
    for count, el in enumerate(body.iter(), start=1):
        if count > _PREHEADER_SCAN:
            break
        if not isinstance(el.tag, str) or el is body:
            continue
        marks = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        style = el.get("style") or ""
        if _PREHEADER_CLASS.search(marks) or (style and _PREHEADER_STYLE.search(style)):
            text = normalize_space("".join(el.itertext()))
            if text and len(text) <= _PREHEADER_MAX:  # longer is a layout wrapper, not a preview
                return text
    return ""


def _plain_sections(text: str) -> list[Section]:
    """Paragraphs of a plain-text body; quoted lines dropped, signature kept as footer."""
    sections: list[Section] = []
    seen: set[tuple[str, str]] = set()
    signature = False
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [
            ln[1:] if _MBOX_FROM_RE.match(ln) else ln  # mbox quoting of "From " lines
            for ln in block.split("\n")
            if _MBOX_FROM_RE.match(ln) or not ln.lstrip().startswith(">")
        ]
        if lines and lines[0].rstrip() in ("--", "-- "):
            signature = True
        para = normalize_space(" ".join(ln for ln in lines if ln.rstrip() not in ("--", "-- ")))
        if not para:
            continue
        section = Section("footer", para) if signature else _mail_role(Section("body", para))
        if (section.role, section.text) not in seen:
            seen.add((section.role, section.text))
            sections.append(section)
    return _first_line_preheader(sections)


def _mail_role(section: Section) -> Section:
    """Unsubscribe blocks are footer chrome; "view in browser" lines are header chrome."""
    if section.role not in ("body", "hero"):
        return section
    chrome = mail_chrome()
    if chrome.is_web_version(section.text):
        return Section("header", section.text)
    if chrome.is_footer(section.text):
        return Section("footer", section.text)
    return section


def _first_line_preheader(sections: list[Section]) -> list[Section]:
    """No hidden preview text: clients show the first visible line, so that is the preheader."""
    for i, section in enumerate(sections):
        if section.role in CHROME_ROLES or section.role in ("cta", "alt"):
            continue
        if len(section.text) <= _PREVIEW_MAX:
            return [*sections[:i], Section("preheader", section.text), *sections[i + 1:]]
        head, rest = _split_preview(section.text)
        return [
            *sections[:i], Section("preheader", head), Section(section.role, rest),
            *sections[i + 1:],
        ]
    return sections


def _split_preview(text: str) -> tuple[str, str]:
    """Cut a long first block after its first sentence, or at a word before the limit."""
    match = re.search(r"[.!?](?=\s)", text[: _PREVIEW_MAX + 1])
    cut = match.end() if match else text.rfind(" ", 0, _PREVIEW_MAX + 1)
    if cut <= 0:
        cut = _PREVIEW_MAX
    return text[:cut].strip(), text[cut:].strip()
