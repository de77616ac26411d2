"""Shared fixtures: one loaded engine per profile for the whole session (building one takes a
second or two), and the path to the packs shipped with the project."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from audit import Config, Engine
from audit.analyze.profiles import installed_trained_model

ROOT = Path(__file__).resolve().parent.parent

# Edited packs are saved to (and loaded from) the user's packs folder: the tests use an empty one
# of their own, inherited by the CLI and Streamlit processes they start.
# Removed when the test process ends (each xdist worker has its own), so runs leave no folders.
_PACKS_DIR = tempfile.mkdtemp(prefix="antipersona-test-packs-")
os.environ["ANTIPERSONA_PACKS_DIR"] = _PACKS_DIR
atexit.register(shutil.rmtree, _PACKS_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(Config(), model="fast")


@pytest.fixture(scope="session")
def trained_engine() -> Engine:
    if installed_trained_model() is None:
        pytest.skip("no trained English spaCy pipeline installed (make test installs one)")
    return Engine(Config(), model="trained")


@pytest.fixture(params=["fast", pytest.param("trained", marks=pytest.mark.trained)])
def each_engine(request: pytest.FixtureRequest) -> Engine:
    """Both profiles: the trained one adds a parse to the word rules, and can differ."""
    return request.getfixturevalue("engine" if request.param == "fast" else "trained_engine")


@pytest.fixture()
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for CLI subprocesses: a clean working dir without config files around."""
    env = dict(os.environ)
    env["ANTIPERSONA_DB"] = str(tmp_path / "test.db")
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "120"
    return env
