"""Test-run settings shared by every test."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from auditor.models import AuditRun

# Checklists accepted during the run are remembered in a folder of the run's own (which the
# commands run in subprocesses inherit), not in the user's cache (auditor/checklist/cache.py).
_CACHE = tempfile.mkdtemp(prefix="auditor-test-cache-")
os.environ["AUDITOR_CACHE_DIR"] = _CACHE


def pytest_unconfigure() -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def real_run() -> AuditRun:
    """The real corpus (162 policies) audited once with the baseline: do not modify it."""
    from real_inputs import CORPUS, baseline

    from auditor.audit import discover, run_audit

    return run_audit(baseline(), discover(CORPUS))
