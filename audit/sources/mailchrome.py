"""Mail chrome by its wording ("view in browser" lines, unsubscribe and legal footers), in the
languages newsletters are written in. The wordings are data (``audit/data/email.yaml``); this
module only loads and compiles them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "email.yaml"

#: A "view in browser" wording makes a block header chrome only when the block is this short;
#: a longer one is copy that happens to mention a browser.
WEB_VERSION_MAX_CHARS = 200


@dataclass(frozen=True, slots=True)
class MailChrome:
    web_version: re.Pattern[str]
    footer: re.Pattern[str]

    def is_web_version(self, text: str) -> bool:
        return len(text) <= WEB_VERSION_MAX_CHARS and self.web_version.search(text) is not None

    def is_footer(self, text: str) -> bool:
        return self.footer.search(text) is not None


@lru_cache(maxsize=1)
def mail_chrome() -> MailChrome:
    """The compiled wordings; an entry that is not a valid pattern names itself."""
    import yaml

    with DATA_FILE.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return MailChrome(_compile(data, "web_version"), _compile(data, "footer"))


def _compile(data: dict[str, list[str]], key: str) -> re.Pattern[str]:
    entries = [str(e) for e in data.get(key) or []]
    for entry in entries:
        try:
            re.compile(entry)
        except re.error as exc:
            raise ValueError(f"{DATA_FILE}: {key}: bad pattern {entry!r}: {exc}") from exc
    return re.compile("|".join(f"(?:{e})" for e in entries), re.IGNORECASE)
