"""Hostile input: every odd file gets a clear ERROR with a one-line reason (or a correct result
where its text is readable), and the rest of the run carries on."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auditor.audit import Limits, Source, audit_source, discover
from auditor.checklist.compiled import load_checklist
from auditor.cli import cli

HERE = Path(__file__).parent
CHECKLIST = load_checklist(HERE / "checklist.yaml")
SSL = "We use SSL."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def _zip_bytes(tmp: Path) -> bytes:
    path = tmp / "a.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("policy.md", SSL)
    return path.read_bytes()


def make_cases(folder: Path) -> dict[str, tuple[str, str]]:
    """Write the hostile files; return {policy id: (expected status, reason or warning)}."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "empty.md": b"",
        "blank.txt": b"\n \n\t\n",
        "image.png": PNG,
        "image-named-policy.md": PNG,
        "archive.zip": _zip_bytes(folder.parent),
        "scan.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "cp1252.md": "Caf\u00e9 policy \u2013 We use SSL.".encode("cp1252"),
        "utf16-bom.md": ("\ufeff# Policy\n\n" + SSL + "\n").encode("utf-16-le"),
        "utf16-no-bom.md": ("# Policy\n\n" + SSL + "\n").encode("utf-16-le"),
        "utf8-bom.md": b"\xef\xbb\xbf" + SSL.encode(),
        "control-chars.md": b"Text \x01\x02\x1b[31m red \x7f.\n\n" + SSL.encode(),
        "nul-bytes.md": b"# Policy\n\n"
        + b"Text. " * 100
        + b"We use SSL.\x00\x00\x00 More text.\x00",
        "many-nuls.md": b"We use SSL." + b"\x00\x01\x02\x03" * 100,
        "nested.html": b"<div>" * 100_000 + SSL.encode() + b"</div>" * 10,
        "unclosed.html": b"<html><body><p>We use <b>SSL.<p><div><span>more <table><tr><td>x",
        "scripts.html": (
            b"<script>var a = 'We use SSL.';</script><style>p{x:'We use SSL.'}</style>" * 2000
        )
        + b"<p>Nothing to see.</p>",
        "long-line.md": b"lorem ipsum dolor sit amet " * 190_000 + SSL.encode(),  # one 5 MB line
        "dir with spaces/politique de confidentialit\u00e9.md".encode().decode(): SSL.encode(),
    }
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    os.symlink("loop-b.md", folder / "loop-a.md")
    os.symlink("loop-a.md", folder / "loop-b.md")
    os.mkdir(folder / "sub")
    os.symlink("..", folder / "sub" / "parent-loop")  # a folder loop: never followed
    os.mkfifo(folder / "pipe.md")
    return {
        "empty.md": ("ERROR", "empty file"),
        "blank.txt": ("ERROR", "empty file"),
        "image.png": ("ERROR", "unsupported file type '.png' (binary file (PNG))"),
        "image-named-policy.md": ("ERROR", "binary file (PNG)"),
        "archive.zip": ("ERROR", "unsupported file type '.zip' (binary file (ZIP))"),
        "scan.pdf": ("ERROR", "unsupported file type '.pdf' (binary file (PDF))"),
        "cp1252.md": ("PASS", "not valid UTF-8; decoded as cp1252"),
        "utf16-bom.md": ("PASS", ""),
        "utf16-no-bom.md": ("PASS", "no byte-order mark; decoded as UTF-16-LE (NUL-byte pattern)"),
        "utf8-bom.md": ("PASS", ""),
        "control-chars.md": ("PASS", ""),
        "nul-bytes.md": ("PASS", "4 NUL bytes in the text (ignored)"),
        "many-nuls.md": ("ERROR", "binary file (contains NUL bytes)"),
        "nested.html": ("PASS", ""),
        "unclosed.html": ("PASS", ""),
        "scripts.html": ("FAIL", ""),
        "long-line.md": ("PASS", ""),
        "dir with spaces/politique de confidentialit\u00e9.md": ("PASS", ""),
        "loop-a.md": ("ERROR", "symbolic link loop"),
        "loop-b.md": ("ERROR", "symbolic link loop"),
        "pipe.md": ("ERROR", "not a regular file (named pipe)"),
    }


