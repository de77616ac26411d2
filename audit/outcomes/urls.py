"""Join keys for outcome rows: an export's page address and a crawled page's address become the
same key when they are the same page to an analyst.

Beyond the crawler's own normalisation (scheme and host case, default ports, fragments,
percent-escapes), a join must ignore what analytics add to links: ``utm_*`` and click ids
(gclid, fbclid, ...), the order of the remaining query parameters, a trailing slash, and
http versus https (one page served both ways is still one page)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from ..crawl.urls import normalize_url

#: Query parameters that say how a visitor arrived, never which page they saw.
TRACKING_PARAMS = frozenset({
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
    "mkt_tok", "srsltid", "epik", "ref_src", "s_cid", "vero_id", "oly_anon_id", "oly_enc_id",
    "wickedid", "rb_clickid", "irclickid", "cmpid",
})
TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_", "matomo_")


def is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def join_key(url: str) -> str:
    """The key two addresses of one page share; ValueError (a plain reason) if not an address.

    >>> join_key("HTTPS://Example.com:443/Pricing/?utm_source=x&b=2&a=1#top")
    '//example.com/Pricing?a=1&b=2'
    """
    canonical = normalize_url(url)
    parts = urlsplit(canonical)
    path = parts.path.rstrip("/") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not is_tracking(k)]
    tail = ("?" + urlencode(sorted(query))) if query else ""
    return f"//{parts.netloc}{path}{tail}"


def page_address(value: str, site: str | None) -> str:
    """An export's page cell as an absolute address: a full URL stays, a path ("/pricing",
    "pricing?x=1") is put on ``site``. ValueError with the reason when neither works."""
    text = value.strip()
    if "://" in text[:12]:
        return text
    if text.startswith("//"):
        return "https:" + text
    if not site:
        raise ValueError("a path, not an address: pass --site https://your.site to join paths")
    if not (text.startswith("/") or text[:1].isalnum()) or " " in text:
        raise ValueError("not a page path or address")
    return site.rstrip("/") + "/" + text.lstrip("/")


def check_site(site: str) -> str:
    """``--site`` as an origin (scheme and host, no path needed); ValueError if unusable."""
    text = site.strip()
    if "://" not in text:
        text = "https://" + text
    normalize_url(text)  # raises with a plain reason
    parts = urlsplit(text)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"
