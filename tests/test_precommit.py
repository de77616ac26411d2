"""The pre-commit hook as a user's repository runs it: ``pre-commit try-repo`` installs this
package from a copy of the working tree into its own environment (from the package registry)
and runs the hook on staged files. A clean page passes; an enterprise-heavy one is blocked
with a line naming Beth and the phrases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
    pytest.mark.xdist_group("pre-commit"),
]

CLEAN = """# Invoices for a shop of two

Send a bill from your phone while the kettle boils. Set it up yourself in minutes.

One flat price, whatever you sell. Start free today, no card needed.
"""

ENTERPRISE = """# Enterprise-grade spend governance

Our platform enables procurement and IT stakeholders to achieve end-to-end control.
SAML single sign-on, SCIM provisioning and SOC 2 Type II attestation come as standard.

Request a demo and our solutions team will support your security review, the master services
agreement and final sign-off by your steering committee.
"""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test"})


def snapshot(dest: Path) -> Path:
    """The working tree as it is (tracked and new files, not ignored ones) committed in a
    repository of its own, so both runs below share one hook environment."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "snapshot")
    return dest


def test_try_repo_passes_clean_copy_and_blocks_beth(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    hook_repo = snapshot(tmp_path / "antipersona")
    site = tmp_path / "site"
    site.mkdir()
    git(site, "init", "-q")
    (site / "index.md").write_text(CLEAN, encoding="utf-8")
    (site / "enterprise.mdx").write_text(ENTERPRISE, encoding="utf-8")
    (site / "notes.py").write_text("# procurement, SSO, request a demo\n", encoding="utf-8")
    git(site, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo),
                               "antipersona", "--files", *files], cwd=site, env=env,
                              capture_output=True, text=True, timeout=900)

    clean = try_repo("index.md", "notes.py")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
    blocked = try_repo("index.md", "enterprise.mdx", "notes.py")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "Failed" in blocked.stdout
    tripped = [ln for ln in blocked.stdout.splitlines() if ln.startswith("antipersona: --fail-on:")]
    assert len(tripped) == 1
    assert "enterprise.mdx: wrong-audience → Beth the Bureaucrat" in tripped[0]
    assert '"procurement"' in tripped[0] or '"SOC 2"' in tripped[0]
    assert "notes.py" not in blocked.stdout  # only copy files are checked
