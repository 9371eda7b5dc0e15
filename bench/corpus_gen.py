"""Build a benchmark corpus of N policies from the real ones in bench/corpus/.

Every generated file is a real policy, reused or recombined, so the audit does the work it does in
production: the same sentences, headings, addresses and dates, in different sizes and formats.
The mix (by share of files):

* 40 % verbatim markdown copies;
* 20 % markdown with its sections shuffled (the corpus header and title stay first);
* 10 % larger: the sections of two policies merged under the first one's header;
* 10 % smaller: the first two to four sections only;
* 10 % plain text (`.txt`): markdown markup stripped;
* 10 % HTML: a real archived page, or a markdown policy rendered as a simple page.

The build is deterministic (seeded), so two runs with the same N and seed audit the same bytes.
Files go 1,000 to a folder, as an archive would store them.
"""

from __future__ import annotations

import html
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
PER_FOLDER = 1000

_HEADING = re.compile(r"^#{1,6}\s", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"\n]*\")?\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")

# (kind, cumulative weight): see the module doc.
_MIX = [
    ("copy", 40),
    ("shuffle", 60),
    ("merge", 70),
    ("trim", 80),
    ("text", 90),
    ("html", 100),
]


@dataclass(frozen=True)
class Policy:
    """A real markdown policy split into its corpus header + title and its sections."""

    name: str
    head: str
    sections: list[str]


def split_policy(name: str, text: str) -> Policy:
    """Split markdown at headings; what precedes the second heading is the head."""
    starts = [m.start() for m in _HEADING.finditer(text)]
    if len(starts) < 2:
        return Policy(name, text, [])
    head = text[: starts[1]]
    sections = [text[a:b] for a, b in zip(starts[1:], [*starts[2:], len(text)], strict=True)]
    return Policy(name, head, sections)


def _ensure_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def to_text(markdown: str) -> str:
    """Markdown with its markup removed, as a scraped plain-text copy would read."""
    out = []
    for line in markdown.splitlines():
        line = re.sub(r"^#{1,6}\s+", "", line)
        line = re.sub(r"^>\s?", "", line)
        line = _LINK.sub(r"\1", line)
        line = _EMPHASIS.sub("", line)
        out.append(line.replace("\\", ""))
    return "\n".join(out) + "\n"


def to_html(policy: Policy) -> str:
    """A markdown policy rendered as a simple web page, with the corpus header as a comment."""
    header, _, rest = policy.head.partition("\n")
    comment = to_text(header).strip().replace("--", "-")
    body: list[str] = []
    for block in re.split(r"\n\s*\n", rest + "".join(policy.sections)):
        block = block.strip()
        if not block:
            continue
        if m := re.match(r"^(#{1,6})\s+(.*)", block):
            level = len(m.group(1))
            body.append(f"<h{level}>{html.escape(to_text(m.group(2)).strip())}</h{level}>")
        elif block.startswith(("* ", "- ", "+ ")):
            items = re.split(r"\n[*+-] ", "\n" + block)
            lis = "".join(f"<li>{html.escape(to_text(i).strip())}</li>" for i in items if i)
            body.append(f"<ul>{lis}</ul>")
        else:
            body.append(f"<p>{html.escape(to_text(block).strip())}</p>")
    return (
        f"<!--{comment}-->\n<html><head><title>Privacy Policy</title></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def load_sources() -> tuple[list[Policy], list[Path]]:
    """The real markdown policies (split) and the real HTML pages."""
    policies = [
        split_policy(p.stem, p.read_text(encoding="utf-8"))
        for p in sorted((CORPUS / "md").glob("*.md"))
    ]
    pages = sorted((CORPUS / "html").glob("*.html"))
    return policies, pages


def generate(rng: random.Random, policies: list[Policy], pages: list[Path]) -> tuple[str, str, str]:
    """One generated policy: (kind, file extension, text)."""
    roll = rng.randrange(100)
    kind = next(k for k, bound in _MIX if roll < bound)
    first = rng.choice(policies)
    if kind == "copy" or not first.sections:
        return "copy", "md", _ensure_newline(first.head + "".join(first.sections))
    if kind == "shuffle":
        sections = list(first.sections)
        rng.shuffle(sections)
        return kind, "md", _ensure_newline(first.head + "".join(map(_ensure_newline, sections)))
    if kind == "merge":
        second = rng.choice(policies)
        sections = first.sections + second.sections
        return kind, "md", _ensure_newline(first.head + "".join(map(_ensure_newline, sections)))
    if kind == "trim":
        keep = first.sections[: rng.randint(2, 4)]
        return kind, "md", _ensure_newline(first.head + "".join(keep))
    if kind == "text":
        return kind, "txt", to_text(first.head + "".join(first.sections))
    if rng.random() < 0.5:
        return "html-page", "html", rng.choice(pages).read_text(encoding="utf-8")
    return "html", "html", to_html(first)


def build(n: int, root: Path, seed: int = 6) -> Path:
    """Write N policies under `root`/corpus-N-sSEED (reused when complete); return that folder."""
    folder = root / f"corpus-{n}-s{seed}"
    stamp = folder / ".complete.json"
    if stamp.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    policies, pages = load_sources()
    counts: dict[str, int] = {}
    total = 0
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)  # each file on its own: stable under any N
        kind, ext, text = generate(rng, policies, pages)
        sub = folder / f"{i // PER_FOLDER:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (sub / f"{i:07d}.{ext}").write_bytes(data)
        counts[kind] = counts.get(kind, 0) + 1
        total += len(data)
    stamp.write_text(json.dumps({"files": n, "bytes": total, "seed": seed, "kinds": counts}))
    return folder


def corpus_stats(folder: Path) -> dict[str, int]:
    """Files and bytes of a corpus folder (generated or not)."""
    stamp = folder / ".complete.json"
    if stamp.exists():
        info = json.loads(stamp.read_text())
        return {"files": info["files"], "bytes": info["bytes"]}
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}
