"""`decode` and `is_binary` skip their NUL-byte counts when a memchr finds no NUL: the same
answers as the counting code they replaced (kept here), on the corpus files and on bytes with
NULs in every pattern."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document import encoding
from auditor.document.encoding import Decoded, decode, is_binary

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    path
    for folder in ("bench/corpus", "policies", "tests")
    for path in (ROOT / folder).rglob("*")
    if path.suffix.lower() in (".md", ".txt", ".html", ".htm") and path.is_file()
)


def _old_utf16_without_bom(head: bytes) -> str | None:
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even = head[: 2 * pairs : 2].count(0)
    odd = head[1 : 2 * pairs : 2].count(0)
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        codec = "utf-16-le"
    elif even >= 0.3 * pairs and odd <= 0.02 * pairs:
        codec = "utf-16-be"
    else:
        return None
    if "\x00" in head[: 2 * pairs].decode(codec, "replace"):
        return None
    return codec


def _old_is_binary(data: bytes) -> str | None:
    for magic, at, name in encoding._MAGIC:
        if data.startswith(magic, at):
            if name == "bzip2" and not data.startswith(b"1AY&SY", 4):
                continue
            return f"binary file ({name})"
    head = data[: encoding._SNIFF]
    nuls = head.count(b"\x00")
    stray = nuls <= encoding._STRAY_NULS and nuls * 100 <= len(head)
    if nuls and not stray and encoding._bom(data) is None and _old_utf16_without_bom(head) is None:
        return "binary file (contains NUL bytes)"
    return None


def _old_decode(data: bytes) -> Decoded:
    warnings: list[str] = []
    bom = encoding._bom(data)
    if bom is not None:
        return Decoded(encoding._decode(data, bom, warnings), bom, warnings)
    utf16 = _old_utf16_without_bom(data[: encoding._SNIFF])
    if utf16 is not None:
        warnings.append(f"no byte-order mark; decoded as {utf16.upper()} (NUL-byte pattern)")
        return Decoded(encoding._decode(data, utf16, warnings), utf16, warnings)
    if nuls := data.count(b"\x00"):
        warnings.append(f"{nuls} NUL byte{'s' if nuls > 1 else ''} in the text (ignored)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", warnings)
    except UnicodeDecodeError:
        pass
    undefined = sum(data.count(b) for b in encoding._CP1252_UNDEFINED)
    message = "not valid UTF-8; decoded as cp1252"
    if undefined:
        message += f" ({undefined} bytes undefined in cp1252 replaced with U+FFFD)"
    warnings.append(message)
    return Decoded(data.decode("cp1252", "replace"), "cp1252", warnings)


def assert_same(data: bytes) -> None:
    assert is_binary(data) == _old_is_binary(data)
    assert encoding._utf16_without_bom(data[:8192]) == _old_utf16_without_bom(data[:8192])
    if is_binary(data) is None:
        assert decode(data) == _old_decode(data)


def test_corpus_files() -> None:
    assert len(FILES) > 150
    for path in FILES:
        data = path.read_bytes()
        assert_same(data)
        for variant in (
            data.decode("utf-8", "replace").encode("utf-16-le"),
            data[:100] + b"\x00" + data[100:],
            data.replace(b" ", b"\x00"),
        ):
            assert_same(variant)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"\x00", b"a", b"\x00a", b"a\x00", b"\xff\xfe", b"\xe9"]), max_size=300
    ).map(b"".join)
)
def test_bytes_with_nuls(data: bytes) -> None:
    assert_same(data)
