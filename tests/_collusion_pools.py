"""Shared fixtures for tests that run work on executors (imported by test_running.py and
test_calvano.py), started once per test session:

* ``process_pool``: a local pool of two spawned processes (what ``workers=2`` builds).
  Starting a worker costs seconds on the course's shared 2-core machine (each imports the
  course package), so the tests share one pool; ``local_pool_factory`` makes ``workers=2``
  use it too, so that code path is exercised without a second start-up.
* ``dask_executor``: a Dask ``LocalCluster`` with two workers. It uses threads
  (``processes=False``): worker processes would add the same start-up cost again, and the
  property tested (seeded runs whose results do not depend on where they ran) is the same
  either way; the compiled Calvano engine releases the GIL, so its threads run in parallel.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest


@pytest.fixture(scope="session")
def process_pool():
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


class _SharedPool:
    """Stands in for the pool ``workers=2`` creates: records the request, runs on the
    shared pool, and leaves it open at shutdown."""

    def __init__(self, pool, requests):
        self._pool, self._requests = pool, requests

    def __call__(self, max_workers, mp_context=None):
        self._requests.append((max_workers, mp_context.get_start_method() if mp_context else None))
        return self

    def submit(self, fn, *args, **kwargs):
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait=True, cancel_futures=False):
        self._requests.append("shutdown")


@pytest.fixture
def local_pool_factory(process_pool, monkeypatch):
    """Make ``workers=k`` run on the shared process pool; returns the list of requests."""
    import mesa_models.running as running

    requests: list = []
    monkeypatch.setattr(running, "ProcessPoolExecutor", _SharedPool(process_pool, requests))
    return requests


@pytest.fixture(scope="session")
def dask_executor():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        with distributed.Client(cluster) as client:
            yield client.get_executor()
