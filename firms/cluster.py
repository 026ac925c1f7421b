"""A dask.distributed cluster for the scale-out engine (:mod:`firms.scale`).

Either connect to a running scheduler (``tcp://host:8786``: a cluster started by
dask-jobqueue, dask-kubernetes, a cloud service or ``dask scheduler`` by hand) or
start a :class:`distributed.LocalCluster` of worker *processes* on this machine.
Processes, because the import holds the GIL for much of its work, so threads of
one process gain little; see docs/scale.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["dask_client", "local_shape"]


def local_shape(cores: int | None = None) -> tuple[int, int]:
    """(worker processes, threads each) for a local cluster on ``cores`` cores.

    One thread per process up to 8 cores (the import is GIL-bound); above that two
    threads per process, which halves the copies of the layers and places held."""
    cores = max(1, cores or os.cpu_count() or 1)
    threads = 2 if cores >= 8 else 1
    return max(1, cores // threads), threads


@contextmanager
def dask_client(address: str | None = None, *, workers: int | None = None,
                threads: int | None = None, dashboard: str = ":8787",
                host: str | None = None, say: Callable[[str], None] | None = None
                ) -> Iterator[Any]:
    """A :class:`distributed.Client` for the engine, closed (with its cluster) on exit.

    ``address``: a running scheduler to connect to; without it a LocalCluster of
    ``workers`` processes × ``threads`` threads (default :func:`local_shape`) is
    started, its dashboard on ``dashboard`` (``":0"`` picks a free port). ``say``
    receives the dashboard address."""
    from distributed import Client, LocalCluster  # only on the cluster path

    say = say or (lambda _msg: None)
    if address:
        client = Client(address)
        cluster = None
    else:
        default_workers, default_threads = local_shape()
        cluster = LocalCluster(n_workers=workers or default_workers,
                               threads_per_worker=threads or default_threads,
                               processes=True, dashboard_address=dashboard, host=host)
        client = Client(cluster)
    try:
        say(f"dask dashboard: {client.dashboard_link}")
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
