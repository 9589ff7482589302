"""Regenerate the cached robustness results: ``python -m ketamodel.robustness``.

Runs :func:`~ketamodel.robustness.analysis.run_all` (every claim, about 45 min
on one core) and writes ``ketamodel/robustness/data/robustness.json``. With
``--scheduler tcp://host:8786`` the evaluations run on that Dask cluster;
``--local N`` starts a local cluster of N worker processes (needs the
``scale`` extra); ``--only KEY ...`` reruns some claims and keeps the others,
which must have been made with the same code.
"""

from __future__ import annotations

import argparse
import sys
import time

from .analysis import load_results, run_all, save_results
from .claims import CLAIMS


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the analysis, write the file; returns the exit status."""
    ap = argparse.ArgumentParser(prog="python -m ketamodel.robustness",
                                 description="Regenerate the robustness appendix's data.")
    ap.add_argument("--scheduler", help="address of a Dask scheduler (tcp://host:8786)")
    ap.add_argument("--local", type=int, default=0,
                    help="start a local Dask cluster of this many worker processes")
    ap.add_argument("--only", nargs="+", choices=tuple(CLAIMS), help="claims to rerun")
    args = ap.parse_args(argv)
    client = None
    if args.scheduler or args.local:
        from dask.distributed import Client, LocalCluster

        client = Client(args.scheduler) if args.scheduler else Client(
            LocalCluster(n_workers=args.local, threads_per_worker=1, processes=True,
                         dashboard_address=":0"))
    t0 = time.perf_counter()
    try:
        fresh = run_all(args.only, client=client, log=lambda s: print(s, flush=True))
    finally:
        if client is not None:
            client.close()
    # Keep the other claims only if they were made with this code: load_results refuses
    # a stale file, so --only cannot stamp old results with a new fingerprint.
    results = {} if not args.only else load_results(check=True, complete=False)
    results.update({r.key: r for r in fresh})
    path = save_results([results[k] for k in CLAIMS if k in results])
    print(f"wrote {path.name} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
