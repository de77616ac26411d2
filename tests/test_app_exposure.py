"""Who can reach the app: `antipersona app` listens on loopback unless told otherwise, and an
app reachable from other machines keeps its two unsafe options (internal addresses, pack
saving) off unless they are turned on by name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from audit.ui.exposure import (
    ENV_ALLOW_PACK_EDITS,
    ENV_ALLOW_PRIVATE,
    app_policy,
    exposure_warning,
    is_loopback,
)
from tests.support.appserver import free_port

TIMEOUT = 60


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses(address: str) -> None:
    assert is_loopback(address)


@pytest.mark.parametrize("address", ["", None, "0.0.0.0", "::", "192.168.1.10", "10.0.0.5",
                                     "example.com"])
def test_other_addresses_are_not_loopback(address: str | None) -> None:
    assert not is_loopback(address)


def test_policy_on_loopback_allows_everything() -> None:
    policy = app_policy("127.0.0.1", env={})
    assert policy.local and policy.allow_private and policy.allow_pack_edits
    assert policy.allow_run_deletes
    assert exposure_warning(policy) is None


@pytest.mark.parametrize("address", ["0.0.0.0", None, "192.168.1.10"])
def test_policy_elsewhere_turns_the_unsafe_options_off(address: str | None) -> None:
    policy = app_policy(address, env={})
    assert not policy.allow_private and not policy.allow_pack_edits
    assert not policy.allow_run_deletes  # no switch: `antipersona runs delete` on the machine
    warning = exposure_warning(policy)
    assert warning and "no login" in warning and "--allow-pack-edits" in warning
    assert "deleting runs is off" in warning


def test_policy_elsewhere_keeps_what_is_turned_on_by_name() -> None:
    only_private = app_policy("0.0.0.0", env={ENV_ALLOW_PRIVATE: "1"})
    assert only_private.allow_private and not only_private.allow_pack_edits
    both = app_policy("0.0.0.0", env={ENV_ALLOW_PRIVATE: "yes", ENV_ALLOW_PACK_EDITS: "true"})
    assert both.allow_private and both.allow_pack_edits
    assert not app_policy("0.0.0.0", env={ENV_ALLOW_PACK_EDITS: "0"}).allow_pack_edits


def _captured_app_command(monkeypatch: pytest.MonkeyPatch,
                          *args: str) -> tuple[Any, list[str], dict[str, str]]:
    from audit import cli

    seen: dict[str, Any] = {}

    def fake_call(cmd: list[str], env: dict[str, str]) -> int:
        seen["cmd"], seen["env"] = cmd, env
        return 0

    monkeypatch.setattr(subprocess, "call", fake_call)
    monkeypatch.delenv(ENV_ALLOW_PRIVATE, raising=False)
    monkeypatch.delenv(ENV_ALLOW_PACK_EDITS, raising=False)
    result = CliRunner().invoke(cli.app, ["app", *args])
    return result, seen["cmd"], seen["env"]


def _option(cmd: list[str], name: str) -> str:
    return cmd[cmd.index(name) + 1]


def test_app_command_passes_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    result, cmd, env = _captured_app_command(monkeypatch, "--port", "8600")
    assert result.exit_code == 0
    assert _option(cmd, "--server.address") == "127.0.0.1"
    assert _option(cmd, "--server.port") == "8600"
    assert ENV_ALLOW_PRIVATE not in env and ENV_ALLOW_PACK_EDITS not in env


def test_app_command_on_another_address_warns_and_passes_the_switches(
        monkeypatch: pytest.MonkeyPatch) -> None:
    result, cmd, env = _captured_app_command(monkeypatch, "--address", "0.0.0.0", "--allow-pack-edits")
    assert result.exit_code == 0
    assert _option(cmd, "--server.address") == "0.0.0.0"
    assert env[ENV_ALLOW_PACK_EDITS] == "1" and ENV_ALLOW_PRIVATE not in env
    assert "no login" in result.output and "internal addresses are off" in result.output


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as the kernel lists them) of the TCP sockets listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as fh:
            next(fh)
            for line in fh:
                fields = line.split()
                address, port_hex = fields[1].rsplit(":", 1)
                if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                    found.append(address)
    return found


@pytest.fixture
def started_app(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "ANTIPERSONA_DB": str(tmp_path / "runs.db")}
    proc = subprocess.Popen([sys.executable, "-m", "audit", "app", "--port", str(port)], cwd=tmp_path,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None, "the app exited"
                assert time.monotonic() < deadline, "the app did not answer within 90 s"
                time.sleep(0.3)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="needs Linux's /proc/net/tcp")
def test_started_app_listens_on_loopback_only(started_app: int) -> None:
    listening = _listening(started_app)
    assert listening, "no listening socket found for the app's port"
    # 0100007F is 127.0.0.1 in the kernel's byte order; every interface would be 00000000 or ::
    assert set(listening) == {"0100007F"}, listening


# -- the pages on an address other than loopback -------------------------------------------------

@pytest.fixture
def exposed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    from streamlit import config

    monkeypatch.setenv("ANTIPERSONA_DB", str(tmp_path / "runs.db"))
    monkeypatch.delenv(ENV_ALLOW_PRIVATE, raising=False)
    monkeypatch.delenv(ENV_ALLOW_PACK_EDITS, raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def _run_page() -> None:
    from audit.ui.pages import run

    run.render()


def _personas_page() -> None:
    from audit.ui.pages import personas

    personas.render()


def test_exposed_run_page_disables_internal_addresses(exposed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    at = AppTest.from_function(_run_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.checkbox(key="run_allow_private").disabled
    monkeypatch.setenv(ENV_ALLOW_PRIVATE, "1")
    at = AppTest.from_function(_run_page, default_timeout=TIMEOUT).run()
    assert not at.checkbox(key="run_allow_private").disabled


def test_exposed_run_page_never_passes_allow_private(exposed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import audit.ui.pages.run as run_page

    started: list[list[str]] = []

    class Proc:
        pid = 1

        def poll(self) -> int | None:
            return None

    monkeypatch.setattr(run_page, "start_audit", lambda cmd, log, cwd=None: started.append(cmd) or Proc())
    at = AppTest.from_function(_run_page, default_timeout=TIMEOUT).run()
    at.text_area(key="run_urls").input("http://10.0.0.5/\n")
    # A client cannot tick a disabled box; even a session state saying so is not obeyed.
    at.session_state["run_allow_private"] = True
    next(b for b in at.button if b.label == "Start the audit").click().run()
    assert started and "--allow-private" not in started[0]


def test_exposed_pack_editor_cannot_save(exposed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    at = AppTest.from_function(_personas_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.button(key="edit_save").disabled
    assert any("Saving is off" in c.value for c in at.caption)
    monkeypatch.setenv(ENV_ALLOW_PACK_EDITS, "1")
    at = AppTest.from_function(_personas_page, default_timeout=TIMEOUT).run()
    assert not at.button(key="edit_save").disabled
