"""One BLAS thread: the right setting for visualbp's small matrices on a shared laptop.

Measured on a 2-core machine: with OpenBLAS's default two threads, a [784, 30, 10]
epoch at minibatch 100 took 3.3 s instead of 31 ms whenever another process held a
core (its threads spin while they wait for each other), and a GUI thread calling
NumPy beside the training thread slowed training 50-fold. One thread loses nothing
at these sizes. The app, the benchmarks and the tests call this once at start-up.
"""

from __future__ import annotations


def limit_blas_threads(threads: int = 1) -> bool:
    """Limit the BLAS libraries NumPy loaded to ``threads``; False if threadpoolctl is missing."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    threadpool_limits(limits=threads, user_api="blas")
    from visualbp.core import fastpath

    fastpath.one_blas_thread = threads == 1  # its sums of squares need no splitting then
    return True
