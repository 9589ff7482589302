"""Small dense linear algebra on one BLAS thread.

The models exponentiate many tiny matrices (5 × 5 for the trapping scheme).
For those, a multi-threaded BLAS only adds hand-offs between threads, and on a
busy machine the threads wait for each other: a day of trapping block at
5 Hz took 45 times longer with two threads than with one. :func:`one_thread`
limits BLAS to one thread for the duration of a ``with`` block and restores
the previous setting afterwards (``threadpoolctl``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import cache

from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    """The thread pools of the loaded BLAS libraries (inspected once per process)."""
    return ThreadpoolController()


def one_thread() -> AbstractContextManager:
    """A context in which BLAS runs on one thread."""
    return _controller().limit(limits=1, user_api="blas")
