"""An mbox file split into its messages, without splitting a message at a line of its body.

Many mbox writers ("mboxo") do not quote a body line that starts with "From ", and readers that
split at every such line (Python's ``mailbox.mbox`` among them) cut the message in two, the tail
then reported as "not an email". A separator is only taken here where one can be: a "From "
line at the start of the file or after a blank line, of the shape writers use: a sender (or
"-") then an asctime-style date ("From ann@example.com Tue Mar  4 09:12:00 2025"). Read line by
line: the file is never held in memory, only one message at a time, up to ``max_message``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

_SEPARATOR = re.compile(
    rb"^From \S+\s+(?:[A-Z][a-z]{2},?\s+)?(?:[A-Z][a-z]{2}\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2})"
    rb"\s+(?:\d{4}\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s+\S+)?(?:\s+\d{4})?\s*$"
)


class MessageTooLarge(ValueError):
    """One message of the mbox is larger than the limit."""


def split_mbox(path: Path, *, max_message: int) -> Iterator[bytes]:
    """Each message's bytes (its separator line dropped), in file order."""
    with path.open("rb") as fh:
        yield from split_mbox_lines(fh, max_message=max_message)


def split_mbox_lines(lines: Iterable[bytes], *, max_message: int) -> Iterator[bytes]:
    """:func:`split_mbox` over lines already open (a file, or bytes split with their ends)."""
    buf: list[bytes] = []
    size = 0
    blank_before = True
    started = False
    for line in lines:
        if blank_before and line.startswith(b"From ") and _SEPARATOR.match(line.rstrip()):
            if started and buf:
                yield b"".join(buf)
            buf, size, started = [], 0, True
            blank_before = False
            continue
        if not started:  # text before the first separator: a lone message without one
            started = True
        size += len(line)
        if size > max_message:
            raise MessageTooLarge(f"a message is larger than {max_message:,} bytes")
        buf.append(line)
        blank_before = not line.strip()
    if buf and any(part.strip() for part in buf):
        yield b"".join(buf)


def starts_with_separator(data: bytes) -> bool:
    """Whether ``data`` opens with an mbox separator line ("From sender date"): a mailbox,
    not a single message."""
    first = data[:4096].lstrip(b"\r\n").split(b"\n", 1)[0]
    return first.startswith(b"From ") and _SEPARATOR.match(first.rstrip()) is not None
