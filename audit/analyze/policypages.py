"""Whether a piece is legal terms or a policy statement, by its title.

A terms-of-sale page that reserves the right to cancel "where a pricing error has occurred", or
an accessibility statement that lets readers "zoom in up to 300%", states rules and rights to
whoever reads it; read as marketing copy, it drew the bargain hunter. The titles that mark such
pages are data (``policy_pages`` in ``audit/data/language.yaml``); only the piece's first line
is read, which is where a page's ``<title>`` or a draft's heading sits.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .language import language_data

#: Text a site may put around a page's title ("Acme | Terms of Service", "Privacy notice - Acme",
#: "Accessibility statement for acme.com").
_AROUND = (r"(?:[^\n|·•—–:-]{{1,60}}\s*[|·•—–:-]\s*)?(?:{title})(?:\s+(?:for|of)\s+[^\n]{{1,60}})?"
           r"(?:\s*[|·•—–:-]\s*[^\n]{{0,60}}|\s*[.:]?)")


@lru_cache(maxsize=1)
def _titles() -> tuple[re.Pattern[str], int]:
    data = language_data()["policy_pages"]
    body = "|".join(f"(?:{t})" for t in data["titles"])
    return re.compile(_AROUND.format(title=body), re.IGNORECASE), int(data["max_line_chars"])


def policy_page(text: str) -> bool:
    """The piece's first non-blank line names it as legal terms or a policy statement."""
    rx, longest = _titles()
    head = text.lstrip()[: longest + 1]
    line = head.split("\n", 1)[0].strip()
    return len(line) <= longest and rx.fullmatch(line) is not None
