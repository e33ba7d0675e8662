#!/usr/bin/python3
"""The sweep on a Dask cluster: here a LocalCluster of two worker processes on this machine; for a real cluster,
pass the scheduler's address (docs/python.md, "Dask"). The result is the single-process sweep's, figure for figure,
which this example checks.

    PYTHONPATH=build/python /usr/bin/python3 python/examples/dask_sweep.py [--size 500x50000] [--scheduler tcp://host:8786]
"""

from __future__ import annotations

import argparse

import numpy as np
from distributed import Client, LocalCluster

import headroom as hr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="500x50000", help="MxN synthetic output stages x headphones (default 500x50000)")
    parser.add_argument("--scheduler", help="a running dask-scheduler's address (default: a LocalCluster of two workers)")
    a = parser.parse_args()
    m, n = (int(x) for x in a.size.lower().split("x"))

    outputs, headphones = hr.synthetic(m, n, seed=1)
    if a.scheduler:
        client = Client(a.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        workers = len(client.scheduler_info()["workers"])
        r = hr.dask_sweep(client, outputs, headphones, target=95, crest=18, min_headroom=3, top=3, partitions=2 * workers)
        print(f"{r.outputs} output stages x {r.headphones} headphones on {workers} workers: {r.pairs_per_second:.3g} pairs/s "
              f"({r.seconds:.2f} s, transfers included)")
        print(f"headroom min {r.headroom_db['min']:+.2f} dB, mean {r.headroom_db['mean']:+.2f} dB, max {r.headroom_db['max']:+.2f} dB; "
              f"{r.above_threshold / r.pairs:.1%} of pairs have 3 dB or more")
        best = int(np.argmax(r.top.headroom_db[:, 0]))
        print(f"the easiest headphone to drive is synthetic headphone {best}: best output {r.top.output[best, 0]} "
              f"with {r.top.headroom_db[best, 0]:+.2f} dB ({hr.LIMITS[r.top.limit[best, 0]]}-limited)")

        local = hr.sweep(outputs, headphones, target=95, crest=18, min_headroom=3, top=3)
        same = (local.headroom_db == r.headroom_db and local.binding == r.binding and local.above_threshold == r.above_threshold
                and all(np.array_equal(x, y) for x, y in zip(local.top, r.top)))
        print("the same as one process: " + ("yes, exactly" if same else "NO"))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
