"""Writers fed the results one policy at a time, so that several share one pass over them.

A sink is a generator: primed with `next`, it is sent each item in order, then None, on
which it finishes its output and returns (StopIteration's value). On a spooled run every pass
over the results reads and parses the spool file again, so the reports written in one process
read it once between them, not once each.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Sink = Generator[None, T | None, R]


def finish(sink: Sink[Any, R]) -> R:
    """Tell a primed sink that nothing more comes; what it returns."""
    try:
        sink.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]  # StopIteration.value is Any
    raise RuntimeError("a sink went on after its last item")


def feed(sinks: Sequence[Sink[T, R]], items: Iterable[T]) -> list[R]:
    """Send every item to every sink, in one pass over `items`; what each returns. If any of
    them fails, all are closed (each cleans up what it has written) and the error raised."""
    if not sinks:
        return []  # no pass for nobody: on a spool, a pass reads the whole file
    try:
        for sink in sinks:
            next(sink)
        for item in items:
            for sink in sinks:
                sink.send(item)
        return [finish(sink) for sink in sinks]
    except BaseException:
        for sink in sinks:
            sink.close()
        raise
