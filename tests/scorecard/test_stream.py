"""The streaming writer: the zip it builds, Zip64 when limits are passed, and the same bytes
whether sheets are written here or by worker processes."""

from __future__ import annotations

import multiprocessing
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from openpyxl import load_workbook

import auditor.reporters as reporters
from auditor.reporters import write_reports, zipout
from auditor.reporters.xlsx_report import ScorecardJob, write_xlsx
from auditor.reporters.zipout import DeflateFile, deflate, write_zip

from .test_split import many_policies


def _entries(tmp_path: Path) -> tuple[list[zipout.Deflated], dict[str, bytes]]:
    contents = {
        "a.txt": b"",
        "b/c.xml": b"<x>" + b"y" * 5000 + b"</x>",
        "d.bin": bytes(range(256)) * 40,
    }
    entries = [deflate("a.txt", contents["a.txt"])]
    streamed = DeflateFile(tmp_path / "part", "b/c.xml")
    for i in range(0, len(contents["b/c.xml"]), 1000):  # written in pieces, as sheets are
        streamed.write(contents["b/c.xml"][i : i + 1000])
    entries += [streamed.finish(), deflate("d.bin", contents["d.bin"], level=1)]
    return entries, contents


def test_zip_reads_back_entry_for_entry(tmp_path: Path) -> None:
    entries, contents = _entries(tmp_path)
    with (tmp_path / "z.zip").open("wb") as out:
        write_zip(out, entries)
    with zipfile.ZipFile(tmp_path / "z.zip") as z:
        assert z.testzip() is None
        assert z.namelist() == list(contents)
        assert {n: z.read(n) for n in z.namelist()} == contents
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())


def test_zip64_records_when_sizes_offsets_and_counts_pass_the_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zipout, "ZIP64_SIZE", 100)
    monkeypatch.setattr(zipout, "ZIP64_COUNT", 2)
    entries, contents = _entries(tmp_path)
    with (tmp_path / "z.zip").open("wb") as out:
        write_zip(out, entries)
    data = (tmp_path / "z.zip").read_bytes()
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data  # Zip64 end record and locator
    with zipfile.ZipFile(tmp_path / "z.zip") as z:
        assert z.testzip() is None
        assert {n: z.read(n) for n in z.namelist()} == contents
        assert next(i.header_offset for i in z.infolist()) == 0


def test_a_zip64_scorecard_opens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipout, "ZIP64_SIZE", 1000)
    monkeypatch.setattr(zipout, "ZIP64_COUNT", 5)
    path = tmp_path / "s.xlsx"
    write_xlsx(many_policies(30), path)
    wb = load_workbook(path)
    assert wb["Findings"].max_row == 61 and wb["Summary"]["A9"].value == "a.example"


def _pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver"))


def test_sheets_written_by_worker_processes_give_the_same_bytes(tmp_path: Path) -> None:
    run = many_policies(40)
    write_xlsx(run, tmp_path / "here.xlsx")
    with _pool() as pool:
        job = ScorecardJob(run, tmp_path / "pool.xlsx")
        job.submit(pool)
        job.finish()
    assert (tmp_path / "pool.xlsx").read_bytes() == (tmp_path / "here.xlsx").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here.xlsx", "pool.xlsx"]  # no parts


@pytest.mark.parametrize(
    ("jobs", "names"),
    [
        # two workers: the other reports ride along with the scorecard's two sheet pairs
        (2, ["json", "csv", "xlsx"]),
        (2, ["csv", "xlsx", "jsonl"]),
        (2, ["xlsx", "json"]),
        (2, ["json", "csv"]),  # no scorecard: a task per report
        (3, ["json", "csv", "xlsx", "jsonl"]),  # more workers: a task per report and sheet
    ],
)
def test_parallel_reports_equal_serial_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, names: list[str]
) -> None:
    run = many_policies(25)
    serial = write_reports(run, tmp_path / "serial", names, jobs=1)
    monkeypatch.setattr(reporters, "PARALLEL_AFTER", 10)
    parallel = write_reports(run, tmp_path / "parallel", names, jobs=jobs)
    assert [p.name for p in parallel] == [reporters.REPORTERS[name][0] for name in names]
    for a, b in zip(serial, parallel, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert sorted(p.name for p in (tmp_path / "parallel").iterdir()) == sorted(
        p.name for p in parallel
    )


def test_a_failing_worker_leaves_no_report_and_no_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = many_policies(25)
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text("previous")
    monkeypatch.setattr(reporters, "PARALLEL_AFTER", 10)
    # A lone surrogate cannot be written as UTF-8: the JSON task fails in its worker.
    bad = run.model_copy(update={"checklist": run.checklist.model_copy(update={"title": "\ud800"})})
    with pytest.raises(UnicodeEncodeError):
        write_reports(bad, out, ["json", "csv", "xlsx"], jobs=2)
    assert sorted(p.name for p in out.iterdir()) == ["results.json"]
    assert (out / "results.json").read_text() == "previous"
