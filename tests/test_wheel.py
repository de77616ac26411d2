"""The wheel as a new user gets it: built from the project, installed (not editable) into a fresh
virtualenv and run from a folder outside the repository, with nothing else of the checkout in
reach. The packs and the Streamlit page must come from the wheel itself.

The virtualenv borrows the test environment's third-party packages (spaCy and the rest) through a
``.pth`` line, added after the wheel is installed, so the test needs no network; the package
itself comes only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from tests.support.appserver import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("wheel")


def _run(cmd: list[str], cwd: Path, env: dict[str, str], stdin: str | None = None,
         timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("wheel")
    # Build from a copy of what the package is made of, so the checkout gets no build/ folder.
    src = base / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("audit", "lexicons"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    dist = base / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--no-index", "-q", "-w", str(dist), str(src)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("antipersona-*.whl")

    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(subprocess.check_output(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    # pip from the test environment, installing into the fresh one.
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                           "--no-index", "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (purelib / "zz-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    outside = base / "elsewhere"
    outside.mkdir()
    env = {"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "HOME": str(base / "home"), "NO_COLOR": "1",
           "COLUMNS": "120", "ANTIPERSONA_CACHE_DIR": "off", "ANTIPERSONA_DB": str(outside / "runs.db")}
    return wheel, env_dir, env


def test_the_wheel_holds_only_the_package(installed: tuple[Path, Path, dict[str, str]]) -> None:
    wheel, _, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"audit", wheel.name.split("-py3")[0] + ".dist-info"}  # no lexicons/, app.py, tests/
    for needed in ("audit/lexicons/beth-bureaucrat.yaml", "audit/lexicons/susie-solopreneur.yaml",
                   "audit/data/language.yaml", "audit/data/lean.json", "audit/ui/app.py",
                   "audit/py.typed"):
        assert needed in names


def test_installed_commands_work_from_any_folder(installed: tuple[Path, Path, dict[str, str]]) -> None:
    _, env_dir, env = installed
    cwd = Path(env["ANTIPERSONA_DB"]).parent
    listed = _run([str(env_dir / "bin" / "antipersona"), "personas", "list"], cwd, env)
    assert listed.returncode == 0, listed.stderr
    assert "beth-bureaucrat" in listed.stdout and "susie-solopreneur" in listed.stdout

    draft = "Request a demo to discuss SSO and procurement with our sales team.\n"
    for cmd in ([str(env_dir / "bin" / "antipersona")], [str(env_dir / "bin" / "python"), "-m", "audit"]):
        checked = _run([*cmd, "check", "-", "-f", "json"], cwd, env, stdin=draft)
        assert checked.returncode == 0, checked.stderr
        report = json.loads(checked.stdout)
        assert report["pieces"][0]["verdict"]["persona"] == "beth-bureaucrat"

    # A piece no cue decides is read by the wording model, a data file the wheel must carry.
    watching = ("We tailor every message using what we know about each shopper: the pages "
                "viewed, their past orders and where they live.\n")
    leaned = _run([str(env_dir / "bin" / "antipersona"), "check", "-", "-f", "json"], cwd, env,
                  stdin=watching)
    assert leaned.returncode == 0, leaned.stderr
    assert json.loads(leaned.stdout)["pieces"][0]["verdict"].get("lean"), leaned.stdout

    api = _run([str(env_dir / "bin" / "python"), "-c",
                "import audit; r = audit.check_text('Request a demo.'); "
                "print(audit.__file__, r.verdict.label)"],
               cwd, env)
    assert api.returncode == 0, api.stderr
    assert str(env_dir) in api.stdout  # the installed package, not the checkout


def test_installed_app_answers_its_health_check(installed: tuple[Path, Path, dict[str, str]]) -> None:
    _, env_dir, env = installed
    cwd = Path(env["ANTIPERSONA_DB"]).parent
    port = free_port()
    proc = subprocess.Popen([str(env_dir / "bin" / "antipersona"), "app", "--port", str(port)], cwd=cwd,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                    assert resp.read() == b"ok"
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "the app did not answer within 90 s"
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
            assert resp.status == 200
        # The page itself runs from the installed package (the server only loads it per session).
        page = _run([str(env_dir / "bin" / "python"), "-c",
                     "import audit.ui.app as m; from streamlit.testing.v1 import AppTest; "
                     "at = AppTest.from_file(m.__file__, default_timeout=60).run(); "
                     "assert not at.exception, at.exception; print(m.__file__)"], cwd, env)
        assert page.returncode == 0, page.stderr
        assert str(env_dir) in page.stdout
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the command and the Streamlit server it started
        proc.wait(timeout=30)
