"""URL rules: normalise a URL the way browsers and crawlers agree on (WHATWG host and
IPv4 forms, default ports, percent-escapes, dot segments), refuse what cannot be fetched."""

from __future__ import annotations

import ipaddress
import string
from urllib.parse import SplitResult, urlsplit

import idna

from .netsafe import show_ip

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")

_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")

_QUERY_SAFE = _PATH_SAFE | frozenset("?")

_HEX = frozenset(string.hexdigits)

_HOST_CHARS = frozenset(string.ascii_lowercase + string.digits + "-_.")

_DEFAULT_PORTS = {"http": 80, "https": 443}

def normalize_url(url: str) -> str:
    """Canonical form used for requests and dedup; ValueError with a plain reason if unusable.

    Lowercases scheme and host, drops default ports, fragments, credentials are refused,
    empty paths become "/", dot segments are resolved and percent-encoding is made uniform
    (unreserved characters decoded, hex upper-cased, unsafe characters encoded). Numeric
    IPv4 spellings such as 2130706433 or 0x7f.1 become dotted quads so checks see the truth.
    """
    text = url.strip()
    if not text:
        raise ValueError("empty URL")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(_scheme_problem(text, scheme))
    if parts.username is not None or parts.password is not None:
        raise ValueError("URLs with a user name or password are not supported")
    host = _normalize_host(parts.netloc)
    port = _normalize_port(parts, scheme)
    path = _remove_dot_segments(_normalize_escapes(parts.path, _PATH_SAFE)) or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = _normalize_escapes(parts.query, _QUERY_SAFE)
    netloc = host if port is None else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")

def _scheme_problem(text: str, scheme: str) -> str:
    """Tell "no scheme at all" (example.com:8080/x) apart from a scheme we refuse (ftp:)."""
    rest = text[len(scheme) + 1 :] if scheme else ""
    if not scheme or ("://" not in text and rest[:1].isdigit()):
        return f"not a web address (missing http:// or https://): {text[:80]}"
    return f"unsupported scheme '{scheme}:' (only http and https pages can be audited)"

def _normalize_host(netloc: str) -> str:
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):
        inside, bracket, _ = hostport[1:].partition("]")
        if not bracket or "%" in inside:
            raise ValueError("bad host: malformed IPv6 address")
        try:
            return f"[{show_ip(ipaddress.IPv6Address(inside))}]"
        except ValueError:
            raise ValueError("bad host: malformed IPv6 address") from None
    host = hostport.rpartition(":")[0] if ":" in hostport else hostport
    host = host.rstrip(".").lower()
    if not host:
        raise ValueError("bad host: the address has no host name")
    numeric = _whatwg_ipv4(host)
    if numeric is not None:
        return numeric
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise ValueError(f"bad host: '{host}' is not a valid domain name") from None
    labels = host.split(".")
    if len(host) > 253 or any(not 0 < len(lb) < 64 for lb in labels) or set(host) - _HOST_CHARS:
        raise ValueError(f"bad host: '{host[:80]}' is not a valid domain name")
    return host

def _ipv4_number(part: str) -> int | None:
    """One part of a WHATWG IPv4 host: decimal, 0x-hex or 0-octal; None if not a number."""
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if digits == "":
        return 0
    try:
        return int(digits, base) if digits.isalnum() else None
    except ValueError:
        return None

def _whatwg_ipv4(host: str) -> str | None:
    """Read a host ending in a number the way browsers do, so 0177.1 is seen as 127.0.0.1."""
    parts = host.split(".")
    last = parts[-1]
    if not (last.isdigit() or (last[:2] == "0x" and set(last[2:]) <= _HEX)):
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise ValueError(f"bad host: '{host}' is not a valid IP address")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise ValueError(f"bad host: '{host}' is not a valid IP address")
    total = values[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(values[:-1]))
    return str(ipaddress.IPv4Address(total))

def _normalize_port(parts: SplitResult, scheme: str) -> int | None:
    try:
        port = parts.port
    except ValueError:
        raise ValueError("bad port: must be a number from 1 to 65535") from None
    if port == 0:
        raise ValueError("bad port: must be a number from 1 to 65535")
    return None if port in (None, _DEFAULT_PORTS[scheme]) else port

def _normalize_escapes(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the rest, encode what must be."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        if ch in safe:
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)

def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, so /a/./b/../c and /a/c are one page."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") or not path.startswith("/") else "/" + result

def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""

def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
