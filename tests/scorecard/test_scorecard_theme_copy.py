"""The workbook theme is a copy of openpyxl's (auditor/reporters/data/README.md), so that writing a
scorecard does not import openpyxl; the copy must stay the bytes openpyxl writes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl.writer.theme import theme_xml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]


def test_the_theme_is_openpyxls_byte_for_byte(tmp_path: Path) -> None:
    copied = (ROOT / "auditor" / "reporters" / "data" / "theme1.xml").read_bytes()
    assert copied == theme_xml.encode("utf-8")
    subprocess.run(
        [sys.executable, "-m", "auditor", "audit", "policies", "-q", "--out", str(tmp_path)],
        cwd=ROOT,
        check=False,
        capture_output=True,
    )
    with zipfile.ZipFile(tmp_path / "scorecard.xlsx") as book:
        assert book.read("xl/theme/theme1.xml") == copied


def test_writing_a_scorecard_does_not_import_openpyxl(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from auditor.cli import main\n"
        f"sys.argv = ['auditor', 'audit', 'policies', '-q', '--out', {str(tmp_path)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert (sys.modules.get('openpyxl') is None), 'openpyxl was imported'\n"
    )
    for _ in range(2):  # the second run also reads the reviews of the first one's scorecard
        done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()[-500:]
    assert (tmp_path / "scorecard.xlsx").exists()