@pytest.fixture(scope="module")
def hostile_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, Any], str, dict[str, tuple[str, str]]]:
    root = tmp_path_factory.mktemp("hostile")
    expected = make_cases(root / "input")
    out = root / "out"
    result = CliRunner().invoke(
        cli,
        [
            "audit",
            str(root / "input"),
            "--checklist",
            str(HERE / "checklist.yaml"),
            "--out",
            str(out),
            "--format",
            "json,csv",
            "--quiet",
            "--jobs",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text("utf-8"))
    return results, result.stderr, expected


def test_every_file_is_reported_once(hostile_run: Any) -> None:
    results, _, expected = hostile_run
    assert sorted(p["id"] for p in results["policies"]) == sorted(expected)


@pytest.mark.parametrize(
    "name",
    [
        "empty.md",
        "blank.txt",
        "image.png",
        "image-named-policy.md",
        "archive.zip",
        "scan.pdf",
        "cp1252.md",
        "utf16-bom.md",
        "utf16-no-bom.md",
        "utf8-bom.md",
        "control-chars.md",
        "nul-bytes.md",
        "nested.html",
        "unclosed.html",
        "scripts.html",
        "long-line.md",
        "dir with spaces/politique de confidentialit\u00e9.md",
        "loop-a.md",
        "loop-b.md",
        "pipe.md",
    ],
)
def test_outcome(hostile_run: Any, name: str) -> None:
    results, stderr, expected = hostile_run
    status, message = expected[name]
    (policy,) = [p for p in results["policies"] if p["id"] == name]
    assert [f["status"] for f in policy["findings"]] == [status]
    if status == "ERROR":
        assert policy["error"] == message
        assert policy["findings"][0]["reason"] == message
        # One line on stderr names the file and the reason.
        assert f"{name}: ERROR: {message}" in [
            line[-len(f"{name}: ERROR: {message}") :] for line in stderr.splitlines()
        ]
    else:
        assert policy["warnings"] == ([message] if message else [])
    if status == "PASS":
        assert policy["findings"][0]["evidence"][0]["quote"].endswith("SSL.")


def test_file_removed_between_listing_and_reading(tmp_path: Path) -> None:
    (tmp_path / "gone.md").write_text(SSL)
    (source,) = discover([tmp_path])
    (tmp_path / "gone.md").unlink()
    result = audit_source(CHECKLIST, source)
    assert result.error == "file disappeared before it could be read"


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text(SSL)
    path.chmod(0)
    if os.geteuid() != 0:
        assert audit_source(CHECKLIST, Source(path, "secret.md")).error == "permission denied"
        return
    # root reads anything: check as an unprivileged user in a child process.
    tmp_path.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read)
        code = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            error = audit_source(CHECKLIST, Source(path, "secret.md")).error
            os.write(write, error.encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    message = os.read(read, 1000).decode()
    os.waitpid(pid, 0)
    assert message == "permission denied"


def test_size_budget(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as f:
        f.write((SSL + " " + "filler " * 100 + "\n").encode() * 70_000)  # ~50 MB
    result = audit_source(CHECKLIST, Source(path, "huge.md"), Limits(max_bytes=20 * 1024 * 1024))
    assert result.error == "file is 47.6 MB, over the 20.0 MB limit (--max-size)"


def test_time_budget(tmp_path: Path) -> None:
    path = tmp_path / "slow.md"
    path.write_bytes(b"lorem ipsum dolor sit amet " * 400_000)  # one 10 MB line
    result = audit_source(CHECKLIST, Source(path, "slow.md"), Limits(timeout=0.2))
    assert result.error == "took longer than the 0.2 s budget (--timeout)"
    assert [f.status.value for f in result.findings] == ["ERROR"]


def test_formula_looking_quotes_stay_text_in_csv_and_json(tmp_path: Path) -> None:
    policy = tmp_path / "formula.md"
    policy.write_text(
        '=HYPERLINK("http://evil.example","We use SSL.")\n\n'
        "+We use SSL too.\n\n"
        "\uff20We use SSL, full-width.\n",
        "utf-8",
    )
    checklist = tmp_path / "c.yaml"
    checklist.write_text(
        (HERE / "checklist.yaml")
        .read_text("utf-8")
        .replace("match: {all: [we use, SSL]}", "match: SSL"),
        "utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "audit",
            str(policy),
            "--checklist",
            str(checklist),
            "--out",
            str(out),
            "-q",
            "--format",
            "json,csv",
        ],
    )
    assert result.exit_code == 0, result.output
    quotes = [
        e["quote"]
        for p in json.loads((out / "results.json").read_text("utf-8"))["policies"]
        for f in p["findings"]
        for e in f["evidence"]
    ]
    # JSON is data: the quotes are kept exactly as in the file.
    assert quotes == [
        '=HYPERLINK("http://evil.example","We use SSL.")',
        "+We use SSL too.",
        "\uff20We use SSL, full-width.",
    ]
    csv_text = (out / "findings.csv").read_text("utf-8-sig")
    # The CSV carries the primary quote with a leading apostrophe: a spreadsheet shows text.
    assert '\'=HYPERLINK(""http://evil.example"",""We use SSL."")' in csv_text
    assert "\n=" not in csv_text and ",=" not in csv_text
