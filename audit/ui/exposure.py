"""Who can reach the app, and what it may do for them.

The app has no login. On the loopback interface only the person at this machine can use it, so
every page works in full. Bound to any other address (or to all of them), anyone on the network
could tick "allow internal addresses" to read internal pages through a run, or overwrite packs
with the editor; those two stay off unless the person starting the app turns them on by name.
Deleting runs is off there too, with no switch: whoever owns the runs deletes them on that
machine with `antipersona runs delete`.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

#: Where ``antipersona app`` listens unless told otherwise.
DEFAULT_ADDRESS = "127.0.0.1"
#: Set to 1 (``--allow-private-from-app``) to keep the Run page's private-address option on an
#: address other than loopback.
ENV_ALLOW_PRIVATE = "ANTIPERSONA_APP_ALLOW_PRIVATE"
#: Set to 1 (``--allow-pack-edits``) to keep the pack editor's Save on such an address.
ENV_ALLOW_PACK_EDITS = "ANTIPERSONA_APP_ALLOW_PACK_EDITS"
_TRUE = {"1", "true", "yes", "on"}


def is_loopback(address: str | None) -> bool:
    """Only this machine can connect: 127.0.0.0/8, ::1 or "localhost". An empty address means
    every interface, as Streamlit binds it."""
    host = (address or "").strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen_problem(address: str, port: int) -> str | None:
    """Why the app could not listen on ``address``:``port``, in plain words, or None.

    Binds a socket the way Streamlit will (IPv6 when the address has a colon, SO_REUSEADDR)
    and lets it go, so a name that does not resolve, an address this machine does not have,
    a port in use or one that needs root is told before Streamlit starts, not in its
    traceback."""
    if not 1 <= port <= 65535:
        return f"--port {port}: a port is a number from 1 to 65535"
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    unresolved = (f"--address {address}: not an IP address or a host name that resolves "
                  "(e.g. 127.0.0.1, 0.0.0.0 or localhost)")
    if address.count(".") == 3 and address.replace(".", "").isdigit():  # 999.1.1.1: no DNS
        try:
            ipaddress.IPv4Address(address)
        except ValueError:
            return unresolved
    try:
        with socket.socket(family) as sock:
            if os.name != "nt":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, port))
    except socket.gaierror:
        return unresolved
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return f"--port {port}: already in use on {address}; choose another with --port"
        if exc.errno == errno.EACCES:
            return f"--port {port}: not allowed for this user (ports below 1024 need root)"
        if exc.errno == errno.EADDRNOTAVAIL:
            return (f"--address {address}: not an address of this machine (use 127.0.0.1, "
                    "0.0.0.0 for every interface, or one of its own addresses)")
        return f"--address {address} --port {port}: cannot listen there ({exc.strerror or exc})"
    return None


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in _TRUE


@dataclass(frozen=True, slots=True)
class AppPolicy:
    """What the app allows, given where it listens."""

    address: str
    allow_private: bool
    allow_pack_edits: bool
    allow_run_deletes: bool = False

    @property
    def local(self) -> bool:
        return is_loopback(self.address)


def app_policy(address: str | None, env: Mapping[str, str] | None = None) -> AppPolicy:
    """On loopback everything is on; elsewhere each unsafe option needs its own switch."""
    env = os.environ if env is None else env
    local = is_loopback(address)
    return AppPolicy(address=address or "", allow_private=local or _flag(env, ENV_ALLOW_PRIVATE),
                     allow_pack_edits=local or _flag(env, ENV_ALLOW_PACK_EDITS),
                     allow_run_deletes=local)


def exposure_warning(policy: AppPolicy) -> str | None:
    """One line for the terminal when the app is reachable from other machines."""
    if policy.local:
        return None
    where = policy.address or "every interface"
    on = [name for name, allowed in (("internal addresses", policy.allow_private),
                                     ("pack saving", policy.allow_pack_edits)) if allowed]
    off = [name for name, allowed in (("internal addresses", policy.allow_private),
                                      ("pack saving", policy.allow_pack_edits)) if not allowed]
    text = f"warning: the app listens on {where} with no login; anyone who can reach it can read the runs"
    if off:
        text += f"; {' and '.join(off)} are off (--allow-private-from-app, --allow-pack-edits)"
    if on:
        text += f"; {' and '.join(on)} turned on"
    return text + "; deleting runs is off (use `antipersona runs delete` on this machine)"
