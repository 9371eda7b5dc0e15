"""Per-document budgets of time and memory: going over one ends the document, wherever it is.

A document that takes too long, or makes its process's resident memory grow too much, is
interrupted between two bytecodes and becomes an ERROR result (see `auditor.audit`); the rest
of the run goes on. In a process's main thread an interval timer's signal does the checking;
in any other thread (Dask runs tasks in worker threads) one watchdog thread per process does,
and hands the exception to the document's thread through the interpreter's
asynchronous-exception slot.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import itertools
import math
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

T = TypeVar("T")

# Seconds between two looks at the memory budget. A document can go over it by what it
# allocates in that time; a look costs about 2 us, so even a pathological document that runs
# for a minute spends 3 ms on them (and a typical one, done in 4 ms, none).
TICK = 0.05


class BudgetExceeded(BaseException):
    """A document went over one of its budgets.

    A BaseException, like KeyboardInterrupt: it arrives at any bytecode, and the engine's
    `except Exception` (a bug costs one finding) must not turn it into one check's ERROR and
    go on with the next checks without a budget.
    """


class OutOfTime(BudgetExceeded):
    """A document took longer than its time budget."""


class OutOfMemory(BudgetExceeded):
    """A document made its process's resident memory grow by more than its memory budget."""


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_statm: tuple[int, int] = (0, -1)  # (pid, that process's descriptor of /proc/self/statm)


def resident_memory() -> int | None:
    """This process's resident memory in bytes; None where the system does not say (no /proc).

    The file stays open: a `pread` of it costs about 1 us, opening it again 8 us. A forked
    child inherits its parent's descriptor, which names the parent, so it opens its own.
    """
    global _statm
    pid, fd = _statm
    if pid != os.getpid():
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            fd = os.open("/proc/self/statm", os.O_RDONLY)
        except OSError:
            fd = -1
        _statm = (os.getpid(), fd)
    if fd < 0:
        return None
    try:
        return int(os.pread(fd, 128, 0).split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def within_budget(work: Callable[[], T], seconds: float, memory: int = 0) -> T:
    """`work()`, ended by OutOfTime after `seconds`, or by OutOfMemory once the process's
    resident memory has grown by more than `memory` bytes since it began (looked at every
    TICK seconds). A budget <= 0 is no budget; so is memory where it cannot be read.

    The exception arrives between two bytecodes, so it interrupts pure-Python work; every
    regex here is RE2 or a vetted built-in pattern, so no single C call runs long enough to
    matter. It is only ever raised while `work` runs (see `_where`), never in the code that
    sets the budget up or takes it down, nor once `work` has returned.
    """
    limit = None
    if memory > 0:
        base = resident_memory()
        limit = base + memory if base is not None else None
    if seconds <= 0 and limit is None:
        return work()
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _signal_budget(work, seconds, limit)
    return _thread_budget(work, seconds, limit)


def _body(work: Callable[[], T]) -> T:
    """Runs the budgeted work: its frame on a thread's stack is what says that the work is
    under way there (see `_where`)."""
    return work()


_BODY = _body.__code__


def _where(frame: FrameType | None) -> str:
    """Where a thread stopped at `frame` is: "body" (in the budgeted work), "finalizer" (in a
    `__del__` or a garbage-collector callback run from it), or "outside" (the work has not
    begun or has ended).

    An exception raised in a finalizer is printed ("Exception ignored in ...") and dropped,
    and the work runs on: Dask's workers have such a callback, and so has a process where
    Hypothesis ran. One raised outside the work would strike whatever runs next.
    """
    callbacks = {
        getattr(getattr(callback, "__func__", callback), "__code__", None)
        for callback in gc.callbacks
    }
    in_finalizer = False
    while frame is not None:
        code = frame.f_code
        if code is _BODY:
            return "finalizer" if in_finalizer else "body"
        if code.co_name == "__del__" or code in callbacks:
            in_finalizer = True
        frame = frame.f_back
    return "outside"


def _next_look(remaining: float, limit: int | None) -> float:
    """Seconds until the timer should look again (never 0, which would stop it)."""
    return max(min(remaining, TICK) if limit is not None else remaining, 1e-4)


def _signal_budget(work: Callable[[], T], seconds: float, limit: int | None) -> T:
    deadline = time.monotonic() + seconds if seconds > 0 else math.inf

    def look(signum: int, frame: FrameType | None) -> None:
        where = _where(frame)
        if where == "outside":
            # A signal of the timer's last round, handled as the budget is taken down (inside
            # `signal.signal`, which runs pending handlers): arming the timer again here left
            # it to go off under the default action, which ends the process.
            return
        now = time.monotonic()
        over: type[BudgetExceeded] | None = None
        if now >= deadline:
            over = OutOfTime
        elif limit is not None and (resident_memory() or 0) > limit:
            over = OutOfMemory
        if over is None:
            signal.setitimer(signal.ITIMER_REAL, _next_look(deadline - now, limit))
        elif where == "finalizer":
            signal.setitimer(signal.ITIMER_REAL, 0.001)
        else:
            # Should it still be dropped (a finalizer that starts before it is raised), the
            # timer looks again.
            signal.setitimer(signal.ITIMER_REAL, TICK)
            raise over

    previous = signal.signal(signal.SIGALRM, look)
    try:
        signal.setitimer(signal.ITIMER_REAL, _next_look(seconds if seconds > 0 else TICK, limit))
        return _body(work)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        # Not back to the default action, which ends the process: a signal of the timer's last
        # round can still be on its way (valgrind, for one, delivers it after this point).
        # (None: a handler not set from Python, which cannot be put back.)
        keep = previous not in (signal.SIG_DFL, None)
        signal.signal(signal.SIGALRM, previous if keep else _late_signal)


def _late_signal(signum: int, frame: FrameType | None) -> None:
    """What a SIGALRM does between budgets: nothing."""


@atexit.register
def _ignore_late_signals() -> None:
    """As the interpreter shuts down it puts the default action, which ends the process, back
    on every signal with a Python handler, `_late_signal` included; a late SIGALRM of a
    budget's last round (valgrind delivers them late) then killed it in its final garbage
    collection. Ignored, it is dropped."""
    if hasattr(signal, "SIGALRM") and signal.getsignal(signal.SIGALRM) is _late_signal:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    """Raise `exc` in thread `thread_id` at its next bytecode; None withdraws a pending one."""
    import ctypes  # imported by `_thread_budget` before any budget was armed

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None
    )


