"""Shared fixtures: the built book (built once per test session)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


def build_book() -> subprocess.CompletedProcess:
    """Build the book as the README does, with warnings as errors, re-reading every page."""
    jb = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ, MPLCONFIGDIR=str(ROOT / "_build" / ".mplconfig"))
    return subprocess.run([str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--all"],
                          capture_output=True, text=True, env=env, timeout=1800)


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Path of the built HTML book; fails (with the build log) if the build fails."""
    result = build_book()
    log = result.stdout + result.stderr
    if result.returncode != 0:
        warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
        pytest.fail("the book did not build cleanly:\n" + "\n".join(warnings[-40:]))
    return HTML
