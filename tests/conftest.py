"""Test-run settings shared by every test."""

from __future__ import annotations

import os
import shutil
import tempfile

# Checklists accepted during the run are remembered in a folder of the run's own (which the
# commands run in subprocesses inherit), not in the user's cache (auditor/checklist/cache.py).
_CACHE = tempfile.mkdtemp(prefix="auditor-test-cache-")
os.environ["AUDITOR_CACHE_DIR"] = _CACHE


def pytest_unconfigure() -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)