class _Watchdog:
    """One thread per process that raises OutOfTime or OutOfMemory in the threads whose budget
    ran out (a timer thread per document would cost ~150 us each to start).

    The exception can arrive in a document's thread at any bytecode, so that thread only
    takes locks and queues implemented in C (no bytecode runs between acquiring and entering
    the `with`, so none can leave them held); the loop thread is never a target.

    Resident memory belongs to the process, not to a thread: the memory budget is enforced
    while one document at a time runs in the process (as in a Dask worker with one thread,
    as our own local cluster has). With several at once, growth cannot be laid at one
    document's door, and memory is left to the cluster's own worker limits.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start afresh (also in a forked child, which has no loop thread and may have copied
        the lock while held)."""
        self._lock = threading.Lock()
        self._wake: queue.SimpleQueue[None] = queue.SimpleQueue()
        # token -> (deadline, memory limit or None, thread id)
        self._armed: dict[int, tuple[float, int | None, int]] = {}
        self._fired: dict[int, float] = {}  # token -> when its exception was last sent
        self._tokens = itertools.count()
        self._pid = 0  # the process whose thread runs the loop (a forked child has none)

    def arm(self, seconds: float, limit: int | None) -> int:
        """Start a budget for the calling thread; the token to disarm it with."""
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._loop, name="budget", daemon=True).start()
            thread_id = threading.get_ident()
            # A budget is never nested in another: one this thread still holds was left by an
            # exception that struck as its work ended, before `disarm` ran.
            for stale in [t for t, (_, _, tid) in self._armed.items() if tid == thread_id]:
                del self._armed[stale]
                self._fired.pop(stale, None)
            token = next(self._tokens)
            deadline = time.monotonic() + seconds if seconds > 0 else math.inf
            self._armed[token] = (deadline, limit, thread_id)
        self._wake.put(None)
        return token

    def disarm(self, token: int) -> None:
        """End a budget. Under the lock, so nothing is raised after this returns: an exception
        sent but not yet raised in its thread is withdrawn."""
        with self._lock:
            _, _, thread_id = self._armed.pop(token)
            if self._fired.pop(token, None) is not None:
                _set_async_exc(thread_id, None)

    def _loop(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                alone = len(self._armed) == 1
                waiting: list[float] = []
                for token, (deadline, limit, thread_id) in self._armed.items():
                    over: type[BudgetExceeded] | None = None
                    fired = self._fired.get(token)
                    if fired is not None:
                        # Still armed: the exception was dropped (the thread entered a
                        # finalizer between the look and the raise); send it again.
                        if now - fired >= TICK:
                            over = OutOfTime if deadline <= now else OutOfMemory
                    elif deadline <= now:
                        over = OutOfTime
                    elif limit is not None and alone and (resident_memory() or 0) > limit:
                        over = OutOfMemory
                    if over is not None:
                        where = _where(sys._current_frames().get(thread_id))
                        if where == "finalizer":
                            waiting.append(now + 0.001)
                            continue
                        if where == "outside":  # the work has ended (or not yet begun)
                            waiting.append(now + TICK)
                            continue
                        self._fired[token] = now
                        _set_async_exc(thread_id, over)
                        fired = now
                    if fired is not None:
                        waiting.append(fired + TICK)
                    else:
                        waiting.append(deadline if limit is None else min(deadline, now + TICK))
            with contextlib.suppress(queue.Empty):
                self._wake.get(timeout=min(waiting) - now if waiting else None)


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHDOG.reset)


def _thread_budget(work: Callable[[], T], seconds: float, limit: int | None) -> T:
    # For `_set_async_exc`: only budgets in worker threads (Dask) need ctypes, so start-up does
    # not import it (0.5 % of a one-policy audit); imported before the budget is armed, as an
    # import runs bytecode in this thread.
    import ctypes  # noqa: F401

    token = _WATCHDOG.arm(seconds, limit)
    try:
        return _body(work)
    finally:
        _WATCHDOG.disarm(token)
